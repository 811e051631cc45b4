"""The one safety check for every .docx and .xlsx that comes in (a drafter's upload, a tracking
import, the CLI): both are zip files of XML parts, so a hostile one is refused before
python-docx or openpyxl parse it.

    check_office_file(path, "docx", DocumentError, shown="TB 02.docx")

What is refused, each with a Vietnamese message saying what to do: an empty, missing or
oversized file; an old binary .doc/.xls or a password-protected file; anything that is not a
zip of the right kind; too many members; member names that are paths out of the archive
("../", "/etc", "C:\\"); macros (vbaProject.bin, macro-enabled content types); a zip bomb,
measured by inflating every member as a stream and counting the bytes that really come out
(the sizes a zip declares can lie), with a cap on the whole and on each XML part; XML with a
DTD or entities (defusedxml), and XML that does not parse.
"""

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ketluan.errors import KetluanError

CHUNK = 1024 * 1024
MAX_MEMBERS = 1000  # a real notice has ~20 parts, a workbook a few dozen
MAX_RATIO = 200  # unpacked / packed, for a member over 1 MB
RATIO_FLOOR = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    suffix: str  # ".docx"
    main_part: str  # the part every such file has
    what: str  # "tài liệu Word (.docx)"
    old: str  # the legacy binary format's name
    macro_suffix: str
    max_file: int  # bytes on disk
    max_unpacked: int  # bytes once inflated, all members together
    max_xml: int  # bytes of one XML part (it is parsed, so it costs memory)
    hint: str  # how to get a good file


KINDS = {
    "docx": Kind(
        ".docx",
        "word/document.xml",
        "tài liệu Word (.docx)",
        "định dạng Word cũ (.doc)",
        ".docm",
        50 * 2**20,
        100 * 2**20,
        16 * 2**20,
        "Hãy mở tệp bằng Word hoặc LibreOffice và lưu lại dưới dạng .docx.",
    ),
    "xlsx": Kind(
        ".xlsx",
        "xl/workbook.xml",
        "bảng tính Excel (.xlsx)",
        "định dạng Excel cũ (.xls)",
        ".xlsm",
        50 * 2**20,
        300 * 2**20,
        64 * 2**20,
        "Hãy mở tệp bằng Excel hoặc LibreOffice và lưu lại dưới dạng .xlsx.",
    ),
}


def kind_of(path: Path, name: str) -> str | None:
    """ "docx" or "xlsx": by the suffix of `name` (the file the user chose), else by the main part
    the zip holds (a file uploaded without its suffix); None when it is neither. Not a safety
    check: `check_office_file` still has to pass before the file is parsed."""
    suffix = Path(name).suffix.lower()
    for key, k in KINDS.items():
        if suffix in (k.suffix, k.macro_suffix):
            return key
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    return next((key for key, k in KINDS.items() if k.main_part in names), None)


def check_office_file(path: Path, kind: str, error: type[KetluanError], shown: str | None = None) -> None:
    """Return quietly for a plain, safe .docx/.xlsx; raise `error` (with a hint) otherwise."""
    path, k = Path(path), KINDS[kind]
    name = shown or path.name
    if not path.exists():
        raise error(f"Không tìm thấy tệp '{path}'.", "Hãy kiểm tra lại đường dẫn.")
    size = path.stat().st_size
    if size == 0:
        raise error(f"Tệp '{name}' rỗng (0 byte).", f"Hãy chọn lại tệp {k.suffix} đúng.")
    if size > k.max_file:
        raise error(
            f"Tệp '{name}' quá lớn ({size // 2**20} MB; tối đa {k.max_file // 2**20} MB).",
            "Hãy bỏ bớt ảnh lớn hoặc tách thành nhiều tệp rồi lưu lại.",
        )
    with path.open("rb") as f:
        magic = f.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise error(
            f"Tệp '{name}' là {k.old} hoặc đã đặt mật khẩu.", f"Hãy bỏ mật khẩu và lưu lại dưới dạng {k.suffix}."
        )
    if not zipfile.is_zipfile(path):
        raise error(f"Tệp '{name}' không phải {k.what}.", k.hint)
    try:
        with zipfile.ZipFile(path) as z:
            _check_members(z, name, k, error)
    except zipfile.BadZipFile:
        raise error(f"Tệp '{name}' bị hỏng (tệp nén {k.suffix} không đọc được).", k.hint) from None


