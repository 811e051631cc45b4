"""Meeting metadata: what office staff fill in, from a TOML file or a dict.

    [meeting]                       # the table is optional: top-level keys work too
    format = "party"                # party | state
    issuing_body = "Tỉnh ủy Lào Cai"
    superior_body = ""              # e.g. "Đảng bộ tỉnh Lào Cai" for a Huyện ủy
    title = "nghe báo cáo tiến độ giải ngân vốn đầu tư công"
    date = 2026-08-20
    place = "Hội trường Tỉnh ủy"
    chair = "Nguyễn Văn An, Phó Bí thư Thường trực Tỉnh ủy"
    attendees = ["Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy", "Lãnh đạo Sở Tài chính"]
    notice_number = "123"
    start_time = "08:00"            # for the minutes: "Thời gian bắt đầu", and the end time
    secretary = "Lê Thị Hoa, Chuyên viên Văn phòng Tỉnh ủy"   # người ghi biên bản

Signer, recipients and "concluded by" default to the format's usual practice (layouts/*.toml).
"""

import tomllib
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from ketluan.errors import InputError
from transcribe.transcript import nfc

FORMATS = ("party", "state")
_Date = date  # inside Meeting, `date` names the field


@dataclass
class Meeting:
    issuing_body: str
    title: str
    date: date
    format: str = "party"
    superior_body: str = ""
    place: str = ""
    chair: str = ""
    attendees: list[str] = field(default_factory=list)
    notice_number: str = ""
    glossary: str | None = None  # path to an office glossary (transcribe/glossary.py format)
    # What the document needs beyond the meeting itself.
    locality: str = ""  # "Lào Cai" in "Lào Cai, ngày … "; derived from issuing_body if empty
    number_suffix: str = ""  # "TB/TU", "TB-UBND"; the layout's default if empty
    concluded_by: str = ""  # "Thường trực Tỉnh ủy"; "đồng chí <chair>" if empty
    reporting_units: list[str] = field(default_factory=list)  # "Sau khi nghe … báo cáo"
    notice_date: _Date | None = None  # date of issue; blanks are left when unknown
    signer_authority: str = ""  # "T/M BAN THƯỜNG VỤ", "TM. ỦY BAN NHÂN DÂN"
    signer_deputy: str = ""  # "KT. CHỦ TỊCH" (State only; a cấp ủy has no K/T)
    signer_title: str = ""  # "PHÓ BÍ THƯ"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
    chair_speaker: str | None = None  # speaker label of the chair in the transcript, if known
    start_time: str = ""  # "08:00": when the meeting started (the minutes)
    secretary: str = ""  # người ghi biên bản: "Lê Thị Hoa, Chuyên viên Văn phòng"

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise InputError(
                f"Thể thức văn bản '{self.format}' không hợp lệ.",
                'Dùng format = "party" (văn bản Đảng) hoặc "state" (văn bản hành chính).',
            )
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                setattr(self, f.name, nfc(value.strip()))
            elif isinstance(value, list):
                setattr(self, f.name, [nfc(str(v).strip()) for v in value if str(v).strip()])

    @property
    def place_name(self) -> str:
        """The locality printed before the date in the header."""
        if self.locality:
            return self.locality
        words = self.issuing_body.split()
        prefixes = {
            "tỉnh",
            "ủy",
            "huyện",
            "thành",
            "phố",
            "thị",
            "xã",
            "ubnd",
            "ban",
            "nhân",
            "dân",
            "đảng",
            "bộ",
            "thường",
            "vụ",
            "tp.",
            "văn",
            "phòng",
        }
        rest = [w for w in words if w.lower() not in prefixes]
        return " ".join(rest) or self.issuing_body

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, date) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Meeting":
        data = dict(data.get("meeting", data))
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(
                f"Thông tin cuộc họp có trường không biết: {', '.join(unknown)}.",
                f"Các trường hợp lệ: {', '.join(sorted(known))}.",
            )
        missing = [k for k in ("issuing_body", "title", "date") if not data.get(k)]
        if missing:
            raise InputError(
                f"Thiếu thông tin cuộc họp: {', '.join(missing)}.",
                "Hãy điền cơ quan ban hành, tên cuộc họp và ngày họp.",
            )
        for key in ("date", "notice_date"):
            if isinstance(data.get(key), str):
                data[key] = parse_date(data[key], key)
        for key in ("attendees", "reporting_units", "recipients"):
            if isinstance(data.get(key), str):
                data[key] = [data[key]]
        return cls(**data)

    @classmethod
    def load(cls, path: str | Path) -> "Meeting":
        path = Path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise InputError(
                f"Không tìm thấy tệp thông tin cuộc họp '{path}'.", "Hãy kiểm tra lại đường dẫn --meeting."
            ) from None
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(
                f"Tệp thông tin cuộc họp '{path.name}' không đọc được: {exc}.",
                "Tệp phải là TOML, mã hóa UTF-8 (xem samples/meeting.toml).",
            ) from None
        meeting = cls.from_dict(data)
        if meeting.glossary and not Path(meeting.glossary).is_absolute():
            meeting.glossary = str(path.parent / meeting.glossary)
        return meeting


def parse_date(text: str, key: str) -> date:
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.replace("-", "/").split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        d, m, y = (int(p) for p in parts)
        try:
            return date(y, m, d)
        except ValueError:
            pass
    raise InputError(f"Ngày '{text}' ({key}) không hợp lệ.", "Ghi theo dạng 2026-08-20 hoặc 20/8/2026.")
