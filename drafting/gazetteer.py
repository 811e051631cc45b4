"""Names of Party and State bodies: find them in text, tolerate misheard ones, spell them right.

The default list (data/gazetteer.txt) holds common bodies; an office adds its own in the
glossary format ([đơn vị] section). Matching works on lower-case syllables: exact names and
aliases first, then fuzzy matches for recognition errors ("sổ tài chính" → "Sở Tài chính").
A level after a name ("tỉnh", "Tỉnh ủy", "huyện Bảo Thắng") is kept as written.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import overload

from rapidfuzz import fuzz

from drafting.lexicon import (
    ABBREVIATED_HEADS,
    AMBIGUOUS_HEAD_PHRASES,
    AMBIGUOUS_HEADS,
    DUTY_AFTER_LEAD,
    GROUP_NOUNS,
    GROUP_TAILS,
    HEAD_PHRASES,
    HEADS,
    LEVEL_PHRASES,
    LEVEL_WORDS,
    MANNER,
    MANNER_AFTER_DUTY,
    QUALIFIERS,
    ROLE_AFTER_LEAD,
    RULES,
    STOP1,
    STOP_BIGRAMS,
    VERB2,
)
from transcribe.glossary import Glossary
from transcribe.transcript import Segment, nfc

DATA = Path(__file__).parent / "data" / "gazetteer.txt"
_HEAD_BY_LEN = sorted({len(h.split()) for h in HEAD_PHRASES}, reverse=True)


@dataclass(frozen=True)
class Mention:
    start: int  # word index
    end: int  # word index, exclusive
    name: str  # canonical spelling with its level


class Gazetteer:
    def __init__(self, names: list[tuple[str, str, int]], people: Glossary | None = None) -> None:
        # (lower-case variant, canonical, number of words as written)
        self.people = people or Glossary()  # names and titles of people, for person leads
        self.by_len: dict[int, dict[str, str]] = {}
        for k, canon, n in names:
            self.by_len.setdefault(n, {})[k] = canon
        self.max_len = max(self.by_len, default=1)
        self.by_key = {k: canon for names in self.by_len.values() for k, canon in names.items()}
        # first words of every name and head: where a name can start at all
        self.first_words = (
            {k.split()[0] for names in self.by_len.values() for k in names}
            | {h.split()[0] for h in HEAD_PHRASES}
            | {"các"}
        )

    @classmethod
    def load(cls, *extra: str | Path | Glossary | None) -> "Gazetteer":
        """The default list plus offices' files or glossaries (units and titles are used)."""
        glossaries = [Glossary.load(DATA)]
        for item in extra:
            if item is None:
                continue
            glossaries.append(item if isinstance(item, Glossary) else Glossary.load(item))
        names: list[tuple[str, str, int]] = []
        for g in glossaries:
            for term in g.terms:
                if term.kind not in ("unit", "term"):
                    continue
                for variant in (term.text, *term.aliases):
                    # "chính trị - xã hội" is also written "chính trị-xã hội", "Lao động-Thương
                    # binh": the same key over a different number of written words
                    for form in {variant, re.sub(r"\s*-\s*", "-", variant), re.sub(r"\s*-\s*", " - ", variant)}:
                        names.append((key(form), term.text, len(form.split())))
        names += _abbreviations({canon for _, canon, _ in names}, {k for k, _, _ in names})
        people = Glossary([t for g in glossaries for t in g.terms if t.kind in ("person", "title")])
        return cls(names, people)

    def person(self, text: str) -> str:
        """A person as the office spells them: "nguyễn văn an" → "Nguyễn Văn An"."""
        if not self.people.terms:
            return text
        return self.people.correct(Segment(0, 0.0, 0.0, text)).text

    def match(self, words: list[str], i: int, fuzzy: bool = True) -> Mention | None:
        """The longest body name starting at word i, with its level words."""
        if i >= len(words):
            return None
        keys = _Keys(words)  # only the few words near i are ever looked at
        best: tuple[int, str] | None = None
        for n in range(min(self.max_len, len(words) - i), 0, -1):
            window = key(" ".join(words[i : i + n]))
            canon = self.by_len.get(n, {}).get(window)
            if canon is None and n > 1 and not all(keys[i : i + n]):
                # a dash written apart ("Sở Kế hoạch – Đầu tư"): the name without it
                canon = self.by_key.get(window)
            if canon:
                best = (i + n, canon)
                break
        if best is not None and best[0] == i + 1 and not words[i][:1].isupper() and " ".join(keys[i : i + 2]) in VERB2:
            best = None  # "báo cáo": the verb, not the newspaper "Báo"
        if best is None and fuzzy:
            best = self._fuzzy(words, i)
        if (
            best is None
            or (
                best[0] - i <= 2
                and key(best[1]) in HEAD_PHRASES  # a bare head ("Văn phòng"), not "Sở GTVT"
                and best[0] < len(words)
                and words[best[0]][:1].isupper()
                and keys[best[0]] not in LEVEL_WORDS
                and keys[best[0]] not in HEADS
                and not re.search(r"[,.;:]$", words[best[0] - 1])
            )
        ):
            # "Văn phòng Điều phối nông thôn mới": a generic head with a proper name after it
            longer = self._by_head(words, keys, i)
            if longer and (best is None or longer[0] > best[0]):
                best = longer
        if best is None:
            return None
        end, canon = best
        if end < len(words) and not re.search(r"[,.;:]$", words[end - 1]) and _cut_head(keys, end):
            return None  # "các Hội | đồng thi": the name stops inside a head ("hội đồng")
        end, level = self._level(words, keys, end, canon)
        if end < len(words) and keys[end] == "viên" and key(level or canon).endswith("ủy"):
            return None  # "Thành ủy viên, Phó Chủ tịch …": a member's title, not the body
        if not level:  # a proper name after a short one, in written text ("Báo Lào Cai")
            place: list[str] = []
            while (
                end < len(words)
                and len(place) < 3
                and words[end][:1].isupper()
                and not _body_at(words, keys, end, place)
                and not re.search(r"[,.;:]$", words[end - 1])
            ):
                place.append(words[end].rstrip(",.;:"))
                end += 1
            level = " ".join(place)
        name = f"{canon} {level}".strip() if level else canon
        end, qualifier = _qualifier(words, keys, end, self)
        return Mention(i, end, _tidy(f"{name} {qualifier}".strip()))

    def known(self, words: list[str]) -> int:
        """How many words from the start form a name in the list as written (0: none)."""
        for n in range(min(self.max_len, len(words)), 0, -1):
            if key(" ".join(words[:n])) in self.by_len.get(n, {}):
                return n
        return 0

    def canonical(self, text: str) -> str:
        """A body's name as the gazetteer spells it (for comparing leads)."""
        words = text.split()
        m = self.match(words, 0) if words else None
        if m and m.end == len(words):
            return m.name
        return _tidy(text)

    # -- helpers --------------------------------------------------------------------------

    def _fuzzy(self, words: list[str], i: int) -> tuple[int, str] | None:
        if not words[i:] or len(words[i]) < 2:
            return None
        best: tuple[float, int, str] | None = None
        for n in range(min(self.max_len, len(words) - i), 2, -1):  # 3+ syllables only
            if any(re.search(r"[.;:]$", w) for w in words[i : i + n - 1]):
                continue
            window = key(" ".join(words[i : i + n]))
            for k, canon in self.by_len.get(n, {}).items():
                if fuzz.ratio(window[:3], k[:3]) < RULES.name_first_syllables or canon.startswith("các "):
                    continue  # a group ("các xã, phường") is never guessed: "các xã hướng dẫn"
                score = fuzz.ratio(window, k) / 100
                same = sum(1 for a, b in zip(window.split(), k.split(), strict=False) if a == b)
                # recognisers often get only the tone marks wrong: "sơ xây dừng"
                if plain(window) == plain(k):
                    score, same = max(score, 0.95), n
                elif plain(window.split()[0]) == plain(k.split()[0]):
                    # tone marks and one misheard consonant: "sớ say dụng"
                    loose = fuzz.ratio(plain(window), plain(k)) / 100 - 0.02
                    if loose >= RULES.name_fuzzy:
                        score, same = max(score, loose), n
                if score >= RULES.name_fuzzy and same * 2 >= n and (best is None or score > best[0]):
                    best = (score, i + n, canon)
            if best:
                break
        return (best[1], best[2]) if best else None

    def _by_head(self, words: list[str], keys: Sequence[str], i: int) -> tuple[int, str] | None:
        """'Trung tâm Kiểm soát bệnh tật' in written text: a head, then a capitalised name."""
        if keys[i] == "các" and i + 1 < len(words) and keys[i + 1] in GROUP_NOUNS:
            end = _group_end(words, keys, i + 1)
            # "Các Ban Xây dựng Đảng": a written name after the group noun
            while (
                end < len(words)
                and end - i < 8
                and words[end][:1].isupper()
                and not re.search(r"[,.;:]$", words[end - 1])
                and not _head_len(keys, end)
            ):
                end += 1
            # "các cơ quan, đơn vị, địa phương", "các đảng ủy, tỉnh ủy, thành ủy": a list
            while (
                end + 1 < len(words)
                and (
                    words[end - 1].endswith(",")
                    or (
                        not re.search(r"[.;:]$", words[end - 1])
                        and " ".join(keys[end : end + 2]) in {"đơn vị", "địa phương", "cơ quan"}
                    )
                )
                and (keys[end] in GROUP_NOUNS or keys[end] in {"tỉnh", "thành", "quận", "thị"})
                and (words[end][:1].islower() or not self.by_len.get(2, {}).get(" ".join(keys[end : end + 2])))
            ):
                end = _group_end(words, keys, end)
            # "… trực thuộc Trung ương", "… tham mưu của Tỉnh ủy", "… chuyên môn"
            for tail in GROUP_TAILS:
                n = len(tail.split())
                if " ".join(keys[end : end + n]) == tail and not words[end - 1].endswith(","):
                    end += n
                    if " ".join(keys[end : end + 1]) == "của" and end + 1 < len(words):
                        m = self.match(words, end + 1, fuzzy=False)
                        end = m.end if m else end
                    break
            return end, " ".join(words[i:end]).strip(",.;: ")
        head = _head_len(keys, i)
        if not head or i + head >= len(words):
            return None
        if (
            keys[i] in AMBIGUOUS_HEADS
            and not words[i][:1].isupper()
            and (head == 1 or " ".join(keys[i : i + head]) in AMBIGUOUS_HEAD_PHRASES)
        ):
            # "thanh tra các dự án", "báo cáo": a verb, not a body; "tập đoàn", "công ty",
            # "ngân hàng" are bodies even in lower case
            return None
        j = i + head
        end = j
        while end < len(words) and end - i < RULES.max_name:
            if end > j and re.search(r"[.;:]$", words[end - 1]):
                break
            # "Trung tâm Văn hóa, Thông tin và Thể thao": a comma inside a written name
            if end > j and words[end - 1].endswith(",") and (not words[end][:1].isupper() or _head_len(keys, end)):
                break
            two = " ".join(keys[end : end + 2])
            if two in VERB2 or two in STOP_BIGRAMS or two in MANNER:
                break  # "Hợp tác xã Tam Giang | tích cực chỉ đạo …"
            capital_next = end + 1 < len(words) and words[end + 1][:1].isupper()
            if keys[end] in STOP1 and not (keys[end] == "và" and capital_next):
                break
            if keys[end] == "-" and not capital_next:
                break
            end += 1
            if re.search(r"[.;:]$", words[end - 1]):
                break
        if end == j:
            return None
        # Written names are capitalised after the head ("Cảng vụ Hàng hải Quảng Ninh"); in
        # speech written in lower case, a name not in the list is only trusted in the lead
        # position, right before its role ("… chủ trì", "… được phân công").
        if not words[j][:1].isupper() and not _role_at(keys, end):
            return None
        return end, " ".join(words[i:end]).strip(",.;:")

    def _level(self, words: list[str], keys: Sequence[str], end: int, canon: str = "") -> tuple[int, str]:
        if end > 0 and re.search(r"[,.;:]$", words[end - 1]):
            return end, ""
        for phrase, printed in sorted(LEVEL_PHRASES.items(), key=lambda p: -len(p[0])):
            if printed.startswith(("UBND", "HĐND")) and canon.split()[:1] in (["Bộ"], ["Sở"]):
                continue  # "bộ giao thông vận tải ủy ban nhân dân thành phố …": two bodies
            n = len(phrase.split())
            raw = words[end : end + n + 2]
            if "," not in printed:  # "ngành tỉnh, Ủy ban …" is not "Tỉnh ủy"
                raw = raw[: next((k + 1 for k, w in enumerate(raw) if w.endswith(",")), len(raw))]
            for size in range(1, len(raw) + 1):  # phrases may carry commas as written
                window = key(" ".join(raw[:size]))
                # tone errors ("công an tình") only where no other word reads the same
                # ("quản" is not "quận")
                if (
                    window == phrase
                    or (
                        phrase in {"tỉnh", "huyện", "tỉnh ủy", "huyện ủy"}
                        and plain(window) == plain(phrase)
                        # "Bộ … tính toán": a verb, not "tỉnh"
                        and " ".join(keys[end : end + 2]) not in VERB2
                    )
                ):
                    stop = end + size
                    break
            else:
                continue
            if any(re.search(r"[.;:]$", w) for w in words[end : stop - 1]):
                continue
            place: list[str] = []
            # a place name after the level, in written text ("huyện Bảo Thắng")
            while (
                stop < len(words)
                and len(place) < 3
                and words[stop][:1].isupper()
                and (not re.search(r"[,.;:]$", words[stop - 1]) or words[stop - 1] == "TP.")  # "UBND TP. Huế"
                and not _body_at(words, keys, stop, place)
            ):
                place.append(words[stop].rstrip(",.;:"))
                stop += 1
            if (
                not place
                and printed.split()[-1].lower() in {"tỉnh", "ủy", "phố"}
                and not re.search(r"[,.;:]$", words[stop - 1])
            ):
                # speech written in lower case: a province's name ("tỉnh ủy vĩnh phúc")
                for n in (3, 2, 1):
                    name = " ".join(keys[stop : stop + n]) if stop + n <= len(words) else ""
                    if name in PROVINCES:
                        place, stop = [PROVINCES[name]], stop + n
                        break
            return stop, " ".join([printed, *place])
        return end, ""


