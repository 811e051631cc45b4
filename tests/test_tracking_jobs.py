"""Tracking imports and exports on the cpu queue, run by a real Celery worker (PostgreSQL +
Redis, tests/service_fixtures.py): 202 with a job, its progress by SSE, then the preview or the
file; a broken file fails with a Vietnamese message; a lost message is sent again; old files
are cleaned up."""

import io
from datetime import timedelta

from docx import Document

import db
from services import jobs, tracking_jobs
from tests.service_fixtures import sse_events
from tests.tracking_helpers import finished, render


def _jobs_folder(stack):
    return stack.api.app.state.store.root / tracking_jobs.JOB_DIR


def test_import_and_export_run_on_the_worker(pg_stack, tmp_path):
    stack, tracker, leader = pg_stack, pg_stack.auth("theo_doi"), pg_stack.auth("lanh_dao")
    with stack.client() as c, open(render(tmp_path / "tb.docx"), "rb") as f:
        r = c.post(
            "/api/tracking/imports",
            params={"received_on": "2026-08-27"},
            files={"file": ("TB 02-TB-TU.docx", f)},
            headers=tracker,
        )
        assert r.status_code == 202, r.text
        job = r.json()
        assert (job["kind"], job["state"], job["import_id"]) == ("import", "queued", None)
        events = sse_events(c, f"/api/tracking/jobs/{job['id']}/events", tracker, timeout=60)
        states = [data["state"] for name, data in events if name == "job"]
        assert states[-1] == "done" and set(states) <= {"queued", "running", "done"}, events
        done = events[-1][1]
        assert c.get(f"/api/tracking/jobs/{job['id']}", headers=leader).status_code == 404
        preview = c.get(f"/api/tracking/imports/{done['import_id']}", headers=tracker).json()
        assert preview["source_name"] == "TB 02-TB-TU.docx"
        assert len(preview["notices"][0]["diff"]["added"]) == 6
        assert not any(_jobs_folder(stack).glob(f"{job['id']}-in*"))  # the upload is not kept
        r = c.post(f"/api/tracking/imports/{preview['id']}/confirm", headers=tracker)
        assert r.json()["added"] == 6, r.text

        r = c.post("/api/tracking/reports/exports", json={"format": "xlsx", "on": "2026-10-05"}, headers=leader)
        assert r.status_code == 202, r.text
        export = finished(c, r.json(), leader)
        assert export["file_name"] == "nhiem-vu-20261005.xlsx", export
        got = c.get(export["download_url"], headers=leader)
        assert got.status_code == 200 and got.content[:2] == b"PK"
        assert c.get(export["download_url"], headers=tracker).status_code == 404
        from openpyxl import load_workbook

        listing = list(load_workbook(io.BytesIO(got.content))["Danh sách nhiệm vụ"].values)
        assert {row[1] for row in listing[1:]} >= {"02-TB/TU"}
        # The plain GET address waits for the worker and hands the file over.
        got = c.get("/api/tracking/reports/summary.docx", params={"on": "2026-10-05"}, headers=leader)
        assert got.status_code == 200, got.text
        assert got.headers["content-disposition"].endswith('bao-cao-nhiem-vu-20261005.docx"')


def test_a_broken_file_fails_with_its_reason(pg_stack):
    stack, tracker = pg_stack, pg_stack.auth("theo_doi")
    with stack.client() as c:
        r = c.post("/api/tracking/imports", files={"file": ("ghi-chu.txt", b"STT,Noi dung\n")}, headers=tracker)
        assert r.status_code == 400 and "không phải .docx hay .xlsx" in r.json()["detail"]["message"]
        # A broken or hostile file is refused at the upload (ketluan/officefile.py), not queued.
        r = c.post(
            "/api/tracking/imports", files={"file": ("hong.docx", b"PK\x03\x04 not really a zip")}, headers=tracker
        )
        assert r.status_code == 422 and "hong.docx" in r.json()["detail"]["message"]
        # A safe Word file the reader cannot use fails in the worker, with its reason.
        empty = io.BytesIO()
        Document().save(empty)
        r = c.post("/api/tracking/imports", files={"file": ("hong.docx", empty.getvalue())}, headers=tracker)
        assert r.status_code == 202
        job = finished(c, r.json(), tracker)
    assert job["state"] == "failed" and job["state_name"] == "Lỗi"
    assert job["error"]["code"] == "document" and "hong.docx" in job["error"]["message"]
    assert job["error"]["hint"]
    assert not any(_jobs_folder(stack).glob(f"{job['id']}-in*"))


def test_a_lost_message_is_sent_again_and_old_files_go(pg_stack):
    stack = pg_stack
    with db.session(stack.engine) as s:  # queued, but its message never reached Redis
        user = s.query(db.User).filter_by(username="lanh_dao.vp-ubnd").one()
        job_id = tracking_jobs.create_export(s, user, {"format": "docx", "on": "2026-10-05"}).id
    with stack.client() as c:
        job = finished(c, {"id": job_id}, stack.auth("lanh_dao"), timeout=60)
    assert job["state"] == "done" and job["download_url"]
    settings = stack.service.settings()
    out = stack.api.app.state.store.root / tracking_jobs.JOB_DIR / f"{job_id}-out.docx"
    assert out.is_file()
    jobs.sweep(stack.engine, lambda *a: None, settings)
    assert out.is_file()  # kept for tracking_job_keep_hours
    with db.session(stack.engine) as s:
        s.get(db.TrackingJob, job_id).finished_at -= timedelta(hours=settings.tracking_job_keep_hours + 1)
    jobs.sweep(stack.engine, lambda *a: None, settings)
    assert not out.exists()
    with db.session(stack.engine) as s:
        assert s.get(db.TrackingJob, job_id) is None
