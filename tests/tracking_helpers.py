"""Shared pieces of the tracking tests: a hand-built conclusion rendered by drafting, an edited
copy of it, databases on both backends, and the ids the route × role matrix needs."""

import socketserver
import threading
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest

import db
from drafting import Conclusion, Deadline, Evidence, Meeting, Task


def meeting() -> Meeting:
    return Meeting(
        issuing_body="Tỉnh ủy Lào Cai",
        title="nghe báo cáo tiến độ giải ngân vốn đầu tư công",
        date=date(2026, 8, 20),
        notice_number="02",
        notice_date=date(2026, 8, 25),
        chair="Nguyễn Văn An",
        place="Hội trường Tỉnh ủy",
    )


def conclusion() -> Conclusion:
    m = meeting()
    tasks = [
        Task(
            "T1",
            ["Sở Tài chính"],
            "Rà soát, báo cáo tiến độ giải ngân vốn đầu tư công năm 2026",
            ["Sở Xây dựng", "UBND các huyện"],
            Deadline("date", date(2026, 9, 30), "trước ngày 30/9/2026"),
            "giao Sở Tài chính chủ trì rà soát tiến độ giải ngân",
            Evidence([3, 4], 125.0, 140.5),
        ),
        Task(
            "T2",
            ["Sở Y tế", "Sở Giáo dục và Đào tạo"],
            "Tăng cường kiểm tra an toàn thực phẩm tại các bếp ăn trường học",
            [],
            Deadline("recurring", None, "thường xuyên"),
            "",
            Evidence([7], 300.0, 320.0),
        ),
        Task(
            "T3",
            ["UBND thành phố Lào Cai"],
            "Ban hành kế hoạch chỉnh trang đô thị trung tâm",
            [],
            Deadline("relative", date(2026, 9, 3), "trong 10 ngày làm việc"),
        ),
        Task("T4", ["Sở Nội vụ"], "Tham mưu phương án sắp xếp tổ chức bộ máy các cơ quan", [], Deadline()),
        Task(
            "T5",
            ["Sở Kế hoạch và Đầu tư"],
            "Xây dựng kế hoạch đầu tư công trung hạn",
            [],
            Deadline("quarter", date(2026, 12, 31), "trong quý IV/2026"),
        ),
    ]
    return Conclusion(
        meeting=m.to_dict(),
        opening="Ngày 20/8/2026, Thường trực Tỉnh ủy họp nghe báo cáo tiến độ giải ngân vốn đầu tư công.",
        tasks=tasks,
    )


SHAPES = ("paragraphs", "appendix")  # tasks as the body's paragraphs only, or also a table


def render(path: Path, shape: str = "paragraphs") -> Path:
    import drafting

    drafting.render_notice(conclusion(), meeting(), appendix=shape == "appendix").save(str(path))
    return path


def edit_notice(source: Path, target: Path, shape: str = "paragraphs") -> Path:
    """What a drafter might do in Word: move a deadline, reword a task, drop one, add one
    (in the task table when the notice has one, else in the numbered paragraphs)."""
    from docx import Document

    doc = Document(str(source))
    if shape == "paragraphs":
        return _edit_paragraphs(doc, target)
    table = next(t for t in doc.tables if "Nội dung" in t.rows[0].cells[1].text)
    rows = table.rows
    _set(rows[1].cells[4], "Trước ngày 15/10/2026")  # T1: new deadline
    _set(rows[5].cells[1], "Xây dựng kế hoạch đầu tư công trung hạn giai đoạn 2026-2030")  # T5
    doc_rows = table._tbl
    doc_rows.remove(rows[4]._tr)  # T4 (Sở Nội vụ) dropped
    new = table.add_row().cells
    for cell, text in zip(
        new,
        ("6", "Tổng kết mô hình chuyển đổi số cấp xã", "Sở Khoa học và Công nghệ", "", "Trong tháng 11/2026"),
        strict=True,
    ):
        _set(cell, text)
    doc.save(str(target))
    return target


def _edit_paragraphs(doc, target: Path) -> Path:
    import copy

    by_lead = {p.text: p for p in doc.paragraphs}
    finance = next(p for t, p in by_lead.items() if t.startswith("1. Giao Sở Tài chính"))
    _set_para(finance, finance.text.replace("trước ngày 30-9-2026", "trước ngày 15-10-2026"))
    plan = next(p for t, p in by_lead.items() if t.startswith("5. Giao Sở Kế hoạch"))
    _set_para(plan, plan.text.replace("trung hạn,", "trung hạn giai đoạn 2026-2030,"))
    home = next(p for t, p in by_lead.items() if t.startswith("4. Giao Sở Nội vụ"))
    home._p.getparent().remove(home._p)
    new = copy.deepcopy(plan._p)
    plan._p.addnext(new)
    added = next(p for p in doc.paragraphs if p._p is new)
    for el in list(new):  # a new paragraph typed by hand: no comment anchors
        if el.tag.endswith(("commentRangeStart", "commentRangeEnd")):
            new.remove(el)
    _set_para(
        added, "6. Giao Sở Khoa học và Công nghệ tổng kết mô hình chuyển đổi số cấp xã, hoàn thành trong tháng 11/2026."
    )
    doc.save(str(target))
    return target