def _abbreviations(canons: set[str], taken: set[str]) -> list[tuple[str, str, int]]:
    """Offices write a body's field by its initials: "Sở Tài nguyên và Môi trường" as "Sở
    TN&MT", "Sở TN-MT", "Sở TNMT"; "Ban An toàn giao thông" as "Ban ATGT". Made for every listed
    name with such a head; an abbreviation two names share, or one already listed, is left out."""
    made: dict[str, set[str]] = {}
    for canon in canons:
        head = next((h for h in ABBREVIATED_HEADS if canon.startswith(h + " ")), None)
        if head is None:
            continue
        groups = [g.split() for g in re.split(r"\s*(?:,|\bvà\b|-|–)\s*", canon[len(head) + 1 :]) if g.strip()]
        if sum(len(g) for g in groups) < 2 or any(not w[:1].isalpha() for g in groups for w in g):
            continue
        initials = ["".join(w[0].upper() for w in g) for g in groups]
        for joined in {"&".join(initials), "-".join(initials), "".join(initials)}:
            made.setdefault(f"{head} {joined}", set()).add(canon)
    out = []
    for form, owners in made.items():
        if len(owners) == 1 and key(form) not in taken:
            out.append((key(form), next(iter(owners)), len(form.split())))
    return out


def _body_at(words: list[str], keys, k: int, place: list[str]) -> bool:
    """A body's head starts at word k, so a place name before it ends there; inside a place
    ("Hải Phòng", "Thanh Hóa") a head word counts only when a capitalised name follows it."""
    if keys[k] not in HEADS:
        return False
    if re.search(r"[,.;:]$", words[k]):
        return not place  # "… Hải Phòng, UBND tỉnh …": a head is never followed by a comma
    return not place or (k + 1 < len(words) and words[k + 1][:1].isupper())


