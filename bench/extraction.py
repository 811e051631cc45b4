"""Task extraction quality on labelled notices.

    python bench/extraction.py            # the hand-written dev set (bench/data/extraction)
    python bench/extraction.py --real     # published notices (bench/data/extraction_real/dev),
                                          # by origin and format
    python bench/extraction.py --real --split real-fresh8  # the hold-out: run it only to
                                          # report, never to tune (earlier hold-outs, once
                                          # scored, became tuning material; the first fresh split was
                                          # scored twice and is now part of dev)
    python bench/extraction.py --audio    # also end to end: espeak-ng speech → process → tasks
    python bench/extraction.py --cost     # seconds for ~20,000 words read as one meeting

Each notice file holds the written notice, the chair's spoken remarks and the gold tasks
(the spoken remarks are also scored lower-cased with no punctuation, as some recognisers
write them)
(leads | supports | action | deadline kind and due date). A predicted task matches a gold
task when their actions are alike (token-set similarity ≥ 60) and they share a lead, or
when the actions are very alike (≥ 80); matching is one-to-one, best first.
Lead, supports and deadline accuracy are over matched tasks; bodies match as a set, or when
the same list is cut into items differently ("các Ban, Văn phòng Huyện ủy" as one or two).
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
REAL = ROOT / "bench" / "data" / "extraction_real"


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
    origin: str = "province"  # central | province | district | commune
    format: str = "party"  # party | state | press
    source: str = ""


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    lead_ok: int = 0
    support_ok: int = 0
    deadline_ok: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for f in ("tp", "fp", "fn", "lead_ok", "support_ok", "deadline_ok"):
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
        sup = self.support_ok / self.tp if self.tp else 0.0
        dl = self.deadline_ok / self.tp if self.tp else 0.0
        return (
            f"| {label} | {self.tp + self.fn} | {self.p:.2f} | {self.r:.2f} | {self.f1:.2f} "
            f"| {lead:.2f} | {sup:.2f} | {dl:.2f} |"
        )


def load(path: Path) -> Notice:
    text = path.read_text(encoding="utf-8")
    head = dict(re.findall(r"^# (\w+): (.+)$", text, re.M))
    parts = dict(re.findall(r"^=== (\w+)\n(.*?)(?=^=== |\Z)", text, re.M | re.S))
    notice = Notice(
        path.stem,
        head["split"],
        date.fromisoformat(head["date"]),
        parts["written"].strip(),
        parts.get("spoken", "").strip(),
        origin=head.get("origin", "province"),
        format=head.get("format", "party"),
        source=head.get("source", ""),
    )
    for line in parts["tasks"].strip().splitlines():
        leads, supports, action, dl = (c.strip() for c in line.split("|"))
        kind, *due = dl.split()
        notice.tasks.append(
            Gold(
                [x.strip() for x in leads.split(";") if x.strip()],
                [x.strip() for x in supports.split(";") if x.strip()],
                action,
                kind,
                date.fromisoformat(due[0]) if due else None,
            )
        )
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
        if _same_bodies(g.leads, p.leads, gaz):
            s.lead_ok += 1
        else:
            s.errors.append(f"lead: {g.leads} ≠ {p.leads} ({g.action[:40]})")
        if _same_bodies(g.supports, p.supports, gaz):
            s.support_ok += 1
        else:
            s.errors.append(f"supports: {g.supports} ≠ {p.supports} ({g.action[:40]})")
        if g.kind == p.deadline.kind and g.due == p.deadline.due:
            s.deadline_ok += 1
        else:
            s.errors.append(
                f"deadline: {g.kind} {g.due} ≠ {p.deadline.kind} {p.deadline.due} "
                f"'{p.deadline.phrase}' ({g.action[:40]})"
            )
    s.fn = len(gold) - len(used_g)
    s.fp = len(pred) - len(used_p)
    s.errors += [f"missed: {gold[i].leads} {gold[i].action[:60]}" for i in range(len(gold)) if i not in used_g]
    s.errors += [f"extra: {pred[i].leads} {pred[i].action[:60]}" for i in range(len(pred)) if i not in used_p]
    return s


def _same_bodies(gold: list[str], pred: list[str], gaz) -> bool:
    """The same bodies, as a set, or written as one list either way ("các Ban, Văn phòng
    Huyện ủy" as one lead or as two: labellers and the engine may cut a list differently)."""
    if _leads(gold, gaz) == _leads(pred, gaz):
        return True
    joined = [re.sub(r"\b(?:và|với)\b", " ", key(" ".join(gaz.canonical(n) for n in names))) for names in (gold, pred)]
    return " ".join(joined[0].split()) == " ".join(joined[1].split()) != ""


def _leads(names: list[str], gaz) -> set[str]:
    out = set()
    for n in names:
        k = key(gaz.canonical(n))
        k = re.sub(r"^(?:đồng chí|ông|bà) ", "", k)  # the same person, however addressed
        out.add(k)
    return out


def meeting_for(n: Notice) -> Meeting:
    body = "UBND tỉnh" if n.format == "state" else "Tỉnh ủy Lào Cai"
    return Meeting(issuing_body=body, title="họp", date=n.date)


def text_of(n: Notice, mode: str) -> str | None:
    if mode == "written":
        return n.written
    if not n.spoken:
        return None
    if mode == "spoken":
        return n.spoken
    # as recognisers without punctuation write it (e.g. PhoWhisper)
    return re.sub(r"[,.;:!?]", "", n.spoken.lower())


def run(notices: list[Notice], mode: str, verbose: bool, group=lambda n: n.split) -> dict[str, Score]:
    totals: dict[str, Score] = {}
    for n in notices:
        text = text_of(n, mode)
        if text is None:
            continue
        c = extract_text(text, meeting_for(n))
        s = score(n.tasks, c.tasks)
        for g in group(n) if isinstance(group(n), list) else [group(n)]:
            totals.setdefault(g, Score()).add(s)
        if verbose and s.errors:
            print(f"-- {n.name} {mode}")
            for e in s.errors:
                print("   ", e)
    return totals


HEADER = (
    "| text | group | gold tasks | P | R | F1 | lead acc. | supports acc. | deadline acc. |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--audio", action="store_true", help="also run the end-to-end audio check")
    ap.add_argument("--real", action="store_true", help="the published notices")
    ap.add_argument("--data", type=Path, default=REAL, help="with --real: the corpus folder")
    ap.add_argument(
        "--split",
        default="real-dev",
        help="with --real: real-dev (dev+fresh2..7, tune on it), real-fresh8 "
        "(the hold-out: report only), real-fresh9 (the next hold-out, first run only), "
        "real-fresh2/-3/-4/-5/-6/-7 (old hold-outs), all",
    )
    ap.add_argument(
        "--cost",
        action="store_true",
        help="time the rules alone and with the second look on dev+fresh2+fresh3's spoken texts joined",
    )
    ap.add_argument(
        "--errors",
        default="written",
        choices=("written", "spoken", "unpunctuated"),
        help="with --real -v: which text's errors to list",
    )
    args = ap.parse_args()
    if args.cost:
        cost()
        return
    if args.real:
        real(args)
        return
    notices = [load(p) for p in sorted(DATA.glob("*.txt"))]
    n_tasks = sum(len(n.tasks) for n in notices)
    print(
        f"{len(notices)} notices, {n_tasks} gold tasks "
        f"({sum(len(n.tasks) for n in notices if n.split == 'heldout')} held out, "
        f"{sum(len(n.tasks) for n in notices if n.split == 'fresh')} fresh)\n"
    )
    print(HEADER)
    for mode in ("written", "spoken", "unpunctuated"):
        totals = run(notices, mode, args.verbose)
        for split_name, s in sorted(totals.items()):
            print(s.row(f"{mode} | {split_name}"))
    if args.audio:
        from bench.extraction_audio import main as audio_main

        audio_main(notices)


def cost(runs: int = 4) -> None:
    """Seconds to read a long meeting's remarks: the spoken texts of dev, fresh2 and fresh3
    joined into one (about 20,000 words, searched whole); the first run warms the caches."""
    import statistics
    import time

    from drafting.extract import text_transcript
    from drafting.rules import extract_rules

    notices = [load(p) for f in ("dev", "fresh2", "fresh3") for p in sorted((REAL / f).glob("*.txt"))]
    text = "\n".join(n.spoken for n in notices if n.spoken)
    gaz = default_gazetteer()
    print(f"{len(text.split())} words")
    for guesses in (False, True):
        times, found = [], 0
        for _ in range(runs):
            t = time.perf_counter()
            _, tasks = extract_rules(text_transcript(text), meeting_for(notices[0]), gaz, guesses=guesses)
            times.append(time.perf_counter() - t)
            found = len(tasks)
        label = "with the second look" if guesses else "rules alone"
        print(f"{label}: median {statistics.median(times[1:]):.2f} s of {runs - 1} warm runs, {found} tasks")


def real(args) -> None:
    # Each hold-out, once scored (its errors never read), becomes tuning material beside dev:
    # fresh2 and fresh3 (session 4), fresh4 to fresh7 (sessions 5 to 7); fresh8 is the hold-out.
    folders = {
        "real-dev": ["dev", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7"],
        "real-fresh2": ["fresh2"],
        "real-fresh3": ["fresh3"],
        "real-fresh4": ["fresh4"],
        "real-fresh5": ["fresh5"],
        "real-fresh6": ["fresh6"],
        "real-fresh7": ["fresh7"],
        "real-fresh8": ["fresh8"],
        "real-fresh9": ["fresh9"],
        "all": ["dev", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9"],
    }
    paths = [p for f in folders[args.split] for p in sorted((args.data / f).glob("*.txt"))]
    notices = [load(p) for p in paths]
    spoken = [n for n in notices if n.spoken]
    print(
        f"{len(notices)} published notices ({args.split}), "
        f"{sum(len(n.tasks) for n in notices)} gold tasks; "
        f"{len(spoken)} with spoken versions ({sum(len(n.tasks) for n in spoken)} tasks)\n"
    )
    print(HEADER)
    for mode in ("written", "spoken", "unpunctuated"):
        rows = run(
            notices,
            mode,
            args.verbose and mode == args.errors,
            group=lambda n: ["all", f"origin {n.origin}", f"format {n.format}"],
        )
        for name in sorted(rows, key=lambda k: (k != "all", k)):
            print(rows[name].row(f"{mode} | {name}"))


if __name__ == "__main__":
    main()
