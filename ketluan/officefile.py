"""Safety checks shared by the .docx and .xlsx readers: both are zip files of XML parts.

A hostile file is refused before python-docx or openpyxl parse it: a zip bomb (too many
members, too much unpacked data, an extreme packing ratio) or XML with a DTD or entities.
"""

import zipfile
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ketluan.errors import KetluanError

MAX_RATIO = 200  # unpacked / packed, per member over 1 MB
MAX_MEMBERS = 5000


def check_zip_sizes(
    path: Path, infos: list[zipfile.ZipInfo], max_unpacked: int, error: type[KetluanError], hint: str
) -> None:
    bomb = error(
        f"Tệp '{path.name}' giải nén ra quá lớn so với kích thước tệp (nghi là 'bom nén').",
        f"ketluan từ chối mở tệp này. {hint}",
    )
    if len(infos) > MAX_MEMBERS:
        raise bomb
    total = 0
    for info in infos:
        total += info.file_size
        if total > max_unpacked:
            raise bomb
        if info.compress_size and info.file_size > 1_000_000 and info.file_size / info.compress_size > MAX_RATIO:
            raise bomb


def check_xml(path: Path, name: str, data: bytes, error: type[KetluanError], hint: str) -> None:
    try:
        SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise error(
            f"Tệp '{path.name}' chứa khai báo XML không an toàn (DTD/entity) trong '{name}'.",
            f"ketluan không mở tệp này. {hint}",
        ) from None
    except SafeET.ParseError:
        raise error(f"Tệp '{path.name}' bị hỏng: phần '{name}' không phải XML hợp lệ.", hint) from None
