"""Upload → job → transcript (→ draft) through HTTP, on PostgreSQL + Redis + a real worker."""

import io

import jiwer
from sqlalchemy import func, select

import db
from tests.service_fixtures import sse_events, vieneu_clip

MEETING = {
    "title": "Họp giao ban Ủy ban nhân dân tỉnh tháng 11",
    "issuing_body": "Ủy ban nhân dân tỉnh Lào Cai",
    "date": "2026-11-20",
    "place": "Phòng họp số 1",
    "chair": "Chủ tịch UBND tỉnh",
    "attendees": ["Sở Tài chính", "Sở Kế hoạch và Đầu tư"],
    "format": "state",
    "glossary": "[units]\nSở Tài chính\n",
}


def _upload(client, stack, meeting_id: int, path, name: str | None = None, role="van_thu"):
    with open(path, "rb") as f:
        return client.post(
            f"/api/meetings/{meeting_id}/audio",
            files={"file": (name or path.name, f, "audio/wav")},
            headers=stack.auth(role),
        )


def test_upload_to_transcript_to_exports(pg_stack):
    stack = pg_stack
    clip = vieneu_clip("Tuyên")
    reference = clip.with_suffix(".txt").read_text(encoding="utf-8").strip()
    with stack.client() as c:
        r = c.post("/api/meetings", json=MEETING, headers=stack.auth("van_thu"))
        assert r.status_code == 201, r.text
        meeting_id = r.json()["id"]
        r = _upload(c, stack, meeting_id, clip, name="Biên bản họp.wav")
        assert r.status_code == 202, r.text
        upload = r.json()
        assert upload["audio"]["original_name"] == "Biên bản họp.wav"
        assert upload["audio"]["duration"] > 4 and upload["job"]["state"] == "queued"
        job_id = upload["job"]["id"]

        events = sse_events(c, f"/api/jobs/{job_id}/events", stack.auth("tong_hop"))
        states = [d["state"] for name, d in events if name == "job"]
        assert states[-1] == "done", events[-1]
        assert "transcribing" in states or states[0] == "done"
        final = c.get(f"/api/jobs/{job_id}", headers=stack.auth("lanh_dao")).json()
        assert final["progress"] == 1.0 and final["attempts"] == 1 and final["error"] is None

        r = c.get(f"/api/meetings/{meeting_id}/transcript", headers=stack.auth("tong_hop"))
        assert r.status_code == 200, r.text
        body = r.json()
        transcript = body["transcript"]
        assert body["version"] == 1 and body["source"] == "asr"
        assert transcript["meeting"]["title"] == MEETING["title"]
        assert transcript["audio"]["sha256"] == upload["audio"]["sha256"]
        text = " ".join(s["text"] for s in transcript["segments"])
        assert jiwer.wer(_norm(reference), _norm(text)) < 0.6, text

        # A drafter corrects the first segment: a new version, the old one kept.
        first = transcript["segments"][0]
        patch = {"base_version": 1, "segments": [{"id": first["id"], "text": reference}]}
        r = c.patch(f"/api/meetings/{meeting_id}/transcript", json=patch, headers=stack.auth("tong_hop"))
        assert r.status_code == 200, r.text
        assert r.json()["version"] == 2
        assert r.json()["transcript"]["segments"][0]["text"] == reference
        stale = c.patch(f"/api/meetings/{meeting_id}/transcript", json=patch, headers=stack.auth("tong_hop"))
        assert stale.status_code == 409 and "phiên bản 2" in stale.json()["detail"]["message"]
        versions = c.get(f"/api/meetings/{meeting_id}/transcript/versions", headers=stack.auth("tong_hop")).json()
        assert [v["version"] for v in versions] == [1, 2]
        old = c.get(f"/api/meetings/{meeting_id}/transcript?version=1", headers=stack.auth("tong_hop")).json()
        assert old["transcript"]["segments"][0]["text"] == first["text"]

        for fmt, marker in [
            ("txt", reference[:20]),
            ("srt", "-->"),
            ("vtt", "WEBVTT"),
            ("json", '"schema_version"'),
        ]:
            r = c.get(f"/api/meetings/{meeting_id}/export/{fmt}", headers=stack.auth("tong_hop"))
            assert r.status_code == 200 and marker in r.text, (fmt, r.text[:200])
        r = c.get(f"/api/meetings/{meeting_id}/export/docx", headers=stack.auth("tong_hop"))
        assert r.status_code == 200 and r.content[:2] == b"PK"
        from docx import Document

        doc_text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
        assert MEETING["title"] in doc_text and reference in doc_text

        # Audio download is audited with who, what, when, from where.
        r = c.get(f"/api/meetings/{meeting_id}/audio", headers=stack.auth("lanh_dao"))
        assert r.status_code == 200 and r.content == clip.read_bytes()
        audit = c.get(f"/api/audit?meeting_id={meeting_id}", headers=stack.auth("admin")).json()
        seen = {(e["username"], e["action"], e["object_type"]) for e in audit}
        assert ("lanh_dao.vp-ubnd", "download", "audio") in seen
        assert ("tong_hop.vp-ubnd", "read", "transcript") in seen
        assert ("tong_hop.vp-ubnd", "download", "transcript") in seen
        assert all(e["ip"] == "127.0.0.1" and e["at"] for e in audit)

        # Drafts: generated from the latest transcript; an edited .docx can be uploaded.
        r = c.post(f"/api/meetings/{meeting_id}/drafts", headers=stack.auth("tong_hop"))
        assert r.status_code == 202, r.text
        events = sse_events(c, f"/api/jobs/{r.json()['id']}/events", stack.auth("tong_hop"))
        assert events[-1][1]["state"] == "done", events[-1]
        # the meeting's own notice (its trích yếu): anything else is refused (issue 15, bug 1)
        edited = _docx("THÔNG BÁO", f"Kết luận tại cuộc họp {MEETING['title'].lower()}")
        r = c.post(
            f"/api/meetings/{meeting_id}/drafts/upload",
            files={"file": ("Thông báo đã sửa.docx", edited)},
            headers=stack.auth("tong_hop"),
        )
        assert r.status_code == 201, r.text
        version = r.json()["version"]
        r = c.get(f"/api/meetings/{meeting_id}/drafts/{version}", headers=stack.auth("theo_doi"))
        assert r.status_code == 200 and r.content == edited
        r = c.post(
            f"/api/meetings/{meeting_id}/drafts/upload",
            files={"file": ("gia.docx", b"PK\x03\x04 not really a docx")},
            headers=stack.auth("tong_hop"),
        )
        assert r.status_code == 422 and "docx" in r.json()["detail"]["hint"]

        # The same recording again, in the same unit: refused as a duplicate.
        other = c.post("/api/meetings", json={"title": "Họp khác"}, headers=stack.auth("van_thu"))
        r = _upload(c, stack, other.json()["id"], clip)
        assert r.status_code == 409 and r.json()["detail"]["meeting_id"] == meeting_id

        # Another unit cannot see this meeting at all.
        foreign = {"Authorization": f"Bearer {stack.other_unit_tokens['lanh_dao']}"}
        assert c.get(f"/api/meetings/{meeting_id}", headers=foreign).status_code == 404
        assert c.get(f"/api/jobs/{job_id}", headers=foreign).status_code == 404
        listed = c.get("/api/meetings", headers=foreign).json()
        assert meeting_id not in [m["id"] for m in listed]

    with db.session(stack.engine) as s:
        assert s.scalar(select(func.count()).where(db.TranscriptVersion.meeting_id == meeting_id)) == 2
        assert s.scalar(select(func.count()).where(db.Job.meeting_id == meeting_id)) >= 1
    assert stack.api.app.state.store.leftovers() == []


