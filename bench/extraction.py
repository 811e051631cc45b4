"""Task extraction quality on the labelled dev set (bench/data/extraction/*.txt).

    python bench/extraction.py            # written and spoken, tune and held-out splits
    python bench/extraction.py --audio    # also end to end: espeak-ng speech → process → tasks

Each notice file holds the written notice, the chair's spoken remarks and the gold tasks
(the spoken remarks are also scored lower-cased with no punctuation, as some recognisers
write them)
(leads | supports | action | deadline kind and due date). A predicted task matches a gold
task when their actions are alike (token-set similarity ≥ 60) and they share a lead, or
when the actions are very alike (≥ 80); matching is one-to-one, best first.
Lead accuracy and deadline accuracy are over matched tasks.
"""

import argparse
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drafting import Meeting, extract_text  # noqa: E402
from drafting.gazetteer import default_gazetteer, key  # noqa: E402
from drafting.model import Task  # noqa: E402

DATA = ROOT / "bench" / "data" / "extraction"


@dataclass
class Gold:
    leads: list[str]
    supports: list[str]
    action: str
    kind: str
    due: date | None


@dataclass
class Notice:
    name: str
    split: str
    date: date
    written: str
    spoken: str
    tasks: list[Gold] = field(default_factory=list)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    lead_ok: int = 0
    deadline_ok: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for f in ("tp", "fp", "fn", "lead_ok", "deadline_ok"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.errors += other.errors

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def row(self, label: str) -> str:
        lead = self.lead_ok / self.tp if self.tp else 0.0
        dl = self.deadline_ok / self.tp if self.tp else 0.0
        return (f"| {label} | {self.tp + self.fn} | {self.p:.2f} | {self.r:.2f} | {self.f1:.2f} "
                f"| {lead:.2f} | {dl:.2f} |")


def load(path: Path) -> Notice:
    text = path.read_text(encoding="utf-8")
    head = dict(re.findall(r"^# (\w+): (.+)$", text, re.M))
    parts = dict(re.findall(r"^=== (\w+)\n(.*?)(?=^=== |\Z)", text, re.M | re.S))
    notice = Notice(path.stem, head["split"], date.fromisoformat(head["date"]),
                    parts["written"].strip(), parts["spoken"].strip())
    for line in parts["tasks"].strip().splitlines():
        leads, supports, action, dl = (c.strip() for c in line.split("|"))
        kind, *due = dl.split()
        notice.tasks.append(Gold(
            [x.strip() for x in leads.split(";") if x.strip()],
            [x.strip() for x in supports.split(";") if x.strip()],
            action, kind, date.fromisoformat(due[0]) if due else None))
    return notice


def score(gold: list[Gold], pred: list[Task]) -> Score:
    gaz = default_gazetteer()
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            sim = fuzz.token_set_ratio(key(g.action), key(p.action))
            shared = bool(_leads(g.leads, gaz) & _leads(p.leads, gaz))
            if sim >= 80 or (sim >= 60 and shared):
                pairs.append((sim + 20 * shared, gi, pi))
    s = Score()
    used_g, used_p = set(), set()
    for _, gi, pi in sorted(pairs, reverse=True):
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        g, p = gold[gi], pred[pi]
        s.tp += 1
        if _leads(g.leads, gaz) == _leads(p.leads, gaz):
            s.lead_ok += 1
        else:
            s.errors.append(f"lead: {g.leads} ≠ {p.leads} ({g.action[:40]})")
        if g.kind == p.deadline.kind and g.due == p.deadline.due:
            s.deadline_ok += 1
        else:
            s.errors.append(f"deadline: {g.kind} {g.due} ≠ {p.deadline.kind} {p.deadline.due} "
                            f"'{p.deadline.phrase}' ({g.action[:40]})")
    s.fn = len(gold) - len(used_g)
    s.fp = len(pred) - len(used_p)
    s.errors += [f"missed: {gold[i].leads} {gold[i].action[:60]}" for i in range(len(gold))
                 if i not in used_g]
    s.errors += [f"extra: {pred[i].leads} {pred[i].action[:60]}" for i in range(len(pred))
                 if i not in used_p]
    return s


def _leads(names: list[str], gaz) -> set[str]:
    out = set()
    for n in names:
        k = key(gaz.canonical(n))
        k = re.sub(r"^đồng chí ", "", k)
        out.add(k)
    return out


def meeting_for(n: Notice) -> Meeting:
    return Meeting(issuing_body="Tỉnh ủy Lào Cai", title="họp", date=n.date)


def run(notices: list[Notice], mode: str, verbose: bool) -> dict[str, Score]:
    totals = {"tune": Score(), "heldout": Score(), "fresh": Score(), "fresh2": Score()}
    for n in notices:
        if mode == "written":
            text = n.written
        elif mode == "spoken":
            text = n.spoken
        else:  # as recognisers without punctuation write it (e.g. PhoWhisper)
            text = re.sub(r"[,.;:!?]", "", n.spoken.lower())
        c = extract_text(text, meeting_for(n))
        s = score(n.tasks, c.tasks)
        totals[n.split].add(s)
        if verbose and s.errors:
            print(f"-- {n.name} {mode}")
            for e in s.errors:
                print("   ", e)
    return totals


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--audio", action="store_true", help="also run the end-to-end audio check")
    args = ap.parse_args()
    notices = [load(p) for p in sorted(DATA.glob("*.txt"))]
    n_tasks = sum(len(n.tasks) for n in notices)
    print(f"{len(notices)} notices, {n_tasks} gold tasks "
          f"({sum(len(n.tasks) for n in notices if n.split == 'heldout')} held out, "
          f"{sum(len(n.tasks) for n in notices if n.split == 'fresh')} fresh)\n")
    print("| text | split | gold tasks | P | R | F1 | lead acc. | deadline acc. |")
    print("|---|---|---|---|---|---|---|---|")
    for mode in ("written", "spoken", "unpunctuated"):
        totals = run(notices, mode, args.verbose)
        for split_name, s in totals.items():
            print(s.row(f"{mode} | {split_name}"))
    if args.audio:
        from bench.extraction_audio import main as audio_main

        audio_main(notices)


if __name__ == "__main__":
    main()
