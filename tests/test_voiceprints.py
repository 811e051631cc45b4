"""The voiceprint registry in the service database: per unit, on SQLite and PostgreSQL; enrolment
from a past meeting (the centroids kept with the transcript) and from a clip through a real
gpu worker; the migration that brings it keeps existing links."""

import uuid
from pathlib import Path

import numpy as np
import pytest

import db
from db import accounts
from db.voiceprints import DBVoiceprints, pack_centroids
from diarize.result import Diarization, Turn
from diarize.voiceprints import Person, name_speakers
from ketluan.errors import InputError
from tests.service_fixtures import sse_events, vieneu_clip

MODEL = "campplus-zh-en"
THRESHOLD = 0.7  # the CAM++ default (diarize.pipeline.VOICEPRINT_THRESHOLD), without torch


def test_registry_is_per_unit_and_names_the_enrolled_people(engine):
    binh, ly, tuyen = _voices(3, seed=3)
    with db.session(engine) as s:
        ubnd = accounts.ensure_unit(s, "VP-UBND", "Văn phòng UBND tỉnh").id
        tu = accounts.ensure_unit(s, "VP-TU", "Văn phòng Tỉnh ủy").id
        user_id = accounts.create_user(s, "tong.hop", "mat-khau-dai", "tong_hop", "VP-UBND").id
    office = DBVoiceprints(engine, ubnd, created_by=user_id)
    first = office.add(Person("Nguyễn Văn Bình", "Chủ tịch UBND tỉnh"), MODEL, binh, "đoạn ghi âm binh.wav")
    # The same person again (no title given): the same registry entry, a second print.
    again = office.add(Person(" Nguyễn Văn Bình "), MODEL, _near(binh, 7), "cuộc họp #1, S1")
    office.add(Person("Trần Thị Ly", unit="Sở Tài chính"), MODEL, ly, "cuộc họp #1, S2")
    DBVoiceprints(engine, tu).add(Person("Lê Văn Tuyên"), MODEL, tuyen)

    prints = office.list()
    assert [p.person.name for p in prints] == ["Nguyễn Văn Bình", "Nguyễn Văn Bình", "Trần Thị Ly"]
    assert first.speaker_id == again.speaker_id != prints[2].speaker_id
    assert prints[0].person.title == "Chủ tịch UBND tỉnh" and prints[2].person.unit == "Sở Tài chính"
    assert prints[0].source == "đoạn ghi âm binh.wav" and prints[0].created_by == "tong.hop"
    assert prints[0].vector.dtype == np.float32 and np.array_equal(prints[0].vector, binh)
    with db.session(engine) as s:
        row = s.get(db.Voiceprint, first.id)
        assert (row.dim, len(row.vector), row.model) == (192, 192 * 4, MODEL)  # float32 bytes

    # A meeting of VP-UBND: Bình, Tuyên (enrolled in the other unit only), Ly.
    meeting = _diarization({"S1": _near(binh, 1), "S2": _near(tuyen, 2), "S3": _near(ly, 3)})
    named = name_speakers(meeting, office, threshold=THRESHOLD)
    assert named["S1"].name == "Nguyễn Văn Bình" and named["S1"].title == "Chủ tịch UBND tỉnh"
    assert 0.9 < named["S1"].confidence <= 1.0
    assert named["S3"].name == "Trần Thị Ly" and named["S3"].unit == "Sở Tài chính"
    assert (named["S2"].name, named["S2"].confidence) == ("Người nói 1", 0.0)
    theirs = name_speakers(meeting, DBVoiceprints(engine, tu), threshold=THRESHOLD)
    assert [theirs[k].name for k in ("S1", "S2", "S3")] == ["Người nói 1", "Lê Văn Tuyên", "Người nói 2"]
    # Prints of another embedding model are never compared.
    assert name_speakers(_diarization({"S1": binh}, model="wespeaker"), office)["S1"].name == "Người nói 1"

    assert not DBVoiceprints(engine, tu).remove(first.id)  # another unit's print
    assert office.remove(first.id) and not office.remove(first.id)
    assert len(office.list()) == 2 and len(DBVoiceprints(engine, None).list()) == 3
    with pytest.raises(InputError, match="tên tạm"):
        office.add(Person("Người nói 2"), MODEL, binh)
    with pytest.raises(InputError, match="không hợp lệ"):
        office.add(Person("Trần Văn Rỗng"), MODEL, np.zeros(192))
    with pytest.raises(InputError, match="đơn vị"):
        DBVoiceprints(engine, None).add(Person("Ai Đó"), MODEL, binh)


