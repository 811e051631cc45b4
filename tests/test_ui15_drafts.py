"""Issue 15, the draft page's API (TestClient, SQLite): only this meeting's notice is taken as
the edited draft (bug 1), an impossible date in the task table is refused (3), evidence follows
its task or is dropped after an edit, never shifted (4), capitals are not a change (7)."""

import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import db
from db import accounts
from ketluan.settings import Settings

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def api(tmp_path):
    import drafting
    from api import create_app
    from tests.tracking_helpers import conclusion, meeting

    app = create_app(Settings(data_dir=tmp_path / "data"), send=lambda job_id, stage: None)
    store = app.state.store
    made = conclusion()
    for t in made.tasks:
        t.quote = t.quote or f"lời chủ trì giao {t.leads[0]}"
    docx = tmp_path / "v1.docx"
    drafting.render_notice(made, meeting()).save(str(docx))
    with db.session(app.state.engine) as s:
        unit = accounts.ensure_unit(s, "VP", "Văn phòng")
        user = accounts.create_user(s, "tonghop", PASSWORD, "tong_hop", "VP")
        m = meeting()
        row = db.Meeting(
            unit_id=unit.id, title=m.title, issuing_body=m.issuing_body, date=m.date, chair=m.chair, place=m.place
        )
        s.add(row)
        s.flush()
        rel, sha, size = store.put_file(docx, ".docx")
        s.add(
            db.DraftVersion(
                meeting_id=row.id,
                version=1,
                source="generated",
                sha256=sha,
                size=size,
                storage_path=rel,
                conclusion=made.to_dict(),
                created_by=user.id,
            )
        )
        meeting_id = row.id
    with TestClient(app) as c:
        token = c.post("/api/auth/login", json={"username": "tonghop", "password": PASSWORD}).json()["token"]
        c.cookies.clear()
        c.headers["Authorization"] = f"Bearer {token}"
        c.meeting_id, c.v1 = meeting_id, docx
        yield c
    app.state.engine.dispose()


def _versions(c) -> int:
    with db.session(c.app.state.engine) as s:
        return s.scalar(select(func.count()).select_from(db.DraftVersion))


def _upload(c, data: bytes, name: str):
    return c.post(f"/api/meetings/{c.meeting_id}/drafts/upload", files={"file": (name, data)})


def _plain_docx(*lines: str) -> bytes:
    from docx import Document

    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_bug1_only_this_meetings_notice_is_taken_as_the_edited_draft(api, tmp_path):
    import drafting
    from tests.tracking_helpers import conclusion, meeting

    transcript = _plain_docx(
        "BẢN CHÉP LỜI", "Người nói 1: Tôi xin kết luận như sau.", "1. Giao Sở Tài chính rà soát tiến độ giải ngân."
    )
    other = meeting()
    other.title, other.date = "sơ kết công tác phòng chống thiên tai", date(2026, 7, 1)
    elsewhere = tmp_path / "khac.docx"
    drafting.render_notice(conclusion(), other).save(str(elsewhere))
    for name, data in (("ban-chep-loi.docx", transcript), ("khac.docx", elsewhere.read_bytes())):
        r = _upload(api, data, name)
        assert r.status_code == 422, r.text
        detail = r.json()["detail"]
        assert detail["message"] == f"Tệp '{name}' không phải thông báo kết luận của cuộc họp này."
        assert "Tải .docx" in detail["hint"] and meeting().title in detail["hint"]
    assert _versions(api) == 1
    # the notice itself, or a notice that says this meeting's trích yếu, is taken
    assert _upload(api, api.v1.read_bytes(), "du-thao-sua.docx").status_code == 201
    retyped = _plain_docx(
        "TỈNH ỦY LÀO CAI", "THÔNG BÁO", f"Kết luận của Thường trực Tỉnh ủy tại cuộc họp {meeting().title}"
    )
    assert _upload(api, retyped, "go-lai.docx").status_code == 201


def _rows(c, version: int) -> list[dict]:
    r = c.get(f"/api/meetings/{c.meeting_id}/drafts/{version}/conclusion")
    assert r.status_code == 200, r.text
    return r.json()["conclusion"]["tasks"]


def _edit(t: dict) -> dict:
    return {
        "id": t["id"],
        "leads": t["leads"],
        "supports": t["supports"],
        "action": t["action"],
        "deadline_phrase": (t.get("deadline") or {}).get("phrase", ""),
    }


