"""Spoken Vietnamese → clean sentences, each remembering where it came from in the audio.

Work is done on tokens (a word with its segment id) so that every sentence keeps its
evidence. Cleaning removes fillers and stutters, keeps the corrected part of a
self-correction, and turns spoken ordinals ("thứ nhất là …") into numbered items.
"""

import re
import unicodedata
from dataclasses import dataclass

from drafting.lexicon import (
    BULLET_WORDS,
    CORRECTIONS,
    DATE_HEADS,
    FILLER_PHRASES,
    FILLERS,
    ORDINALS,
    PLAIN_ORDINALS,
    RULES,
    UNIT_HEADS,
)
from drafting.shape import word_tags
from transcribe.transcript import nfc


@dataclass
class Token:
    text: str
    seg: int  # segment id
    index: int  # position in the raw token stream (for quotes)


@dataclass
class Sentence:
    tokens: list[Token]
    item: int | None = None  # the numbered item it belongs to
    item_start: bool = False  # first sentence of an item
    bullet: bool = False  # starts with "-", "+", "a)" or a spoken "một là"
    heading: bool = False  # ends with ":"

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens).strip()


def tokens_from_segments(segments: list[tuple[int, str]]) -> list[Token]:
    """Tokens of (segment id, text) pairs; newlines kept as their own tokens."""
    out: list[Token] = []
    for seg_id, text in segments:
        text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", nfc(text))
        for line_no, line in enumerate(text.split("\n")):
            if line_no:
                out.append(Token("\n", seg_id, len(out)))
            for word in line.split():
                out.append(Token(word, seg_id, len(out)))
        out.append(Token("\n", seg_id, len(out))) if "\n" in text else None
    return out


def clean(tokens: list[Token]) -> list[Token]:
    """Drop fillers, stutters and the replaced part of self-corrections."""
    tokens = _corrections(tokens)
    tokens = _fillers(tokens)
    tokens = _repetitions(tokens)
    return tokens


def split(tokens: list[Token]) -> list[Sentence]:
    """Sentences and list entries, with item numbers from "1." or "thứ nhất"."""
    sentences: list[Sentence] = []
    current: list[Token] = []
    item: int | None = None
    pending: dict = {}

    def flush(heading: bool = False) -> None:
        nonlocal current, pending
        words = [t for t in current if t.text.strip()]
        if words:
            sentences.append(Sentence(words, item=item, heading=heading, **pending))
        current, pending = [], {}

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        low = tok.text.lower()
        nxt = tokens[i + 1].text.lower().strip(",.:;") if i + 1 < len(tokens) else ""
        start = not current
        if tok.text == "\n":
            flush()
            i += 1
            continue
        # "1." / "2)" / "II." at the start of a line: a numbered item
        if start and re.fullmatch(r"\d{1,2}(?:\.\d{1,2})+\.?", tok.text):
            flush()  # "2.1." a sub-item: a new paragraph in the same item
            pending = {"bullet": True}
            i += 1
            continue
        if start and re.fullmatch(r"(\d{1,2}|[IVX]{1,4})[.)]", tok.text):
            flush()
            item = _item_number(tok.text, item)
            pending = {"item_start": True}
            i += 1
            continue
        # bullets
        if start and (tok.text in {"-", "+", "•", "–", "*"} or re.fullmatch(r"[a-zđ]\)", low)):
            pending = {"bullet": True}
            i += 1
            continue
        if start and re.fullmatch(r"[-+•–][^\s]+", tok.text):
            pending = {"bullet": True}
            tok = Token(tok.text[1:], tok.seg, tok.index)
        # spoken ordinals: "thứ nhất (là)", "thứ hai (là)" → a new item
        ordinal = ORDINALS.get(nxt) or PLAIN_ORDINALS.get(_plain(nxt))
        if low.strip(",") in {"thứ", "thư"} and ordinal and (start or _boundary(current)):
            flush()
            item = ordinal
            pending = {"item_start": True}
            i += 2
            while i < len(tokens) and tokens[i].text.lower().strip(",:") in {"là", ""}:
                i += 1
            continue
        # a topic said at the start of a sentence opens a new item: "Về giải phóng mặt bằng, …"
        if start and low == "về" and not pending.get("item_start") and _topic_comma(tokens, i):
            item = (item or 0) + 1
            pending = {"item_start": True}
        # "Một, …", "Hai, …": item numbers said without "thứ"
        if (
            start
            and tok.text.endswith(",")
            and low.rstrip(",") in BULLET_WORDS
            and i + 1 < len(tokens)
            and tokens[i + 1].text[:1].isupper()
        ):
            flush()
            item = BULLET_WORDS[low.rstrip(",")]
            pending = {"item_start": True}
            i += 1
            continue
        # spoken bullets: "một là", "hai là"
        if low.strip(",") in BULLET_WORDS and nxt == "là" and (start or _boundary(current)):
            flush()
            pending = {"bullet": True}
            i += 2
            continue
        current.append(tok)
        if re.search(r"[.!?]$", tok.text) and not _abbreviation(tok.text):
            flush()
        elif tok.text.endswith(":") and not _inline_list(tok, tokens[i + 1 : i + 2]):
            flush(heading=True)
        i += 1
    flush()
    return sentences


