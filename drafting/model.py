"""The Conclusion data model and its JSON form (DESIGN.md).

``{meeting, opening, items: [{title, text, evidence}], tasks: [{id, leads, supports,
action, deadline: {kind, due, phrase}, quote, evidence: {segment_ids, start, end}}]}``
Extra keys (``flags``, ``backend``, ``notes``) are additions a reader may ignore.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from drafting.deadline_kinds import KINDS, NONE

DEADLINE_KINDS = tuple(KINDS)  # the table of kinds: drafting/deadline_kinds.py

# Task flags
QUOTE_NOT_FOUND = "quote_not_found"  # LLM quote absent from the transcript: check by hand
NO_LEAD = "no_lead"  # no unit or person found as the lead


@dataclass
class Deadline:
    kind: str = NONE  # a name in drafting/deadline_kinds.py: KINDS
    due: date | None = None
    phrase: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "due": self.due.isoformat() if self.due else None, "phrase": self.phrase}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Deadline":
        data = data or {}
        due = data.get("due")
        return cls(
            kind=data.get("kind") or NONE,
            due=date.fromisoformat(due) if due else None,
            phrase=data.get("phrase") or "",
        )


@dataclass
class Evidence:
    segment_ids: list[int] = field(default_factory=list)
    start: float | None = None
    end: float | None = None

    @property
    def clock(self) -> str:
        """'[00:42:10]' for the start, or '' when the text has no audio."""
        if self.start is None:
            return ""
        s = int(self.start)
        return f"[{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}]"


@dataclass
class Task:
    id: str
    leads: list[str]
    action: str
    supports: list[str] = field(default_factory=list)
    deadline: Deadline = field(default_factory=Deadline)
    quote: str = ""
    evidence: Evidence = field(default_factory=Evidence)
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "leads": list(self.leads),
            "supports": list(self.supports),
            "action": self.action,
            "deadline": self.deadline.to_dict(),
            "quote": self.quote,
            "evidence": asdict(self.evidence),
            "flags": list(self.flags),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Task":
        ev = data.get("evidence") or {}
        return cls(
            id=str(data.get("id", "")),
            leads=list(data.get("leads") or []),
            supports=list(data.get("supports") or []),
            action=data.get("action", ""),
            deadline=Deadline.from_dict(data.get("deadline")),
            quote=data.get("quote", ""),
            evidence=Evidence(list(ev.get("segment_ids") or []), ev.get("start"), ev.get("end")),
            flags=list(data.get("flags") or []),
        )


@dataclass
class Item:
    title: str
    text: str = ""
    evidence: Evidence = field(default_factory=Evidence)


@dataclass
class Conclusion:
    meeting: dict[str, Any]
    opening: str
    items: list[Item] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    backend: str = "rules"  # rules | llm
    notes: list[str] = field(default_factory=list)  # e.g. why the LLM was not used

    def to_dict(self) -> dict[str, Any]:
        return {
            "meeting": self.meeting,
            "opening": self.opening,
            "items": [{"title": i.title, "text": i.text, "evidence": asdict(i.evidence)} for i in self.items],
            "tasks": [t.to_dict() for t in self.tasks],
            "backend": self.backend,
            "notes": list(self.notes),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, default=str)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Conclusion":
        items = []
        for i in data.get("items", []):
            ev = i.get("evidence") or {}
            items.append(
                Item(
                    i.get("title", ""),
                    i.get("text", ""),
                    Evidence(list(ev.get("segment_ids") or []), ev.get("start"), ev.get("end")),
                )
            )
        return cls(
            meeting=data.get("meeting", {}),
            opening=data.get("opening", ""),
            items=items,
            tasks=[Task.from_dict(t) for t in data.get("tasks", [])],
            backend=data.get("backend", "rules"),
            notes=list(data.get("notes", [])),
        )

    @classmethod
    def load(cls, path: str | Path) -> "Conclusion":
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
