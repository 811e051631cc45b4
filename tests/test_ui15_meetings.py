"""Issue 15, meetings and voices (TestClient, SQLite): an enrolment clip outside 10–60 s is
refused with its reason and queues nothing (bug 11), the meetings search ignores capitals and
diacritics (12), a meeting without a recording says what to do and offers to attach one or to
delete it (13)."""

import io
import wave

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import db
from db import accounts
from ketluan.settings import Settings

PASSWORD = "mat-khau-thu-nghiem"
TITLES = (
    "Họp giao ban tháng 11",
    "Nghe báo cáo tiến độ GIẢI NGÂN vốn đầu tư công",
    "Họp Ban chỉ đạo chuyển đổi số",
    "Sơ kết công tác phòng chống thiên tai",
)


@pytest.fixture
def api(tmp_path):
    from api import create_app

    app = create_app(Settings(data_dir=tmp_path / "data"), send=lambda job_id, stage: None)
    with db.session(app.state.engine) as s:
        unit = accounts.ensure_unit(s, "VP", "Văn phòng")
        accounts.create_user(s, "vanthu", PASSWORD, "van_thu", "VP")
        accounts.create_user(s, "tonghop", PASSWORD, "tong_hop", "VP")
        for title in TITLES:
            s.add(db.Meeting(unit_id=unit.id, title=title))
        s.add(db.Speaker(unit_id=unit.id, name="Lê Văn Tuyên"))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def _sign_in(c, username: str) -> dict:
    c.cookies.clear()
    r = c.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _tone(seconds: float) -> bytes:
    t = np.arange(int(16000 * seconds)) / 16000
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.sin(2 * np.pi * 220 * t) * 8000).astype("<i2").tobytes())
    return out.getvalue()


@pytest.mark.parametrize(("seconds", "words"), [(3.6, "quá ngắn"), (75.0, "quá dài")])
def test_bug11_an_enrolment_clip_outside_10_to_60_s_is_refused(api, seconds, words):
    auth = _sign_in(api, "tonghop")
    speaker = api.get("/api/speakers", headers=auth).json()[0]
    r = api.post(
        f"/api/speakers/{speaker['id']}/voiceprints",
        headers=auth,
        files={"file": ("clip.wav", _tone(seconds), "audio/wav")},
    )
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert words in detail["message"] and f"{seconds:.1f} giây" in detail["message"]
    assert "10–60 giây" in detail["hint"]
    with db.session(api.app.state.engine) as s:
        assert s.scalar(select(func.count()).select_from(db.Job)) == 0


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("HỌP", {0, 2}),
        ("họp", {0, 2}),
        ("giai ngan", {1}),
        ("Giải Ngân", {1}),
        ("chuyen doi so", {2}),
        ("THIÊN TAI", {3}),
        ("hội nghị", set()),
        ("ho\u0323p", {0, 2}),  # NFD typed: the same word
    ],
)
def test_bug12_search_ignores_capitals_and_diacritics(api, q, found):
    auth = _sign_in(api, "vanthu")
    r = api.get("/api/meetings", params={"q": q}, headers=auth)
    assert r.status_code == 200, r.text
    assert {TITLES.index(m["title"]) for m in r.json()} == found
    page = api.get("/meetings", params={"q": q}).text
    assert all((TITLES[k] in page) == (k in found) for k in range(len(TITLES)))


def test_bug13_a_meeting_without_recording_says_what_to_do(api):
    auth = _sign_in(api, "tonghop")
    meeting = api.get("/api/meetings", headers=auth).json()[0]
    r = api.get(f"/api/meetings/{meeting['id']}/transcript", headers=auth)
    assert r.status_code == 404
    detail = r.json()["detail"]
    assert "chưa có bản ghi âm" in detail["message"] and "Chờ công việc" not in detail["hint"]
    assert "Tải bản ghi lên" in detail["hint"]
    _sign_in(api, "vanthu")  # the clerk: attach a recording, or delete it
    page = api.get("/meetings").text
    assert f'href="/upload?meeting={meeting["id"]}"' in page and f'data-delete-meeting="{meeting["id"]}"' in page
    auth = _sign_in(api, "vanthu")
    assert api.delete(f"/api/meetings/{meeting['id']}", headers=auth).status_code == 204
