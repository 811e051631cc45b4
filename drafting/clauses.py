"""One clause → who leads, who supports, what to do: the phrasing shapes of DOMAIN.md.

"Giao X chủ trì, phối hợp với Y …", "X chủ trì …" (lead first), "Đề nghị / Yêu cầu X …",
"X được phân công …", several leads, headings of lists ("Giao X:"), people as owners. Also
where clauses and (for unpunctuated speech) sentences begin.
"""

import itertools
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from drafting import deadline as dl
from drafting import shape
from drafting.gazetteer import PROVINCES, Gazetteer, key, plain
from drafting.lexicon import (
    AGENT_NOUNS,
    ASIDE_OPENERS,
    ASSIGNER_NOUNS,
    BRIDGE,
    DETERMINERS_WHO,
    GIAO_SOUNDALIKES,
    LEAD_VERBS,
    LEADER_ENDS,
    LEADFIRST_NEG,
    LEADFIRST_OK,
    MANNER,
    MID_TRIGGERS,
    NAME_NOUNS,
    NAME_VERBS,
    NOUNISH,
    OBJECT_VERBS,
    ORDINALS,
    PEOPLE_GROUPS,
    PERSON_STOP,
    PREFIX_OK,
    ROLE_WORDS,
    RULES,
    SPEAKING,
    TITLES,
    TRIGGERS,
    VERB1,
    VERB2,
)
from drafting.text import Sentence, Token

ORDINAL_WORDS = set(ORDINALS)

HEADING_ACTION = re.compile(
    r"^(?:(?:trước mắt|thời gian tới|trong thời gian tới),?\s+)?(?:(?:cần|phải)\s+)?"
    r"(?:(?:thực hiện|triển khai|tập trung|làm|chỉ đạo thực hiện|tổ chức thực hiện)\s+)?"
    r"(?:(?:tốt|ngay)\s+)?(?:các|một số|những|mấy|hai|ba|bốn|năm)\s+(?:nhiệm vụ|việc|nội dung|"
    r"công việc|vấn đề)(?:\s+(?:trọng tâm|cụ thể|chủ yếu|chính))?(?:\s+(?:như|dưới))?\s*"
    r"(?:sau|đây|sau đây)?\s*:?$|^(?:như\s+)?sau\s*:?$|^:?$"
)
# "… chỉ đạo các ngành tập trung thực hiện tốt một số vấn đề sau:", "… một số nhiệm vụ là:":
# the lead's tasks follow as bullets or sentences
LIST_LEAD_IN = re.compile(
    r"(?:nhiệm vụ|nội dung|vấn đề|việc|công việc|giải pháp|yêu cầu|"
    r"công tác)(?:\s+(?:trọng tâm|cụ thể|chủ yếu|chính|trọng yếu|"
    r"cấp bách|quan trọng))?\s+(?:sau đây|như sau|sau|là|dưới đây)\s*:?$"
)
ASSESSMENT = re.compile(
    r"^(?:cơ bản )?(?:thống nhất|nhất trí|đồng ý|biểu dương|ghi nhận|"
    r"đánh giá cao|tán thành|hoan nghênh|khen ngợi|chúc mừng)"
)
# Lower-case words inside a person's title ("Phó chủ tịch Thường trực UBND tỉnh").
PERSON_WORDS = {w for t in TITLES for w in t.split()} | {
    "tỉnh",
    "huyện",
    "xã",
    "thành",
    "phố",
    "thị",
    "trấn",
    "quận",
    "phường",
    "ủy",
    "ubnd",
    "hđnd",
    "thường",
    "trực",
    "phụ",
    "trách",
    "chính",
    "phủ",
    "ban",
    "nhân",
    "dân",
    "sở",
    "và",
    "các",
    "kiêm",
    "uỷ",
}
# "Phó Thủ tướng chỉ đạo, trước mắt, UBND tỉnh …": who speaks, then whom it is for
REPORTED = re.compile(r"^(?:chỉ đạo|yêu cầu|đề nghị|nhấn mạnh|lưu ý|kết luận)\s*[,:]", re.IGNORECASE)


@dataclass
class Clause:
    words: list[str]
    tokens: list[Token]
    sentence: Sentence


@dataclass
class Parsed:
    leads: list[str]
    action: str
    supports: list[str] = field(default_factory=list)
    heading: bool = False


def parse_clause(words: list[str], gaz: Gazetteer) -> Parsed | None:
    """Leads, supports and action of one clause, or None when it assigns nothing."""
    # The job first, then who does it: "Việc rà soát hồ sơ thì giao Sở Tư pháp, xong trước …"
    low = [key(w) for w in words]
    if low and low[0] == "việc":
        for k in range(2, min(len(words) - 1, 25)):
            if re.search(r"[.;:]$", words[k - 1]):
                break
            if low[k] == "thì" or (words[k - 1].endswith(",") and low[k] in {"giao", "đề", "yêu"}):
                start = k + 1 if low[k] == "thì" else k
                rest = _parse_clause(words[start:], gaz)
                trig = _trigger_at(low, start)
                if (rest is None or not rest.leads or not rest.action) and trig is not None:
                    # "… thì giao Thanh tra tỉnh.": who, and nothing after it
                    owners, j = _owners(words, low, start + len(trig), gaz)
                    if owners and j >= len(words):
                        rest = Parsed(owners, "")
                if rest is not None and rest.leads and not rest.heading:
                    job = " ".join(words[1:k]).strip(" ,")
                    then = rest.action
                    if then[:2].istitle():  # "Chuẩn bị" → "chuẩn bị", not "UBND"
                        then = then[0].lower() + then[1:]
                    rest.action = f"{job}, {then}" if then else job
                    return rest
                break
    parsed = _parse_clause(words, gaz)
    if parsed is not None and not (REPORTED.match(parsed.action) and _is_person(parsed.leads)):
        return parsed
    # An opening phrase before the lead: "Muốn vậy thì Bộ … phải …", "Tuy nhiên, sáu tháng
    # cuối năm thì Mặt trận … cần …", "Để triển khai kế hoạch, Bộ … phải …"
    low = [key(w) for w in words]
    for k in range(1, min(len(words) - 2, 25)):
        if (
            words[k - 1].endswith(",")
            or low[k - 1] == "thì"
            or (low[k - 1] == "là" and k >= 2 and low[k - 2] in {"tôi", "đó", "vậy"})
        ):
            if re.search(r"[.;:]$", " ".join(words[: k - 1])):
                break
            # after a comma inside a list of bodies ("… các huyện, thị xã, thành phố chỉ
            # đạo …") the rest is no subject of its own
            in_list = words[k - 1].endswith(",") and shape.head_at(low, k) > 0
            parsed = _parse_clause(words[k:], gaz, shaped=not in_list)
            if (
                parsed is not None
                and parsed.action
                and not (REPORTED.match(parsed.action) and _is_person(parsed.leads))
            ):
                return parsed
    return None