def test_migration_keeps_transcript_links_to_jobs_on_sqlite(tmp_path):
    """0003 copies the jobs table on SQLite; the versions referring to a job keep the link."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    db.migrate(engine, "0002")
    stamp = "2026-05-01 08:00:00"
    with engine.begin() as c:
        c.exec_driver_sql(f"INSERT INTO units (id, code, name, created_at) VALUES (1, 'U', 'U', '{stamp}')")
        c.exec_driver_sql(
            "INSERT INTO audio_files (id, sha256, size, duration, format, codec, sample_rate, channels,"
            f" storage_path, original_name, created_at) VALUES (1, 'x', 1, 1, 'wav', '', 0, 0, 'x', 'x', '{stamp}')"
        )
        c.exec_driver_sql(
            "INSERT INTO meetings (id, unit_id, title, issuing_body, superior_body, place, chair, attendees,"
            " notice_number, format, glossary, audio_id, created_at, updated_at)"
            f" VALUES (1, 1, 'Họp', '', '', '', '', '[]', '', 'state', '', 1, '{stamp}', '{stamp}')"
        )
        c.exec_driver_sql(
            "INSERT INTO jobs (id, meeting_id, audio_id, state, stage, progress, error_code, error_message,"
            f" error_hint, attempts, log, created_at, updated_at) VALUES (7, 1, 1, 'done', 'cpu', 1, '', '',"
            f" '', 1, '[]', '{stamp}', '{stamp}')"
        )
        c.exec_driver_sql(
            "INSERT INTO transcript_versions (meeting_id, version, source, job_id, data, note, created_at)"
            f" VALUES (1, 1, 'asr', 7, '{{}}', '', '{stamp}')"
        )
    db.migrate(engine)
    with engine.connect() as c:
        assert c.exec_driver_sql("SELECT job_id FROM transcript_versions").scalar() == 7
        assert c.exec_driver_sql("SELECT kind FROM jobs WHERE id = 7").scalar() == "meeting"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again for the app
    engine.dispose()


def test_enrol_from_a_past_meeting_and_by_renaming(pg_stack):
    stack = pg_stack
    binh, ly = _voices(2, seed=11)
    ly_again = _near(ly, 4, 0.4)  # the same voice, split in two clusters by diarization
    meeting_id, version = _meeting(stack, {"S1": binh, "S2": ly, "S3": ly_again})
    base = f"/api/meetings/{meeting_id}"
    with stack.client() as c:
        tong_hop = stack.auth("tong_hop")
        got = c.get(f"{base}/transcript", headers=tong_hop).json()
        assert got["voices"] == ["S1", "S2", "S3"]

        # From the meeting page's speaker list: the chair, by name, at once.
        r = c.post(
            f"{base}/speakers/S1/voiceprint",
            headers=tong_hop,
            json={"name": "Nguyễn Văn Bình", "title": "Chủ tịch UBND tỉnh"},
        )
        assert r.status_code == 201, r.text
        chair = r.json()
        assert chair["source"] == f"cuộc họp #{meeting_id}, S1, 00:00:00–00:00:09"
        assert (chair["name"], chair["created_by"], chair["dim"]) == ("Nguyễn Văn Bình", "tong_hop.vp-ubnd", 192)
        other = {"Authorization": f"Bearer {stack.other_unit_tokens['tong_hop']}"}
        assert c.post(f"{base}/speakers/S1/voiceprint", headers=other, json={}).status_code == 404
        r = c.post(f"{base}/speakers/S2/voiceprint", headers=tong_hop, json={})
        assert r.status_code == 400 and "tên tạm" in r.json()["detail"]["message"]  # "Người nói 2"

        # The editor: merge S3 into S2, name S2 and save her voice in the same save.
        r = c.patch(
            f"{base}/transcript",
            headers=tong_hop,
            json={
                "base_version": version,
                "merge": [{"source": "S3", "target": "S2"}],
                "speakers": {"S2": {"name": "Trần Thị Ly", "unit": "Sở Tài chính", "enrol": True}},
            },
        )
        assert r.status_code == 200, r.text
        saved = r.json()
        assert saved["voices"] == ["S1", "S2"] and saved["transcript"]["speakers"]["S2"]["confidence"] == 1.0
        assert [v["name"] for v in saved["enrolled"]] == ["Trần Thị Ly"]
        # A placeholder name is not a person: nothing is saved, not even the rename.
        r = c.patch(
            f"{base}/transcript",
            headers=tong_hop,
            json={"base_version": saved["version"], "speakers": {"S1": {"name": "Người nói 1", "enrol": True}}},
        )
        assert r.status_code == 400 and "tên tạm" in r.json()["detail"]["message"]
        assert c.get(f"{base}/transcript", headers=tong_hop).json()["version"] == saved["version"]

        listed = c.get("/api/voiceprints", headers=stack.auth("van_thu")).json()
        mine = {v["id"]: v for v in listed}
        assert chair["id"] in mine and saved["enrolled"][0]["id"] in mine
        assert chair["id"] not in {v["id"] for v in c.get("/api/voiceprints", headers=other).json()}
        speakers = {sp["name"]: sp for sp in c.get("/api/speakers", headers=tong_hop).json()}
        assert speakers["Trần Thị Ly"]["voiceprints"] == 1 and speakers["Trần Thị Ly"]["organisation"] == "Sở Tài chính"

    # The next meeting of the unit: both are named from the registry the API filled; Ly's print
    # is her merged centroid (both halves weighted by speech time), so either half matches.
    with db.session(stack.engine) as s:
        unit_id = s.get(db.Meeting, meeting_id).unit_id
        audit = {(a.action, a.object_type) for a in s.query(db.AuditEvent).filter_by(meeting_id=meeting_id)}
    assert ("create", "voiceprint") in audit
    registry = DBVoiceprints(stack.engine, unit_id)
    ly_print = next(vp for vp in registry.list() if vp.person.name == "Trần Thị Ly").vector
    expected = 5.0 * _unit(ly) + 2.0 * _unit(ly_again)
    assert _cos(ly_print, expected) > 0.999
    named = name_speakers(_diarization({"S1": _near(ly_again, 5), "S2": _near(binh, 6)}), registry, threshold=THRESHOLD)
    assert (named["S1"].name, named["S2"].name) == ("Trần Thị Ly", "Nguyễn Văn Bình")

    with stack.client() as c:
        r = c.delete(f"/api/voiceprints/{chair['id']}", headers=stack.auth("tong_hop"))
        assert r.status_code == 204
        assert c.delete(f"/api/voiceprints/{chair['id']}", headers=stack.auth("tong_hop")).status_code == 404
        # A transcript made before voiceprints were kept: a clear way out.
        old_id, _ = _meeting(stack, None)
        r = c.post(
            f"/api/meetings/{old_id}/speakers/S1/voiceprint", headers=stack.auth("tong_hop"), json={"name": "A B"}
        )
        assert r.status_code == 400 and "không kèm vân tay giọng" in r.json()["detail"]["message"]


def test_enrol_from_a_clip_through_the_gpu_worker(pg_stack, diarizer):
    from diarize.voiceprints import speaker_embedding

    stack = pg_stack
    clip = _repeated(vieneu_clip("Tuyên"), 3)
    with stack.client() as c:
        h = stack.auth("admin")  # an admin chooses the unit of the registry
        r = c.post(
            "/api/speakers",
            headers=h,
            json={"name": "Lê Văn Tuyên", "title": "Giám đốc Sở Xây dựng", "unit_code": "VP-UBND"},
        )
        assert r.status_code == 201, r.text
        speaker = r.json()
        with open(clip, "rb") as f:
            r = c.post(
                f"/api/speakers/{speaker['id']}/voiceprints", headers=h, files={"file": ("tuyen.wav", f, "audio/wav")}
            )
        assert r.status_code == 202, r.text
        job = r.json()
        assert (job["kind"], job["speaker_id"], job["meeting_id"]) == ("enrol", speaker["id"], None)
        # A tổng hợp of the unit follows it like any job; another unit cannot see it.
        events = sse_events(c, f"/api/jobs/{job['id']}/events", stack.auth("tong_hop"), timeout=300)
        other = {"Authorization": f"Bearer {stack.other_unit_tokens['tong_hop']}"}
        assert c.get(f"/api/jobs/{job['id']}", headers=other).status_code == 404
        final = events[-1][1]
        assert final["state"] == "done", (final, stack.service.workers[0].text()[-3000:])
        assert "Đang tạo vân tay giọng nói" in {e[1]["state_name"] for e in events}
        prints = c.get(f"/api/voiceprints?speaker_id={speaker['id']}", headers=h).json()
        assert [p["id"] for p in prints] == [final["voiceprint_id"]]
        assert prints[0]["source"] == "đoạn ghi âm tuyen.wav" and prints[0]["created_by"] == "admin.vp-ubnd"
        with db.session(stack.engine) as s:
            stored = np.frombuffer(s.get(db.Voiceprint, final["voiceprint_id"]).vector, dtype="<f4")
        # Kept: the vector, not the audio.
        store = stack.api.app.state.store
        assert not list((store.root / "voiceprint-clips").glob("*"))
        # Silence: the job fails with a reason a person can act on, and keeps no audio either.
        silent = _silence_wav(12.0)
        r = c.post(f"/api/speakers/{speaker['id']}/voiceprints", headers=h, files={"file": ("im.wav", silent)})
        assert r.status_code == 202, r.text
        failed = sse_events(c, f"/api/jobs/{r.json()['id']}/events", h, timeout=300)[-1][1]
        assert failed["state"] == "failed" and "Không tìm thấy tiếng nói" in failed["error"]["message"]
        assert not list((store.root / "voiceprint-clips").glob("*"))
        r = c.post(f"/api/jobs/{failed['id']}/retry", headers=h)
        assert r.status_code == 400 and "Tải đoạn ghi âm lên lại" in r.json()["detail"]["hint"]
        # Something that is not audio is refused before anything is queued.
        r = c.post(
            f"/api/speakers/{speaker['id']}/voiceprints",
            headers=h,
            files={"file": ("x.wav", b"RIFF not audio", "audio/wav")},
        )
        assert r.status_code == 422 and r.json()["detail"]["code"] == "audio"
        r = c.delete(f"/api/speakers/{speaker['id']}", headers=stack.auth("tong_hop"))
        assert r.status_code == 204
    # The worker made the print the way the library does (same models, same clip).
    with db.session(stack.engine) as s:
        assert s.get(db.Speaker, speaker["id"]) is None and s.get(db.Voiceprint, final["voiceprint_id"]) is None
    assert _cos(speaker_embedding(clip, None, diarizer), stored) > 0.99


def test_cli_voices_work_on_the_configured_database(diarizer, tmp_path, monkeypatch):
    """`ketluan voices` with no server: the embedded SQLite database (no unit yet: a default
    one), then a second unit, which makes --office necessary for enrolling."""
    from typer.testing import CliRunner

    from cli import app
    from ketluan.settings import get_settings

    url = f"sqlite:///{tmp_path / 'ketluan.sqlite'}"
    monkeypatch.setenv("KETLUAN_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        cli = CliRunner()
        clip = str(vieneu_clip("Ly"))
        r = cli.invoke(app, ["voices", "enrol", clip, "--name", "Trần Thị Ly", "--unit", "Sở Tài chính"])
        assert r.exit_code == 0, r.output
        assert "Đã ghi danh 'Trần Thị Ly'" in r.output
        engine = db.connect(url)
        with db.session(engine) as s:
            assert [u.code for u in s.query(db.Unit)] == ["MAC-DINH"]
            row = s.query(db.Voiceprint).one()
            assert (row.speaker.name, row.speaker.organisation, row.model) == ("Trần Thị Ly", "Sở Tài chính", MODEL)
            assert row.source == "đoạn ghi âm Ly (nữ miền Bắc).wav" and row.dim == 192
            print_id = row.id
            accounts.ensure_unit(s, "VP-TU", "Văn phòng Tỉnh ủy")
        r = cli.invoke(app, ["voices", "list"])
        assert r.exit_code == 0 and "Trần" in r.output and f"│ {print_id} " in r.output
        r = cli.invoke(app, ["voices", "enrol", clip, "--name", "Trần Thị Ly"])
        assert isinstance(r.exception, InputError) and "--office" in r.exception.hint
        r = cli.invoke(app, ["voices", "list", "--office", "VP-TU"])
        assert r.exit_code == 0 and "Trần" not in r.output
        r = cli.invoke(app, ["voices", "remove", str(print_id)])
        assert r.exit_code == 0, r.output
        assert DBVoiceprints(engine, None).list() == []
        engine.dispose()
    finally:
        get_settings.cache_clear()


# -- helpers ------------------------------------------------------------------------------


def _repeated(path, times: int):
    """The clip said `times` over: enrolment clips are 10–60 s (issue 15, bug 11)."""
    import tempfile
    import wave

    with wave.open(str(path), "rb") as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    out = Path(tempfile.mkdtemp()) / path.name
    with wave.open(str(out), "wb") as w:
        w.setparams(params)
        w.writeframes(frames * times)
    return out


def _silence_wav(seconds: float = 3.0) -> bytes:
    import io
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * int(16000 * seconds))
    return out.getvalue()


def _voices(n: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=192).astype(np.float32) for _ in range(n)]


def _near(v: np.ndarray, seed: int, noise: float = 0.25) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (v + noise * np.linalg.norm(v) / np.sqrt(v.size) * rng.normal(size=v.size)).astype(np.float32)


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    return v / np.linalg.norm(v)


def _cos(a, b) -> float:
    return float(_unit(a) @ _unit(b))


def _diarization(centroids: dict[str, np.ndarray], model: str = MODEL) -> Diarization:
    """What diarize.diarize returns for a meeting: turns, and a centroid per speaker."""
    turns, t = [], 0.0
    for label in centroids:
        turns += [Turn(t, t + 3.0, label), Turn(t + 10.0, t + 12.0, label)]
        t += 3.0
    turns.sort(key=lambda x: x.start)
    return Diarization(turns, turns, t + 12.0, "campplus", model, dict(centroids))


def _meeting(stack, centroids: dict[str, np.ndarray] | None) -> tuple[int, int]:
    """A meeting of VP-UBND with a transcript as the worker stores it (speakers S1, S2, S3 and
    their centroids) or, with None, as stored before centroids were kept."""
    from transcribe import AudioInfo, Segment, Transcript
    from transcribe.transcript import Speaker

    spans = [(0.0, 2.5, "S1"), (3.0, 5.5, "S2"), (6.0, 8.5, "S3"), (8.5, 9.0, "S1")]
    segments = [Segment(i, a, b, f"Ý kiến số {i + 1}.", speaker=lb) for i, (a, b, lb) in enumerate(spans)]
    speakers = {lb: Speaker(name=f"Người nói {i}") for i, lb in enumerate(("S1", "S2", "S3"), 1)}
    transcript = Transcript(AudioInfo(duration=30.0), segments, speakers=speakers)
    packed = None
    if centroids is not None:
        result = _diarization(centroids)
        result.exclusive = [Turn(0.0, 5.0, "S1"), Turn(5.0, 10.0, "S2"), Turn(10.0, 12.0, "S3")]
        packed = pack_centroids(result)
    with db.session(stack.engine) as s:
        unit = s.query(db.Unit).filter_by(code="VP-UBND").one()
        meeting = db.Meeting(unit_id=unit.id, title=f"Họp giao ban {uuid.uuid4().hex[:6]}")
        s.add(meeting)
        s.flush()
        s.add(
            db.TranscriptVersion(
                meeting_id=meeting.id, version=1, source="asr", data=transcript.to_dict(), speaker_embeddings=packed
            )
        )
        return meeting.id, 1