def test_cancel_and_retry(pg_stack):
    stack = pg_stack
    with stack.client() as c:
        meeting_id = c.post("/api/meetings", json={"title": "Họp hủy"}, headers=stack.auth("van_thu")).json()["id"]
        r = _upload(c, stack, meeting_id, vieneu_clip("Vĩnh"))
        job_id = r.json()["job"]["id"]
        r = c.post(f"/api/jobs/{job_id}/cancel", headers=stack.auth("van_thu"))
        assert r.status_code == 200 and r.json()["state"] == "cancelled"
        again = c.post(f"/api/jobs/{job_id}/cancel", headers=stack.auth("van_thu"))
        assert again.status_code == 400 and "không hủy được" in again.json()["detail"]["message"]
        r = c.post(f"/api/jobs/{job_id}/retry", headers=stack.auth("tong_hop"))
        assert r.status_code == 200 and r.json()["state"] == "queued"
        events = sse_events(c, f"/api/jobs/{job_id}/events", stack.auth("tong_hop"))
        assert events[-1][1]["state"] == "done", events[-1]


def _docx(title: str, summary: str = "") -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph(title)
    if summary:
        doc.add_paragraph(summary)
    doc.add_paragraph("1. Giao Sở Tài chính chủ trì, phối hợp với các sở, ngành liên quan.")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _norm(text: str) -> str:
    import re

    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def test_a_failing_job_reports_a_vietnamese_error(pg_stack):
    """The stored recording has gone missing: the job fails with a message a person can act on."""
    import uuid

    from services import jobs, meeting_jobs

    stack = pg_stack
    with db.session(stack.engine) as s:
        unit = s.query(db.Unit).filter_by(code="VP-UBND").one()
        audio = db.AudioFile(
            sha256=uuid.uuid4().hex * 2,
            size=10,
            duration=5.0,
            format="wav",
            storage_path="mat/tich.wav",
            original_name="mất tích.wav",
        )
        s.add(audio)
        s.flush()
        meeting = db.Meeting(unit_id=unit.id, title="Họp thiếu tệp", audio_id=audio.id)
        s.add(meeting)
        s.flush()
        job = meeting_jobs.create(s, meeting.id, audio.id, None)
    jobs.dispatch(stack.api.app.state.send, job)
    with stack.client() as c:
        events = sse_events(c, f"/api/jobs/{job.id}/events", stack.auth("van_thu"))
        final = events[-1][1]
        assert final["state"] == "failed" and final["state_name"] == "Lỗi"
        assert "Không tìm thấy tệp ghi âm 'mất tích.wav'" in final["error"]["message"], final
        assert "storage_dir" in final["error"]["hint"]
        assert final["error"]["hint"] and final["error"]["code"] == "audio"
        assert final["attempts"] == 1