def _topic_is_lead(words: list[str], low: list[str], comma: int, gaz: Gazetteer) -> Parsed | None:
    """ "Về phía UBND huyện, đề nghị tập trung chỉ đạo …": the topic names who, and the
    assignment after it names no one."""
    start = 1 + (low[1] == "với") if low[0] == "đối" else 1
    start += low[start] in {"phía", "bên"} if start < len(low) else 0
    leads, end = _owners(words, low, start, gaz)
    if not leads or end != comma + 1:
        return None
    trig = _trigger_at(low, comma + 1)
    k = comma + 1 + (len(trig) if trig else 0)
    k = _skip(low, k, {"cần", "phải", "cho"})
    two = " ".join(low[k : k + 2])
    if trig is None or not (two in LEAD_VERBS or (k < len(low) and low[k] in VERB1)):
        return None
    return parse_rest(words, low, k, leads, gaz)


def _is_person(leads: list[str]) -> bool:
    return bool(leads) and any(leads[0].lower().startswith(t) for t in [*TITLES, "đồng chí"])


def _parse_clause(words: list[str], gaz: Gazetteer, shaped: bool = True) -> Parsed | None:
    low = [key(w) for w in words]
    if " ".join(low[:2]) == "đối với":  # "Đối với Sở Y tế, chỉ đạo …": the unit is the lead
        leads, j = _owners(words, low, 2, gaz)
        two = " ".join(low[j : j + 2])
        if leads and j < len(words) and (words[j - 1].endswith(",") or two in VERB2 or two in LEADFIRST_OK):
            return parse_rest(words, low, j, leads, gaz)
    if low and low[0] in {"về", "đối"}:  # "Về di dời dân cư, UBND các huyện …": skip the topic
        comma = next((k for k, w in enumerate(words[:15]) if w.endswith(",")), None)
        if comma is not None:
            rest = parse_clause(words[comma + 1 :], gaz)
            return rest if rest is not None else _topic_is_lead(words, low, comma, gaz)
    i = _skip_intro(words, low, 0)
    # a deadline before the lead: "Trước ngày 15/9, Sở Tài chính phải …"
    i = skip_deadline(words, i)
    i = _skip_intro(words, low, i)
    trig = _trigger_at(low, i)
    if trig is None:
        # "Tôi đề nghị", "Thường trực Tỉnh ủy giao": an assigner, then the trigger
        for k in range(i + 1, min(len(words), i + 25)):
            t = _trigger_at(low, k)
            if t is not None and (
                _prefix_ok(words[i:k], low[i:k], gaz) or (t in MID_TRIGGERS and _body_prefix(words[i:k], low[i:k]))
            ):
                if t[0] in {"phân", "chỉ"} and not _owners(words, low, k + len(t), gaz)[0]:
                    break  # "Các bộ (thì) phân công công chức trực …": the bodies' own job
                trig, i = t, k
                break
    if trig is not None:
        j = i + len(trig)
        while (
            j < len(words)
            and low[j] in {"cho", "các", "đ/c", "bên", "phía"}
            and not gaz.match(words, j)
            and not (low[j] == "các" and shape.head_at(low, j))  # "các Hội đồng thi" is who
            and " ".join(low[j : j + 3]) != "các đồng chí"
        ):
            j += 1
        start = j
        leads, j = _owners(words, low, j, gaz)
        if (
            leads
            and shaped
            and j < len(words)
            and not _starts_verb(words, low, j)
            and (shape.word_tags(words)[j] in NOUNISH or " ".join(low[j : j + 2]) in NAME_NOUNS)
        ):
            # the list knew the start of the name only ("Tổ công tác | liên ngành số 3 …")
            longer, verb = _shaped_lead(words, low, start, gaz)
            if longer and verb > j:
                leads, j = longer, verb
        if not leads:
            leads, j = _agent_span(words, low, j)
        if not leads:
            leads, j = _shaped_lead(words, low, j, gaz)
        if not leads:
            return None
        return parse_rest(words, low, j, leads, gaz)
    # lead first: "Sở Y tế, Sở Giáo dục và Đào tạo thường xuyên …"
    leads, j = _owners(words, low, i, gaz)
    parsed = _listed_lead_first(words, low, j, leads, gaz) if leads else None
    if parsed is not None or not shaped:
        return parsed
    # a body no list names, found by the shape "noun phrase, verb": "Phòng kinh tế hạ tầng
    # đánh giá lại …", "các ấp tập trung …", "Thường trực Hội đồng xem lại …" (the list knew
    # only "Thường trực")
    shaped_leads, verb = _shaped_lead(words, low, i, gaz)
    if not shaped_leads or (leads and verb <= j) or ASSESSMENT.match(" ".join(low[verb : verb + 3])):
        return None
    return parse_rest(words, low, verb, shaped_leads, gaz)


def _listed_lead_first(words: list[str], low: list[str], j: int, leads: list[str], gaz: Gazetteer) -> Parsed | None:
    """The leads the gazetteer found end at word j: their role or verb, then the action."""
    j2 = skip_deadline(words, j)
    j2 = _skip(low, j2, {"cũng", "vẫn", "cứ"})
    if " ".join(low[j2 : j2 + 2]) == "đồng thời":  # "Bộ Công Thương đồng thời tăng cường …"
        j2 += 2
    aside = _skip_aside(words, low, j, j2)
    if aside != j2:
        return parse_rest(words, low, aside, leads, gaz)
    j2 = j2 + 1 if j2 < len(words) and low[j2] in {"thì", "cần", "phải"} and j2 != j else j2
    if j2 == j and j2 + 1 < len(words) and low[j2] == "thì" and _directed_after_thi(low, j2 + 1):
        j2 += 1  # "Các bộ, cơ quan ngang bộ thì phân công …": the spoken topic marker
    # "Bộ TT&TT cũng được giao nhiệm vụ …", "Sở Y tế có nhiệm vụ …": a role, then the action
    k = _skip(low, j2, {"cũng", "đã", "vẫn"})
    if any(tuple(low[k : k + len(r)]) == r for r in ROLE_WORDS):
        return parse_rest(words, low, k, leads, gaz)
    if j2 < len(words) and _trigger_at(low, j2) is not None:
        assigned = parse_clause(words[j2:], gaz)  # the leads were the assigner
        # "Các bộ (thì) phân công công chức trực …": no one after it, the lead's own job
        if assigned is not None or " ".join(low[j2 : j2 + 2]) != "phân công":
            return assigned
        return parse_rest(words, low, j2, leads, gaz)
    nxt2 = " ".join(low[j2 : j2 + 2])
    if j2 >= len(words) and words[-1].endswith(":"):
        return Parsed(leads, "", heading=True)  # "UBND các huyện:" heading a list
    if j2 >= len(words) or ASSESSMENT.match(" ".join(low[j2 : j2 + 3])):
        return None
    # "Phòng Kinh tế hạ tầng đánh giá lại việc …" is a job; "… đánh giá cao", "… đánh giá, …" a report
    judged = nxt2 == "đánh giá" and not words[j2 + 1].endswith(",")
    if low[j2] in LEADFIRST_NEG and nxt2 not in LEADFIRST_OK and not judged:
        return None
    # "Hợp tác xã Tam Giang tích cực | chỉ đạo …": a manner word, then the verb
    after = " ".join(low[j2 + 2 : j2 + 4])
    verb_after = after in LEADFIRST_OK or after in VERB2 or (j2 + 2 < len(low) and low[j2 + 2] in VERB1)
    manner = nxt2 in MANNER and verb_after
    if not (nxt2 in LEADFIRST_OK or nxt2 in VERB2 or low[j2] in VERB1 or manner) and not _verb_by_shape(
        words, low, j, j2, gaz
    ):
        # a misheard word or two before "chủ trì"/"phối hợp" ("Sở Tài chính chỗ chị, phối hợp")
        ahead = next(
            (
                k
                for k in range(j2, min(len(words) - 1, j2 + 3))
                if _near(low[k : k + 2], "phối hợp") or _near(low[k : k + 2], "chủ trì")
            ),
            None,
        )
        if ahead is None:
            return None
        if (
            len(leads) == 1
            and low[j - 1] in {"tỉnh", "huyện", "xã", "phố", "quận", "phường"}
            and all(w.isalpha() for w in low[j:ahead])
        ):
            # "ubnd tỉnh tuyên quang phối hợp": a place said after the level, in lower case
            leads = [leads[0] + " " + " ".join(w.capitalize() for w in words[j:ahead])]
        j = ahead
    return parse_rest(words, low, j, leads, gaz)


