"""A learned second look at the sentences the rules gave no task.

The rules (clauses.py) parse the shapes they know; a task phrased another way is lost whole
(four in five missed tasks on the labelled corpus sit in a sentence that gave no task). This
model reads such a sentence as a bag of words and cues and says how likely it holds a task.
Above the threshold the sentence becomes a task flagged GUESSED: its lead is the body that
opens it or the lead of the task before, and the drafter is asked to check it.

Logistic regression over sparse features; the weights ship in drafting/data/task_sentences.json,
written by `python bench/train_task_sentences.py` from the tuning splits of the labelled corpus
(never the hold-out). Pure Python at run time: no scikit-learn, nothing fetched.
"""

import json
import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from drafting import deadline as dl
from drafting.gazetteer import Gazetteer, key
from drafting.lexicon import TASK_CUES, VERB2
from drafting.text import Sentence

log = logging.getLogger(__name__)
DATA = Path(__file__).parent / "data" / "task_sentences.json"
GUESSED = "guessed"  # Task.flags: found by the sentence model, lead and wording to check


def features(sent: Sentence, k: int, n: int, after_task: bool, gaz: Gazetteer) -> dict[str, float]:
    """Sentence k of n; after_task: the sentence before gave a task."""
    text = sent.text
    low = key(text)
    ws = low.split()
    f: dict[str, float] = {}
    for w in set(ws):
        f["u=" + w] = 1.0
    for a, b in pairwise(ws):
        f["b=" + a + "_" + b] = 1.0
    for j, w in enumerate(ws[:3]):
        f[f"p{j}=" + w] = 1.0
    if len(ws) > 1:
        f["p01=" + ws[0] + "_" + ws[1]] = 1.0
    for cue in TASK_CUES:
        if re.search(r"\b" + cue + r"\b", low):
            f["d=" + cue] = 1.0
    raw = text.split()
    f["len"] = min(len(ws), 60) / 60
    f["pos"] = k / max(1, n)
    f["bullet"] = float(sent.bullet)
    f["item"] = float(sent.item_start)
    f["heading"] = float(sent.heading)
    f["v0"] = float(" ".join(ws[:2]) in VERB2)
    f["gaz"] = float(any(gaz.match(raw, i, fuzzy=False) for i in range(min(len(raw), 30))))
    f["dl"] = float(dl.has_deadline(text))
    f["prev"] = float(after_task)
    f["end:"] = float(text.rstrip().endswith(":"))
    return {name: v for name, v in f.items() if v}


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, feats: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * v for name, v in feats.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def default_model() -> Model | None:
    """The shipped model; None (the rules alone, with a warning) when the file is absent or
    unreadable, so a damaged install still drafts."""
    try:
        data = json.loads(DATA.read_text(encoding="utf-8"))
        return Model(weights=dict(data["weights"]), bias=float(data["bias"]), threshold=float(data["threshold"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("sentence model not used (%s: %s); the rules alone draft the tasks", DATA, exc)
        return None
