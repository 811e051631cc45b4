"""Optional extraction by an on-premises LLM behind an OpenAI-compatible endpoint (e.g. vLLM).

Off unless KETLUAN_LLM_URL is set: the services layer then builds a client
(`from_settings`) and passes it to `drafting.extract`, which never reads the settings itself.
The model's answer is constrained by a JSON schema (response_format json_schema) and
validated with pydantic. We do not trust it blindly:
deadlines are re-parsed by our own parser from the phrase it quotes, unit names go through
the gazetteer, and every task must quote words that exist in the transcript; a task whose
quote cannot be found is kept but flagged `quote_not_found` for the drafter. When the
endpoint is unreachable or answers badly, `LLMUnavailable` is raised and the caller uses
the rules. No LLM weights ship with ketluan; bench/extraction_llm.py measures this path with a
small local model (Qwen2.5-Coder-1.5B, bench/RESULTS.md), and the rules stay the default.
"""

import json
from dataclasses import dataclass

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError
from rapidfuzz import fuzz

from drafting import deadline as dl
from drafting.conclude import concluding_part
from drafting.gazetteer import Gazetteer, key
from drafting.meeting import Meeting
from drafting.model import QUOTE_NOT_FOUND, Conclusion, Evidence, Item, Task
from ketluan.settings import Settings
from transcribe.transcript import Segment, Transcript

QUOTE_MIN_SCORE = 90  # rapidfuzz partial ratio for a quote with small recognition noise

SYSTEM = (
    "Bạn là chuyên viên tổng hợp của văn phòng cấp ủy/UBND. Từ lời kết luận của chủ trì "
    "cuộc họp, hãy liệt kê các điểm kết luận (items) và các nhiệm vụ được giao (tasks). "
    "Mỗi nhiệm vụ: leads = cơ quan/người chủ trì; supports = cơ quan phối hợp; action = nội "
    "dung việc phải làm (không gồm thời hạn); deadline_phrase = cụm từ thời hạn đúng như lời "
    "nói, hoặc chuỗi rỗng; quote = trích nguyên văn câu giao việc trong bản ghi. Các nội dung "
    "đánh giá, biểu dương, ghi nhận, thống nhất, đồng ý không phải là nhiệm vụ. Chỉ trả lời "
    "JSON đúng lược đồ."
)


class LLMUnavailable(Exception):
    """The endpoint is not reachable or its answer cannot be used."""


class LLMItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    text: str


class LLMTask(BaseModel):
    model_config = ConfigDict(extra="forbid")
    leads: list[str]
    supports: list[str]
    action: str
    deadline_phrase: str
    quote: str


class LLMOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[LLMItem]
    tasks: list[LLMTask]


@dataclass
class LLMClient:
    url: str  # base URL ending in /v1
    model: str
    api_key: str = ""
    timeout_s: float = 120.0

    def complete(self, system: str, user: str) -> LLMOutput:
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "conclusion", "strict": True, "schema": LLMOutput.model_json_schema()},
            },
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            resp = httpx.post(
                f"{self.url.rstrip('/')}/chat/completions", json=body, headers=headers, timeout=self.timeout_s
            )
            resp.raise_for_status()
            content = resp.json()["choices"][0]["message"]["content"]
            return LLMOutput.model_validate(json.loads(content))
        except httpx.HTTPStatusError as exc:
            raise LLMUnavailable(f"máy chủ trả lỗi {exc.response.status_code}") from None
        except httpx.HTTPError as exc:
            raise LLMUnavailable(f"không kết nối được {self.url}: {type(exc).__name__}") from None
        except (KeyError, IndexError, TypeError, json.JSONDecodeError, ValidationError):
            raise LLMUnavailable("câu trả lời không đúng lược đồ JSON") from None


def from_settings(s: Settings) -> LLMClient | None:
    """The configured endpoint's client, or None (the rules alone) when none is set."""
    if not s.llm_url:
        return None
    return LLMClient(s.llm_url, s.llm_model, s.llm_api_key, s.llm_timeout_s)


def extract_llm(client: LLMClient, transcript: Transcript, meeting: Meeting, gaz: Gazetteer) -> Conclusion:
    segments = concluding_part(transcript, meeting)
    if not segments:
        raise LLMUnavailable("bản ghi không có phần kết luận")
    user = (
        f"Ngày họp: {meeting.date.isoformat()}. Cuộc họp: {meeting.title}.\n"
        "Lời kết luận (mỗi dòng: [mã đoạn] lời nói):\n" + "\n".join(f"[{s.id}] {s.text.strip()}" for s in segments)
    )
    out = client.complete(SYSTEM, user)
    timed = transcript.audio.duration > 0
    tasks = []
    for n, t in enumerate(out.tasks, 1):
        if not t.action.strip() or not t.leads:
            continue
        evidence = locate(t.quote, segments, timed)
        deadline = (
            dl.parse(t.deadline_phrase, meeting.date) if t.deadline_phrase.strip() else dl.parse(t.quote, meeting.date)
        )
        tasks.append(
            Task(
                id=f"T{n}",
                leads=[gaz.canonical(x) for x in t.leads if x.strip()],
                supports=[gaz.canonical(x) for x in t.supports if x.strip()],
                action=t.action.strip(),
                deadline=deadline,
                quote=t.quote,
                evidence=evidence or Evidence(),
                flags=[] if evidence else [QUOTE_NOT_FOUND],
            )
        )
    items = [Item(i.title.strip(), i.text.strip()) for i in out.items]
    return Conclusion(meeting=meeting.to_dict(), opening="", items=items, tasks=tasks, backend="llm")


def locate(quote: str, segments: list[Segment], timed: bool) -> Evidence | None:
    """The segments a quote comes from, or None when the transcript does not contain it."""
    q = key(quote)
    if len(q) < 8:
        return None
    spans, parts, pos = [], [], 0
    for s in segments:
        k = key(s.text)
        spans.append((pos, pos + len(k), s))
        parts.append(k)
        pos += len(k) + 1
    full = " ".join(parts)
    start = full.find(q)
    end = start + len(q)
    if start < 0:
        found = fuzz.partial_ratio_alignment(q, full)
        if found is None or found.score < QUOTE_MIN_SCORE:
            return None
        start, end = found.dest_start, found.dest_end
    hit = [s for a, b, s in spans if b > start and a < end]
    if not hit:
        return None
    ids = [s.id for s in hit]
    return Evidence(ids, hit[0].start, hit[-1].end) if timed else Evidence(ids)