def leads_in(words: list[str], gaz: Gazetteer) -> list[str]:
    """Who a sentence the rules could not parse names as its doer, if anyone: the bodies after
    an assigning word inside it ("… yêu cầu Tiểu ban văn kiện tiếp tục …"), else the bodies
    that open it (after an opening phrase), else a subject found by its shape; [] when none
    (drafting/rules.py: a guessed task)."""
    low = [key(w) for w in words]
    tags = shape.word_tags(words)
    for k in range(len(words)):
        trig = _trigger_at(low, k)
        if trig is not None:
            j = _skip(low, k + len(trig), {"cho", "anh", "chị", "em"})
            leads = (
                _owners(words, low, j, gaz)[0]
                or _shaped_lead(words, low, j, gaz)[0]
                or _noun_phrase(words, low, tags, j)[0]
            )
            if leads:
                return leads
    starts = [_skip_intro(words, low, 0)]
    starts += [k + 1 for k in range(min(len(words) - 1, 15)) if words[k].endswith(",")][:3]
    for i in starts:
        i = _skip_intro(words, low, skip_deadline(words, i))
        leads, j = _owners(words, low, i, gaz)
        j = _skip(low, j, {"cũng", "đã", "vừa"})
        # "Thủ tướng yêu cầu …", "đồng chí Bí thư nhấn mạnh …": who speaks, not who does
        if leads and _trigger_at(low, j) is None and " ".join(low[j : j + 2]) not in SPEAKING:
            if _is_person(leads) and " ".join(low[j : j + 2]) == "chỉ đạo":
                # "Bí thư Thành ủy chỉ đạo các đơn vị phải …": the leader directs them
                directed = _owners(words, low, j + 2, gaz)[0] or _noun_phrase(words, low, tags, j + 2)[0]
                if directed:
                    return directed
            return leads
    for i in starts:
        shaped, _ = _shaped_lead(words, low, _skip_intro(words, low, i), gaz)
        if shaped:
            return shaped
    # "Lực lượng vũ trang tiếp tục duy trì …", "Hai huyện phân công …": whoever opens the
    # sentence before its verb, when no list or shape knows them
    i = _skip_intro(words, low, starts[0])
    numbered = low[i] in DETERMINERS_WHO and i + 1 < len(low) and shape.head_at(low, i + 1)  # "Hai huyện"
    if shape.head_at(low, i) or numbered or " ".join(low[i : i + 2]) in PEOPLE_GROUPS:
        named, j = _noun_phrase(words, low, tags, i)
        bare = j - i == 1 or " ".join(low[i : i + 2]) == "trường hợp"  # "Tỉnh …", "Trường hợp …"
        if named and not bare and _trigger_at(low, j) is None and " ".join(low[j : j + 2]) not in SPEAKING:
            return named
    return []


def _noun_phrase(words: list[str], low: list[str], tags: list[str], i: int) -> tuple[list[str], int]:
    """Who, by the tagger alone: a noun phrase at word i up to its verb or modal ("các đại
    biểu | dành thời gian …", "tập thể lãnh đạo, cán bộ … Sở Giáo dục | hỗ trợ …"); for a
    guessed task's lead, where the lists and shapes found no one."""
    if i >= len(words) or not (
        low[i] in DETERMINERS_WHO or low[i] in AGENT_NOUNS or shape.head_at(low, i) or tags[i] in {"N", "Np", "M"}
    ):
        return [], i
    if " ".join(low[i : i + 2]) in VERB2 or low[i] in VERB1:
        return [], i
    for k in range(i + 1, min(len(words), i + RULES.max_subject)):
        if re.search(r"[.;:]$", words[k - 1]):
            return [], i
        two = " ".join(low[k : k + 2])
        if (
            low[k] in {"phải", "cần", "sẽ", "hãy", "nên"}
            or two in LEAD_VERBS
            or (
                tags[k] == "V" and not words[k][:1].isupper() and low[k] not in AGENT_NOUNS  # "lãnh đạo, cán bộ"
            )
        ):
            name = " ".join(words[i:k]).strip(" ,;:")
            if not name or (two in VERB2 and k == i + 1 and low[i] in DETERMINERS_WHO):
                return [], i
            return [name[:1].upper() + name[1:] if not name.startswith("các") else name], k
    return [], i


def _directed_after_thi(low: list[str], k: int) -> bool:
    """After "X thì": a verb that starts a job ("thì phân công …", "thì đánh giá …"), not
    what X did or is ("thì đã …", "thì có …", "thì cơ bản …")."""
    k = _skip(low, k, {"phải", "cần", "sẽ", "cũng"})
    two = " ".join(low[k : k + 2])
    if k >= len(low) or ASSESSMENT.match(" ".join(low[k : k + 3])):
        return False
    return (two in LEAD_VERBS or two in VERB2 or low[k] in VERB1) and (low[k] not in LEADFIRST_NEG or low[k] == "đánh")


def _shaped_lead(words: list[str], low: list[str], i: int, gaz: Gazetteer) -> tuple[list[str], int]:
    """A subject found by its shape (drafting/shape.py), and where its verb starts."""
    found = shape.subject_end(words, i, gaz)
    if found is None:
        return [], i
    end, verb = found
    # the action keeps its manner words ("tập trung chỉ đạo …"), not the modal before them
    verb = _skip(low, end, {"sẽ", "cần", "phải", "thì", "cũng", "vẫn", "đều", "nên", "hãy"})
    name = " ".join(words[i:end]).strip(" ,;:")
    name = re.sub(
        r"^(?:các\s+)?đồng chí\s+",
        lambda m: "các " if m.group(0).lower().startswith("các") else "",
        name,
        flags=re.IGNORECASE,
    )
    if name.lower().startswith("các "):
        return ["các " + name[4:]], verb
    return [name[:1].upper() + name[1:]], verb


def _skip_aside(words: list[str], low: list[str], j: int, j2: int) -> int:
    """Past an aside set off by commas right after the lead, when the lead's verb follows."""
    if j2 != j or j == 0 or not words[j - 1].endswith(",") or j2 >= len(words) or low[j2] not in ASIDE_OPENERS:
        return j2
    for k in range(j2 + 1, min(len(words), j2 + 25)):
        if re.search(r"[.;:]$", words[k - 1]):
            return j2
        if (
            words[k - 1].endswith(",")
            and k < len(words)
            and (" ".join(low[k : k + 2]) in LEAD_VERBS or low[k] in VERB1)
        ):
            return k
    return j2


