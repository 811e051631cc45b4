"""The rule-based extractor: the concluding remarks → numbered items and assigned tasks.

Steps, each a plain function: find the concluding part (conclude.py) → tokens → clean
(text.py) → sentence ends for unpunctuated speech → sentences → clauses → tasks (leads,
supports, action, deadline; clauses.py) with the audio evidence of each. No network, no GPU.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from drafting import deadline as dl
from drafting import shape, task_sentences
from drafting.clauses import (
    ASSESSMENT,
    Clause,
    Parsed,
    action_text,
    is_topic,
    leads_in,
    parse_clause,
    parse_rest,
    restore_boundaries,
    skip_deadline,
    split_clauses,
    starts_action,
)
from drafting.conclude import concluding_part, until_closing
from drafting.gazetteer import Gazetteer, key
from drafting.lexicon import (
    AFTER_BARE,
    BARE_HEADS,
    RULES,
    VERB1,
    VERB2,
)
from drafting.meeting import Meeting
from drafting.model import Evidence, Item, Task
from drafting.style import formal
from drafting.text import Sentence, Token, clean, split, tokens_from_segments
from transcribe.transcript import Segment, Transcript

# "UBND tỉnh ban hành Công văn số 703/UBND-TN …": a document already issued, reported; not a
# task (a task to draft one names no number yet)
ISSUED = re.compile(
    r"^(?:đã |vừa )?(?:ban hành|phát đi|gửi|có|ký|ra)\s+(?:công văn|văn bản|thông báo|"
    r"quyết định|chỉ thị|kế hoạch|tờ trình|báo cáo|công điện)\s+"
    r"(?:\([^)]{1,20}\)\s+|(?:hỏa|hoả) tốc\s+|khẩn\s+)?(?:số\s+)?\d"
    # "Nhận được các Tờ trình số …": what came in, not a job
    r"|^(?:đã\s+)?nhận được\b"
    # "Văn phòng Chính phủ phát đi thông báo …", "vừa ký quyết định …": news
    r"|^(?:(?:đã|vừa)\s+)?phát đi\b|^(?:đã|vừa)\s+(?:ban hành|gửi|ký)\b",
    re.IGNORECASE,
)


# A meeting or visit reported, as press reports open ("… tổ chức phiên họp thường kỳ tháng 3",
# "… làm việc với …", "… khảo sát …"), and the words that would make it a job after all.
REPORTED_MEETING = re.compile(
    r"^(?:tổ chức|tiến hành)\s+(?:phiên họp|cuộc họp|hội nghị|buổi làm việc|kỳ họp|họp|giao ban)"
    r"|^(?:làm việc|giao ban|gặp mặt|tiếp xúc)\s+(?:với|cùng)\b|^(?:đi\s+)?(?:khảo sát|thăm)\b",
    re.IGNORECASE,
)
ASSIGNED = re.compile(r"\b(?:giao|yêu cầu|đề nghị|chỉ đạo|phân công|cần|phải|sẽ|chuẩn bị|dự kiến)\b")
# what makes a press title or a dated sentence an assignment after all
DIRECTED = re.compile(r"\b(?:giao|yêu cầu|đề nghị|kiến nghị|chỉ đạo|phân công|cần|phải)\b")
# "Đề nghị Bộ khẩn trương triển khai.": a closing call with nothing to track
EMPTY_ACTION = re.compile(
    r"^(?:(?:khẩn trương|nghiêm túc|tích cực|sớm|tổ chức|chủ động)\s+)*"
    r"(?:triển khai|thực hiện|triển khai thực hiện|tổ chức thực hiện)"
    r"(?:\s+(?:ngay|thực hiện|nghiêm túc|kịp thời))?[.!]?$"
    r"|^(?:khẩn trương|nghiêm túc|tích cực|kịp thời)[.!]?$"
    # a verb with nothing to do ("Chỉ đạo", "Phục vụ", "Quan tâm thực
    # hiện./") or only how ("Trong thời gian tới theo chức năng, nhiệm vụ")
    r"|^(?:chỉ đạo|phục vụ|quan tâm(?: thực hiện)?|tiếp thu)[.:/ ]*$"
    # "Các địa phương không được chủ quan.": a warning alone, nothing to track
    r"|^(?:tuyệt đối\s+)?không (?:được\s+)?(?:chủ quan|lơ là|mất cảnh giác)"
    r"(?:,?\s+(?:chủ quan|lơ là|mất cảnh giác))*[.!]?$"
    # "Ban Thường vụ đề nghị thế này.", "Tôi yêu cầu như sau:": the lead-in to what follows
    r"|^(?:đề nghị|yêu cầu|kết luận|chỉ đạo|lưu ý)(?:\s+(?:thế|như))?\s+(?:này|sau)[.:]?$"
    r"|^(?:trong thời gian tới,?\s*)?(?:theo|căn cứ)\s+chức năng,?\s+nhiệm vụ"
    r"(?:\s+được giao)?[.:]?$",
    re.IGNORECASE,
)
# "… chịu trách nhiệm trước Ban Thường vụ nếu …", "chịu trách nhiệm về tính chính xác …":
# who answers for what, not a job to track
ACCOUNTABLE = re.compile(r"^(?:đồng thời,?\s+)?(?:phải\s+)?chịu trách nhiệm\s+(?:trước|về)\b", re.IGNORECASE)
# "Đồng chí X chủ trì Hội nghị": who chaired, not a task
MEETING = re.compile(r"^(?:hội nghị|cuộc họp|buổi làm việc|buổi họp|phiên họp|kỳ họp|lễ)\b", re.IGNORECASE)


@dataclass
class Reading:
    """What the rules made of the concluding part: its sentences, the tasks they parsed, the
    sentence each task came from, and which sentences they understood."""

    sentences: list[Sentence]
    tasks: list[Task]
    origin: list[int]  # sentence index of each task
    read: set[int]  # sentences that gave a task, or were read as none on purpose
    raw: list[Token]
    by_id: dict[int, Segment]
    timed: bool
    searched_all: bool  # no cue: the whole transcript was searched

    def unread(self) -> Iterator[tuple[int, Sentence, bool]]:
        """(index, sentence, whether the sentence before gave a task) of each sentence the
        rules did not understand: what the sentence model looks at."""
        gave = set(self.origin)
        for k, sent in enumerate(self.sentences):
            if k not in self.read:
                yield k, sent, k - 1 in gave


def read_rules(transcript: Transcript, meeting: Meeting, gazetteer: Gazetteer) -> Reading:
    """The rules alone over the concluding part (the sentence model learns from this)."""
    segments = concluding_part(transcript, meeting)
    tokens = tokens_from_segments([(s.id, s.text) for s in segments])
    raw = list(tokens)
    sentences = split(restore_boundaries(bare_heads(clean(tokens), gazetteer), gazetteer))
    sentences = _without_addressees(until_closing(sentences))
    by_id = {s.id: s for s in transcript.segments}
    timed = transcript.audio.duration > 0
    origin: list[int] = []
    read: set[int] = set()
    tasks = _tasks(sentences, raw, by_id, timed, meeting.date, gazetteer, origin, read)
    searched_all = len(segments) == len(transcript.segments) and len(segments) > 1
    return Reading(sentences, tasks, origin, read, raw, by_id, timed, searched_all)


def extract_rules(
    transcript: Transcript,
    meeting: Meeting,
    gazetteer: Gazetteer,
    sentence_model: task_sentences.Model | None = None,
    guesses: bool = True,
) -> tuple[list[Item], list[Task]]:
    """Items and tasks from the concluding part of a transcript. `sentence_model`: the
    learned second look at sentences the rules gave no task (task_sentences.py), the shipped
    one when None; `guesses=False`: the rules alone."""
    r = read_rules(transcript, meeting, gazetteer)
    sentences, tasks = r.sentences, r.tasks
    if guesses:
        model = sentence_model or task_sentences.default_model()
        tasks = _with_guesses(r, meeting.date, gazetteer, model)
    if r.searched_all and tasks:
        # no cue and no speakers: the whole meeting was searched; the notice's points start
        # at the first numbered point or task, not with the opening remarks and reports
        first_seg = min((t.evidence.segment_ids[0] for t in tasks if t.evidence.segment_ids), default=0)
        starts = [k for k, s in enumerate(sentences) if s.item_start or s.tokens[0].seg >= first_seg]
        cut = starts[0] if starts else 0
        # an ordinal just before the first task belongs to the conclusion
        sentences = sentences[cut:]
    items = _items(sentences, r.by_id, r.timed, meeting.date)
    return items, _without_repeats(tasks)


def bare_heads(tokens: list[Token], gaz: Gazetteer) -> list[Token]:
    """Replace a head said alone ("Bộ phải …") by the full name said last with that head."""
    words = [t.text for t in tokens]
    last: dict[str, list[str]] = {}
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        low = key(words[k])
        m = gaz.match(words, k, fuzzy=False) if low in gaz.first_words else None
        if m is not None and m.end > k + 1:
            head = key(words[k])
            last[head] = m.name.split()
            out.extend(tokens[k : m.end])
            k = m.end
            continue
        nxt = key(words[k + 1]) if k + 1 < len(words) else ""
        prev = key(words[k - 1]) if k else ""
        alone = words[k].endswith(",") or nxt in AFTER_BARE or " ".join(key(w) for w in words[k + 1 : k + 3]) in VERB2
        if (
            low in BARE_HEADS
            and low in last
            and alone
            and prev not in {"các", "từng", "mỗi", "giữa", "những", "cấp", "ủy", "uỷ"}
        ):
            name = last[low]
            trail = words[k][len(words[k].rstrip(",.;:")) :]
            for n, w in enumerate(name):
                out.append(Token(w + (trail if n == len(name) - 1 else ""), tokens[k].seg, tokens[k].index))
            k += 1
            continue
        out.append(tokens[k])
        k += 1
    return out


def _tasks(
    sentences: list[Sentence],
    raw: list[Token],
    by_id: dict[int, Segment],
    timed: bool,
    ref: date,
    gaz: Gazetteer,
    origin: list[int],
    read: set[int],
) -> list[Task]:
    """Tasks of the sentences the rules can parse. Fills `origin` with the sentence index of
    each task and `read` with the sentences understood (a task, or none on purpose: a
    heading, a report, a title)."""
    tasks: list[Task] = []
    heading: Parsed | None = None
    last: Task | None = None  # the task of the sentence before, for sentences with no subject
    first_seg = min(by_id) if by_id else None
    for s_idx, sent in enumerate(sentences):
        if _headline(sent, by_id, first_seg, timed) or _dated_report(sent, ref) or _no_job(sent):
            read.add(s_idx)
            last = None
            continue
        clauses = split_clauses(sent, gaz)
        previous: Task | None = None
        if sent.item_start and key(sent.tokens[0].text) != "về":
            last = None  # a new numbered point; "Về phát triển kinh tế, …" keeps the addressee
        for n, clause in enumerate(clauses):
            parsed = parse_clause(clause.words, gaz)
            if (
                heading is not None
                and (sent.bullet or n > 0)
                and parsed is not None
                and not parsed.heading
                and key(clause.words[0]) == "chỉ"
                and key(clause.words[1]) == "đạo"
            ):
                parsed = None  # "- Chỉ đạo Trung tâm …" under "Sở Y tế:": the heading's task
            if parsed and parsed.heading and n == len(clauses) - 1:
                heading = parsed
                read.add(s_idx)
                previous = None
                continue
            if parsed is None:
                if previous is not None and (starts_action(clause.words) or dl.find_all(" ".join(clause.words), ref)):
                    _extend(previous, clause, raw, by_id, timed, ref)
                    read.add(s_idx)
                    continue
                if (
                    heading is not None
                    and (sent.bullet or sent.item_start or n == 0)
                    and starts_action(clause.words)
                    and not is_topic(clause.words)
                ):
                    low = [key(w) for w in clause.words]
                    parsed = parse_rest(clause.words, low, 0, list(heading.leads), gaz)
                    parsed.supports = list(dict.fromkeys([*heading.supports, *parsed.supports]))
                elif (
                    last is not None
                    and n == 0
                    and (
                        _only_deadline(clause.words, ref)
                        or (_conditional(clause.words, ref) and _directive(clause.words))
                    )
                ):
                    # "… Hoàn thành trong tháng 8 năm 2021.", "Trường hợp vượt thẩm quyền, báo
                    # cáo Thủ tướng.": the task before gets its deadline or its condition
                    _extend(last, clause, raw, by_id, timed, ref)
                    read.add(s_idx)
                    previous = last
                    continue
                elif last is not None and n == 0 and _directive(clause.words):
                    # a sentence with no subject goes on with the lead of the one before ("Giao
                    # Ban cán sự đảng … chỉ đạo …. Áp dụng triệt để các biện pháp …")
                    low = [key(w) for w in clause.words]
                    start = 0
                    if is_topic(clause.words):
                        start = next(k for k, w in enumerate(clause.words) if w.endswith(",")) + 1
                    parsed = parse_rest(clause.words, low, start, list(last.leads), gaz)
                else:
                    if sent.item_start and is_topic(clause.words):
                        heading = None
                    continue
            elif not sent.bullet:
                heading = None
            task = _make_task(len(tasks) + 1, parsed, clause, raw, by_id, timed, ref, gaz)
            if (
                not _says_nothing(task.action)
                and not _leader_speaking(task)
                and not _reported_meeting(clause.words, task)
            ):
                tasks.append(task)
                origin.append(s_idx)
                read.add(s_idx)
                previous = task
        last = previous if previous is not None else (last if heading is not None else None)
    return tasks


def _leader_speaking(task: Task) -> bool:
    """ "Phó Chủ tịch Thường trực UBND tỉnh X chỉ đạo khẩn trương hoàn thành …": the leader who
    concludes, directing someone unnamed; not a task of the leader's own (one "phụ trách" a
    field is: "Đồng chí Phó Chủ tịch UBND tỉnh phụ trách … chỉ đạo giải quyết …")."""
    if len(task.leads) != 1 or "phụ trách" in task.leads[0].lower():
        return False
    lead = re.sub(r"^đồng chí\s+", "", task.leads[0].lower())
    if re.search(r"\bcác\b", lead):
        return False  # "Chủ tịch UBND các xã chỉ đạo …": many chairs, not the one who concludes
    leader = re.match(r"(?:phó )?(?:thủ tướng|chủ tịch|bí thư)\b", lead)
    said = key(task.quote)
    before = said[: said.find(key(lead)[:12])] if key(lead)[:12] in said else ""
    if re.search(r"\b(?:giao|đề nghị|yêu cầu|phân công)\b", before):
        return False  # "Giao cho đồng chí Chủ tịch UBND huyện chỉ đạo …": given the work
    return bool(leader) and bool(re.match(r"(?i)(?:chỉ đạo|yêu cầu|đề nghị|nhấn mạnh|lưu ý)\b", task.action))


def _reported_meeting(words: list[str], task: Task) -> bool:
    """ "UBND huyện tổ chức phiên họp thường kỳ tháng 3", "Thường trực Thành ủy làm việc với
    lãnh đạo các ban": a press report of the meeting itself, not a job. Only when nothing in
    the clause assigns it (no "giao", "đề nghị", "cần", "sẽ", deadline …)."""
    if not REPORTED_MEETING.match(task.action):
        return False
    text = " ".join(key(w) for w in words)
    # a date in the report ("Sáng 12/3, …") is no deadline; "trước ngày 30/3" is
    due = re.match(r"(?i)(?:trước|chậm nhất|trong|hết|đến|xong|kịp)\b", task.deadline.phrase)
    return not ASSIGNED.search(text) and not due


def _with_guesses(r: Reading, ref: date, gaz: Gazetteer, model: task_sentences.Model | None) -> list[Task]:
    """The rules' tasks, with a task flagged GUESSED for each sentence they did not understand
    that the sentence model takes for one, in the order said."""
    if model is None:
        return r.tasks
    placed = list(zip(r.origin, r.tasks, strict=True))
    for k, sent, after_task in r.unread():
        if model.probability(task_sentences.features(sent, k, len(r.sentences), after_task, gaz)) < model.threshold:
            continue
        words = [t.text for t in sent.tokens]
        before = [t for at, t in placed if at < k]
        parsed = Parsed(_guessed_lead(words, before, gaz), action_text(words))
        task = _make_task(0, parsed, Clause(words, sent.tokens, sent), r.raw, r.by_id, r.timed, ref, gaz)
        if not _says_nothing(task.action):
            task.flags.append(task_sentences.GUESSED)
            placed.append((k, task))
    placed.sort(key=lambda p: p[0])  # stable: the rules' order within a sentence stays
    return [t for _, t in placed]


def _says_nothing(action: str) -> bool:
    """No job to track: empty, a document issued, a meeting, a bare verb, who answers for what,
    or no verb at all (a piece of a list or a title cut off: "LĐ-TB&XH, Y tế")."""
    if not action or any(p.match(action) for p in (ISSUED, MEETING, EMPTY_ACTION, ACCOUNTABLE)):
        return True
    words = action.split()
    low = [key(w) for w in words[:3]]
    if " ".join(low[:2]) in VERB2 or low[0] in VERB1:
        return False
    # the tagger misses verbs it has not seen ("bình ổn giá …"): only a short action, or one
    # that opens with a body or "trên cơ sở", is taken for a fragment
    fragment = len(words) <= 4 or " ".join(low) == "trên cơ sở" or bool(LISTED.match(action))
    return fragment and "V" not in shape.word_tags(words)


# a body's name opening an action: a list cut in two, not a job
LISTED = re.compile(r"^(?:Ngân hàng|Ủy ban|UBND|Sở|Bộ|Ban|Phòng|Công an|Thành phố|Lãnh đạo)\b")


def _guessed_lead(words: list[str], before: list[Task], gaz: Gazetteer) -> list[str]:
    """Who the sentence names (clauses.leads_in), else the lead of the task before it."""
    return leads_in(words, gaz) or (list(before[-1].leads) if before else [])


def _headline(sent: Sentence, by_id: dict[int, Segment], first_seg: int | None, timed: bool) -> bool:
    """ "Thường trực HĐND huyện kiểm tra công tác chuẩn bị diễn tập tại xã Bản Ngò": a press
    article's title (the first line of a typed text, with no closing stop, more text after
    it) says what happened; the tasks are in the body. A title that assigns ("… đề nghị UBND
    huyện …") is kept."""
    if timed or first_seg is None or len(by_id) < 2:
        return False
    if any(t.seg != first_seg for t in sent.tokens):
        return False
    line = by_id[first_seg].text.strip()
    return not re.search(r"[.:;!?…]$", line) and not DIRECTED.search(key(line))


# "Ngày 24/9/2025, …", "Sáng 14/3, …", "(THTG) Ngày 04/02, …", "Từ ngày 30/10 đến ngày 19/11,
# …": a sentence that opens with the day something happened
DATED = re.compile(
    r"^(?:\([^)]{1,20}\)\s*)?(?:(?:sáng|chiều|tối|trưa|đêm)\s+(?:ngày\s+|nay\s+)?|(?:từ\s+)?ngày\s+)"
    r"(\d{1,2})\s*[/-]\s*(\d{1,2})(?:\s*[/-]\s*(\d{4}))?\b",
    re.IGNORECASE,
)


def _dated_report(sent: Sentence, ref: date) -> bool:
    """ "Ngày 04/02, UBND huyện Tân Phú Đông tổ chức hội nghị …": what was done on a day
    before the meeting (or on it), reported; not a job. Kept when the sentence assigns
    ("Ngày 01/3/2016 UBND tỉnh giao Sở …")."""
    m = DATED.match(sent.text)
    if m is None:
        return False
    day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3) or ref.year)
    try:
        when = date(year, month, day)
    except ValueError:
        return False
    return when <= ref and not DIRECTED.search(key(sent.text))


