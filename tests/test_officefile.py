"""One office-file safety check for every .docx and .xlsx that comes in (issue 11, finding 3):
the draft upload and the tracking import refuse a hostile file at once, with a clear message,
and store nothing."""

import struct
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import db
from api import create_app
from db import accounts
from ketluan.errors import DocumentError
from ketluan.officefile import check_office_file, kind_of
from ketluan.settings import Settings
from tracking.excel import write_template

PASSWORD = "mat-khau-dung"


def _good_docx(path: Path) -> Path:
    from tests.tracking_helpers import render

    return render(path)


def _rezip(src: Path, dst: Path, replace=None, add=None, compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, (replace or {}).get(item.filename, zin.read(item.filename)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def _main_part(kind: str) -> str:
    return "word/document.xml" if kind == "docx" else "xl/workbook.xml"


def _huge_xml(src, dst, kind):
    """~190 KB on disk, 100 MB of XML once inflated (the attack in the issue)."""
    with zipfile.ZipFile(src) as z:
        xml = z.read(_main_part(kind)).decode()
    head, tail = xml.rsplit("</", 1)
    return _rezip(src, dst, replace={_main_part(kind): (head + " " * (100 * 2**20) + "</" + tail).encode()})


def _lying_sizes(src, dst, kind):
    """The same XML bomb, but the zip declares each size as 1 KB: only inflating tells."""
    _huge_xml(src, dst, kind)
    data = bytearray(dst.read_bytes())
    target = _main_part(kind).encode()
    for sig, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        at = data.find(sig)
        while at >= 0:
            n = struct.unpack_from("<H", data, at + name_len_at)[0]
            if data[at + name_at : at + name_at + n] == target:
                struct.pack_into("<I", data, at + size_at, 1024)
            at = data.find(sig, at + 4)
    dst.write_bytes(bytes(data))
    return dst


def _external_entity(src, dst, kind):
    with zipfile.ZipFile(src) as z:
        xml = z.read(_main_part(kind)).decode()
    evil = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + (
        xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
    )
    return _rezip(src, dst, replace={_main_part(kind): evil.encode()})


def _macro(src, dst, kind):
    folder = "word" if kind == "docx" else "xl"
    return _rezip(src, dst, add={f"{folder}/vbaProject.bin": b"\xd0\xcf\x11\xe0 VBA"})


def _many_members(src, dst, kind):
    return _rezip(
        src, dst, add={f"customXml/extra{n}.xml": b"<a/>" for n in range(6000)}, compression=zipfile.ZIP_STORED
    )


def _traversal(src, dst, kind):
    return _rezip(src, dst, add={"../../etc/cron.d/x": b"* * * * * root id"})


HOSTILE = {
    "huge-xml": (_huge_xml, "bom nén"),
    "lying-sizes": (_lying_sizes, "'"),  # refused: bomb or corrupt, never read to the end
    "external-entity": (_external_entity, "không an toàn"),
    "macro": (_macro, "macro"),
    "6000-members": (_many_members, "bom nén"),
    "path-traversal": (_traversal, "đường dẫn ra ngoài"),
}


@pytest.fixture(scope="module")
def good_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("office")
    return {"docx": _good_docx(folder / "good.docx"), "xlsx": write_template(folder / "good.xlsx")}


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
@pytest.mark.parametrize("case", HOSTILE)
def test_the_check_refuses_every_hostile_file(tmp_path, good_files, kind, case):
    make, words = HOSTILE[case]
    path = make(good_files[kind], tmp_path / f"x.{kind}", kind)
    with pytest.raises(DocumentError) as refused:
        check_office_file(path, kind, DocumentError, shown=f"tệp của tôi.{kind}")
    assert words in refused.value.message and f"tệp của tôi.{kind}" in refused.value.message
    assert refused.value.hint


def test_good_files_pass(good_files):
    for kind, path in good_files.items():
        check_office_file(path, kind, DocumentError)


@pytest.fixture
def client(tmp_path):
    app = create_app(Settings(data_dir=tmp_path), send=lambda job_id, stage: None)
    with db.session(app.state.engine) as s:
        user = accounts.create_user(s, "quantri", PASSWORD, "admin")
        unit = accounts.ensure_unit(s, "VP")
        s.add(db.Meeting(unit_id=unit.id, title="Họp thử tệp"))
        token = accounts.issue_token(s, user, "api", None)
    with TestClient(app) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        yield c
    app.state.engine.dispose()


def _count(c, model) -> int:
    with db.session(c.app.state.engine) as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("case", HOSTILE)
def test_draft_upload_and_tracking_import_refuse_hostile_files(client, tmp_path, good_files, case):
    make, words = HOSTILE[case]
    docx = make(good_files["docx"], tmp_path / "x.docx", "docx")
    r = client.post("/api/meetings/1/drafts/upload", files={"file": ("du-thao.docx", docx.read_bytes())})
    assert r.status_code == 422, r.text
    assert words in r.json()["detail"]["message"] and "du-thao.docx" in r.json()["detail"]["message"]
    xlsx = make(good_files["xlsx"], tmp_path / "x.xlsx", "xlsx")
    r = client.post(
        "/api/tracking/imports", params={"unit": "VP"}, files={"file": ("danh-sach.xlsx", xlsx.read_bytes())}
    )
    assert 400 <= r.status_code < 500, r.text
    assert words in r.json()["detail"]["message"]
    assert _count(client, db.DraftVersion) == 0 and _count(client, db.TrackingJob) == 0
    assert not client.app.state.store.leftovers()


def test_a_good_draft_is_still_accepted(client, good_files):
    r = client.post("/api/meetings/1/drafts/upload", files={"file": ("du-thao.docx", good_files["docx"].read_bytes())})
    assert r.status_code == 201, r.text
    r = client.get("/api/meetings/1/drafts/1/conclusion")
    assert r.status_code == 200 and len(r.json()["conclusion"]["tasks"]) == 5


def test_the_kind_of_a_file_from_its_name_or_its_main_part(tmp_path):
    docx = _good_docx(tmp_path / "tb.docx")
    xlsx = tmp_path / "ds.xlsx"
    write_template(xlsx)
    assert kind_of(docx, "TB 02.DOCX") == "docx" and kind_of(xlsx, "danh sach.xlsm") == "xlsx"
    bare = tmp_path / "upload"  # a browser sent it without a suffix: the zip tells
    for src, kind in ((docx, "docx"), (xlsx, "xlsx")):
        bare.write_bytes(src.read_bytes())
        assert kind_of(bare, "tep") == kind
    bare.write_bytes(b"not a zip")
    assert kind_of(bare, "tep") is None
