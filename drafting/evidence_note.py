"""The Word comment that carries a task's evidence in the notice, written and read in one place.

render.py anchors it on the task's paragraph; reader.py reads it back (import-docx, the
tracking import, a drafter's upload), so the labels below are the contract between the two:

    Nghe lại: [00:42:10] – [00:42:31]
    Lời chủ trì: “… giao Sở Tài chính chủ trì …”
    Hạn dự kiến (tính từ ngày họp): 19/09/2026
    CẦN KIỂM TRA: câu trích không có trong bản ghi.
    Căn cứ cho nhiệm vụ: Rà soát, điều chuyển vốn …

Only the audio time and the chair's words are read back; the task line says which task the
note proves, so a paragraph retyped over another task's comment in Word does not inherit it.
"""

import re

from drafting.deadline_kinds import Follow, kind_of
from drafting.model import QUOTE_NOT_FOUND, Evidence, Task

LISTEN = "Nghe lại:"
QUOTE_LABEL = "Lời chủ trì:"
ESTIMATE = "Hạn dự kiến (tính từ ngày họp):"
TO_CHECK = "CẦN KIỂM TRA:"
TASK_LABEL = "Căn cứ cho nhiệm vụ:"
QUOTE_CHARS, TASK_CHARS = 400, 150  # how much of the quote and of the task the note repeats
# A note belongs to a paragraph that keeps this share of the words of the task it names.
SAME_TASK = 0.6

CLOCK = re.compile(r"\[(\d{2}):(\d{2}):(\d{2})\]")
TASK_NOTE = re.compile(re.escape(TASK_LABEL) + r"\s*(.+)")
QUOTE = re.compile(re.escape(QUOTE_LABEL) + r"\s*[“\"](.*)[”\"]", re.S)


def write(task: Task) -> str:
    """The note for a task ('' when there is nothing to say)."""
    parts = []
    if task.evidence.start is not None:
        end = task.evidence.end if task.evidence.end is not None else task.evidence.start
        parts.append(f"{LISTEN} {task.evidence.clock} – [{clock(end)}]")
    if task.quote:
        parts.append(f"{QUOTE_LABEL} “{task.quote[:QUOTE_CHARS]}”")
    if kind_of(task.deadline.kind).follow is Follow.COUNTED and task.deadline.due:
        d = task.deadline.due
        parts.append(f"{ESTIMATE} {d.day:02d}/{d.month:02d}/{d.year}")
    if QUOTE_NOT_FOUND in task.flags:
        parts.append(f"{TO_CHECK} câu trích không có trong bản ghi.")
    if not task.leads:
        parts.append(f"{TO_CHECK} chưa xác định cơ quan chủ trì.")
    if parts:  # which task the note proves: a paragraph retyped in Word does not inherit it
        parts.append(f"{TASK_LABEL} {task.action.strip()[:TASK_CHARS]}")
    return "\n".join(parts)


def clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def belongs(note: str, text: str) -> bool:
    """Whether a ketluan note is about the task written in `text`: the note names its task;
    a paragraph retyped over another task's note in Word shares too few of its words, and the
    note is dropped rather than shifted. A note that names no task (older drafts) is believed."""
    m = TASK_NOTE.search(note)
    if not m:
        return True
    words = set(plain(m.group(1)).split())
    return len(words & set(plain(text).split())) >= SAME_TASK * len(words)


def apply(task: Task, note: str, text: str | None = None) -> None:
    """The chair's words and the audio time from a note, onto the task read from `text`
    (default: its action); without a note that belongs, the task has neither (the notice's own
    sentence is not the chair's words)."""
    if not belongs(note, task.action if text is None else text):
        note = ""
    clocks = [int(h) * 3600 + int(m) * 60 + int(s) for h, m, s in CLOCK.findall(note)]
    quote = QUOTE.search(note)
    task.quote = quote.group(1).strip() if quote else ""
    task.evidence = Evidence()
    if clocks:
        task.evidence = Evidence([], float(clocks[0]), float(clocks[1] if len(clocks) > 1 else clocks[0]))


def plain(text: str) -> str:
    """Lower-case words only, to compare a task with what Word kept of it."""
    return re.sub(r"\W+", " ", text.lower()).strip()