def _starts_verb(words: list[str], low: list[str], j: int) -> bool:
    """Word j starts the lead's verb or role (or the supports) by the lists."""
    two = " ".join(low[j : j + 2])
    return (
        two in LEADFIRST_OK
        or two in VERB2
        or low[j] in VERB1
        or low[j]
        in {
            "cùng",
            "và",
            "với",
            "thì",
            "cũng",
            "được",
            "có",
            "làm",
            "là",
            "tiếp",
            "sớm",
            "theo",
            "trước",
            "trong",
            "tại",
            "ở",
            "để",
            "về",
            "chậm",
            "ngay",
            "khi",
            "nếu",
            "trên",
            "đến",
            "cần",
            "phải",
            "hoặc",
            "hay",
            "thuộc",
            "của",
        }
        or bool(re.search(r"[,.;:]$", words[j - 1]))
    )


def _verb_by_shape(words: list[str], low: list[str], lead_end: int, j: int, gaz: Gazetteer) -> bool:
    """A listed lead followed by a verb no list holds ("Sở Y tế bám sát …")."""
    if lead_end == 0 or j >= len(words) or low[j] in LEADFIRST_NEG:
        return False
    found = shape.subject_end(words, 0, gaz)
    return found is not None and found[1] == j


def split_clauses(sent: Sentence, gaz: Gazetteer) -> list[Clause]:
    """Split a sentence at ';' and at a new assignment (', giao Sở …')."""
    toks = sent.tokens
    words = [t.text for t in toks]
    low = [key(w) for w in words]
    cuts = [0]
    for k in range(1, len(words)):
        prev = words[k - 1]
        if prev.endswith(";"):
            cuts.append(k)
            continue
        if prev.endswith(",") and k - cuts[-1] >= 4:
            # "Giao Sở A rà soát vốn, (còn) Sở B kiểm tra chất lượng"
            at = k + 1 if low[k] in {"còn", "và", "riêng", "rồi"} else k
            at = k + 2 if " ".join(low[k : k + 2]) in {"trong khi", "đồng thời"} else at
            if _new_lead_first(words, low, at, cuts[-1], gaz) and not _inside_name(words, k, gaz):
                cuts.append(k)
                continue
        trig = _trigger_at(low, k)
        if trig is None or trig not in MID_TRIGGERS:
            continue
        if low[cuts[-1]] == "việc" and (low[k - 1] == "thì" or prev.endswith(",")):
            continue  # "Việc rà soát hồ sơ thì giao Sở …": the job, then who does it
        after = k + len(trig)
        after = _skip(low, after, {"cho"})
        if not (gaz.match(words, after) or _person(words, low, after, gaz)):
            continue
        before = low[max(cuts[-1], k - 3) : k]
        left_has = any(_trigger_at(low, m) for m in range(cuts[-1], k)) or k - cuts[-1] >= 4
        if prev.endswith(",") or (before and before[-1] in {"đồng", "thời", "và"}) or (left_has and k - cuts[-1] >= 5):
            start = k - 2 if " ".join(low[k - 2 : k]) == "đồng thời" else k
            start = k - 1 if low[k - 1] == "và" and start == k else start
            if start > cuts[-1]:
                cuts.append(start)
    cuts.append(len(words))
    parts = [(a, b) for a, b in itertools.pairwise(cuts) if b > a]
    # "Giao các sở, ngành; UBND các xã …": a list of leads is not a clause of its own
    merged: list[tuple[int, int]] = []
    for a, b in parts:
        if merged and _only_owners(words[merged[-1][0] : merged[-1][1]], gaz):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return [Clause(words[a:b], toks[a:b], sent) for a, b in merged]


def _inside_name(words: list[str], k: int, gaz: Gazetteer) -> bool:
    """The comma before word k is inside a listed name ("Đảng ủy Mặt trận Tổ quốc, các đoàn
    thể Trung ương")."""
    return any(gaz.known(words[s:]) > k - s for s in range(max(0, k - 10), k))


def restore_boundaries(tokens: list[Token], gaz: Gazetteer) -> list[Token]:
    """Sentence ends for unpunctuated transcripts (some recognisers write none).

    A '.' goes before a spoken ordinal ("thứ hai"), a spoken bullet ("hai là"), an
    assignment ("giao Sở …", "đề nghị UBND …") and a body followed by its own verb, unless
    that body continues a list of leads or of supports. Punctuated text is left alone.
    """
    words = [t.text for t in tokens]
    if not words:
        return tokens
    marks = sum(1 for w in words if re.search(r"[.,;:!?]$", w))
    if marks / len(words) >= RULES.punctuated_share:
        return tokens
    low = [key(w) for w in words]
    cut: set[int] = set()
    semi: set[int] = set()
    k = 0
    last_end = -1  # end of the previous body's name (lists of bodies run on)
    while k < len(words):
        two = " ".join(low[k : k + 2])
        ordinal = low[k] == "thứ" and k + 1 < len(low) and low[k + 1] in ORDINAL_WORDS
        bullet = (
            low[k] in {"một", "hai", "ba", "bốn", "năm"}
            and k + 1 < len(low)
            and low[k + 1] == "là"
            and k > 0
            and low[k - 1] != "thứ"
        )
        if ordinal or bullet or two in {"cảm ơn", "xin cảm", "còn về"}:
            cut.add(k)
        # "… đã giao rồi tăng cường đôn đốc …", "… đồng thời phối hợp …": the same body's
        # next instruction
        if k > 0 and low[k] == "rồi" and " ".join(low[k + 1 : k + 3]) in VERB2:
            cut.add(k)  # a spoken "rồi" opens the next instruction
        elif k > 0 and two == "đồng thời" and " ".join(low[k + 2 : k + 4]) in VERB2:
            semi.add(k)  # "đồng thời" goes on with the same one
        trig = _trigger_at(low, k)
        if trig is not None and k > 0 and low[k - 1] not in {"được", "đã", "sẽ", "vừa", "việc"}:
            after = _skip(low, k + len(trig), {"cho"})
            if gaz.match(words, after) or _person(words, low, after, gaz):
                start = k - 2 if " ".join(low[k - 2 : k]) == "đồng thời" else k
                cut.add(start)
                k = after
                continue
        m = gaz.match(words, k)
        if m is not None and m.end > k:
            p = m.end  # "bộ tt&tt cũng kiểm tra …", "sở y tế thì chủ trì …"
            while p < len(low) - 1 and low[p] in {"cũng", "vẫn", "thì", "đều", "sẽ"}:
                p += 1
            nxt2 = " ".join(low[p : p + 2])
            verb = (
                (nxt2 in LEADFIRST_OK or nxt2 in VERB2 or low[p : p + 1] in (["phải"], ["cần"], ["trình"], ["sớm"]))
                and low[p : p + 1] != []
                and low[p] not in LEADFIRST_NEG
            )
            # "ubnd tỉnh tuyên quang phối hợp": a place name, then the lead's role
            verb = verb or _place_then_verb(low, m.end)
            linked = k == last_end or (k > 0 and low[k - 1] in LINKING)
            # the object of a verb ("hướng dẫn các địa phương hoàn thiện …") is no new lead
            linked = linked or " ".join(low[max(0, k - 2) : k]) in OBJECT_VERBS
            if verb and not linked and k > 0:
                # a deadline just before the body is its own ("trước ngày 20/7 Sở Nội vụ phải
                # trình") only when the sentence before already has a deadline of its own
                start = _deadline_start(words, k)
                before = " ".join(words[max(cut, default=0) : start])
                own = dl.has_deadline(before) or low[m.end] in {"phải", "cần"}
                cut.add(start if start < k and own else k)
            if not verb and not linked and k > 0 and _shaped_subject_at(words, low, k, gaz):
                cut.add(k)  # "… phòng kinh tế hạ tầng khẩn trương …": the list knew a part
            last_end = m.end
            k = m.end
            continue
        if k > 0 and k != last_end and low[k - 1] not in LINKING and _shaped_subject_at(words, low, k, gaz):
            cut.add(k)  # a body no list names, then its verb: "… các ấp tập trung chỉ đạo …"
        k += 1
    out = []
    for i, tok in enumerate(tokens):
        if i + 1 in cut and not re.search(r"[.;:!?]$", tok.text):
            tok = Token(tok.text.rstrip(",") + ".", tok.seg, tok.index)
        elif i + 1 in semi and not re.search(r"[.;:!?]$", tok.text):
            tok = Token(tok.text.rstrip(",") + ";", tok.seg, tok.index)
        out.append(tok)
    return out


