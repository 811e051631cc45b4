"""Hallucination guard: drop what Whisper invents, flag what it is unsure of.

Dropped: known outro phrases (YouTube, subtitle credits), empty text, text the
model itself marks as no speech, and repetition loops. Flagged, kept: segments
with low confidence, so a drafter can check them against the audio.
"""

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from transcribe.transcript import HALLUCINATION, LOW_CONFIDENCE, REPETITION, Segment, nfc

PHRASES_FILE = Path(__file__).with_name("hallucinations.txt")
# Letters outside Latin: Greek, Cyrillic, Armenian … CJK, Hangul, Thai and the like.
_FOREIGN = re.compile(r"[\u0370-\u1DFF\u2E80-\uD7FF\uF900-\uFAFF]")
_FOREIGN_WORD = re.compile(r"\S*[\u0370-\u1DFF\u2E80-\uD7FF\uF900-\uFAFF]\S*")


@dataclass(frozen=True)
class GuardOptions:
    low_logprob: float = -1.0
    low_word_probability: float = 0.5
    no_speech_prob: float = 0.6
    no_speech_logprob: float = -1.0
    loop_repeats: int = 4  # a word or word pair said this many times in a row is a loop
    loop_repeats_phrase: int = 3  # a phrase of 3+ words: people do not say it thrice running
    loop_max_ngram: int = 8
    # Trailing words with no acoustic support: the model running on past the
    # speech, often echoing its prompt (hotwords).
    unsupported_duration: float = 0.02
    unsupported_probability: float = 0.05


def guard(segments: Iterable[Segment], options: GuardOptions | None = None) -> Iterator[Segment]:
    """Yield the segments worth keeping, cleaned and flagged, in order."""
    opts = options or GuardOptions()
    previous = ""
    for seg in segments:
        seg.text = nfc(seg.text).strip()
        if seg.no_speech_prob > opts.no_speech_prob and seg.avg_logprob < opts.no_speech_logprob:
            continue
        if not _strip_hallucinations(seg):
            continue
        _drop_foreign_script(seg)
        _trim_unsupported_tail(seg, opts)
        _collapse_loops(seg, opts)
        key = _norm(seg.text)
        if not key or (key == previous and len(key.split()) >= 4):
            continue
        previous = key
        if _low_confidence(seg, opts) and LOW_CONFIDENCE not in seg.flags:
            seg.flags.append(LOW_CONFIDENCE)
        yield seg


def _strip_hallucinations(seg: Segment) -> bool:
    """Remove known phrases; return False when nothing real is left."""
    pattern = _phrase_pattern()
    if not pattern.search(seg.text):
        return True
    remaining = pattern.sub("", seg.text)
    if len(_norm(remaining)) < 0.5 * len(_norm(seg.text)) or len(_norm(remaining).split()) < 3:
        return False
    seg.text = re.sub(r"\s+", " ", remaining).strip(" ,.")
    seg.words = [w for w in seg.words if _norm(w.word) and _norm(w.word) in _norm(seg.text)]
    seg.flags.append(HALLUCINATION)
    return True


def _drop_foreign_script(seg: Segment) -> None:
    """Vietnamese is written in Latin letters: Cyrillic or CJK words are invented."""
    if not _FOREIGN.search(seg.text):
        return
    seg.words = [w for w in seg.words if not _FOREIGN.search(w.word)]
    seg.text = re.sub(r"\s+", " ", _FOREIGN_WORD.sub(" ", seg.text)).strip()
    if HALLUCINATION not in seg.flags:
        seg.flags.append(HALLUCINATION)


def _trim_unsupported_tail(seg: Segment, opts: GuardOptions) -> None:
    words = seg.words
    keep = len(words)
    while keep > 0 and (
        words[keep - 1].end - words[keep - 1].start <= opts.unsupported_duration
        or words[keep - 1].probability < opts.unsupported_probability
    ):
        keep -= 1
    if keep == len(words):
        return
    seg.words = words[:keep]
    seg.text = "".join(w.word for w in seg.words).strip()
    if seg.words:
        seg.end = seg.words[-1].end
    if HALLUCINATION not in seg.flags:
        seg.flags.append(HALLUCINATION)


def _collapse_loops(seg: Segment, opts: GuardOptions) -> None:
    # Text and words are collapsed each on its own: their token counts can differ, and later
    # steps (glossary correction, speaker splits) rebuild the text from the words.
    tokens = seg.text.split()
    keep = _loop_free(tokens, opts)
    changed = len(keep) < len(tokens)
    if changed:
        seg.text = " ".join(tokens[i] for i in keep)
    if seg.words:
        kept_words = _loop_free([w.word.strip() for w in seg.words], opts)
        if len(kept_words) < len(seg.words):
            seg.words = [seg.words[i] for i in kept_words]
            changed = True
    if changed:
        seg.flags.append(REPETITION)