# Openings of what was heard, found or agreed: a report, not a job (unless the sentence goes
# on to assign: "Sau khi nghe báo cáo, Chủ tịch giao Sở …").
REPORT_OPENERS = re.compile(
    r"^(?:sau khi nghe|qua kiểm tra|qua báo cáo|cơ bản thống nhất|thống nhất với|nhất trí với|"
    r"xét tình hình|theo kế hoạch|trước đó|theo báo cáo)\b"
)


def _no_job(sent: Sentence) -> bool:
    """A report's opening ("Qua kiểm tra, UBND huyện đã ghi nhận …") or a line in capitals (a
    signature, "CHỦ TỊCH"; a section title) that assigns nothing."""
    said = key(sent.text)
    if DIRECTED.search(said):
        return False
    letters = [c for c in sent.text if c.isalpha()]
    shouted = bool(letters) and all(c.isupper() for c in letters) and len(said.split()) <= 8
    return shouted or bool(REPORT_OPENERS.match(said))


def _without_addressees(sentences: list[Sentence]) -> list[Sentence]:
    """Drop a công văn's "Kính gửi: - Các Bộ: …; - UBND các tỉnh: …" block: who it is sent to,
    not what they must do."""
    out: list[Sentence] = []
    skipping = False
    for s in sentences:
        if re.match(r"(?i)kính gửi\b", s.text):
            skipping = True
            continue
        if skipping and (s.bullet or s.heading):
            continue
        skipping = False
        out.append(s)
    return out


