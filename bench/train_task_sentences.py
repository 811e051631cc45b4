"""Train the sentence model (drafting/task_sentences.py) on the tuning splits of the labelled
corpus, and say what it does on files it did not see.

    python bench/train_task_sentences.py            # 5-fold CV by file, then train and write
    python bench/train_task_sentences.py --dry-run  # CV figures only

Examples: every sentence of the written and spoken texts that the rules read as no task;
positive when a gold task's action is in it. Folds are whole files, so the CV figures are for
texts the model never saw. The hold-out (bench/extraction.py: real-fresh8) is never read.
Needs scikit-learn (installed with senko); the shipped model is read without it.
"""

import argparse
import json
import random
import sys
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench.extraction as be  # noqa: E402
from drafting import task_sentences  # noqa: E402
from drafting.extract import text_transcript  # noqa: E402
from drafting.gazetteer import default_gazetteer, key  # noqa: E402
from drafting.rules import extract_rules, read_rules  # noqa: E402

TUNING = ["dev", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7"]  # never the hold-out
MODES = ("written", "spoken")
C = 0.5  # inverse L2 strength
POSITIVE_WEIGHT = 2.0  # a missed task costs more than a sentence to strike out
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
TIE = 0.003  # F1 differences smaller than this are noise on ~500 tasks
MIN_WEIGHT = 0.01  # smaller weights are dropped from the shipped file


def examples(n: be.Notice, mode: str, gaz) -> list[tuple[dict[str, float], int]]:
    text = be.text_of(n, mode)
    if not text:
        return []
    r = read_rules(text_transcript(text), be.meeting_for(n), gaz)
    out = []
    for k, sent, after_task in r.unread():
        said = key(sent.text)
        positive = any(
            fuzz.token_set_ratio(key(g.action), said) >= 80 and fuzz.partial_ratio(key(g.action), said) >= 70
            for g in n.tasks
        )
        feats = task_sentences.features(sent, k, len(r.sentences), after_task, gaz)
        out.append((feats, int(positive)))
    return out


def fit(rows: list[tuple[dict[str, float], int]]) -> task_sentences.Model:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    dv = DictVectorizer()
    x = dv.fit_transform([f for f, _ in rows])
    y = [label for _, label in rows]
    clf = LogisticRegression(C=C, max_iter=3000, class_weight={0: 1.0, 1: POSITIVE_WEIGHT}).fit(x, y)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(dv.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) >= MIN_WEIGHT
    }
    return task_sentences.Model(weights=weights, bias=round(float(clf.intercept_[0]), 4), threshold=0.5)


def score(notices: list[be.Notice], mode: str, model: task_sentences.Model | None, gaz) -> be.Score:
    total = be.Score()
    for n in notices:
        text = be.text_of(n, mode)
        if not text:
            continue
        _, tasks = extract_rules(text_transcript(text), be.meeting_for(n), gaz, model, guesses=model is not None)
        total.add(be.score(n.tasks, tasks))
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true", help="the CV figures only; write nothing")
    args = ap.parse_args()
    gaz = default_gazetteer()
    notices = [be.load(p) for f in TUNING for p in sorted((be.REAL / f).glob("*.txt"))]
    rows = {(i, m): examples(n, m, gaz) for i, n in enumerate(notices) for m in MODES}
    order = list(range(len(notices)))
    random.Random(0).shuffle(order)
    fold = {i: k % 5 for k, i in enumerate(order)}
    print(
        f"{len(notices)} texts; {sum(len(r) for r in rows.values())} sentences the rules read as no task, "
        f"{sum(lab for r in rows.values() for _, lab in r)} of them holding a gold task"
    )
    cv = {(m, th): be.Score() for m in (*MODES, "unpunctuated") for th in (None, *THRESHOLDS)}
    for k in range(5):
        model = fit([e for (i, _), r in rows.items() if fold[i] != k for e in r])
        held = [n for i, n in enumerate(notices) if fold[i] == k]
        for m in (*MODES, "unpunctuated"):
            cv[(m, None)].add(score(held, m, None, gaz))
            for th in THRESHOLDS:
                cv[(m, th)].add(score(held, m, task_sentences.Model(model.weights, model.bias, th), gaz))
    print("| text | threshold | P | R | F1 | lead acc. |\n|---|---|---|---|---|---|")
    for (m, th), s in cv.items():
        lead = s.lead_ok / s.tp if s.tp else 0.0
        print(f"| {m} | {'rules alone' if th is None else th} | {s.p:.3f} | {s.r:.3f} | {s.f1:.3f} | {lead:.3f} |")
    mean = {th: sum(cv[(m, th)].f1 for m in MODES) / len(MODES) for th in THRESHOLDS}
    # the highest threshold (fewer guesses, better precision) within a hair of the best F1
    best = max(th for th in THRESHOLDS if mean[th] >= max(mean.values()) - TIE)
    print(f"threshold: {best} (mean CV F1 over {', '.join(MODES)}: {mean[best]:.3f}, best {max(mean.values()):.3f})")
    if args.dry_run:
        return
    model = fit([e for r in rows.values() for e in r])
    out = {
        "trained_on": TUNING,
        "modes": list(MODES),
        "C": C,
        "positive_weight": POSITIVE_WEIGHT,
        "threshold": best,
        "bias": model.bias,
        "weights": dict(sorted(model.weights.items())),
    }
    task_sentences.DATA.write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {task_sentences.DATA.relative_to(ROOT)}: {len(model.weights)} weights")


if __name__ == "__main__":
    main()