# Words after which a body is spoken to or about, not a new lead ("phối hợp với …", "giao …",
# "báo cáo / đề xuất / tham mưu ủy ban tỉnh xem xét …").
LINKING = {
    "với",
    "cùng",
    "của",
    "cho",
    "và",
    "giao",
    "nghị",
    "cầu",
    "công",
    "đạo",
    "thuộc",
    "tại",
    "về",
    "trình",
    "gửi",
    "lên",
    "hợp",
    "chẽ",
    "viên",
    "chí",
    "tịch",
    "thư",
    "đốc",
    "trưởng",
    "phó",
    "đầu",
    "tra",
    "cáo",
    "xuất",
    "mưu",
    "kiến",
    "ánh",
}


def _shaped_subject_at(words: list[str], low: list[str], k: int, gaz: Gazetteer) -> bool:
    """A subject found by its shape starts at word k, followed by a word the lists know opens a
    lead's action ("khẩn trương", "chủ trì", "tập trung" …): speech run on without marks has
    more false subjects than text, so the tagger's verb alone is not enough here."""
    if not shape.head_at(low, k):
        return False
    found = shape.subject_end(words[k : k + 24], 0, gaz)
    if found is None or found[0] < 2:
        return False
    e, v = k + found[0], k + found[1]
    return bool(LEADFIRST_OK & {" ".join(low[v : v + 2]), " ".join(low[e : e + 2])})


def _place_then_verb(low: list[str], end: int) -> bool:
    """After a level ("ubnd tỉnh"), one or two words of a place said in lower case, then the
    body's own verb: "ubnd tỉnh quảng nam chủ động cân đối …"."""
    if end == 0 or low[end - 1] not in {"tỉnh", "huyện", "xã", "phố", "quận", "phường"}:
        return False
    for p in (end + 1, end + 2):
        two = " ".join(low[p : p + 2])
        place = low[end:p]
        if (
            (two in LEADFIRST_OK or two in VERB2)
            and not any(w in VERB1 or w in LEADFIRST_NEG or w in BRIDGE or w in {"và", "các"} for w in place)
            and not any(" ".join(low[q : q + 2]) in VERB2 | BRIDGE for q in range(end, p))
        ):
            return True
    return False


def _place_after(words: list[str], low: list[str], end: int) -> tuple[str, int] | None:
    """The lower-case place after a body's level, capitalised, and where it ends."""
    if not _place_then_verb(low, end) or words[end][:1].isupper():
        return None
    p = next(p for p in (end + 1, end + 2) if " ".join(low[p : p + 2]) in LEADFIRST_OK | VERB2)
    return " ".join(w.capitalize() for w in words[end:p]), p


def action_text(words: list[str]) -> str:
    text = " ".join(words).strip(" ,;:")
    text = re.sub(r"^(?:thì|là|để|và|cũng|cứ|,)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[.]+$", "", text).strip()
    # unpunctuated speech: the start of a closing formula left at the end ("… giải quyết vậy",
    # "… đúng kế hoạch tôi xin")
    text = re.sub(r"(?:\s+(?:tôi(?: xin)?|vậy(?: thôi)?|thế thôi|nhé|nhá|luôn))+$", "", text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:] if text else text


# -- helpers ----------------------------------------------------------------------------


def parse_rest(words: list[str], low: list[str], j: int, leads: list[str], gaz: Gazetteer) -> Parsed:
    """After the leads: "chủ trì", "phối hợp với …" (supports), then the action."""
    supports: list[str] = []
    j = _skip(low, j, {""})
    # "X được phân công …", "X có trách nhiệm …": the lead's role, not part of the action
    for role in ROLE_WORDS:
        if tuple(low[j : j + len(role)]) == role:
            j = _skip(low, j + len(role), {""})
            break
    # "Bộ Công Thương khẩn trương chủ trì, phối hợp …": a manner word before the role
    k = j
    while k < len(low) and (" ".join(low[k : k + 2]) in MANNER or low[k] in MANNER):
        k += 2 if " ".join(low[k : k + 2]) in MANNER else 1
    if k > j and (_near(low[k : k + 2], "chủ trì") or _near(low[k : k + 2], "phối hợp")):
        j = k
    if _near(low[j : j + 2], "chủ trì"):
        j = _skip(low, j + 2, {"", "và"})
        # "Giao Sở A chủ trì, Sở B phối hợp, …"
        sup, k = _units(words, low, j, gaz)
        if sup and _near(low[k : k + 2], "phối hợp"):
            supports, j = sup, _skip(low, k + 2, {"", "thực", "hiện"})
        elif j < len(low) and low[j] == "cùng":  # "… chủ trì cùng các xã hướng dẫn …"
            sup, k = _units(words, low, _skip(low, j + 1, {"với", ""}), gaz)
            if sup:
                supports, j = sup, _skip(low, k, {""})
    if not supports and " ".join(low[j : j + 2]) == "cùng với":  # "Ủy ban Kiểm tra cùng với các cơ quan … tổ chức"
        sup, k = _units(words, low, j + 2, gaz)
        if sup and not words[k - 1].endswith((".", ";", ":")):
            supports, j = sup, _skip(low, k, {""})
    if _near(low[j : j + 2], "phối hợp"):
        k = j + 2
        k = _skip(low, k, {"chặt", "chẽ", "với", "cùng", ""})
        sup, k2 = _units(words, low, k, gaz)
        if sup:
            place = _place_after(words, low, k2)
            if place:  # "phối hợp với ubnd tỉnh phú thọ triển khai …"
                sup[-1] += " " + place[0]
                k2 = place[1]
            supports, j = sup, _skip(low, k2, {""})
    supports = [s for s in supports if s not in leads]
    action = action_text(words[j:])
    for extra in _supports_in(words, low, j, gaz):
        if extra not in supports and extra not in leads:
            supports.append(extra)
    heading = (
        bool(HEADING_ACTION.match(action.lower().strip()))
        or (words[-1].endswith(":") and bool(LIST_LEAD_IN.search(action.lower())))
        or (words[-1].endswith(":") and len(action.split()) <= 6 and "sau" in action.lower())
    )
    return Parsed(leads, action, supports, heading=heading)


