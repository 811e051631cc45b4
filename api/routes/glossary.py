"""The office (unit) glossary: names, places, titles and abbreviations every meeting of the
unit shares. It is applied to each transcription together with the meeting's own glossary
(services/meeting_jobs.py). Admins edit any unit's; a unit's văn thư and chuyên viên tổng hợp, the
roles that upload and correct its transcripts, edit their own."""

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

import db
from api.deps import DB, Preparer, all_units, audit
from api.middleware import LARGE_BODY
from api.schemas import In
from ketluan.errors import NotFoundError
from transcribe.glossary import Glossary

router = APIRouter(tags=["Quản trị"])


class GlossaryIn(In):
    glossary: str = Field(max_length=200_000, description="Định dạng như từ điển cuộc họp.")


class GlossaryOut(BaseModel):
    unit_id: int
    unit_code: str
    unit_name: str
    glossary: str
    terms: int
    updated_at: str | None

    @classmethod
    def of(cls, unit: db.Unit) -> "GlossaryOut":
        parsed = Glossary.combine(unit.glossary)
        return cls(
            unit_id=unit.id,
            unit_code=unit.code,
            unit_name=unit.name,
            glossary=unit.glossary or "",
            terms=len(parsed.terms) if parsed else 0,
            updated_at=unit.glossary_updated_at.isoformat() if unit.glossary_updated_at else None,
        )


@router.get("/api/units/{unit_id}/glossary", response_model=GlossaryOut)
def get_glossary(unit_id: int, user: Preparer, s: DB) -> GlossaryOut:
    """Từ điển của đơn vị (dùng cho mọi cuộc họp của đơn vị)."""
    return GlossaryOut.of(_unit(s, user, unit_id))


@router.put("/api/units/{unit_id}/glossary", response_model=GlossaryOut, openapi_extra=LARGE_BODY)
def put_glossary(unit_id: int, body: GlossaryIn, request: Request, user: Preparer, s: DB) -> GlossaryOut:
    """Thay từ điển của đơn vị; áp dụng cho các lần chép lời sau (kể cả chạy lại)."""
    unit = _unit(s, user, unit_id)
    unit.glossary = body.glossary
    unit.glossary_updated_at = db.utcnow()
    terms = GlossaryOut.of(unit).terms
    audit(s, request, user, "update", "glossary", unit.id, terms=terms)
    s.commit()
    return GlossaryOut.of(unit)


def _unit(s, user: db.User, unit_id: int) -> db.Unit:
    """The unit if the user may edit its glossary; 404 for another unit (ids not revealed)."""
    unit = s.get(db.Unit, unit_id)
    if unit is None or (not all_units(user) and unit.id != user.unit_id):
        raise NotFoundError(f"Không tìm thấy đơn vị #{unit_id}.", "Chỉ sửa được từ điển của đơn vị mình.")
    return unit