def _set_para(p, text: str) -> None:
    for run in p.runs[1:]:
        run._r.getparent().remove(run._r)
    p.runs[0].text = text


def _set(cell, text: str) -> None:
    p = cell.paragraphs[0]
    for run in p.runs[1:]:
        run._r.getparent().remove(run._r)
    if p.runs:
        p.runs[0].text = text
    else:
        p.add_run(text)
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)


def tracking_params(engine, store, unit: str = "VP-UBND") -> dict:
    """A confirmed notice of `unit` with one task, evidence, a notification, a pending import
    and a finished export job, for the route × role matrix (tests/test_api_authz.py)."""
    from tracking import imports
    from tracking.source import ParsedNotice, ParsedTask

    with db.session(engine) as s:
        office = s.query(db.Unit).filter_by(code=unit).one()
        number = f"{len(s.query(db.TrackedNotice).all()) + 1}-TB/MT"
        notice = ParsedNotice(
            number,
            date(2026, 8, 25),
            [ParsedTask("Báo cáo thử quyền", "Sở Thử Quyền", deadline_kind="co_han", due=date(2026, 9, 1))],
        )
        imports.confirm(s, imports.preview(s, [notice], office.id).id)
        task = s.query(db.TrackedTask).order_by(db.TrackedTask.id.desc()).first()
        path = store.root / "authz-evidence.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("minh chứng", encoding="utf-8")
        relative, sha, size = store.put_file(path, ".txt")
        evidence = db.TaskEvidence(
            task_id=task.id, sha256=sha, size=size, storage_path=relative, original_name="mc.txt"
        )
        note = db.Notification(
            key=f"authz:{task.id}", task_id=task.id, unit_id=office.id, audience="assigner", level="do", message="thử"
        )
        pending = imports.preview(
            s,
            [ParsedNotice(f"9{number}", date(2026, 8, 26), [ParsedTask("Nhập chờ xác nhận", "Sở Thử Quyền")])],
            office.id,
        )
        tracker = s.query(db.User).filter_by(role_code="theo_doi", unit_id=office.id).first()
        job = db.TrackingJob(
            kind="export",
            state="done",
            unit_id=office.id,
            params={},
            result={"file_name": "x.xlsx"},
            output_path="jobs/none.xlsx",
            created_by=tracker.id if tracker else None,
            finished_at=db.utcnow(),
        )
        s.add_all([evidence, note, job])
        s.flush()
        return {
            "task_id": task.id,
            "notice_id": task.notice_id,
            "evidence_id": evidence.id,
            "notification_id": note.id,
            "import_id": pending.id,
            "tracking_job_id": job.id,
        }


def inline_sender(engine, settings):
    """send(job_id, stage) for an app under test without a worker process: tracking jobs run
    at once, in this process, through the worker's own code; pipeline stages are dropped.
    (tests/test_tracking_jobs.py runs them on a real Celery worker.)"""

    def send(job_id: int, stage: str) -> None:
        if stage == "tracking":
            from services import tracking_jobs

            tracking_jobs.run(engine, settings, job_id)

    return send


def finished(client, job: dict, headers: dict, timeout: float = 60) -> dict:
    """Poll a tracking job (GET /api/tracking/jobs/{id}) until it is done or failed."""
    from tests.service_fixtures import wait_for

    def final():
        got = client.get(f"/api/tracking/jobs/{job['id']}", headers=headers)
        assert got.status_code == 200, got.text
        return got.json() if got.json()["state"] in ("done", "failed") else None

    return wait_for(final, timeout, f"tracking job {job['id']}", step=0.2)


class _SMTP(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every message is kept on the server."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        rcpt: list[str] = []
        while line := self.rfile.readline():
            cmd = line.strip().upper()
            if cmd.startswith(b"RCPT TO:"):
                rcpt.append(line.strip()[8:].strip(b"<> ").decode())
            if cmd == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append((rcpt, message_from_bytes(data, policy=policy.default)))
                rcpt = []
            elif cmd == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            self.wfile.write(b"250 ok\r\n")


@pytest.fixture(name="smtp")
def smtp_fixture():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTP)
    server.messages = []
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