def test_bug3_an_impossible_date_in_the_task_table_is_refused(api):
    tasks = [_edit(t) for t in _rows(api, 1)]
    tasks[1]["deadline_phrase"] = "trước ngày 31/02/2026"
    r = api.post(f"/api/meetings/{api.meeting_id}/drafts/edit", json={"base_version": 1, "tasks": tasks})
    assert r.status_code == 400, r.text
    assert "31/02/2026" in r.json()["detail"]["message"] and "Nhiệm vụ 2" in r.json()["detail"]["message"]
    assert _versions(api) == 1
    tasks[1]["deadline_phrase"] = "trước ngày 28/02/2027"
    r = api.post(f"/api/meetings/{api.meeting_id}/drafts/edit", json={"base_version": 1, "tasks": tasks})
    assert r.status_code == 201, r.text
    assert _rows(api, 2)[1]["deadline"]["due"] == "2027-02-28"


def test_bug4_a_new_row_never_takes_a_deleted_tasks_evidence(api):
    old = _rows(api, 1)
    quotes = {t["action"]: t["quote"] for t in old}
    # delete T2, add a row at the end (in the web table)
    tasks = [_edit(t) for t in old if t["id"] != "T2"]
    tasks.append(
        {
            "id": "",
            "leads": ["Kho bạc Nhà nước tỉnh"],
            "supports": [],
            "action": "Đẩy nhanh kiểm soát chi",
            "deadline_phrase": "",
        }
    )
    r = api.post(f"/api/meetings/{api.meeting_id}/drafts/edit", json={"base_version": 1, "tasks": tasks})
    assert r.status_code == 201, r.text
    new = _rows(api, 2)
    assert len({t["id"] for t in new}) == len(new), [t["id"] for t in new]  # identities stay unique
    assert new[-1]["quote"] == "" and not (new[-1].get("evidence") or {}).get("start")
    for t in new[:-1]:
        assert t["quote"] == quotes[t["action"]]
    # the next edit keeps every task's own evidence
    r = api.post(
        f"/api/meetings/{api.meeting_id}/drafts/edit", json={"base_version": 2, "tasks": [_edit(t) for t in new]}
    )
    assert [t["quote"] for t in _rows(api, 3)] == [t["quote"] for t in new]


def test_bug4_a_paragraph_retyped_in_word_drops_the_old_tasks_evidence(api, tmp_path):
    from docx import Document

    doc = Document(str(api.v1))
    second = next(p for p in doc.paragraphs if p.text.startswith("2."))
    for run in second.runs[1:]:
        run._r.getparent().remove(run._r)
    second.runs[0].text = "2. Giao Kho bạc Nhà nước tỉnh đẩy nhanh kiểm soát chi, hoàn thành trong tháng 11/2026."
    edited = tmp_path / "sua.docx"
    doc.save(str(edited))
    r = _upload(api, edited.read_bytes(), "sua.docx")
    assert r.status_code == 201, r.text
    rows = _rows(api, r.json()["version"])
    treasury = next(t for t in rows if "Kho bạc" in " ".join(t["leads"]))
    assert treasury["quote"] == "" and (treasury.get("evidence") or {}).get("start") is None
    finance = next(t for t in rows if t["leads"] == ["Sở Tài chính"])
    assert finance["quote"].startswith("giao Sở Tài chính")


def test_bug7_capitals_and_spaces_are_not_a_change():
    from services.drafts import compare_lines

    found = compare_lines(
        ["hằng tháng báo cáo tiến độ — Sở Tài chính", "Rà soát vốn — Sở Xây dựng"],
        ["Hằng tháng  báo cáo tiến độ — Sở Tài chính", "Rà soát vốn đầu tư — Sở Xây dựng"],
    )
    assert (found.added, found.removed, found.unchanged) == ([], [], 1) and len(found.changed) == 1


def test_a_date_written_another_way_is_not_a_change():
    """Walking the chain as a new office: a task whose deadline was typed "15/9/2026" in the
    page came back from Word, untouched, as "15-9-2026" (how the notice prints it) and was
    listed as "✎ Sửa"."""
    from services.drafts import compare_lines

    found = compare_lines(
        ["Rà soát vốn — Sở Tài chính — trước ngày 15/9/2026", "Kiểm tra — Sở Xây dựng — trước ngày 1/10/2026"],
        ["Rà soát vốn — Sở Tài chính — trước ngày 15-9-2026", "Kiểm tra — Sở Xây dựng — trước ngày 01/10/2026"],
    )
    assert (found.added, found.removed, found.changed, found.unchanged) == ([], [], [], 2)
    moved = compare_lines(
        ["Rà soát vốn — Sở Tài chính — trước ngày 15/9/2026"], ["Rà soát vốn — Sở Tài chính — trước ngày 16-9-2026"]
    )
    assert len(moved.changed) == 1  # another day is a change