def _without_repeats(tasks: list[Task]) -> list[Task]:
    """A task said twice (a press report's lead and its body, a chair repeating himself) is
    one task: the first, with the longer wording."""
    out: list[Task] = []
    for t in tasks:
        same = next((o for o in out if o.leads == t.leads and _repeats(o.action, t.action)), None)
        if same is None:
            out.append(t)
        elif len(t.action) > len(same.action):
            same.action = t.action
            if same.deadline.kind == "none":
                same.deadline = t.deadline
    for n, t in enumerate(out, 1):
        t.id = f"T{n}"
    return out


def _repeats(a: str, b: str) -> bool:
    """Two wordings of one instruction: long, and mostly the same words in the same order."""
    ka, kb = key(a), key(b)
    if min(len(ka.split()), len(kb.split())) < 8:
        return False
    # a press report's lead paragraph and its body: the same first ten words, other endings
    if ka.split()[:10] == kb.split()[:10]:
        return True
    return fuzz.partial_ratio(ka, kb) >= RULES.repeat_partial and fuzz.token_set_ratio(ka, kb) >= RULES.repeat_token_set


def _directive(words: list[str]) -> bool:
    """A sentence with no subject that instructs: it opens with an action verb of two
    syllables ("Áp dụng triệt để …", "Đồng thời, phối hợp với …"), not a noun ("Công văn …")."""
    if is_topic(words):  # "Về phát triển kinh tế, phát huy tiềm năng …"
        comma = next((k for k, w in enumerate(words[:12]) if w.endswith(",")), None)
        if comma is None:
            return False
        words = words[comma + 1 :]
    words = words[skip_deadline(words, 0) :]  # "Sau ngày 21/9, cần …"
    low = [key(w) for w in words if key(w)]
    k = 0
    while k < len(low):
        if " ".join(low[k : k + 2]) in {
            "trong đó",
            "đặc biệt",
            "nhất là",
            "trước hết",
            "trước mắt",
            "đồng thời",
            "ngoài ra",
            "bên cạnh",
        }:
            k += 2
        elif low[k] in {"đó", "và", "cần", "phải", "cũng", "rồi", "còn", "có"}:
            k += 1
        else:
            break
    two = " ".join(low[k : k + 2])
    return two in VERB2 and not ASSESSMENT.match(" ".join(low[k : k + 3]))


