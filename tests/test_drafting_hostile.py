"""Hostile or broken .docx files get a clear Vietnamese error, never a crash."""

import zipfile
from datetime import date

import pytest
from docx import Document

from drafting import Meeting, extract_text, read_notice, render_notice
from ketluan.errors import DocumentError


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    m = Meeting(issuing_body="Tỉnh ủy Lào Cai", title="họp", date=date(2026, 8, 20))
    c = extract_text("Kết luận như sau: Giao Sở Y tế kiểm tra an toàn thực phẩm.", m)
    path = tmp_path_factory.mktemp("good") / "good.docx"
    render_notice(c, m).save(path)
    return path


def rezip(src, dst, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = (replace or {}).get(item.filename, zin.read(item.filename))
            zout.writestr(item, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def expect(path, *words):
    with pytest.raises(DocumentError) as info:
        read_notice(path)
    message = str(info.value)
    for w in words:
        assert w in message, message
    return message


def test_good_file_reads(good):
    assert read_notice(good)[0].leads == ["Sở Y tế"]


def test_not_a_zip(tmp_path):
    p = tmp_path / "fake.docx"
    p.write_text("đây không phải tài liệu Word", encoding="utf-8")
    expect(p, "không phải tài liệu Word")


def test_old_doc_or_encrypted(tmp_path):
    p = tmp_path / "old.docx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    expect(p, ".doc", "mật khẩu")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.docx"
    p.write_bytes(b"")
    expect(p, "rỗng")


def test_zip_bomb(tmp_path, good):
    p = tmp_path / "bomb.docx"
    rezip(good, p, add={"word/media/bomb.bin": b"\0" * (60 * 1024 * 1024)})
    assert p.stat().st_size < 1024 * 1024  # tiny on disk
    expect(p, "bom nén")


def test_xml_entities(tmp_path, good):
    with zipfile.ZipFile(good) as z:
        xml = z.read("word/document.xml").decode()
    evil = '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>' + xml.split("?>", 1)[
        1
    ].replace("Sở Y tế", "&b;")
    p = tmp_path / "entities.docx"
    rezip(good, p, replace={"word/document.xml": evil.encode()})
    expect(p, "không an toàn")


def test_docm_with_macros(tmp_path, good):
    with zipfile.ZipFile(good) as z:
        types = z.read("[Content_Types].xml").decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    p = tmp_path / "macro.docm"
    rezip(good, p, replace={"[Content_Types].xml": types.encode()}, add={"word/vbaProject.bin": b"VBA macro bytes"})
    expect(p, "macro")


def test_zip_that_is_not_word(tmp_path):
    p = tmp_path / "sheet.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "xin chào")
    expect(p, "không phải tài liệu Word")


def test_empty_document(tmp_path):
    p = tmp_path / "blank.docx"
    Document().save(p)
    expect(p, "không có nội dung")


def test_truncated_docx(tmp_path, good):
    p = tmp_path / "cut.docx"
    p.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    message = expect(p, "'cut.docx'")
    assert "docx" in message


def test_missing_file(tmp_path):
    expect(tmp_path / "none.docx", "Không tìm thấy")


def test_cli_prints_one_vietnamese_line(tmp_path):
    import subprocess
    import sys

    p = tmp_path / "fake.docx"
    p.write_bytes(b"not a document")
    r = subprocess.run([sys.executable, "-m", "cli", "import-docx", str(p)], capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.strip().startswith("Lỗi:") and "Traceback" not in r.stderr
