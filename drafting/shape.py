"""The shape of a clause: which words are nouns and verbs, and the subject before the verb.

Bodies and people that no list names ("Phòng kinh tế hạ tầng", "các ấp", "Tiểu ban văn
kiện", "ban soạn thảo") are found from the sentence's shape: a noun phrase headed by a noun
for a body or person, then a verb ("… đánh giá lại …", "… tập trung chỉ đạo …"). The parts
of speech come from underthesea's CRF tagger, whose model ships inside its wheel (nothing is
fetched). Names the gazetteer knows count as nouns whatever the tagger says ("Sở Xây dựng":
it tags "Xây dựng" a verb).
"""

import re
from functools import lru_cache

from drafting.gazetteer import Gazetteer, key
from drafting.lexicon import (
    AGENT_HEADS,
    BRIDGE,
    DETERMINERS,
    HAVE_OBJECTS,
    LEAD_VERBS,
    LEVEL_WORDS,
    NAME_NOUNS,
    NAME_VERBS,
    NOT_ACTION,
    NOT_SUBJECT,
    NOUNISH,
    RULES,
    VERB1,
    VERB2,
)


@lru_cache(maxsize=8192)
def _tagged(text: str) -> tuple[tuple[str, str], ...]:
    from underthesea import pos_tag  # loads the CRF model on first use only

    return tuple((w, t) for w, t in pos_tag(text))


def word_tags(words: list[str]) -> list[str]:
    """The tag of each word (a syllable, punctuation attached) of `words`: the tag of the
    tagger's word that holds it; "" for what the tagger left out. A syllable that goes on
    the tagger's word begun by the syllable before it is tagged "+" ("Ủy viên": "V", "+")."""
    text = " ".join(words)
    spans: list[tuple[int, int, str]] = []
    at = 0
    for token, tag in _tagged(text):
        start = text.find(token, at)
        if start < 0:
            continue
        spans.append((start, start + len(token), tag))
        at = start + len(token)
    out: list[str] = []
    pos = 0
    s = 0
    last = -1
    for w in words:
        lead = len(w) - len(w.lstrip("\"'“(«-–"))
        c = pos + lead
        while s < len(spans) and spans[s][1] <= c:
            s += 1
        inside = s < len(spans) and spans[s][0] <= c < spans[s][1]
        out.append("" if not inside else "+" if s == last else spans[s][2])
        last = s if inside else -1
        pos += len(w) + 1
    return out


def head_at(low: list[str], i: int) -> int:
    """Words of a body's or person's head noun at word i ("phòng", "tiểu ban", "các đồng
    chí chủ tịch" → after the determiners), 0 when the phrase names no one."""
    j = i
    while j < len(low) and low[j] in DETERMINERS:
        j += 1
    if " ".join(low[j : j + 2]) == "đồng chí":
        j += 2
    for n in (3, 2, 1):
        if " ".join(low[j : j + n]) in AGENT_HEADS:
            return j + n - i
    return 0


def _starts_own_word(words: list[str], tags: list[str], k: int) -> bool:
    """Word k starts a word of its own: the tagger's, or a lower-case tail the tagger glued
    to a capitalised name ("Khánh Vĩnh khẩn trương" read as one word)."""
    if tags[k] != "+":
        return True
    start = k
    while start > 0 and tags[start] == "+":
        start -= 1
    return words[start][:1].isupper()


def _after_head(low: list[str], i: int, k: int) -> bool:
    """Word k comes right after a head noun of a body ("… Hội đồng | thi đua")."""
    return any(" ".join(low[k - n : k]) in AGENT_HEADS for n in (1, 2, 3) if k - n >= i)


def _modal_after_field(words: list[str], low: list[str], tags: list[str], k: int) -> int | None:
    """ "Ngành giáo dục | phải …", "Ngành y tế | cần …": a head noun (the tagger's noun, not
    the first half of "Tổ chức") with a field the tagger reads as a verb, then a modal."""
    if k == 0 or tags[k - 1] not in NOUNISH:
        return None
    for p in range(k + 1, min(len(words), k + 4)):
        if low[p] in {"phải", "cần", "sẽ"}:
            between = words[k:p]
            if all(w.islower() and not re.search(r"[,.;:]$", w) for w in between) and not any(
                w in NOT_ACTION for w in low[k:p]
            ):
                return p
            return None
    return None