def _conditional(words: list[str], ref: date) -> bool:
    """The sentence opens with a condition: "Trường hợp vượt thẩm quyền, …", "Khi có phát
    sinh, …"."""
    found = dl.find_all(" ".join(words[:12]), ref)
    return bool(found) and found[0].start == 0 and found[0].deadline.kind == "event"


def _only_deadline(words: list[str], ref: date) -> bool:
    """A sentence that only says when: "Hoàn thành trong tháng 8/2021", "Thời gian thực hiện
    xong trước ngày 20/11"."""
    # "…, không để chậm trễ": urging, not another job
    text = re.sub(
        r",?\s*không (?:được )?để (?:chậm|trễ|chậm trễ)(?: hơn)?[.!]?$", "", " ".join(words), flags=re.IGNORECASE
    )
    found = dl.find_all(text, ref)
    if not found:
        return False
    rest = _strip_deadlines(text, found).lower().strip(" .;,")
    # "Yêu cầu gửi báo cáo về Sở Kế hoạch và Đầu tư trước ngày 23/5", "Thời gian hoàn thành
    # việc quán triệt, chậm nhất ngày 14/5 và báo cáo kết quả về Ban Thường vụ": when, and
    # where the result goes
    hour = r"(?:\d{1,2}|(?:mười|một|hai|ba|bốn|năm|sáu|bảy|tám|chín)(?:\s+(?:một|hai|ba|bốn|lăm|năm))?)"
    rest = re.sub(rf"(?:trước|vào|lúc)?\s*{hour}\s*(?:giờ|h)(?:\s*\d{{2}}(?:\s*phút)?)?\s*,?", " ", rest)
    rest = re.sub(r"^(?:báo cáo\s+)?(?:yêu cầu|đề nghị)\s+", "", rest.strip())
    rest = re.sub(
        r"(?:,|\bvà)?\s*(?:(?:gửi|nộp)\s+)?(?:(?:báo cáo|kết quả|văn bản|hồ sơ)\s+)?"
        r"(?:kết quả\s+)?(?:(?:gửi|nộp)\s+)?(?:về|cho|đến|tới)\s+[^,;]{2,80}$",
        "",
        rest.strip(" .;,"),
    )
    rest = " ".join(rest.split()).strip(" .;,")
    return bool(
        re.fullmatch(
            r"(?:thời gian |thời hạn )?(?:(?:thực hiện|hoàn thành|xong|hoàn tất|"
            r"hoàn thiện|báo cáo kết quả|báo cáo|gửi|nộp) )*"
            r"(?:việc [^,;]{1,60} ?)?,? ?(?:là|:)?",
            rest + " ",
        )
    )