def _group_end(words: list[str], keys, k: int) -> int:
    """End of one group noun at word k ("cơ quan", "đơn vị", "địa phương", "đảng ủy")."""
    end = k + 1
    two = " ".join(keys[k : k + 2])
    if two in {
        "đơn vị",
        "cơ quan",
        "chủ đầu",
        "địa phương",
        "đoàn thể",
        "đảng ủy",
        "tỉnh ủy",
        "thành ủy",
        "huyện ủy",
        "quận ủy",
        "thị ủy",
        "cấp ủy",
        "tổ chức",
        "doanh nghiệp",
        "đảng bộ",
        "chi bộ",
        "thị xã",
        "thị trấn",
        "thành phố",
        "bộ ngành",
    }:
        end = k + 2
    if keys[end - 1] == "chủ" and end < len(words):
        end += 1
    if " ".join(keys[k : k + 3]) in {"hợp tác xã", "tổ dân phố", "tổ chức đảng"}:
        end = k + 3
    return end


def _qualifier(words: list[str], keys: Sequence[str], end: int, gaz: "Gazetteer") -> tuple[int, str]:
    """'… có dự án', '… liên quan', '… của HĐND tỉnh' after a body's name."""
    if end >= len(words) or re.search(r"[,.;:]$", words[end - 1]):
        return end, ""
    for q in QUALIFIERS:
        if q == ("được", "giao") and not any(keys[k] == "các" for k in range(max(0, end - 4), end)):
            continue  # "Văn phòng UBND tỉnh được giao …": a role, not which offices
        if tuple(keys[end : end + len(q)]) == q:
            stop = end + len(q)
            return stop, " ".join(w.rstrip(",.;:") for w in words[end:stop])
    if keys[end] == "của" and end + 1 < len(words):
        m = gaz.match(words, end + 1, fuzzy=False)
        if m:
            return m.end, "của " + m.name
    return end, ""


