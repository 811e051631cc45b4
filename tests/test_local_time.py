"""Dates and times in the offices' time zone (Settings.tracking_timezone), whatever the server's
clock is set to: found walking the chain as a new office on a server running on UTC, where the
draft versions were listed 7 hours early and the task list's "today" was still yesterday
until 07:00 in Hà Nội, while the daily warnings already counted the new day. Also found there:
a version the machine drafted did not say who asked for it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

import db
from db import accounts
from ketluan.settings import Settings
from tracking.daily import local_today

PASSWORD = "mat-khau-thu-nghiem"
# Two zones 26 hours apart: at any instant at least one of them is on another date than the
# server's clock, so the test tells the two days apart at any hour it runs.
ZONES = ("Pacific/Kiritimati", "Etc/GMT+12")


@pytest.fixture
def client(tmp_path):
    from api import create_app

    zone = next(z for z in ZONES if local_today(Settings(tracking_timezone=z)) != dt.date.today())
    settings = Settings(data_dir=tmp_path / "data", tracking_timezone=zone)
    app = create_app(settings, send=lambda job_id, stage: None)
    with db.session(app.state.engine) as s:
        unit = accounts.ensure_unit(s, "VP", "Văn phòng")
        accounts.create_user(s, "tonghop", PASSWORD, "tong_hop", "VP", "Trần Văn Hợp")
        accounts.create_user(s, "theodoi", PASSWORD, "theo_doi", "VP")
        meeting = db.Meeting(unit_id=unit.id, title="Họp giao ban")
        s.add(meeting)
        s.flush()
        author = s.query(db.User).filter_by(username="tonghop").one().id
        s.add(
            db.DraftVersion(
                meeting_id=meeting.id,
                version=1,
                source="edited",
                sha256="0" * 64,
                size=1,
                storage_path="x.docx",
                created_by=author,
                created_at=dt.datetime(2026, 12, 4, 21, 4, tzinfo=dt.UTC),
            )
        )
        meeting_id = meeting.id
    with TestClient(app) as c:
        yield c, settings, meeting_id
    app.state.engine.dispose()


def _sign_in(c, username: str) -> None:
    c.cookies.clear()
    assert c.post("/api/auth/login", json={"username": username, "password": PASSWORD}).status_code == 200


def test_the_draft_versions_show_the_offices_time(client):
    c, settings, meeting_id = client
    _sign_in(c, "tonghop")
    page = c.get(f"/meetings/{meeting_id}/draft").text
    saved = dt.datetime(2026, 12, 4, 21, 4, tzinfo=dt.UTC).astimezone(ZoneInfo(settings.tracking_timezone))
    assert saved.strftime("%d/%m/%Y %H:%M") in page


def test_the_task_list_and_the_dashboard_count_on_the_offices_day(client):
    c, settings, _ = client
    _sign_in(c, "theodoi")
    today = local_today(settings)
    assert c.get("/api/tracking/tasks").json()["on"] == today.isoformat()  # the /tracking page's list
    assert c.get("/api/tracking/dashboard").json()["on"] == today.isoformat()


def test_a_generated_draft_names_who_asked_for_it(client, tmp_path):
    """Walking the chain as a new office: "Soạn lại từ bản chép lời" made a version listed as
    "Máy soạn" with no name, where edited and uploaded versions name who saved them."""
    from services import meeting_jobs
    from transcribe.transcript import AudioInfo, Segment, Transcript

    c, _, meeting_id = client
    with db.session(c.app.state.engine) as s:
        meeting = s.get(db.Meeting, meeting_id)
        meeting.issuing_body, meeting.date, meeting.format = "Tỉnh ủy Lào Cai", dt.date(2026, 8, 20), "party"
        audio = db.AudioFile(
            sha256="1" * 64, size=1, duration=9.0, format="wav", storage_path="a.wav", original_name="hop.wav"
        )
        s.add(audio)
        s.flush()
        meeting.audio_id = audio.id
        said = "Giao Sở Tài chính chủ trì rà soát vốn đầu tư công, báo cáo trước ngày 15 tháng 9 năm 2026."
        transcript = Transcript(AudioInfo(9.0), [Segment(0, 0.0, 9.0, said, [])], model="test")
        s.add(db.TranscriptVersion(meeting_id=meeting_id, version=1, source="asr", data=transcript.to_dict()))
    _sign_in(c, "tonghop")
    token = c.post("/api/auth/login", json={"username": "tonghop", "password": PASSWORD}).json()["token"]
    job = c.post(f"/api/meetings/{meeting_id}/drafts", headers={"Authorization": f"Bearer {token}"})
    assert job.status_code == 202, job.text
    meeting_jobs.run(c.app.state.engine, c.app.state.settings, job.json()["id"], "cpu")
    page = c.get(f"/meetings/{meeting_id}/draft").text
    generated = page[page.index("<td>2</td>") :]
    generated = generated[: generated.index("</tr>")]
    assert "Máy soạn" in generated and "tonghop" in generated, generated