def _make_task(
    n: int,
    parsed: Parsed,
    clause: Clause,
    raw: list[Token],
    by_id: dict[int, Segment],
    timed: bool,
    ref: date,
    gaz: Gazetteer,
) -> Task:
    found = dl.find_all(parsed.action, ref)
    deadline = dl.parse(parsed.action, ref)
    if deadline.kind == "none":
        deadline = dl.parse(" ".join(clause.words), ref)  # before the lead
    action = formal(_strip_deadlines(parsed.action, found), ref)
    return Task(
        id=f"T{n}",
        leads=parsed.leads,
        supports=parsed.supports,
        action=action,
        deadline=deadline,
        quote=_quote(clause.tokens, raw),
        evidence=_evidence(clause.tokens, by_id, timed),
    )


def _extend(task: Task, clause: Clause, raw: list[Token], by_id: dict[int, Segment], timed: bool, ref: date) -> None:
    """A lead-less clause after a task continues it ('…; trình UBND tỉnh trước 30/9')."""
    extra = action_text(clause.words)
    phrases = [task.deadline.phrase] if task.deadline.phrase else []
    deadline = dl.parse("; ".join([*phrases, extra]), ref)
    found = dl.find_all(extra, ref)
    task.action = f"{task.action}; {formal(_strip_deadlines(extra, found), ref)}".strip("; ")
    if deadline.kind != "none":
        task.deadline = deadline
    task.quote = f"{task.quote} {_quote(clause.tokens, raw)}".strip()
    ev = _evidence(clause.tokens, by_id, timed)
    task.evidence.segment_ids = sorted(set(task.evidence.segment_ids) | set(ev.segment_ids))
    if ev.end is not None:
        task.evidence.end = max(task.evidence.end or 0, ev.end)