def _cut_head(keys, end: int) -> bool:
    """The words at end-1 and end form a two-word head ("hội đồng", "ban chỉ", …): a name
    that ends at end-1 ends inside a word."""
    return (
        " ".join(keys[end - 1 : end + 1]) in HEAD_PHRASES
        and keys[end - 1] in HEADS
        and not _head_len(keys, end)  # "Ban cán sự đảng | Ủy ban …": a second body starts there
    )


def _head_len(keys, i: int) -> int:
    """Words of the body-name head at word i (0 when none)."""
    for n in _HEAD_BY_LEN:
        if " ".join(keys[i : i + n]) in HEAD_PHRASES:
            return n
    return 0


def _role_at(keys, i: int) -> bool:
    if " ".join(keys[i : i + 2]) in MANNER and i + 2 < len(keys):
        i += 2  # "… tích cực | phối hợp"
    if any(" ".join(keys[i : i + len(r.split())]) == r for r in ROLE_AFTER_LEAD):
        return True
    return i + 1 < len(keys) and keys[i] in DUTY_AFTER_LEAD and keys[i + 1] in MANNER_AFTER_DUTY


def plain(text: str) -> str:
    """Without tone marks or other diacritics: 'sở xây dựng' → 'so xay dung'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _Keys(Sequence[str]):
    """key() of each word, computed on demand: match() is called at every word of long text."""

    def __init__(self, words: list[str]) -> None:
        self.words = words

    def __len__(self) -> int:
        return len(self.words)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [key(w) for w in self.words[index]]
        return key(self.words[index])


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    text = nfc(text).lower().replace("uỷ", "ủy").replace("&", " và ")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _tidy(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" ,.;:")
    return name[:1].upper() + name[1:] if not name.startswith("các") else name


@lru_cache(maxsize=8)
def default_gazetteer(extra: str | Path | None = None, office: str | Path | None = None) -> Gazetteer:
    """The built-in list, with an office's own units (its settings' gazetteer_file, passed in
    by the caller) and a meeting's glossary."""
    return Gazetteer.load(office, extra)


