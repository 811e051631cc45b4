"""Pairing an old list of tasks with a new one: which stayed, which were edited, which were added
or removed. One rule for the tracking import (tracking/imports.py: saved tasks against a parsed
notice) and for a draft's "what changed" view (services/drafts.py: one version against the one
before it):

1. identical tasks pair first (each side's own notion of "identical");
2. then the most similar remaining pairs, best first, while their similarity is at least
   SIMILAR;
3. what is left is added (new side) or removed (old side).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

SIMILAR = 0.6  # text similarity (difflib ratio, 0–1) from which an edited task is the same task

Old = TypeVar("Old")
New = TypeVar("New")


@dataclass
class Pairing(Generic[Old, New]):
    same: list[tuple[Old, New]] = field(default_factory=list)  # identical
    similar: list[tuple[Old, New]] = field(default_factory=list)  # edited, best match first
    added: list[New] = field(default_factory=list)  # in the new list's order
    removed: list[Old] = field(default_factory=list)  # in the old list's order


def pair(
    old: Sequence[Old],
    new: Sequence[New],
    identical: Callable[[Old, New], bool],
    similarity: Callable[[Old, New], float],
    threshold: float = SIMILAR,
) -> "Pairing[Old, New]":
    """Pair `old` with `new` (see the module's rule)."""
    result: Pairing[Old, New] = Pairing()
    left_old, left_new = list(old), list(new)
    for o in list(left_old):
        match = next((n for n in left_new if identical(o, n)), None)
        if match is not None:
            result.same.append((o, match))
            left_old.remove(o)
            left_new.remove(match)
    scored = sorted(
        ((similarity(o, n), k, j) for k, o in enumerate(left_old) for j, n in enumerate(left_new)), reverse=True
    )  # ties: the later positions first, as the import always did
    used_old: set[int] = set()
    used_new: set[int] = set()
    for score, k, j in scored:
        if score < threshold or k in used_old or j in used_new:
            continue
        result.similar.append((left_old[k], left_new[j]))
        used_old.add(k)
        used_new.add(j)
    result.added = [n for j, n in enumerate(left_new) if j not in used_new]
    result.removed = [o for k, o in enumerate(left_old) if k not in used_old]
    return result