def _strip_deadlines(action: str, found: list[dl.Found]) -> str:
    """Drop dated phrases at the start or end of the action (they go in the Thời hạn column)."""
    for f in sorted(found, key=lambda f: -f.start):
        if f.deadline.kind in ("recurring", "event"):
            continue
        before, after = action[: f.start], action[f.end :]
        if not before.strip(" ,;") or not after.strip(" ,;.") or f.deadline.kind == "date":
            action = before.rstrip(" ,") + (" " if before.strip() and after.strip(" ,") else "") + after.lstrip(" ,")
    action = re.sub(r"\s+", " ", action).strip(" ,;")
    action = re.sub(r"\s+(?:và|,)\s*$", "", action)
    # "…, hoàn thành" left behind when its deadline went to the Thời hạn column
    action = re.sub(r"[,;]\s+(?:và\s+)?(?:hoàn thành|xong|hoàn tất|thực hiện)$", "", action)
    action = re.sub(r"^(?:cần phải|phải|cần)\s+", "", action, flags=re.IGNORECASE)
    action = re.sub(r"\s+([,.;])", r"\1", action)
    return action[:1].upper() + action[1:] if action else action


def _items(sentences: list[Sentence], by_id: dict[int, Segment], timed: bool, ref: date) -> list[Item]:
    groups: list[list[Sentence]] = []
    for s in sentences:
        if s.item_start or not groups or (groups[-1][0].item != s.item):
            groups.append([s])
        else:
            groups[-1].append(s)
    items = []
    for group in groups:
        first = group[0].text.rstrip(":")
        lines = _paragraphs(group, timed, ref)
        title = ""
        if re.match(r"^(Về|về|Đối với|đối với)\b", first):
            words = first.split()
            comma = next((k for k, w in enumerate(words[:14]) if w.endswith(",")), None)
            if len(words) <= 14 and comma is None:
                title, lines = first, lines[1:]
            elif comma is not None:
                title = " ".join(words[: comma + 1]).rstrip(",")
                rest = " ".join(words[comma + 1 :])
                lines[0] = _line(Sentence([Token(w, 0, 0) for w in rest.split()]), ref)
        title = title[:1].upper() + title[1:]
        text = "\n".join(lines)
        toks = [t for s in group for t in s.tokens]
        items.append(Item(title=title, text=text, evidence=_evidence(toks, by_id, timed)))
    return [i for i in items if i.title or i.text]


