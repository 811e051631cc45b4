"""The optional LLM backend against a small fake OpenAI-compatible server on 127.0.0.1.

The fake stands in for an office's on-prem endpoint (an outside service we do not ship);
it checks the request carries a JSON schema and answers canned JSON. No real model runs here,
so these tests cover the plumbing and the safety checks, not the quality of an LLM.
"""

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from drafting import Meeting, extract
from drafting.llm import LLMClient, from_settings
from drafting.model import QUOTE_NOT_FOUND
from ketluan.settings import Settings
from services.pipeline import draft
from transcribe.transcript import AudioInfo, Segment, Transcript

MEETING = Meeting(issuing_body="Tỉnh ủy Lào Cai", title="họp", date=date(2026, 8, 20))
ANSWER = {
    "items": [{"title": "Về vốn đầu tư", "text": "Giao Sở Tài chính rà soát vốn."}],
    "tasks": [
        {
            "leads": ["sở tài chính"],
            "supports": ["Sở Xây dựng"],
            "action": "Rà soát, điều chuyển vốn",
            "deadline_phrase": "trước ngày 15/9",
            "quote": "giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát",
        },
        {
            "leads": ["Sở Y tế"],
            "supports": [],
            "action": "Kiểm tra an toàn thực phẩm",
            "deadline_phrase": "",
            "quote": "Sở Y tế kiểm tra bếp ăn tập thể hằng tuần",
        },
    ],
}


class FakeLLM(BaseHTTPRequestHandler):
    answer: object = ANSWER
    requests: list = []  # noqa: RUF012  (shared on purpose: the test reads what was sent)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeLLM.requests.append(body)
        if self.path != "/v1/chat/completions":
            self.send_response(404)
            self.end_headers()
            return
        content = self.answer if isinstance(self.answer, str) else json.dumps(self.answer)
        reply = {"choices": [{"message": {"role": "assistant", "content": content}}]}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = HTTPServer(("127.0.0.1", 0), FakeLLM)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    FakeLLM.requests = []
    FakeLLM.answer = ANSWER
    yield f"http://127.0.0.1:{httpd.server_port}/v1"
    httpd.shutdown()
    thread.join(timeout=10)


def transcript() -> Transcript:
    segs = [
        Segment(0, 10.0, 20.0, "Tôi xin kết luận như sau."),
        Segment(
            1,
            20.0,
            31.0,
            "Thứ nhất, giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát vốn, báo cáo trước ngày 15/9.",
        ),
        Segment(2, 31.0, 40.0, "Thứ hai, Sở Y tế kiểm tra an toàn thực phẩm."),
    ]
    return Transcript(audio=AudioInfo(duration=40.0), segments=segs)


def test_llm_answer_is_checked_against_the_transcript(server):
    c = extract(transcript(), MEETING, llm=LLMClient(server, "vi-llm", timeout_s=10))
    assert c.backend == "llm"
    sent = FakeLLM.requests[0]
    assert sent["response_format"]["type"] == "json_schema"
    assert "tasks" in sent["response_format"]["json_schema"]["schema"]["properties"]
    assert "[1] Thứ nhất, giao Sở Tài chính" in sent["messages"][1]["content"]
    first, second = c.tasks
    assert first.leads == ["Sở Tài chính"]  # normalised by the gazetteer
    assert first.evidence.segment_ids == [1] and first.evidence.start == 20.0
    assert (first.deadline.kind, first.deadline.due) == ("date", date(2026, 9, 15))
    assert first.flags == []
    # the model invented this quote: the task is kept for a person to check, and flagged
    assert second.flags == [QUOTE_NOT_FOUND]
    assert second.evidence.segment_ids == []


def test_bad_json_falls_back_to_rules(server):
    FakeLLM.answer = "không phải JSON"
    c = extract(transcript(), MEETING, llm=LLMClient(server, "vi-llm", timeout_s=10))
    assert c.backend == "rules"
    assert [t.leads for t in c.tasks] == [["Sở Tài chính"], ["Sở Y tế"]]
    assert "lược đồ" in c.notes[0]