def _check_members(z: zipfile.ZipFile, name: str, k: Kind, error: type[KetluanError]) -> None:
    infos = z.infolist()
    bomb = error(
        f"Tệp '{name}' giải nén ra quá lớn so với kích thước tệp (nghi là 'bom nén').",
        f"ketluan từ chối mở tệp này. {k.hint}",
    )
    if len(infos) > MAX_MEMBERS or _declared_bomb(infos, k.max_unpacked):
        raise bomb  # what the zip admits to; what it hides is caught while inflating below
    names = {i.filename for i in infos}
    for info in infos:
        if not _plain_name(info.filename):
            raise error(
                f"Tệp '{name}' chứa phần có tên là đường dẫn ra ngoài ('{info.filename[:80]}').",
                f"ketluan không mở tệp này. {k.hint}",
            )
    types = _small(z, "[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if (
        any(PurePosixPath(n).name.lower() in ("vbaproject.bin", "vbadata.xml") for n in names)
        or b"macroenabled" in types.lower()
    ):
        raise error(
            f"Tệp '{name}' có chứa macro ({k.macro_suffix}); ketluan không mở tệp có macro.",
            f"Hãy lưu lại dưới dạng {k.what} không có macro.",
        )
    if k.main_part not in names or not types:
        other = next((w for w in KINDS.values() if w is not k and w.main_part in names), None)
        if other is not None:
            raise error(
                f"Tệp '{name}' là {other.what.split(' (')[0]}, không phải {k.what.split(' (')[0]}.",
                f"Hãy chọn đúng tệp {k.suffix}.",
            )
        raise error(f"Tệp '{name}' là tệp nén nhưng không phải {k.what}.", k.hint)
    budget = _Budget(k.max_unpacked, bomb)
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            _check_xml(z, info, name, k, budget, error)
        else:
            with z.open(info) as member:
                _drain(member, info, budget)


class _Budget:
    """Bytes really inflated so far, over all members; the bomb error once over the cap."""

    def __init__(self, limit: int, bomb: KetluanError) -> None:
        self.left, self.bomb = limit, bomb

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise self.bomb


def _drain(member: IO[bytes], info: zipfile.ZipInfo, budget: _Budget) -> None:
    got = 0
    while chunk := member.read(CHUNK):
        got += len(chunk)
        budget.spend(len(chunk))
        if got > RATIO_FLOOR and got > MAX_RATIO * max(info.compress_size, 1):
            raise budget.bomb


class _Counted:
    """A member read through the budget, for the streaming XML parser."""

    def __init__(self, member: IO[bytes], info: zipfile.ZipInfo, budget: _Budget, cap: int) -> None:
        self.member, self.info, self.budget, self.cap, self.got = member, info, budget, cap, 0

    def read(self, n: int = CHUNK) -> bytes:
        chunk = self.member.read(min(n if n > 0 else CHUNK, CHUNK))
        self.got += len(chunk)
        self.budget.spend(len(chunk))
        if self.got > self.cap or (self.got > RATIO_FLOOR and self.got > MAX_RATIO * max(self.info.compress_size, 1)):
            raise self.budget.bomb
        return chunk


def _check_xml(
    z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, k: Kind, budget: _Budget, error: type[KetluanError]
) -> None:
    with z.open(info) as member:
        stream = _Counted(member, info, budget, k.max_xml)
        try:
            for _, element in SafeET.iterparse(
                stream, events=("end",), forbid_dtd=True, forbid_entities=True, forbid_external=True
            ):
                element.clear()  # keep memory flat: only well-formedness and safety matter here
        except DefusedXmlException:
            raise error(
                f"Tệp '{name}' chứa khai báo XML không an toàn (DTD/entity) trong '{info.filename}'.",
                f"ketluan không mở tệp này. {k.hint}",
            ) from None
        except SafeET.ParseError:
            raise error(f"Tệp '{name}' bị hỏng: phần '{info.filename}' không phải XML hợp lệ.", k.hint) from None


def _declared_bomb(infos: list[zipfile.ZipInfo], limit: int) -> bool:
    if sum(i.file_size for i in infos) > limit:
        return True
    return any(i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)


def _plain_name(member: str) -> bool:
    """A relative name inside the archive: no "..", no root, no drive, no backslash or control."""
    if not member or member.startswith("/") or "\\" in member or ":" in member:
        return False
    if any(ord(c) < 0x20 for c in member):
        return False
    return ".." not in PurePosixPath(member).parts


def _small(z: zipfile.ZipFile, part: str) -> bytes:
    with z.open(part) as f:
        return f.read(256 * 1024)