def _owners(words: list[str], low: list[str], i: int, gaz: Gazetteer) -> tuple[list[str], int]:
    """Bodies or people at word i: 'Sở A, Sở B và UBND các huyện', 'đồng chí Phó Chủ tịch …'."""
    person = _person(words, low, i, gaz)
    if person:
        # "Phó Thủ tướng A và Phó Thủ tướng B": two people ("Đồng chí A, Giám đốc Sở Y tế" is
        # one person and a title)
        if not any(person[0].lower().startswith(t) for t in TITLES):
            return [person[0]], person[1]
        title = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
        parts = re.split(rf"\s*(?:,|\bvà\b)\s+(?=(?:đồng chí\s+)?(?:{title})\b)", person[0], flags=re.IGNORECASE)
        return [p[:1].upper() + p[1:] for p in parts if p.strip()], person[1]
    # "lãnh đạo địa phương", "lãnh đạo các sở, ngành": the leaders of bodies
    if " ".join(low[i : i + 2]) == "lãnh đạo" and i + 2 < len(words):
        units, j = _units(words, low, i + 2, gaz)
        if units:
            return [f"Lãnh đạo {units[0]}", *units[1:]], j
    return _units(words, low, i, gaz)


def _units(words: list[str], low: list[str], i: int, gaz: Gazetteer) -> tuple[list[str], int]:
    listed = _head_list(words, low, i, gaz)
    if listed[0]:
        names, j = listed
        # "các Bộ Xây dựng, Tài chính, Ngân hàng Nhà nước và UBND các tỉnh …": the list goes on
        k = j + 1 if j < len(words) and low[j] == "và" else j
        if not (words[j - 1].endswith(",") or k > j) or gaz.match(words, k, fuzzy=False) is None:
            return listed
        more, j = _units(words, low, k, gaz)
        return names + more, j
    province = _province_as_body(words, low, i)
    if province is not None:
        return [province[0]], province[1]
    names = []
    j = i
    while j < len(words):
        m = gaz.match(words, j)
        if m is None or m.end <= j:
            break
        names.append(m.name)
        j = m.end
        places = _places_after_colon(words, j)
        if places is not None:  # "UBND các tỉnh: Đồng Nai, Điện Biên, Quảng Ngãi …"
            names[-1] += ": " + places[0]
            j = places[1]
            break
        place = _place_after(words, low, j)
        if place:  # "ubnd huyện triệu phong kiểm tra …": a place said after the level
            names[-1] += " " + place[0]
            j = place[1]
            break
        ended = re.search(r"[,;]$", words[j - 1])
        k = j
        if k < len(words) and low[k] in {"và", "cùng", "với"}:
            k += 1  # "Bộ Giao thông vận tải với Bộ Tài chính nghiên cứu …": two leads
        elif k < len(words) and low[k] == "rồi" and ended:
            k += 1  # spoken lists: "Các bộ, cơ quan ngang bộ, rồi UBND các tỉnh …"
        elif not ended:
            # unpunctuated speech: "công an huyện ban chỉ huy quân sự huyện tăng cường"
            nxt = gaz.match(words, k, fuzzy=False) if k < len(words) else None
            if nxt is None or not _unpunctuated(words):
                break
        nxt = gaz.match(words, k) if k < len(words) else None
        if nxt is None:
            break
        j = k
    return names, j


def _places_after_colon(words: list[str], j: int) -> tuple[str, int] | None:
    """ "… các tỉnh: Đồng Nai, Điện Biên và Quảng Ngãi | thực hiện …": the places a group
    name lists after its colon, each capitalised; None when no such list follows."""
    if j == 0 or j >= len(words) or not words[j - 1].endswith(":"):
        return None
    places: list[str] = []
    k = j
    while k < len(words) and words[k][:1].isupper():
        start = k
        while k < len(words) and words[k][:1].isupper() and not re.search(r"[,.;:]$", words[k]):
            k += 1
        if k < len(words) and words[k][:1].isupper():
            k += 1  # the name's last word, with its comma
        places.append(" ".join(words[start:k]).strip(",;"))
        if k < len(words) and key(words[k]) == "và":
            k += 1
        elif not words[k - 1].endswith(","):
            break
    if len(places) < 2 or words[k - 1].endswith((".", ";", ":")):
        return None
    return ", ".join(places), k


def _province_as_body(words: list[str], low: list[str], i: int) -> tuple[str, int] | None:
    """ "Bắc Ninh phải tiếp tục …", "đề nghị Đà Nẵng khẩn trương …": a province named alone
    stands for its authorities, when its verb follows."""
    if i >= len(words) or not words[i][:1].isupper():
        return None
    for n in (4, 3, 2):
        end = i + n
        if end < len(words) and " ".join(low[i:end]) in PROVINCES and not re.search(r"[,.;:]$", words[end - 1]):
            k = _skip(low, end, {"cũng", "thì"})
            if " ".join(low[k : k + 2]) in LEAD_VERBS or low[k] in VERB1 | {"phải", "cần", "sẽ"}:
                return " ".join(w.strip(",.;:") for w in words[i:end]), end
    return None


def _agent_span(words: list[str], low: list[str], i: int) -> tuple[list[str], int]:
    """After "giao / đề nghị / yêu cầu": who, up to their verb, when no body is named."""
    if i >= len(words) or low[i] not in AGENT_NOUNS or " ".join(low[i : i + 2]) in VERB2:
        return [], i
    for k in range(i + 1, min(len(words), i + 15)):
        if re.search(r"[.;:]$", words[k - 1]):
            break
        two = " ".join(low[k : k + 2])
        if two != "phụ trách" and (two in VERB2 or two in LEADFIRST_OK or low[k] in {"cần", "phải"}):
            name = " ".join(words[i:k]).strip(" ,")
            return [name[:1].upper() + name[1:] if not name.startswith("các") else name], k
        if low[k] in {"thời", "năm", "tháng", "ngày", "trong", "trước", "để", "về", "theo"}:
            break
    return [], i


def _head_list(words: list[str], low: list[str], i: int, gaz: Gazetteer) -> tuple[list[str], int]:
    """ "các Bộ: Kế hoạch và Đầu tư, Tài chính, Y tế" — one head for a list of names."""
    k = i + 1 if i < len(low) and low[i] == "các" else i
    if k >= len(words) or low[k] not in {"bộ", "sở", "ban", "cục"}:
        return [], i
    if not words[k].endswith(":"):
        return _spoken_head_list(words, low, i, k, gaz)
    head = words[k].rstrip(":")
    names: list[str] = []
    j = k + 1
    while j < len(words):
        m = gaz.match([head, *words[j:]], 0, fuzzy=False)
        if m is None or m.end <= 1:
            break
        # one item ends at its comma ("…, Y tế, Nội vụ"), unless a listed name goes on past
        # it ("Văn hóa, Thể thao và Du lịch")
        comma = next((c for c in range(j, j + m.end - 2) if words[c].endswith(",")), None)
        if comma is not None and gaz.known([head, *words[j:]]) < m.end:
            m = gaz.match([head, *words[j : comma + 1]], 0, fuzzy=False) or m
        names.append(m.name)
        j += m.end - 1
        if not words[j - 1].endswith(","):
            break
    return (names, j) if len(names) >= 2 else ([], i)


