"""Every read of audio, transcript or draft content leaves an audit record, whichever route
serves it (issue 11, finding 2). The routes are not listed by hand: every GET route of the API
and of the web pages is called, and any answer that carries the planted content must have
written an audit event."""

import io
import re
import zipfile
from datetime import date

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import db
from api import create_app
from db import accounts
from ketluan.settings import Settings
from tests.test_api_authz import api_routes

MARK = "DAUKIEMTRA7781"  # planted in every piece of audio, transcript and draft content
PASSWORD = "mat-khau-dung"


def _content(app) -> dict:
    """A meeting whose audio, transcript, drafts (made and uploaded), tracked task (its quote)
    and pending import (read from the notice) all carry MARK; returns the path parameters."""
    import drafting
    from tests.tracking_helpers import conclusion, meeting
    from tracking import imports
    from tracking.source import ParsedNotice, ParsedTask
    from transcribe import AudioInfo, Segment, Transcript

    store = app.state.store
    made = conclusion()
    made.tasks[0].action += f" {MARK}"
    docx = store.root / "notice.docx"
    docx.parent.mkdir(parents=True, exist_ok=True)
    drafting.render_notice(made, meeting()).save(str(docx))
    audio_path = store.root / "a.wav"
    audio_path.write_bytes(b"RIFF" + MARK.encode() * 10)
    with db.session(app.state.engine) as s:
        unit = accounts.ensure_unit(s, "VP")
        audio_rel, audio_sha, size = store.put_file(audio_path, ".wav")
        audio = db.AudioFile(
            sha256=audio_sha, size=size, duration=1.0, format="wav", storage_path=audio_rel, original_name="a.wav"
        )
        s.add(audio)
        s.flush()
        m = db.Meeting(unit_id=unit.id, title="Họp kiểm tra nhật ký", audio_id=audio.id)
        s.add(m)
        s.flush()
        t = Transcript(AudioInfo(duration=1.0), [Segment(0, 0.0, 1.0, f"Xin chào {MARK}")])
        s.add(db.TranscriptVersion(meeting_id=m.id, version=1, source="asr", data=t.to_dict()))
        rel, sha, size = store.put_file(docx, ".docx")
        # the uploaded version is the notice edited in Word (a task's action changed), so the
        # changes between the two versions carry MARK too
        edited = conclusion()
        edited.tasks[0].action += f" {MARK} và báo cáo kết quả"
        docx2 = store.root / "notice-sua.docx"
        drafting.render_notice(edited, meeting()).save(str(docx2))
        rel2, sha2, size2 = store.put_file(docx2, ".docx")
        for version, kept, (path, digest, nbytes) in (
            (1, made.to_dict(), (rel, sha, size)),  # made by ketluan
            (2, None, (rel2, sha2, size2)),  # uploaded
        ):
            s.add(
                db.DraftVersion(
                    meeting_id=m.id,
                    version=version,
                    source="uploaded" if kept is None else "asr",
                    sha256=digest,
                    size=nbytes,
                    storage_path=path,
                    conclusion=kept,
                )
            )
        notice = ParsedNotice(
            "7-TB/KT",
            date(2026, 8, 25),
            [ParsedTask("Báo cáo tiến độ", "Sở Tài chính", quote=f"giao Sở Tài chính {MARK}")],
        )
        imports.confirm(s, imports.preview(s, [notice], unit.id).id)
        task = s.scalar(select(db.TrackedTask).order_by(db.TrackedTask.id.desc()))
        pending = imports.preview(
            s,
            [
                ParsedNotice(
                    "8-TB/KT", date(2026, 8, 26), [ParsedTask(f"Nhiệm vụ đọc từ thông báo {MARK}", "Sở Xây dựng")]
                )
            ],
            unit.id,
        )
        return {
            "meeting_id": m.id,
            "version": 2,
            "fmt": "txt",
            "task_id": task.id,
            "notice_id": task.notice_id,
            "import_id": pending.id,
            "unit_id": unit.id,
        }