def _inline_list(tok: Token, after: list[Token]) -> bool:
    """A colon inside a sentence, before a list of names: "các Bộ: Tài chính, Y tế …", "UBND
    các tỉnh: Đồng Nai, Điện Biên …", "Ban cán sự đảng: Bộ Công Thương, …" (not a heading)."""
    word = tok.text.rstrip(":").lower()
    if word in {"bộ", "sở", "ban", "cục"}:
        return True
    levels = {"tỉnh", "huyện", "xã", "phường", "quận", "phố", "đảng"}
    return word in levels and bool(after) and after[0].text[:1].isupper()


# -- cleaning helpers ---------------------------------------------------------------------


def _corrections(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    i = 0
    markers = sorted((m.split() for m in CORRECTIONS), key=len, reverse=True)
    while i < len(tokens):
        hit = None
        for m in markers:
            window = [t.text.lower().strip(",.") for t in tokens[i : i + len(m)]]
            if window == m and out:
                hit = m
                break
        if not hit:
            out.append(tokens[i])
            i += 1
            continue
        after = i + len(hit)
        while after < len(tokens) and tokens[after].text.lower().strip(",") in {"", "là", "à"}:
            after += 1
        if after >= len(tokens):
            break
        head = tokens[after].text.lower().strip(",")
        if (
            hit[-1] == "không"
            and len(hit) == 2
            and not tokens[i + 1].text.endswith(",")
            and head not in UNIT_HEADS | DATE_HEADS | {"giao", "đề", "yêu", "phân", "cho", "là"}
        ):
            # "…, ờ, không tổ chức các đoàn …": a filler, then a negation, not a correction
            out.append(tokens[i + 1])
            i += 2
            continue
        kinds = [UNIT_HEADS, DATE_HEADS]
        group = next((k for k in kinds if head in k), {head})
        # walk back to the start of the replaced phrase
        cut: int | None = None
        back = range(len(out) - 1, max(-1, len(out) - RULES.correction_reach), -1)
        if group is UNIT_HEADS:
            # "UBND tỉnh Quảng Bình, à nhầm, UBND tỉnh Hà Tĩnh": the replaced name starts with
            # the same head word, not at the nearest level word ("tỉnh")
            stop = next((j for j in back if out[j].text.lower().strip(",") in {"giao", "đề", "yêu", "với", "hợp"}), -1)
            cut = next((j for j in back if j > stop and out[j].text.lower().strip(",") == head), None)
        for j in back if cut is None else range(0):
            w = out[j].text.lower().strip(",")
            if (
                w in group
                and (group is not DATE_HEADS or w == head or w in {"trước", "trong"})
                and not (group is not UNIT_HEADS and j and out[j - 1].text.lower().strip(",") in UNIT_HEADS)
            ):
                # ("giao Bộ Giao thông, à nhầm, giao Bộ Xây dựng": "Giao" of the name is no
                # "giao")
                cut = j
                break
            if group is UNIT_HEADS and w in {"giao", "đề", "yêu", "với", "hợp"}:
                cut = j + 1
                break
        if cut is not None:
            # "các sở, à không, các địa phương": the replaced phrase starts at its "các"
            while cut > 0 and out[cut - 1].text.lower().strip(",") in {"các", "những"}:
                cut -= 1
            out = out[:cut]
        if out:
            out[-1] = Token(out[-1].text.rstrip(","), out[-1].seg, out[-1].index)
        i = after
    return out


def _fillers(tokens: list[Token]) -> list[Token]:
    phrases = sorted((p.split() for p in FILLER_PHRASES), key=len, reverse=True)
    marks = sum(1 for t in tokens if re.search(r"[.,;:!?]$", t.text))
    punctuated = bool(tokens) and marks / len(tokens) >= RULES.filler_punctuated_share
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        matched = False
        for p in phrases:
            window = [t.text.lower().strip(",") for t in tokens[i : i + len(p)]]
            if (
                window == p
                and not (p == ["đó", "là"] and out and not _boundary(out))
                and not (p == ["vậy", "thì"] and out and out[-1].text.lower() in {"muốn", "như"})
            ):
                # ("Muốn vậy thì Bộ …" keeps its topic; a "thì" alone is handled below)
                _carry_punct(out, tokens[i + len(p) - 1])
                i += len(p)
                matched = True
                break
        if matched:
            continue
        tok = tokens[i]
        core = tok.text.lower().strip(",.")
        if core in FILLERS and tok.text != "\n" and not _keeps(core, tokens, i):
            _carry_punct(out, tok)
            i += 1
            continue
        if core in {"thì", "là"} and (not out or _boundary(out)):
            i += 1  # a sentence opening with "thì"/"là"
            continue
        if core == "thì" and not _conditional(out):
            _carry_punct(out, tok)
            # "Về nguồn vốn thì Bộ …": the topic ends here; in punctuated text keep that as a
            # comma (unpunctuated speech gets its boundaries elsewhere)
            if out and _topic_open(out, punctuated) and not re.search(r"[.,;:!?]$", out[-1].text):
                out[-1] = Token(out[-1].text + ",", out[-1].seg, out[-1].index)
            i += 1
            continue
        out.append(tok)
        i += 1
    return out


def _keeps(core: str, tokens: list[Token], i: int) -> bool:
    """Filler look-alikes that carry meaning here."""
    prev = tokens[i - 1].text.lower().strip(",") if i else ""
    nxt = tokens[i + 1].text.lower().strip(",.") if i + 1 < len(tokens) else ""
    if core == "thế" and nxt in {"mạnh", "giới", "hệ", "nào", "trận"}:
        return True
    if core == "ấy" and prev in {"khi", "lúc"}:
        return True
    return core == "á" and nxt[:1].isalpha() and prev in {"châu", "đông"}


def _topic_open(out: list[Token], punctuated: bool) -> bool:
    """The sentence so far opens with a topic ("Về …", "Còn …", "Đối với …", "Riêng …") and the
    text around is punctuated."""
    start = len(out)
    while (
        start > 0
        and not re.search(r"[.;:!?]$", out[start - 1].text)
        and out[start - 1].text != "\n"
        and len(out) - start < 25
    ):
        start -= 1
    first = out[start].text.lower() if start < len(out) else ""
    return punctuated and first in {"về", "còn", "đối", "riêng", "trong", "ngoài", "việc", "muốn", "để", "thứ", "cái"}


def _conditional(out: list[Token]) -> bool:
    """'nếu … thì …' keeps its 'thì'; 'Sở Tài chính thì chủ trì' is only a topic marker."""
    for tok in reversed(out[-15:]):
        if re.search(r"[.;:!?]$", tok.text):
            return False
        if tok.text.lower().strip(",") in {"nếu", "khi", "hễ", "lúc"}:
            return True
    return False


def _repetitions(tokens: list[Token]) -> list[Token]:
    """'Sở Sở Tài chính', 'giao cho giao cho': keep one copy."""
    out: list[Token] = []
    for k, tok in enumerate(tokens):
        out.append(tok)
        for n in (3, 2, 1):
            if len(out) >= 2 * n:
                # same spelling, same case: "Huyện ủy, Ủy ban" is not a stutter
                a = [t.text.strip(",") for t in out[-2 * n : -n]]
                b = [t.text.strip(",") for t in out[-n:]]
                if (
                    a == b
                    and not any(w.isdigit() or w == "\n" for w in a)
                    and a != ["các"] * n
                    and not re.search(r"[.;:]$", out[-n - 1].text)
                    and not (n == 1 and _two_words(out[-3:], tokens[k + 1 : k + 2]))
                ):
                    del out[-n:]
                    break
    return out


def _two_words(before: list[Token], after: list[Token]) -> bool:
    """ "phân công công chức": the syllable ends one word and starts the next (the tagger
    joins "phân công" and "công chức"), so it is said twice on purpose."""
    words = [t.text for t in [*before, *after] if t.text != "\n"]
    if len(words) < 4:
        return False
    tags = word_tags(words)
    return tags[-3] == "+" and tags[-1] == "+"


def _carry_punct(out: list[Token], removed: Token) -> None:
    """Keep a sentence end or a comma that sat on a removed filler ('nhé.', 'cái bài ấy, Bộ …')."""
    m = re.search(r"[.!?;:,]$", removed.text)
    if m and out and not re.search(r"[.!?;:]$", out[-1].text):
        out[-1] = Token(out[-1].text.rstrip(",") + m.group(), out[-1].seg, out[-1].index)


def _boundary(current: list[Token]) -> bool:
    if not current:
        return True
    return bool(re.search(r"[.,;:!?]$", current[-1].text)) or current[-1].text == "\n"


def _topic_comma(tokens: list[Token], i: int) -> bool:
    """'Về X, …' with a short X: the way a chair moves to the next point."""
    for k in range(i + 1, min(len(tokens), i + 10)):
        if tokens[k].text.endswith(","):
            return True
        if re.search(r"[.;:!?]$", tokens[k].text) or tokens[k].text == "\n":
            return False
    return False


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _abbreviation(word: str) -> bool:
    return bool(re.fullmatch(r"(TP|Tp|ThS|TS|PGS|GS|TT|v\.v|St|Q)\.", word)) or bool(
        re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}\.", word) is None and re.fullmatch(r"[A-Z]\.", word)
    )


def _item_number(text: str, current: int | None) -> int:
    raw = text.rstrip(".)")
    if raw.isdigit():
        return int(raw)
    roman = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9}
    return roman.get(raw, (current or 0) + 1)
