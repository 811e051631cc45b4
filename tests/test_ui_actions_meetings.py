"""Issue 15, everyday actions on meetings (TestClient, SQLite): edit a meeting's details from a
form, delete it with its files (audited), attach or replace its recording, and re-run a
finished meeting (after the glossary changed)."""

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


@pytest.fixture
def api(tmp_path):
    from api import create_app

    sent: list = []
    app = create_app(Settings(data_dir=tmp_path / "data"), send=lambda job_id, stage: sent.append(job_id))
    app.state.sent = sent
    with db.session(app.state.engine) as s:
        unit = accounts.ensure_unit(s, "VP", "Văn phòng")
        accounts.create_user(s, "vanthu", PASSWORD, "van_thu", "VP")
        accounts.create_user(s, "tonghop", PASSWORD, "tong_hop", "VP")
        accounts.create_user(s, "lanhdao", PASSWORD, "lanh_dao", "VP")
        accounts.ensure_unit(s, "KHAC", "Đơn vị khác")
        accounts.create_user(s, "vanthu2", PASSWORD, "van_thu", "KHAC")
        s.add(db.Meeting(unit_id=unit.id, title="Họp giao ban tháng 11", glossary="Lào Cai"))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def _sign_in(c, username: str) -> dict:
    c.cookies.clear()
    r = c.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _tone(seconds: float = 2.0, hz: int = 220) -> bytes:
    t = np.arange(int(16000 * seconds)) / 16000
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.sin(2 * np.pi * hz * t) * 8000).astype("<i2").tobytes())
    return out.getvalue()


def _meeting_id(api) -> int:
    with db.session(api.app.state.engine) as s:
        return s.scalar(select(db.Meeting.id))


def _upload(api, auth, meeting_id: int, hz: int = 220):
    return api.post(
        f"/api/meetings/{meeting_id}/audio", headers=auth, files={"file": ("hop.wav", _tone(hz=hz), "audio/wav")}
    )


def _finish_jobs(api) -> None:
    with db.session(api.app.state.engine) as s:
        for job in s.scalars(select(db.Job)):
            job.state = db.DONE
        s.commit()