def _paragraphs(group: list[Sentence], timed: bool, ref: date) -> list[str]:
    """Sentences joined into paragraphs: a new one for bullets, after headings, and (in
    written text) where the source had a new line."""
    out: list[str] = []
    last: Sentence | None = None
    for s in group:
        same = (
            last is not None
            and not s.bullet
            and not last.heading
            and not last.bullet
            and (timed or s.tokens[0].seg == last.tokens[-1].seg)
        )
        if same and out and last is not group[0]:
            out[-1] += " " + _line(s, ref)
        else:
            out.append(_line(s, ref))
        last = s
    return out


def _line(s: Sentence, ref: date) -> str:
    text = formal(s.text, ref)
    if not re.search(r"[.:;!?]$", text):
        text += "."
    return f"- {text}" if s.bullet else text


def _quote(tokens: list[Token], raw: list[Token]) -> str:
    if not tokens:
        return ""
    a, b = tokens[0].index, tokens[-1].index
    return " ".join(t.text for t in raw[a : b + 1] if t.text != "\n")


def _evidence(tokens: list[Token], by_id: dict[int, Segment], timed: bool) -> Evidence:
    ids = sorted({t.seg for t in tokens if t.seg in by_id})
    if not ids or not timed:
        return Evidence(ids)
    return Evidence(ids, by_id[ids[0]].start, by_id[ids[-1]].end)