def _spoken_head_list(words: list[str], low: list[str], i: int, k: int, gaz: Gazetteer) -> tuple[list[str], int]:
    """ "các bộ kế hoạch và đầu tư tài nguyên và môi trường tài chính …" as said, without
    commas: one head, then names from the list only (two at least)."""
    if low[i] != "các":
        return [], i
    head = words[k]
    names: list[str] = []
    j = k + 1
    while j < len(words):
        n = gaz.known([head, *words[j:]])
        if n <= 1:
            break
        m = gaz.match([head, *words[j : j + n - 1]], 0, fuzzy=False)
        if m is None:
            break
        names.append(m.name)
        j += n - 1
        if words[j - 1].endswith((".", ";", ":")):
            break
        if j < len(words) and low[j] == "và" and gaz.known([head, *words[j + 1 :]]) > 1:
            j += 1
    return (names, j) if len(names) >= 2 else ([], i)


def _person(words: list[str], low: list[str], i: int, gaz: Gazetteer) -> tuple[str, int] | None:
    j = i
    if " ".join(low[j : j + 2]) in {"đồng chí", "các đồng"}:
        j += 2 if low[j] == "đồng" else 3
    elif not any(" ".join(low[j : j + len(t.split())]) == t for t in TITLES):
        return None
    k = j
    # Written text: a person is a title, bodies and capitalised names ("Phó Thủ tướng Chính phủ
    # Nguyễn Văn A", "đồng chí B, Phó Bí thư Thường trực Huyện ủy"); the first other word ends
    # it ("… đồng ý", "… có ý kiến", "… vừa ký").
    cased = sum(1 for w in words[j : j + 6] if w[:1].isupper()) >= 2
    while k < len(words) and k - i < RULES.max_person:
        two = " ".join(low[k : k + 2])
        if two == "phụ trách":
            cased = False  # "… phụ trách lĩnh vực văn hóa - xã hội": the field is lower case
        if k > j and low[k] in PERSON_STOP and not cased:
            break  # "Thủ tướng đã đồng ý …", "Chủ tịch UBND tỉnh vừa ký …"
        if cased and words[k][:1].isupper():
            m = gaz.match(words, k, fuzzy=False)  # "Giám đốc Sở Nông nghiệp và Môi trường"
            if m is not None and m.end > k + 1:
                k = m.end
                if re.search(r"[;:.]$", words[k - 1]):
                    break
                continue
        if cased and k > j and not words[k][:1].isupper() and low[k] not in PERSON_WORDS and words[k] not in {"-", "–"}:
            break
        if (
            k > j
            and ((two in VERB2 and two not in {"phụ trách"}) or low[k] in {"trình", "cần", "phải"})
            and low[k - 1 : k + 1] != ["thường", "trực"]  # "Phó Trưởng Ban Thường | trực Ban …"
        ):
            break
        if two == "phụ trách" and not any(
            " ".join(low[m : m + 2]) in VERB2 for m in range(k + 2, min(len(words), k + 12))
        ):
            break  # "phụ trách" is the action here, not part of who
        if _trigger_at(low, k) is not None and k > j:
            break
        if (
            k > j
            and low[k] in {"ngay", "trước", "trong", "chậm", "từ", "đến", "hằng", "định", "thường"}
            and dl.has_deadline(" ".join(words[k : k + 7]))
        ):
            break  # "các đồng chí Bí thư chi bộ ngay trong tuần này rà soát"
        k += 1
        if re.search(r"[;:.]$", words[k - 1]):
            break
    if k == j:
        return None
    name = gaz.person(" ".join(words[i:k]).strip(" ,;:."))
    listed = _places_after_colon(words, k)
    if listed is not None:  # "Chủ tịch UBND các tỉnh: Tây Ninh, Bình Phước …"
        name, k = f"{name}: {listed[0]}", listed[1]
    name = SAID_CHAIR.sub(r"\1 UBND ", name)
    # "các đồng chí chủ tịch UBND xã, thị trấn" → "Chủ tịch UBND các xã, thị trấn", as written
    name = re.sub(r"^các đồng chí ((?:phó )?chủ tịch UBND) (?!các\b)", r"\1 các ", name, flags=re.IGNORECASE)
    name = name[:1].upper() + name[1:]
    return name, k


# "Chủ tịch huyện Lập Thạch", "các đồng chí chủ tịch xã" as said: the chair of that level's UBND
SAID_CHAIR = re.compile(
    r"\b((?:phó )?chủ tịch)\s+(?=(?:các\s+)?(?:tỉnh|huyện|xã|phường|thị trấn|thị xã|thành phố|quận)\b)",
    re.IGNORECASE,
)


def _supports_in(words: list[str], low: list[str], start: int, gaz: Gazetteer) -> list[str]:
    found: list[str] = []
    for k in range(start, len(words) - 2):
        pair = " ".join(low[k : k + 2])
        if pair == "phối hợp":
            m = _skip(low, k + 2, {"chặt", "chẽ", "với", "cùng"})
            found += _units(words, low, m, gaz)[0]
        elif " ".join(low[k : k + 4]) == "với sự phối hợp":
            m = _skip(low, k + 4, {"của", "chặt", "chẽ"})
            found += _units(words, low, m, gaz)[0]
    return found


def _new_lead_first(words: list[str], low: list[str], k: int, start: int, gaz: Gazetteer) -> bool:
    """After a comma: a body, then its own verb, in a clause that already assigns a task."""
    m = gaz.match(words, k)
    if m is None or m.end >= len(words) or words[m.end - 1].endswith(","):
        return False
    two = " ".join(low[m.end : m.end + 2])
    if not (two in LEADFIRST_OK or two in VERB2) or low[m.end] in LEADFIRST_NEG:
        return False
    left = words[start:k]
    left_low = low[start:k]
    if _only_owners(left, gaz):
        return False  # "Sở Y tế, Sở Giáo dục … thường xuyên": one list of leads
    # still inside "phối hợp với A, B …": the comma separates supports
    for p in range(len(left_low) - 2, -1, -1):
        if _near(left_low[p : p + 2], "phối hợp"):
            q = _skip(left_low, p + 2, {"chặt", "chẽ", "với", "cùng"})
            _, end = _units(left, left_low, q, gaz)
            if end >= len(left):
                return False
            break
    parsed = parse_clause(left, gaz)
    return parsed is not None and bool(parsed.action)


def _unpunctuated(words: list[str]) -> bool:
    return not any(re.search(r"[,;]$", w) for w in words)


def _only_owners(words: list[str], gaz: Gazetteer) -> bool:
    low = [key(w) for w in words]
    i = _skip_intro(words, low, 0)
    trig = _trigger_at(low, i)
    if trig:
        i += len(trig)
    names, j = _units(words, low, i, gaz)
    return bool(names) and j >= len(words)


def _deadline_start(words: list[str], k: int) -> int:
    """Where a deadline that ends right before word k starts ("trước ngày 20/7 Sở Nội vụ …")."""
    lo = max(0, k - 14)
    text = " ".join(words[lo:k])
    found = dl.mentions(text)
    if not found or found[-1].end < len(text) - 1:
        return k
    chars = 0
    for n, w in enumerate(words[lo:k]):
        if chars >= found[-1].start:
            return lo + n
        chars += len(w) + 1
    return k