# Provinces and centrally governed cities (before and after the 2025 mergers), lower case →
# as written: a place said after "tỉnh", "Tỉnh ủy", "thành phố" in lower-case speech.
PROVINCES = {
    key(p): p
    for p in (
        "An Giang",
        "Bà Rịa - Vũng Tàu",
        "Bắc Giang",
        "Bắc Kạn",
        "Bạc Liêu",
        "Bắc Ninh",
        "Bến Tre",
        "Bình Định",
        "Bình Dương",
        "Bình Phước",
        "Bình Thuận",
        "Cà Mau",
        "Cao Bằng",
        "Đắk Lắk",
        "Đắk Nông",
        "Điện Biên",
        "Đồng Nai",
        "Đồng Tháp",
        "Gia Lai",
        "Hà Giang",
        "Hà Nam",
        "Hà Tĩnh",
        "Hải Dương",
        "Hậu Giang",
        "Hòa Bình",
        "Hưng Yên",
        "Khánh Hòa",
        "Kiên Giang",
        "Kon Tum",
        "Lai Châu",
        "Lâm Đồng",
        "Lạng Sơn",
        "Lào Cai",
        "Long An",
        "Nam Định",
        "Nghệ An",
        "Ninh Bình",
        "Ninh Thuận",
        "Phú Thọ",
        "Phú Yên",
        "Quảng Bình",
        "Quảng Nam",
        "Quảng Ngãi",
        "Quảng Ninh",
        "Quảng Trị",
        "Sóc Trăng",
        "Sơn La",
        "Tây Ninh",
        "Thái Bình",
        "Thái Nguyên",
        "Thanh Hóa",
        "Thừa Thiên Huế",
        "Tiền Giang",
        "Trà Vinh",
        "Tuyên Quang",
        "Vĩnh Long",
        "Vĩnh Phúc",
        "Yên Bái",
        "Hà Nội",
        "Hồ Chí Minh",
        "Hải Phòng",
        "Đà Nẵng",
        "Cần Thơ",
        "Huế",
    )
}