def test_schema_violation_falls_back_to_rules(server):
    FakeLLM.answer = {"tasks": [{"leads": "Sở Y tế"}]}
    c = extract(transcript(), MEETING, llm=LLMClient(server, "vi-llm", timeout_s=10))
    assert c.backend == "rules" and c.tasks


def test_unreachable_endpoint_falls_back_to_rules():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = extract(transcript(), MEETING, llm=LLMClient(f"http://127.0.0.1:{port}/v1", "m", timeout_s=2))
    assert c.backend == "rules" and len(c.tasks) == 2
    assert "không kết nối được" in c.notes[0]


def test_extract_reads_no_settings(server, monkeypatch):
    """The endpoint set in the environment is not asked: only a client passed in is."""
    from ketluan.settings import get_settings

    monkeypatch.setenv("KETLUAN_LLM_URL", server)
    monkeypatch.setenv("KETLUAN_LLM_MODEL", "vi-llm")
    get_settings.cache_clear()
    try:
        c = extract(transcript(), MEETING)
    finally:
        get_settings.cache_clear()
    assert c.backend == "rules" and c.notes == []
    assert FakeLLM.requests == []


def test_client_from_settings(server):
    assert from_settings(Settings(llm_url=None)) is None
    client = from_settings(Settings(llm_url=server, llm_model="vi-llm", llm_timeout_s=7))
    assert client == LLMClient(server, "vi-llm", "", 7)


def test_the_service_passes_the_configured_client(server, tmp_path):
    """services.pipeline.draft (CLI draft, process) builds the client from its settings."""
    settings = Settings(llm_url=server, llm_model="vi-llm", llm_timeout_s=10)
    conclusion, paths = draft(transcript(), MEETING, tmp_path / "notice.docx", settings=settings)
    assert conclusion.backend == "llm" and len(FakeLLM.requests) == 1
    assert [p.name for p in paths] == ["notice.docx", "minutes.docx", "conclusion.json"]
    assert all(p.exists() for p in paths)
    rules, _ = draft(transcript(), MEETING, tmp_path / "r" / "notice.docx", settings=Settings(llm_url=None))
    assert rules.backend == "rules" and len(FakeLLM.requests) == 1


def test_the_workers_drafting_stage_builds_its_options_from_its_settings(server, tmp_path):
    """The cpu stage (a meeting's draft, also when the web page asks for a new one) passes the
    LLM client and the page style built from the worker's Settings; drafting reads neither."""
    from docx import Document
    from sqlalchemy import select

    import db
    from db import accounts
    from services import jobs, meeting_jobs

    settings = Settings(data_dir=tmp_path, llm_url=server, llm_model="vi-llm", llm_timeout_s=10, docx_font="Arial")
    engine = db.connect(settings.db_url)
    with db.session(engine) as s:
        unit = accounts.ensure_unit(s, "VP-UBND")
        audio = db.AudioFile(
            sha256="0" * 64, size=1, duration=40.0, format="wav", storage_path="audio/x.wav", original_name="hop.wav"
        )
        s.add(audio)
        s.flush()
        meeting = db.Meeting(
            unit_id=unit.id,
            title=MEETING.title,
            issuing_body=MEETING.issuing_body,
            date=MEETING.date,
            audio_id=audio.id,
        )
        s.add(meeting)
        s.flush()
        job = meeting_jobs.create(s, meeting.id, audio.id, None)
        job.stage, job.state = "cpu", db.DRAFTING
        s.add(db.TranscriptVersion(meeting_id=meeting.id, version=1, source="asr", data=transcript().to_dict()))
        job_id = job.id
    assert jobs.claim(engine, job_id, "cpu", "test", 600) is not None
    meeting_jobs.cpu_stage(jobs.Run(engine, settings, job_id, "test", lambda *a: None))
    with db.session(engine) as s:
        draft = s.scalars(select(db.DraftVersion)).one()
        conclusion, path = draft.conclusion, settings.files_dir / draft.storage_path
    engine.dispose()
    assert conclusion and conclusion["backend"] == "llm" and len(FakeLLM.requests) == 1
    assert Document(str(path)).styles["Normal"].font.name == "Arial"
