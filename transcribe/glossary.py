"""Per-office glossary: hotwords for recognition, then correction of misheard terms.

File format (UTF-8 text)::

    # comment
    [đơn vị]
    Sở Kế hoạch và Đầu tư | Sở KH và ĐT        ← canonical | aliases
    [người]
    Nguyễn Văn Hùng
    [chức danh]
    Phó Chủ tịch UBND tỉnh

Correction slides a window of syllables over each segment and replaces a run
that is close to a term, character by character with diacritics kept (so
"sổ tài chính" → "Sở Tài chính" but "Sở Tư pháp" stays), and exact aliases.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from ketluan.errors import InputError
from transcribe.transcript import GLOSSARY_CORRECTED, Segment, Word, nfc

SECTION_KINDS = {
    "đơn vị": "unit",
    "người": "person",
    "chức danh": "title",
    "thuật ngữ": "term",
}
# Hotwords are spent from Whisper's 448-token context; keep them short.
HOTWORDS_MAX_CHARS = 600
_PUNCT = re.compile(r"^(\W*)(.*?)(\W*)$", re.UNICODE)


@dataclass(frozen=True)
class Term:
    text: str
    kind: str = "term"
    aliases: tuple[str, ...] = ()


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)
    min_score: float = 0.84  # for 3+ syllables; 2-syllable terms need more

    @classmethod
    def load(cls, path: str | Path) -> "Glossary":
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"Không tìm thấy tệp thuật ngữ '{path}'.", "Hãy kiểm tra lại đường dẫn.") from None
        except UnicodeDecodeError:
            raise InputError(
                f"Tệp thuật ngữ '{path.name}' không phải văn bản UTF-8.",
                "Hãy lưu lại tệp với mã hóa UTF-8.",
            ) from None
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> "Glossary":
        terms = []
        kind = "term"
        for raw in nfc(text).splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                kind = SECTION_KINDS.get(line[1:-1].strip().lower(), "term")
                continue
            names = [p.strip() for p in line.split("|") if p.strip()]
            terms.append(Term(text=names[0], kind=kind, aliases=tuple(names[1:])))
        return cls(terms=terms)

    @classmethod
    def combine(cls, *texts: str | None) -> "Glossary | None":
        """One glossary from several texts (a meeting's own, then its office's), each parsed on
        its own so a section header in one does not carry into the next. A term defined in an
        earlier text wins over the same term later, and comes first for the hotwords."""
        terms: list[Term] = []
        seen: set[str] = set()
        for text in texts:
            for term in cls.parse(text or "").terms:
                if _key(term.text) not in seen:
                    seen.add(_key(term.text))
                    terms.append(term)
        return cls(terms=terms) if terms else None

    def hotwords(self) -> str | None:
        """Terms for Whisper's prompt, units and people first, within a size budget."""
        order = {"unit": 0, "person": 1, "title": 2, "term": 3}
        picked: list[str] = []
        used = 0
        for term in sorted(self.terms, key=lambda t: order.get(t.kind, 9)):
            if used + len(term.text) + 2 > HOTWORDS_MAX_CHARS:
                break
            picked.append(term.text)
            used += len(term.text) + 2
        return ", ".join(picked) or None

    def correct(self, seg: Segment) -> Segment:
        """Replace misheard glossary terms in a segment, in its words and its text."""
        words = seg.words or [Word(seg.start, seg.end, t) for t in seg.text.split()]
        tokens = [_split_punct(w.word.strip()) for w in words]
        core = [_key(t[1]) for t in tokens]
        matches = self._matches(core)
        if not matches:
            return seg
        changed = False
        for start, end, term in sorted(matches, key=lambda m: m[0], reverse=True):
            span = tokens[start:end]
            # Punctuation inside the span ("Sở. Kế hoạch …") is wrong too; only the outer
            # punctuation belongs to the sentence.
            inner = " ".join("".join(t) for t in span)
            current = inner[len(span[0][0]) : len(inner) - len(span[-1][2])]
            if current == term:
                continue
            replacement = _respell(words[start:end], tokens[start:end], term)
            words[start:end] = replacement
            tokens[start:end] = [_split_punct(w.word.strip()) for w in replacement]
            changed = True
        if changed:
            if seg.words:
                seg.words = words
            seg.text = " ".join(w.word.strip() for w in words)
            if GLOSSARY_CORRECTED not in seg.flags:
                seg.flags.append(GLOSSARY_CORRECTED)
        return seg

    def _matches(self, core: list[str]) -> list[tuple[int, int, str]]:
        """Best non-overlapping (start, end, canonical) windows."""
        candidates: list[tuple[float, int, int, str]] = []
        for term in self.terms:
            for variant in (term.text, *term.aliases):
                syl = _key(variant).split()
                n = len(syl)
                if n < 2:
                    continue
                target = " ".join(syl)
                exact_only = variant != term.text  # aliases must match exactly
                threshold = self.min_score if n >= 3 else max(self.min_score, 0.9)
                # One syllable too few only for long terms: two syllables of a three-syllable
                # name are mostly a common phrase ("xây dựng" is not "Sở Xây dựng").
                for size in {n - 1, n, n + 1} if n >= 4 else {n, n + 1}:
                    for i in range(0, len(core) - size + 1):
                        if not all(core[i : i + size]):  # a bare "|" or "-" is not a syllable
                            continue
                        window = " ".join(core[i : i + size])
                        if exact_only:
                            score = 1.0 if window == target else 0.0
                        else:
                            score = fuzz.ratio(window, target) / 100
                        if (
                            score >= threshold
                            and _anchored(core[i : i + size], syl)
                            and (size != n or _each_alike(core[i : i + size], syl))
                        ):
                            candidates.append((score, i, i + size, term.text))
        chosen: list[tuple[int, int, str]] = []
        taken: set[int] = set()
        for _score, i, j, text in sorted(candidates, key=lambda c: (-c[0], c[1])):
            if taken.isdisjoint(range(i, j)):
                chosen.append((i, j, text))
                taken.update(range(i, j))
        return chosen