def _loop_free(tokens: list[str], opts: GuardOptions) -> list[int]:
    """Indices to keep after collapsing any n-gram repeated `loop_repeats` times in a row,
    then near-repeats, again and again: collapsing one loop can leave copies of a longer
    one side by side."""
    keep = list(range(len(tokens)))
    while True:
        current = [tokens[i] for i in keep]
        inner = _loop_free_once(current, opts)
        if len(inner) == len(keep):
            inner = _near_loop_free_once(current, opts)
        if len(inner) == len(keep):
            return keep
        keep = [keep[i] for i in inner]


def _loop_free_once(tokens: list[str], opts: GuardOptions) -> list[int]:
    low = [_norm(t) for t in tokens]
    keep: list[int] = []
    i = 0
    while i < len(tokens):
        collapsed = False
        for n in range(1, opts.loop_max_ngram + 1):
            gram = low[i : i + n]
            if len(gram) < n:
                break
            reps = 1
            while low[i + reps * n : i + (reps + 1) * n] == gram:
                reps += 1
            if reps >= (opts.loop_repeats if n < 3 else opts.loop_repeats_phrase):
                keep.extend(range(i, i + n))
                i += reps * n
                collapsed = True
                break
        if not collapsed:
            keep.append(i)
            i += 1
    return keep


def _near_loop_free_once(tokens: list[str], opts: GuardOptions) -> list[int]:
    """Collapse the first phrase of 3+ syllables said `loop_repeats_phrase` times with small
    changes between and inside the copies: "sớ tài chính thầm tình phố sớ tài chính thầm
    sớ tài chính thầ" keeps "sớ tài chính thầm tình phố". The decoder often stops mid-word
    inside such a loop; a cut-off copy at the end of the segment counts and goes too."""
    low = [_norm(t) for t in tokens]
    for i in range(len(low)):
        found = []
        for n in range(3, opts.loop_max_ngram + 1):
            starts, end = _near_copies(low, i, n)
            # Two copies back to back, too: a chair's "Thứ nhất, Sở Tài chính …; thứ hai,
            # Sở Tài chính …" has words between every pair.
            if len(starts) >= opts.loop_repeats_phrase and _back_to_back(starts, n):
                found.append((end, n, starts))
        if not found:
            continue
        end, n, starts = max(found, key=lambda f: (f[0], f[1]))  # the loop that covers most
        # After the last copy, a cut-off copy of what followed the first one.
        tail = low[end:]
        if tail and len(tail) <= n and _alike(tail, low[i + n : i + n + len(tail)], cut=True):
            end = len(low)
        return list(range(starts[1])) + list(range(end, len(low)))
    return list(range(len(low)))


def _near_copies(low: list[str], i: int, n: int) -> tuple[list[int], int]:
    """Starts of consecutive near-copies of low[i:i+n], each within n syllables of the
    previous one's end, and where the last one ends."""
    phrase = low[i : i + n]
    if len(phrase) < n:
        return [i], i
    starts, end = [i], i + n
    while True:
        found = None
        for k in range(end, min(end + n, len(low) - 1) + 1):
            for m in (n, n - 1, n + 1):
                if k + m <= len(low) and _alike(low[k : k + m], phrase, cut=k + m == len(low)):
                    found = (k, k + m)
                    break
            if found:
                break
        if found is None:
            return starts, end
        starts.append(found[0])
        end = found[1]


def _back_to_back(starts: list[int], n: int) -> bool:
    """Some two copies follow each other with no word between (copies are n ± 1 long)."""
    return any(b - a <= n + 1 for a, b in itertools.pairwise(starts))


def _alike(a: list[str], b: list[str], cut: bool = False) -> bool:
    """Syllable runs that start alike and are equal up to 4 syllables, differ by one up to 7
    and by two beyond, with numbers and number words equal: "ngày 15 tháng 6, ngày 16 tháng
    6" is a list, not a loop. With cut, `a` may end in a syllable cut short ("thầ")."""
    if not a or not b or a[0] != b[0] or _numbers(a) != _numbers(b[: len(a)]):
        return False
    if cut and len(a) <= len(b) and b[len(a) - 1].startswith(a[-1]):
        a = [*a[:-1], b[len(a) - 1]]
        b = b[: len(a)]
    return Levenshtein.distance(a, b) <= (0 if len(b) <= 4 else 1 if len(b) <= 7 else 2)


_NUMBER_WORDS = frozenset(
    ["một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười", "mươi", "trăm", "nhất", "tư"]
)


def _numbers(tokens: list[str]) -> list[str]:
    return [t for t in tokens if t in _NUMBER_WORDS or any(c.isdigit() for c in t)]


def _low_confidence(seg: Segment, opts: GuardOptions) -> bool:
    if seg.avg_logprob < opts.low_logprob:
        return True
    if seg.words:
        mean = sum(w.probability for w in seg.words) / len(seg.words)
        return mean < opts.low_word_probability
    return False


def _norm(text: str) -> str:
    return re.sub(r"[^\w\s]", "", nfc(text).lower()).strip()


@lru_cache
def _phrase_pattern() -> re.Pattern[str]:
    phrases = [
        line.strip()
        for line in PHRASES_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    alternatives = "|".join(re.escape(nfc(p)).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"[^.!?]*(?:{alternatives})[^.!?]*[.!?]?", re.IGNORECASE)