def _near(words: list[str], target: str) -> bool:
    """Two words that are `target`, allowing the tone and one-letter errors of recognisers."""
    text = " ".join(words)
    if text == target:
        return True
    return len(words) == 2 and (plain(text) == plain(target) or fuzz.ratio(text, target) >= RULES.near_ratio)


def _trigger_at(low: list[str], i: int) -> tuple[str, ...] | None:
    if (
        i < len(low)
        and low[i] in GIAO_SOUNDALIKES
        and i + 1 < len(low)
        and low[i + 1] in {"cho", "sở", "ban", "công", "ubnd", "văn", "các", "đồng"}
    ):
        low = [*low[:i], "giao", *low[i + 1 :]]
    if i > 0 and low[i - 1] in {"được", "đã được", "bị"}:
        return None  # "X được giao / được phân công": X is the lead, not an assigner
    if i > 0 and low[i - 1] in {"số", "theo", "những", "các", "tờ", "nhiều", "có", "nêu"}:
        return None  # "tổng số đề nghị …", "theo đề nghị …", "những yêu cầu …": nouns
    if 0 < i < len(low) and low[i] == "giao" and low[i - 1] in {"chuyển", "bàn", "trao", "bị", "mới", "trì", "chức"}:
        return None  # "chuyển giao Dự án", "bàn giao mặt bằng", "duy trì giao ban": a verb of its own
    if low[i : i + 2] == ["kiến", "nghị"] and (i == 0 or low[i - 1] in {"mấy", "ý", "về", "với", "tri", "dung", "đó"}):
        return None  # "Về mấy kiến nghị …", "Đồng ý kiến nghị …", "cử tri kiến nghị": the
        # recommendation itself, or a citizen's
    for t in TRIGGERS:
        if tuple(low[i : i + len(t)]) == t:
            nxt = low[i + len(t)] if i + len(t) < len(low) else ""
            if t == ("giao",) and nxt in {"thông", "dịch", "lưu", "đất", "rừng", "nhận", "việc", "nhiệm"}:
                return None
            nouns = {"của", "này", "nêu", "trên", "tại", "đó", "về"}
            if t in {("đề", "nghị"), ("yêu", "cầu"), ("kiến", "nghị")} and nxt in nouns:
                return None
            if t == ("chỉ", "đạo") and i > 0 and low[i - 1] not in LEADER_ENDS:
                return None  # "chỉ đạo" inside a clause is the lead's own verb, unless a
                # leader directs a body: "ông chỉ đạo các sở, ngành cần chuẩn bị …"
            return t
    return None


def _prefix_ok(words: list[str], low: list[str], gaz: Gazetteer) -> bool:
    """Words before a trigger that only say who assigns ("Thủ tướng", "Tại Thông báo này,
    Phó Chủ tịch", "Lãnh đạo tỉnh"): short, with no action or deadline of their own."""
    if all(w in PREFIX_OK or not w for w in low):
        return True
    # "Sau buổi kiểm tra thực tế, Chủ tịch UBND huyện yêu cầu …": an opening phrase, then
    # the assigner; only the part after the last comma must be the assigner
    comma = max((k for k, w in enumerate(words[:-1]) if w.endswith(",")), default=None)
    if (
        comma is not None
        and not re.search(r"[.;:]$", " ".join(words[: comma + 1]))
        and _prefix_ok(words[comma + 1 :], low[comma + 1 :], gaz)
    ):
        return True
    if (
        len(words) <= 8
        and not re.search(r"[.;:]$", " ".join(words[:-1]))
        and not any(" ".join(low[k : k + 2]) in VERB2 - ASSIGNER_NOUNS or low[k] in VERB1 for k in range(len(low)))
        and not dl.has_deadline(" ".join(words))
    ):
        return True
    names, j = _units(words, low, 0, gaz)
    if names and all(w in PREFIX_OK or not w for w in low[j:]):
        return True
    p = _person(words, low, 0, gaz)
    return bool(p and p[1] >= len(words))


def _body_prefix(words: list[str], low: list[str]) -> bool:
    """ "Đoàn giám sát (đề nghị …)", "Tổ công tác liên ngành (yêu cầu …)": a body no list
    names, by its head noun, short, with no verb of its own before the trigger."""
    return (
        bool(shape.head_at(low, 0))
        and len(words) <= 5
        and not re.search(r"[,.;:]", " ".join(words))
        and not any(" ".join(low[k : k + 2]) in VERB2 - NAME_VERBS for k in range(len(low)))
    )


def _skip_intro(words: list[str], low: list[str], i: int) -> int:
    intro = {
        "đồng",
        "thời",
        "và",
        "còn",
        "riêng",
        "ngoài",
        "ra",
        "bên",
        "phía",
        "cạnh",
        "đó",
        "tiếp",
        "rồi",
        "theo",
        "cuối",
        "cùng",
        "trước",
        "mắt",
        "thì",
        "là",
        "tôi",
        "xin",
        "đối",
        "với",
        "sau",
        "đây",
        "nhưng",  # "Nhưng mà Lào Cai phải …"
        "mà",
        "",
    }
    # "Trong đó Ngân hàng Nhà nước …", "Trước hết, …", "Cụ thể, …"
    if " ".join(low[i : i + 2]) in {
        "trong đó",
        "trước hết",
        "sau đó",
        "cụ thể",
        "mặt khác",
        "theo đó",
        "trong khi",
        "anh em",
        "chị em",
    }:
        i += 2  # "anh em Văn phòng tổng hợp …": the people of a body, said as the body
    # "Thời gian tới (thì) ngành giáo dục phải …": when, before who
    for opener in ("trong thời gian tới", "thời gian tới", "sắp tới đây", "sắp tới", "tới đây"):
        n = len(opener.split())
        if " ".join(low[i : i + n]) == opener:
            i += n
            break
    while i < len(words) and low[i] in intro:
        two = " ".join(low[i : i + 2])
        if low[i] == "đồng" and two != "đồng thời":
            break
        if two == "đối với" or (low[i] == "trước" and two != "trước mắt") or (low[i] == "sau" and two != "sau đây"):
            break
        i += 1
    return i


def skip_deadline(words: list[str], i: int) -> int:
    text = " ".join(words[i:])
    found = dl.mentions(text)
    if found and found[0].start <= 1:
        end_char = found[0].end
        pos = 0
        for k, w in enumerate(words[i:]):
            pos += len(w) + 1
            if pos >= end_char:
                return i + k + 1
    return i


def _skip(low: list[str], j: int, words: set[str]) -> int:
    while j < len(low) and low[j] in words:
        j += 1
    return j


def starts_action(words: list[str]) -> bool:
    low = [key(w) for w in words if key(w)]
    if not low:
        return False
    low_i = _skip(low, 0, {"thì", "là", "và", "đồng", "thời", "tiếp", "theo", "cần"})
    low = low[low_i:]
    if not low:
        return False
    if ASSESSMENT.match(" ".join(low[:3])):
        return False
    two = " ".join(low[:2])
    return two in VERB2 or low[0] in VERB1 or bool(dl.has_deadline(" ".join(low[:8])))


def is_topic(words: list[str]) -> bool:
    return bool(words) and key(words[0]) in {"về", "đối"}