def subject_end(
    words: list[str],
    i: int,
    gaz: Gazetteer,
    tags: list[str] | None = None,
) -> tuple[int, int] | None:
    """(end of the subject, start of its verb) when words[i:] is "subject verb …": a noun
    phrase for a body or person, then (after "sẽ", "cần", "phải" …) a verb that starts an
    action. None when the clause has another shape."""
    low = [key(w) for w in words]
    if not head_at(low, i):
        return None
    tags = tags if tags is not None else word_tags(words)
    k = i
    while k < len(words) and low[k] in DETERMINERS:
        k += 1
    k = i + head_at(low, i)  # the head is a noun whatever the tagger says ("Đảng bộ": V)
    while k < len(words) and k - i < RULES.max_subject:
        if (
            k > i
            and not words[k][:1].isupper()
            and _starts_own_word(words, tags, k)
            and (low[k] in BRIDGE or " ".join(low[k : k + 2]) in BRIDGE | LEAD_VERBS)
            and not (" ".join(low[k : k + 2]) in NAME_VERBS and _after_head(low, i, k))
        ):
            break  # "Huyện Khánh Vĩnh | khẩn trương …" (the tagger joined them into one word)
        if k > i + 1 and low[k - 1] in LEVEL_WORDS and words[k].islower() and " ".join(low[k : k + 2]) in LEAD_VERBS:
            break  # "Hội đồng nghĩa vụ quân sự huyện | tổ chức khám tuyển": the level ends it
        m = gaz.match(words, k, fuzzy=False)
        if k > i and words[k - 1].endswith(",") and m is None and not head_at(low, k):
            break  # after a comma only another body goes on the list ("Xã A, việc …")
        if m is not None and m.end > k:
            k = m.end
        elif (
            low[k] in DETERMINERS
            or tags[k] in NOUNISH
            or (tags[k] == "+" and k > i)
            or (k > i and words[k][:1].isupper() and not words[k - 1].endswith(","))
        ):
            k += 1  # "… Ủy viên Ban Thường vụ": a capitalised title the tagger calls a verb
        elif (
            " ".join(low[k : k + 2]) in NAME_VERBS
            and _after_head(low, i, k)
            and k + 2 < len(words)
            and (tags[k + 2] == "V" or " ".join(low[k : k + 2]) in NAME_NOUNS)
        ):
            k += 2  # "Hội đồng thi đua xem lại …", "Tiểu ban tuyên truyền bám sát …"
        elif (
            low[k] in {"và", "của"}
            and k > i
            and k + 1 < len(words)
            and (tags[k + 1] in NOUNISH or low[k + 1] in DETERMINERS)
        ):
            k += 1
        else:
            break
        if re.search(r"[.;:]$", words[k - 1]):
            return None
    if k == i or k >= len(words) or k - i >= RULES.max_subject:
        return None
    end = k
    head = head_at(low, i)
    own = [t for t in tags[i + head : end] if t != "+"]  # "Báo cáo" is one word, not "Báo" + a name
    if not own and low[i] not in DETERMINERS:
        modal = _modal_after_field(words, low, tags, i + head)
        if modal is None:
            return None  # a bare head ("Phòng cháy …", "Tổ chức tập huấn …", "Đơn vị thuộc …")
        return modal, modal  # "Ngành giáo dục phải tập trung …"
    if " ".join(low[i : i + 2]) in NOT_SUBJECT or low[i + head : i + head + 1] == ["viên"]:
        return None  # "Hội nghị …", "Thành ủy viên, …"
    if words[end - 1].endswith(",") and not (low[end] in BRIDGE or " ".join(low[end : end + 2]) in BRIDGE | LEAD_VERBS):
        # "Phòng A, phòng B …" is a list; "Phòng A, Phó Chủ tịch …" an apposition; but "Còn
        # các hộ dân (thì), phải chủ động …" is the subject and its verb
        return None
    # the tagger takes a word of a name for a verb ("Tiểu ban văn kiện tiếp tục …", "các
    # tiểu ban giúp việc đại hội khẩn trương …"): a verb that starts actions a few words on
    # wins over one no list knows
    if tags[k] == "V" and " ".join(low[k : k + 2]) not in VERB2 and low[k] not in VERB1:
        ahead = next(
            (
                p
                for p in range(k + 1, min(len(words), k + 5))
                # "Ngành giáo dục phải tập trung …": a modal says the verb comes next too
                if " ".join(low[p : p + 2]) in LEAD_VERBS or low[p] in {"phải", "cần", "sẽ"}
            ),
            None,
        )
        if (
            ahead is not None
            and not any(re.search(r"[,.;:]$", w) for w in words[k:ahead])
            and not any(
                w in NOT_ACTION or " ".join(low[p : p + 2]) in NOT_ACTION for p, w in enumerate(low[k:ahead], k)
            )
        ):
            end = k = ahead
            return end, k
    before = k
    while k < len(words) and (low[k] in BRIDGE or " ".join(low[k : k + 2]) in BRIDGE):
        k += 2 if " ".join(low[k : k + 2]) in BRIDGE else 1

    def verb(p: int) -> bool:  # the tagger's verb, or one the lists know ("tổng hợp": A)
        return p < len(words) and (tags[p] == "V" or " ".join(low[p : p + 2]) in LEAD_VERBS)

    if k < len(words) and not verb(k) and k > before and verb(before):
        k = before  # "các ngành tập trung vào …": the manner word is the verb itself
    if k < len(words) and low[k] == "có" and " ".join(low[k + 1 : k + 3]) in HAVE_OBJECTS:
        return end, k
    if not verb(k) or low[k] in NOT_ACTION or " ".join(low[k : k + 2]) in NOT_ACTION:
        return None
    return end, k
