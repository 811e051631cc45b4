"""The upload form and the draft page let the drafter set the notice number, "kết luận bởi",
the signer's authority, title and name, and the recipients, with the format's defaults shown;
what is saved reaches the drafted notice."""

import json
import re
from html import unescape

import pytest
from docx import Document
from fastapi.testclient import TestClient

import db
from api import create_app
from db import accounts
from ketluan.settings import Settings

PASSWORD = "mat-khau-dung"


@pytest.fixture
def client(tmp_path):
    settings = Settings(data_dir=tmp_path)
    app = create_app(settings, send=lambda job_id, stage: None)
    with db.session(app.state.engine) as s:
        accounts.create_user(s, "quantri", PASSWORD, "admin", "VP")  # uploads and drafts
    with TestClient(app) as c:
        r = c.post("/api/auth/login", json={"username": "quantri", "password": PASSWORD})
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        yield c
    app.state.engine.dispose()


def _defaults(html: str, form_id: str) -> dict:
    m = re.search(rf'<form id="{form_id}"[^>]*data-defaults=\'([^\']*)\'', html)
    return json.loads(unescape(m.group(1)))


def test_upload_form_shows_each_formats_defaults(client):
    page = client.get("/upload").text
    defaults = _defaults(page, "upload-form")
    assert defaults["party"]["signer_authority"] == "T/L BAN THƯỜNG VỤ"
    assert defaults["party"]["concluded_by"] == "Thường trực Tỉnh ủy"
    assert defaults["state"]["signer_authority"] == "TL. CHỦ TỊCH"
    assert defaults["state"]["signer_title"] == "CHÁNH VĂN PHÒNG"
    assert defaults["state"]["recipients"].endswith("Lưu: VT, TH")
    assert "Như trên" not in json.dumps(defaults, ensure_ascii=False)
    for name in ("notice_number", "concluded_by", "signer_authority", "signer_title", "signer_name", "recipients"):
        assert f'name="{name}"' in page
    # the glossary example in the real syntax: canonical | variants
    glossary = re.search(r'<textarea name="glossary"[^>]*placeholder="([^"]*)"', page).group(1)
    assert "|" in glossary and "=" not in glossary


def test_signer_and_recipients_are_saved_and_drafted(client, tmp_path):
    from services.meetings import drafting_meeting

    r = client.post(
        "/api/meetings",
        json={
            "title": "Họp giao ban tháng 9",
            "issuing_body": "Ủy ban nhân dân tỉnh Lào Cai",
            "date": "2026-09-10",
            "format": "state",
            "chair": "Nguyễn Văn An, Chủ tịch UBND tỉnh",
        },
    )
    assert r.status_code == 201, r.text
    mid = r.json()["id"]
    # the draft page fills in the format's defaults for this meeting
    page = client.get(f"/meetings/{mid}/draft").text
    assert 'name="signer_authority" value="TL. CHỦ TỊCH"' in page
    assert 'name="concluded_by" value="đồng chí Chủ tịch UBND tỉnh"' in page
    assert "Chủ tịch, các Phó Chủ tịch UBND tỉnh\nLưu: VT, TH</textarea>" in page
    # the drafter sets them (what the page's form sends; a drafter may not edit the meeting)
    with db.session(client.app.state.engine) as s:
        accounts.create_user(s, "tonghop", PASSWORD, "tong_hop", "VP")
    drafter = client.post("/api/auth/login", json={"username": "tonghop", "password": PASSWORD})
    client.headers["X-CSRF-Token"] = drafter.json()["csrf_token"]
    assert client.patch(f"/api/meetings/{mid}", json={"place": "X"}).status_code == 403
    r = client.patch(
        f"/api/meetings/{mid}/notice",
        json={
            "notice_number": "245",
            "concluded_by": "đồng chí Phó Chủ tịch UBND tỉnh Lê Văn C",
            "signer_authority": "KT. CHỦ TỊCH",
            "signer_title": "PHÓ CHỦ TỊCH",
            "signer_name": "Lê Văn C",
            "recipients": ["Thường trực Tỉnh ủy", "Lưu: VT, KT"],
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["signer_name"] == "Lê Văn C" and r.json()["recipients"][0] == "Thường trực Tỉnh ủy"
    page = client.get(f"/meetings/{mid}/draft").text
    assert 'name="signer_title" value="PHÓ CHỦ TỊCH"' in page
    with db.session(client.app.state.engine) as s:
        info = drafting_meeting(s.get(db.Meeting, mid))
    import drafting
    from drafting import Conclusion, Task

    task = Task("T1", ["Sở Y tế"], "Kiểm tra an toàn thực phẩm")
    path = tmp_path / "tb.docx"
    drafting.render_notice(Conclusion(meeting={}, opening="", tasks=[task]), info).save(path)
    doc = Document(path)
    sig = [p.text for p in doc.tables[-1].cell(0, 1).paragraphs if p.text]
    assert sig == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn C"]
    recipients = [p.text for p in doc.tables[-1].cell(0, 0).paragraphs[1:]]
    assert recipients == ["- Thường trực Tỉnh ủy;", "- Sở Y tế;", "- Lưu: VT, KT."]
    assert doc.tables[0].cell(1, 0).text == "Số: 245/TB-UBND"
    closing = next(p.text for p in doc.paragraphs if "biết, thực hiện./." in p.text)
    assert closing.startswith(
        "Chủ tịch UBND tỉnh thông báo ý kiến kết luận của đồng chí Phó Chủ tịch UBND tỉnh Lê Văn C"
    )