def test_the_clerk_edits_a_meeting_from_its_form(api):
    auth = _sign_in(api, "vanthu")
    mid = _meeting_id(api)
    page = api.get("/meetings").text
    assert f'href="/meetings/{mid}/edit"' in page
    form = api.get(f"/meetings/{mid}/edit")
    assert form.status_code == 200 and 'value="Họp giao ban tháng 11"' in form.text
    assert "Lào Cai" in form.text  # the glossary is there to edit
    r = api.patch(
        f"/api/meetings/{mid}",
        headers=auth,
        json={
            "title": "Họp giao ban tháng 12",
            "date": "2026-12-04",
            "chair": "đồng chí Chủ tịch",
            "attendees": ["Sở Tài chính", "Sở Xây dựng"],
            "glossary": "Lào Cai\nBắc Hà",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "Họp giao ban tháng 12" and r.json()["attendees"] == ["Sở Tài chính", "Sở Xây dựng"]
    assert api.patch(f"/api/meetings/{mid}", headers=auth, json={"title": ""}).status_code == 422
    # the drafter and the leader have no edit form; another unit's clerk cannot see it
    _sign_in(api, "tonghop")
    assert f'/meetings/{mid}/edit"' not in api.get("/meetings").text
    assert api.get(f"/meetings/{mid}/edit").status_code == 403
    _sign_in(api, "vanthu2")
    assert api.get(f"/meetings/{mid}/edit").status_code == 404


def test_delete_removes_the_meeting_its_recording_and_files_and_is_audited(api):
    auth = _sign_in(api, "vanthu")
    mid = _meeting_id(api)
    assert _upload(api, auth, mid).status_code == 202
    store = api.app.state.store
    with db.session(api.app.state.engine) as s:
        audio = s.scalar(select(db.AudioFile))
        path = store.path(audio.storage_path)
    assert path.exists()
    # not while it is being processed
    r = api.delete(f"/api/meetings/{mid}", headers=auth)
    assert r.status_code == 409 and "đang được xử lý" in r.json()["detail"]["message"]
    assert "Hủy" in r.json()["detail"]["hint"]
    with db.session(api.app.state.engine) as s:
        job_id = s.scalar(select(db.Job.id))
    assert f'data-cancel-job="{job_id}"' in api.get("/meetings").text  # the button the hint names
    assert api.post(f"/api/jobs/{job_id}/cancel", headers=auth).status_code == 200
    assert "data-cancel-job" not in api.get("/meetings").text
    assert f'data-delete-meeting="{mid}"' in api.get("/meetings").text  # also once it has a recording
    assert api.delete(f"/api/meetings/{mid}", headers=auth).status_code == 204
    assert not path.exists()
    with db.session(api.app.state.engine) as s:
        assert s.scalar(select(func.count()).select_from(db.Meeting)) == 0
        assert s.scalar(select(func.count()).select_from(db.Job)) == 0
        assert s.scalar(select(func.count()).select_from(db.AudioFile)) == 0
        event = s.scalars(select(db.AuditEvent).where(db.AuditEvent.action == "delete")).one()
        assert event.object_type == "meeting" and event.username == "vanthu"
        assert event.detail["title"] == "Họp giao ban tháng 11" and event.detail["audio"] == "hop.wav"


def test_a_recording_shared_with_another_unit_stays_when_one_meeting_is_deleted(api):
    auth = _sign_in(api, "vanthu")
    mid = _meeting_id(api)
    assert _upload(api, auth, mid).status_code == 202
    auth2 = _sign_in(api, "vanthu2")
    other = api.post("/api/meetings", headers=auth2, json={"title": "Họp khác"}).json()["id"]
    assert _upload(api, auth2, other).status_code == 202  # same bytes, its own row
    _finish_jobs(api)
    with db.session(api.app.state.engine) as s:
        path = api.app.state.store.path(s.scalars(select(db.AudioFile)).first().storage_path)
    auth = _sign_in(api, "vanthu")
    assert api.delete(f"/api/meetings/{mid}", headers=auth).status_code == 204
    assert path.exists()
    with db.session(api.app.state.engine) as s:
        assert s.scalar(select(func.count()).select_from(db.AudioFile)) == 1


def test_the_clerk_replaces_the_recording(api):
    auth = _sign_in(api, "vanthu")
    mid = _meeting_id(api)
    assert _upload(api, auth, mid).status_code == 202
    _finish_jobs(api)
    assert f'href="/upload?meeting={mid}" data-replace="{mid}"' in api.get("/meetings").text
    r = _upload(api, auth, mid, hz=330)
    assert r.status_code == 202, r.text
    with db.session(api.app.state.engine) as s:
        meeting = s.get(db.Meeting, mid)
        assert meeting.audio_id == r.json()["audio"]["id"]
        assert s.scalar(select(func.count()).select_from(db.Job)) == 2


def test_a_finished_meeting_is_rerun_after_the_glossary_changed(api):
    auth = _sign_in(api, "vanthu")
    mid = _meeting_id(api)
    r = api.post(f"/api/meetings/{mid}/rerun", headers=auth)
    assert r.status_code == 400 and "chưa có bản ghi" in r.json()["detail"]["message"]
    assert "Tải bản ghi lên" in r.json()["detail"]["hint"]
    assert _upload(api, auth, mid).status_code == 202
    r = api.post(f"/api/meetings/{mid}/rerun", headers=auth)
    assert r.status_code == 409  # still running
    _finish_jobs(api)
    auth = _sign_in(api, "tonghop")  # the drafter may re-run it too
    assert f'data-rerun="{mid}"' in api.get("/meetings").text
    sent = len(api.app.state.sent)
    r = api.post(f"/api/meetings/{mid}/rerun", headers=auth)
    assert r.status_code == 202, r.text
    assert r.json()["state"] == "queued" and len(api.app.state.sent) == sent + 1
    with db.session(api.app.state.engine) as s:
        assert s.scalar(select(func.count()).select_from(db.Job)) == 2
        event = s.scalars(select(db.AuditEvent).where(db.AuditEvent.action == "rerun")).one()
        assert event.meeting_id == mid and event.username == "tonghop"
    _sign_in(api, "lanhdao")
    assert f'data-rerun="{mid}"' not in api.get("/meetings").text