@pytest.fixture
def app(tmp_path):
    from tests.tracking_helpers import inline_sender

    settings = Settings(data_dir=tmp_path)
    app = create_app(settings, send=lambda job_id, stage: None)
    app.state.send = inline_sender(app.state.engine, settings)  # exports run at once
    with db.session(app.state.engine) as s:
        accounts.create_user(s, "quantri", PASSWORD, "admin")
    yield app
    app.state.engine.dispose()


def _get_routes(app) -> list[str]:
    paths = []
    for route in api_routes(app.routes):
        if "GET" in route.methods:
            paths.append(route.path)
    for mount in app.routes:  # the web pages: a sub-application mounted at "/"
        if getattr(mount, "path", None) == "" and hasattr(mount, "app") and hasattr(mount.app, "routes"):
            paths += [r.path for r in mount.app.routes if isinstance(r, APIRoute) and "GET" in r.methods]
    return paths


def _carries_mark(content: bytes) -> bool:
    """MARK in the answer, or in a member of a .docx/.xlsx answer (zip-compressed)."""
    if MARK.encode() in content:
        return True
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return any(MARK.encode() in z.read(n) for n in z.namelist())
    return False


def _audits(app) -> int:
    with db.session(app.state.engine) as s:
        return s.scalar(select(func.count(db.AuditEvent.id)))


def test_every_route_that_serves_content_audits_the_read(app):
    params = _content(app)
    served, unaudited = [], []
    with TestClient(app) as c:
        token = c.post("/api/auth/login", json={"username": "quantri", "password": PASSWORD}).json()["token"]
        c.cookies.clear()
        auth = {"Authorization": f"Bearer {token}"}
        for path in _get_routes(app):
            names = re.findall(r"\{(\w+)", path)
            if any(n not in params for n in names):
                continue  # speakers, voiceprints, jobs…: they hold no content of this meeting
            before = _audits(app)
            r = c.get(path.format(**params), headers=auth)
            if r.status_code == 200 and _carries_mark(r.content):
                served.append(path)
                if _audits(app) <= before:
                    unaudited.append(path)
    assert unaudited == [], f"content served with no audit record: {unaudited}"
    expected = {
        "/api/meetings/{meeting_id}/audio",
        "/api/meetings/{meeting_id}/transcript",
        "/api/meetings/{meeting_id}/drafts/{version}/conclusion",
        "/api/meetings/{meeting_id}/drafts/{version}/changes",
        "/api/tracking/tasks/{task_id}",
        "/api/tracking/imports/{import_id}",
        "/api/meetings/{meeting_id}/export/{fmt}",
        "/api/meetings/{meeting_id}/drafts/{version}",
        "/api/tracking/tasks",
    }
    assert expected <= set(served), f"the walk saw content only at {served}"
    print("content served (and audited) by", sorted(served))


def test_the_record_names_what_was_read(app):
    params = _content(app)
    with TestClient(app) as c:
        token = c.post("/api/auth/login", json={"username": "quantri", "password": PASSWORD}).json()["token"]
        c.cookies.clear()
        auth = {"Authorization": f"Bearer {token}"}
        assert c.get(f"/api/meetings/{params['meeting_id']}/drafts/2/conclusion", headers=auth).status_code == 200
        assert c.get(f"/api/tracking/tasks/{params['task_id']}", headers=auth).status_code == 200
        events = c.get("/api/audit", headers=auth, params={"limit": 2}).json()
    assert [(e["action"], e["object_type"]) for e in events] == [("read", "tracking_task"), ("read", "draft")]
    assert events[1]["meeting_id"] == params["meeting_id"]


def test_pages_fetch_the_recording_only_when_it_is_played():
    """The walk of session 5: opening a draft page wrote a "Tải về Bản ghi âm" audit entry,
    because the player preloaded the file. The audit log should say who listened."""
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "api" / "templates"
    for name in ("draft.html", "transcript.html"):
        players = re.findall(r"<audio[^>]*>", (templates / name).read_text(encoding="utf-8"))
        assert players and all('preload="none"' in p for p in players), (name, players)