def _anchored(window: list[str], term: list[str]) -> bool:
    """At least half the term's syllables appear exactly: stops look-alike phrases."""
    need = (len(term) + 1) // 2
    return sum(1 for s in term if s in window) >= need


def _each_alike(window: list[str], term: list[str]) -> bool:
    """Every syllable a mishearing of the term's: "Nguyễn Văn Bình" is another person, not a
    misheard "Nguyễn Văn An" ("hung" for "Hùng", "sổ" for "Sở" are)."""
    return all(fuzz.ratio(a, b) >= 50 and (a == b or not {a, b} <= _LEVELS) for a, b in zip(window, term, strict=True))


# Levels of government: "Thành ủy" and "Huyện ủy" are other bodies than "Tỉnh ủy", never a mishearing.
_LEVELS = frozenset(["tỉnh", "thành", "huyện", "quận", "thị", "xã", "phường"])


def _respell(words: list[Word], tokens: list[tuple[str, str, str]], term: str) -> list[Word]:
    syllables = term.split()
    lead, trail = tokens[0][0], tokens[-1][2]
    start, end = words[0].start, words[-1].end
    prob = sum(w.probability for w in words) / len(words)
    if len(words) == len(syllables):
        out = [Word(w.start, w.end, s, w.probability, w.speaker) for w, s in zip(words, syllables, strict=True)]
    else:
        step = (end - start) / len(syllables)
        out = [
            Word(start + k * step, start + (k + 1) * step, s, prob, words[0].speaker) for k, s in enumerate(syllables)
        ]
    out[0].word = lead + out[0].word
    out[-1].word = out[-1].word + trail
    for w in out:
        w.word = " " + w.word
    return out


def _split_punct(token: str) -> tuple[str, str, str]:
    m = _PUNCT.match(token)
    return (m.group(1), m.group(2), m.group(3)) if m else ("", token, "")


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", nfc(text).lower()).split())
