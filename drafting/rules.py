"""The rule-based extractor: the concluding remarks → numbered items and assigned tasks.

Steps, each a plain function: find the concluding part → tokens → clean → sentences →
clauses → tasks (leads, supports, action, deadline) with the audio evidence of each.
No network, no GPU.
"""

import itertools
import re
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz

from drafting import deadline as dl
from drafting.gazetteer import Gazetteer, key, plain
from drafting.meeting import Meeting
from drafting.model import Evidence, Item, Task
from drafting.text import ORDINALS, Sentence, Token, clean, split, tokens_from_segments
from transcribe.transcript import Segment, Transcript

# Cue phrases that open the chair's conclusion, strongest first.
STRONG_CUES = ["kết luận như sau", "xin kết luận", "tôi kết luận", "phát biểu kết luận",
               "kết luận một số", "kết luận các nội dung", "kết luận cuộc họp",
               "chốt lại một số", "thống nhất kết luận", "kết luận và chỉ đạo như sau",
               "ý kiến kết luận", "kết luận chỉ đạo"]
WEAK_CUES = ["kết luận", "chốt lại", "tóm lại"]
LEAD_IN = re.compile(r"(?:kết luận|chỉ đạo|thống nhất|giao nhiệm vụ|yêu cầu)(?: [^.:;]{0,30})?"
                     r"(?: như sau)?\s*:(?=\s*$)|(?:kết luận|chỉ đạo|thống nhất)[^.:;]{0,30}"
                     r"như sau\s*:")
END_CUES = re.compile(r"thông báo (?:để|cho) .{0,120}biết|^nơi nhận|chúc các đồng chí|"
                      r"xin cảm ơn các đồng chí|bế mạc cuộc họp", re.IGNORECASE)
ORDINAL_WORDS = set(ORDINALS)
LONG_TURN_S = 20.0
LONG_TURN_WORDS = 40

TRIGGERS = [
    ("đồng", "ý", "giao"), ("thống", "nhất", "giao"), ("nhất", "trí", "giao"),
    ("ủy", "quyền", "cho"), ("giao", "cho"), ("giao",), ("đề", "nghị"), ("yêu", "cầu"),
    ("phân", "công", "cho"), ("phân", "công"), ("nhờ",), ("chỉ", "đạo"), ("ủy", "quyền"),
]
MID_TRIGGERS = {("giao",), ("giao", "cho"), ("đề", "nghị"), ("yêu", "cầu"), ("đồng", "ý", "giao"),
                ("thống", "nhất", "giao"), ("nhất", "trí", "giao"), ("phân", "công")}
# Words allowed before a trigger: the assigner or a connector ("Tôi đề nghị", "Đồng thời giao").
PREFIX_OK = {"tôi", "chúng", "xin", "đồng", "thời", "cũng", "và", "còn", "riêng", "ngoài", "ra",
             "bên", "cạnh", "đó", "vì", "vậy", "do", "thì", "nay", "nên", "kết", "luận", "đề",
             "nghị", "cùng", "với", "đây", "chủ", "tọa", "trì", "thường", "trực", "ta", "lại",
             "tiếp", "theo", "cụ", "thể", "mạnh", "dạn", "này", "một", "lần", "nữa", "nhấn",
             "là", "luôn", "cho", "giao", "ban", "vụ", "ubnd", "tỉnh", "huyện", "ủy",
             "quyết", "định", "đã", "sẽ", "trước", "mắt", "hôm", "qua"}
# Verbs that start an action (first two words or first word).
VERB2 = {
    "chủ trì", "phối hợp", "khẩn trương", "tập trung", "tiếp tục", "tham mưu", "rà soát",
    "xây dựng", "hoàn thành", "hoàn thiện", "triển khai", "tổ chức", "chỉ đạo", "hướng dẫn",
    "kiểm tra", "báo cáo", "thực hiện", "theo dõi", "đôn đốc", "nghiên cứu", "đề xuất",
    "bổ sung", "giải quyết", "xử lý", "đẩy nhanh", "bảo đảm", "đảm bảo", "quan tâm", "phân bổ",
    "bố trí", "cân đối", "tuyên truyền", "vận động", "ban hành", "sửa đổi", "điều chỉnh",
    "tăng cường", "trực tiếp", "có trách nhiệm", "lãnh đạo", "chủ động", "tiếp thu", "hoàn chỉnh",
    "làm rõ", "làm việc", "thẩm định", "giám sát", "công bố", "đánh giá", "tổng hợp",
    "chịu trách", "thanh tra", "cập nhật", "thống kê", "tổng kết", "sơ kết", "rút kinh",
    "kịp thời", "nghiêm túc", "quyết liệt", "sớm hoàn", "thường xuyên", "định kỳ", "dự thảo",
    "soạn thảo", "chuẩn bị", "phê duyệt", "lựa chọn", "thu hồi", "bàn giao", "giải ngân",
    "ưu tiên", "cấp phát", "khắc phục", "phòng chống", "phòng, chống", "xác minh", "tiến hành",
    "khảo sát", "lập hồ", "mở rộng", "nâng cao", "nâng cấp", "cải tạo", "duy trì", "phát huy",
    "đăng ký", "kiện toàn", "sắp xếp", "di dời", "hỗ trợ", "hỗ trợ,", "quản lý", "vận hành",
    "tập huấn", "bồi dưỡng", "đào tạo", "kiểm điểm", "phổ biến", "quán triệt", "tiếp nhận",
    "phục vụ", "chấn chỉnh", "thông tin", "xem xét", "rà lại", "tính toán", "ước tính",
    "phát động", "giữ vững", "nắm chắc", "nắm bắt", "làm tốt", "đề ra", "đưa vào", "đưa ra",
    "cung cấp", "gửi báo", "gửi văn", "thẩm tra", "hoàn tất", "kết nối", "số hóa", "vận dụng",
}
VERB1 = {"trình", "lập", "cần", "phải", "nắm", "gửi", "rà", "soát", "làm", "chuẩn", "ký",
         "tổng", "xây", "đôn", "kiểm", "bảo", "đảm", "giải", "phối", "chủ", "tham", "xử", "đẩy",
         "hoàn", "triển", "lồng", "ghép", "mời", "thu", "chi", "sớm", "ngay", "tiếp", "đề",
         "huy", "động", "xác", "định", "dừng", "tạm", "cắt", "giảm", "tăng", "khởi", "công",
         "đưa", "nghiệm", "quyết", "chỉ", "biên", "soạn", "in", "phát", "hành"}
LEADFIRST_NEG = {"đã", "đang", "vừa", "là", "cơ", "có", "không", "chưa", "thì", "luôn", "được",
                 "báo", "đánh", "thống", "nhất", "đồng", "ý", "ghi", "biểu", "rất", "còn",
                 "với", "và", "của", "trong", "về", "thông", "kính", "xin"}
LEADFIRST_OK = {"chủ trì", "phối hợp", "khẩn trương", "tập trung", "tiếp tục", "chủ động",
                "có trách nhiệm", "được giao", "được phân", "thường xuyên", "theo chức",
                "căn cứ", "sớm", "phải", "cần", "kịp thời", "nghiêm túc", "báo cáo", "quyết liệt",
                "trực tiếp", "chịu trách", "có trách", "phụ trách"}
TITLES = ["phó chủ tịch", "chủ tịch", "phó bí thư", "bí thư", "giám đốc", "phó giám đốc",
          "trưởng ban", "phó trưởng ban", "chánh văn phòng", "chánh thanh tra", "thủ trưởng",
          "người đứng đầu", "ủy viên", "trưởng phòng", "tổng biên tập", "chỉ huy trưởng",
          "giám đốc công an", "phó chánh văn phòng", "hiệu trưởng"]
HEADING_ACTION = re.compile(
    r"^(?:(?:thực hiện|triển khai|tập trung|làm|chỉ đạo thực hiện|tổ chức thực hiện)\s+)?"
    r"(?:(?:tốt|ngay)\s+)?(?:các|một số|những|mấy|hai|ba|bốn|năm)\s+(?:nhiệm vụ|việc|nội dung|"
    r"công việc|vấn đề)(?:\s+(?:trọng tâm|cụ thể|chủ yếu|chính))?(?:\s+(?:như|dưới))?\s*"
    r"(?:sau|đây|sau đây)?\s*:?$|^(?:như\s+)?sau\s*:?$|^:?$")
ASSESSMENT = re.compile(r"^(?:cơ bản )?(?:thống nhất|nhất trí|đồng ý|biểu dương|ghi nhận|"
                        r"đánh giá cao|tán thành|hoan nghênh|khen ngợi|chúc mừng)")


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


def extract_rules(transcript: Transcript, meeting: Meeting, gazetteer: Gazetteer,
                  ) -> tuple[list[Item], list[Task]]:
    """Items and tasks from the concluding part of a transcript."""
    segments = concluding_part(transcript, meeting)
    tokens = tokens_from_segments([(s.id, s.text) for s in segments])
    raw = list(tokens)
    sentences = split(restore_boundaries(clean(tokens), gazetteer))
    sentences = _until_closing(sentences)
    by_id = {s.id: s for s in transcript.segments}
    timed = transcript.audio.duration > 0
    tasks = _tasks(sentences, raw, by_id, timed, meeting.date, gazetteer)
    if len(segments) == len(transcript.segments) and len(segments) > 1 and tasks:
        # no cue and no speakers: the whole meeting was searched; the notice's points start
        # at the first numbered point or task, not with the opening remarks and reports
        first_seg = min(t.evidence.segment_ids[0] for t in tasks if t.evidence.segment_ids)
        starts = [k for k, s in enumerate(sentences)
                  if s.item_start or s.tokens[0].seg >= first_seg]
        cut = starts[0] if starts else 0
        # an ordinal just before the first task belongs to the conclusion
        sentences = sentences[cut:]
    items = _items(sentences, by_id, timed)
    return items, tasks


def concluding_part(transcript: Transcript, meeting: Meeting) -> list[Segment]:
    """The chair's conclusion: after the last cue, or the chair's last long turn."""
    segs = transcript.segments
    if not segs:
        return []
    chair = _chair_label(transcript, meeting)
    for cues in (STRONG_CUES, WEAK_CUES):
        for idx in range(len(segs) - 1, -1, -1):
            seg = segs[idx]
            low = seg.text.lower()
            if chair and seg.speaker and seg.speaker != chair:
                continue
            hit = next((c for c in cues if c in low), None)
            if hit is None and cues is STRONG_CUES:
                # written notices: "… kết luận:", "Chủ tịch UBND tỉnh chỉ đạo như sau:"
                m = LEAD_IN.search(low)
                hit = m.group(0) if m else None
            if hit is None:
                continue
            if cues is WEAK_CUES and idx < len(segs) * 0.3:
                continue  # "kết luận" near the start is the agenda, not the conclusion
            pos = low.rfind(hit) + len(hit)
            rest = re.sub(r"^[^\w]*(?:như sau|sau đây|(?:một số|mấy|các) (?:nội dung|vấn đề|ý|việc)"
                          r"(?: chính| cụ thể)?(?: như sau| sau đây| sau)?)?[\s:.,]*",
                          "", seg.text[pos:], flags=re.IGNORECASE)
            first = Segment(seg.id, seg.start, seg.end, rest, speaker=seg.speaker)
            tail = [s for s in segs[idx + 1 :] if not (chair and s.speaker and s.speaker != chair)
                    or not s.speaker]
            if chair is None and any(s.speaker for s in segs):
                tail = _same_turn(seg, segs[idx + 1 :])
            return [first, *tail] if rest.strip() else tail
    turns = _turns(segs)
    if any(s.speaker for s in segs) and turns:
        own = [t for t in turns if chair is None or t[0].speaker == chair]
        long = [t for t in own if _long(t)]
        if long:
            return long[-1]
    return list(segs)


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
    if marks / len(words) >= 0.04:
        return tokens
    low = [key(w) for w in words]
    cut: set[int] = set()
    k = 0
    last_end = -1  # end of the previous body's name (lists of bodies run on)
    while k < len(words):
        two = " ".join(low[k : k + 2])
        ordinal = low[k] == "thứ" and k + 1 < len(low) and low[k + 1] in ORDINAL_WORDS
        bullet = low[k] in {"một", "hai", "ba", "bốn", "năm"} and k + 1 < len(low) and \
            low[k + 1] == "là" and k > 0 and low[k - 1] != "thứ"
        if ordinal or bullet or two in {"cảm ơn", "xin cảm"}:
            cut.add(k)
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
            nxt2 = " ".join(low[m.end : m.end + 2])
            verb = (nxt2 in LEADFIRST_OK or nxt2 in VERB2 or
                    low[m.end:m.end + 1] in (["phải"], ["cần"], ["trình"], ["sớm"])) \
                and low[m.end:m.end + 1] != [] and low[m.end] not in LEADFIRST_NEG
            linked = k == last_end or (k > 0 and low[k - 1] in {
                "với", "cùng", "của", "cho", "và", "giao", "nghị", "cầu", "công", "đạo", "thuộc",
                "tại", "về", "trình", "gửi", "lên", "hợp", "chẽ", "viên", "chí", "tịch", "thư",
                "đốc", "trưởng", "phó", "đầu", "tra"})
            # the object of a verb ("hướng dẫn các địa phương hoàn thiện …") is no new lead
            linked = linked or " ".join(low[max(0, k - 2) : k]) in VERB2
            if verb and not linked and k > 0:
                # a deadline just before the body is its own ("trước ngày 20/7 Sở Nội vụ phải
                # trình") only when the sentence before already has a deadline of its own
                start = _deadline_start(words, k)
                before = " ".join(words[max(cut, default=0) : start])
                own = dl.find_all(before, date(2000, 1, 1)) or low[m.end] in {"phải", "cần"}
                cut.add(start if start < k and own else k)
            last_end = m.end
            k = m.end
            continue
        k += 1
    out = []
    for i, tok in enumerate(tokens):
        if i + 1 in cut and not re.search(r"[.;:!?]$", tok.text):
            tok = Token(tok.text.rstrip(",") + ".", tok.seg, tok.index)
        out.append(tok)
    return out


def _deadline_start(words: list[str], k: int) -> int:
    """Where a deadline that ends right before word k starts ("trước ngày 20/7 Sở Nội vụ …")."""
    lo = max(0, k - 14)
    text = " ".join(words[lo:k])
    found = dl.find_all(text, date(2000, 1, 1))
    if not found or found[-1].end < len(text) - 1:
        return k
    chars = 0
    for n, w in enumerate(words[lo:k]):
        if chars >= found[-1].start:
            return lo + n
        chars += len(w) + 1
    return k


def opening(meeting: Meeting, reported_by: list[str] | None = None) -> str:
    """The opening paragraph and lead-in sentence of the notice."""
    d = meeting.date
    who = meeting.concluded_by or (f"đồng chí {meeting.chair}" if meeting.chair else "chủ trì")
    parts = [f"Ngày {d.day:02d}/{d.month:02d}/{d.year}"]
    if meeting.place:
        parts.append(f"tại {meeting.place}")
    head = ", ".join(parts) + f", {who} đã họp {meeting.title}."
    if meeting.chair and not meeting.concluded_by.lower().startswith("đồng chí"):
        head += f" Đồng chí {meeting.chair} chủ trì cuộc họp."
    if meeting.attendees:
        head += f" Dự họp có: {'; '.join(meeting.attendees)}."
    reporters = meeting.reporting_units or reported_by or []
    heard = f"{', '.join(reporters)} báo cáo" if reporters else "báo cáo của các cơ quan liên quan"
    lead_in = (f"Sau khi nghe {heard} và ý kiến của các đại biểu dự họp, {who} kết luận như sau:")
    return f"{head}\n{lead_in}"


# -- tasks --------------------------------------------------------------------------------


def _tasks(sentences: list[Sentence], raw: list[Token], by_id: dict[int, Segment], timed: bool,
           ref: date, gaz: Gazetteer) -> list[Task]:
    tasks: list[Task] = []
    heading: Parsed | None = None
    for sent in sentences:
        clauses = _clauses(sent, gaz)
        previous: Task | None = None
        for n, clause in enumerate(clauses):
            parsed = parse_clause(clause.words, gaz)
            if heading is not None and (sent.bullet or n > 0) and parsed is not None and \
                    not parsed.heading and key(clause.words[0]) == "chỉ" and \
                    key(clause.words[1]) == "đạo":
                parsed = None  # "- Chỉ đạo Trung tâm …" under "Sở Y tế:": the heading's task
            if parsed and parsed.heading and n == len(clauses) - 1:
                heading = parsed
                previous = None
                continue
            if parsed is None:
                if previous is not None and _starts_action(clause.words):
                    _extend(previous, clause, raw, by_id, timed, ref)
                    continue
                if heading is not None and (sent.bullet or sent.item_start or n == 0) \
                        and _starts_action(clause.words) and not _is_topic(clause.words):
                    low = [key(w) for w in clause.words]
                    parsed = _rest(clause.words, low, 0, list(heading.leads), gaz)
                    parsed.supports = list(dict.fromkeys([*heading.supports, *parsed.supports]))
                else:
                    if sent.item_start and _is_topic(clause.words):
                        heading = None
                    continue
            elif not sent.bullet:
                heading = None
            task = _make_task(len(tasks) + 1, parsed, clause, raw, by_id, timed, ref, gaz)
            if task.action:
                tasks.append(task)
                previous = task
    return tasks


def parse_clause(words: list[str], gaz: Gazetteer) -> Parsed | None:
    """Leads, supports and action of one clause, or None when it assigns nothing."""
    low = [key(w) for w in words]
    if " ".join(low[:2]) == "đối với":  # "Đối với Sở Y tế, chỉ đạo …": the unit is the lead
        leads, j = _owners(words, low, 2, gaz)
        two = " ".join(low[j : j + 2])
        if leads and j < len(words) and (words[j - 1].endswith(",") or two in VERB2
                                         or two in LEADFIRST_OK):
            return _rest(words, low, j, leads, gaz)
    if low and low[0] in {"về", "đối"}:  # "Về di dời dân cư, UBND các huyện …": skip the topic
        comma = next((k for k, w in enumerate(words[:15]) if w.endswith(",")), None)
        if comma is not None:
            return parse_clause(words[comma + 1 :], gaz)
    i = _skip_intro(words, low, 0)
    # a deadline before the lead: "Trước ngày 15/9, Sở Tài chính phải …"
    i = _skip_deadline(words, i)
    i = _skip_intro(words, low, i)
    trig = _trigger_at(low, i)
    if trig is None:
        # "Tôi đề nghị", "Thường trực Tỉnh ủy giao": an assigner, then the trigger
        for k in range(i + 1, min(len(words), i + 9)):
            t = _trigger_at(low, k)
            if t is not None and _prefix_ok(words[i:k], low[i:k], gaz):
                trig, i = t, k
                break
    if trig is not None:
        j = i + len(trig)
        while j < len(words) and low[j] in {"cho", "các", "đ/c"} and not gaz.match(words, j) \
                and " ".join(low[j : j + 3]) != "các đồng chí":
            j += 1
        leads, j = _owners(words, low, j, gaz)
        if not leads:
            return None
        return _rest(words, low, j, leads, gaz)
    # lead first: "Sở Y tế, Sở Giáo dục và Đào tạo thường xuyên …"
    leads, j = _owners(words, low, i, gaz)
    if not leads:
        return None
    j2 = _skip_deadline(words, j)
    j2 = j2 + 1 if j2 < len(words) and low[j2] in {"thì", "cần", "phải"} and j2 != j else j2
    if j2 < len(words) and _trigger_at(low, j2) is not None:
        return parse_clause(words[j2:], gaz)  # the leads were the assigner
    nxt2 = " ".join(low[j2 : j2 + 2])
    if j2 >= len(words) and words[-1].endswith(":"):
        return Parsed(leads, "", heading=True)  # "UBND các huyện:" heading a list
    if j2 >= len(words) or ASSESSMENT.match(" ".join(low[j2 : j2 + 3])):
        return None
    if low[j2] in LEADFIRST_NEG and nxt2 not in LEADFIRST_OK:
        return None
    if not (nxt2 in LEADFIRST_OK or nxt2 in VERB2 or low[j2] in VERB1):
        # a misheard word or two before "chủ trì"/"phối hợp" ("Sở Tài chính chỗ chị, phối hợp")
        ahead = next((k for k in range(j2, min(len(words) - 1, j2 + 3))
                      if _near(low[k : k + 2], "phối hợp") or _near(low[k : k + 2], "chủ trì")),
                     None)
        if ahead is None:
            return None
        j = ahead
    return _rest(words, low, j, leads, gaz)


def _rest(words: list[str], low: list[str], j: int, leads: list[str], gaz: Gazetteer) -> Parsed:
    supports: list[str] = []
    j = _skip(low, j, {""})
    if _near(low[j : j + 2], "chủ trì"):
        j = _skip(low, j + 2, {"", "và"})
        # "Giao Sở A chủ trì, Sở B phối hợp, …"
        sup, k = _units(words, low, j, gaz)
        if sup and _near(low[k : k + 2], "phối hợp"):
            supports, j = sup, _skip(low, k + 2, {"", "thực", "hiện"})
    if _near(low[j : j + 2], "phối hợp"):
        k = j + 2
        k = _skip(low, k, {"chặt", "chẽ", "với", "cùng", ""})
        sup, k2 = _units(words, low, k, gaz)
        if sup:
            supports, j = sup, _skip(low, k2, {""})
    supports = [s for s in supports if s not in leads]
    action = _action_text(words[j:])
    for extra in _supports_in(words, low, j, gaz):
        if extra not in supports and extra not in leads:
            supports.append(extra)
    heading = bool(HEADING_ACTION.match(action.lower().strip())) or \
        (words[-1].endswith(":") and len(action.split()) <= 6 and "sau" in action.lower())
    return Parsed(leads, action, supports, heading=heading)


def _owners(words: list[str], low: list[str], i: int, gaz: Gazetteer) -> tuple[list[str], int]:
    """Bodies or people at word i: 'Sở A, Sở B và UBND các huyện', 'đồng chí Phó Chủ tịch …'."""
    person = _person(words, low, i, gaz)
    if person:
        return [person[0]], person[1]
    return _units(words, low, i, gaz)


def _units(words: list[str], low: list[str], i: int, gaz: Gazetteer) -> tuple[list[str], int]:
    names: list[str] = []
    j = i
    while j < len(words):
        m = gaz.match(words, j)
        if m is None or m.end <= j:
            break
        names.append(m.name)
        j = m.end
        ended = re.search(r"[,;]$", words[j - 1])
        k = j
        if k < len(words) and low[k] in {"và", "cùng", "với"} and low[k] != "với":
            k += 1
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


def _person(words: list[str], low: list[str], i: int, gaz: Gazetteer) -> tuple[str, int] | None:
    j = i
    if " ".join(low[j : j + 2]) in {"đồng chí", "các đồng"}:
        j += 2 if low[j] == "đồng" else 3
    elif not any(" ".join(low[j : j + len(t.split())]) == t for t in TITLES):
        return None
    k = j
    while k < len(words) and k - i < 16:
        two = " ".join(low[k : k + 2])
        if k > j and ((two in VERB2 and two not in {"phụ trách"}) or low[k] in {"trình", "cần",
                                                                              "phải"}):
            break
        if two == "phụ trách" and not any(" ".join(low[m : m + 2]) in VERB2
                                           for m in range(k + 2, min(len(words), k + 12))):
            break  # "phụ trách" is the action here, not part of who
        if _trigger_at(low, k) is not None and k > j:
            break
        k += 1
        if re.search(r"[;:.]$", words[k - 1]):
            break
    if k == j:
        return None
    name = " ".join(words[i:k]).strip(" ,;:.")
    name = name[:1].upper() + name[1:]
    return name, k


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


def _clauses(sent: Sentence, gaz: Gazetteer) -> list[Clause]:
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
        if prev.endswith(",") and k - cuts[-1] >= 4 and _new_lead_first(words, low, k, cuts[-1],
                                                                         gaz):
            cuts.append(k)  # "Giao Sở A rà soát vốn, Sở B kiểm tra chất lượng"
            continue
        trig = _trigger_at(low, k)
        if trig is None or trig not in MID_TRIGGERS:
            continue
        after = k + len(trig)
        after = _skip(low, after, {"cho"})
        if not (gaz.match(words, after) or _person(words, low, after, gaz)):
            continue
        before = low[max(cuts[-1], k - 3) : k]
        left_has = any(_trigger_at(low, m) for m in range(cuts[-1], k)) or k - cuts[-1] >= 4
        if prev.endswith(",") or (before and before[-1] in {"đồng", "thời", "và"}) or \
                (left_has and k - cuts[-1] >= 5):
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


def _new_lead_first(words: list[str], low: list[str], k: int, start: int,
                    gaz: Gazetteer) -> bool:
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


def _make_task(n: int, parsed: Parsed, clause: Clause, raw: list[Token],
               by_id: dict[int, Segment], timed: bool, ref: date, gaz: Gazetteer) -> Task:
    found = dl.find_all(parsed.action, ref)
    deadline = dl.parse(parsed.action, ref)
    if deadline.kind == "none":
        deadline = dl.parse(" ".join(clause.words), ref)  # before the lead
    action = _strip_deadlines(parsed.action, found)
    return Task(
        id=f"T{n}",
        leads=parsed.leads,
        supports=parsed.supports,
        action=action,
        deadline=deadline,
        quote=_quote(clause.tokens, raw),
        evidence=_evidence(clause.tokens, by_id, timed),
    )


def _extend(task: Task, clause: Clause, raw: list[Token], by_id: dict[int, Segment],
            timed: bool, ref: date) -> None:
    """A lead-less clause after a task continues it ('…; trình UBND tỉnh trước 30/9')."""
    extra = _action_text(clause.words)
    full = f"{task.action}; {extra}" if task.action else extra
    phrases = [task.deadline.phrase] if task.deadline.phrase else []
    deadline = dl.parse("; ".join([*phrases, extra]), ref)
    found = dl.find_all(extra, ref)
    task.action = f"{task.action}; {_strip_deadlines(extra, found)}".strip("; ")
    if deadline.kind != "none":
        task.deadline = deadline
    del full
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
            action = (before.rstrip(" ,") + (" " if before.strip() and after.strip(" ,") else "")
                      + after.lstrip(" ,"))
    action = re.sub(r"\s+", " ", action).strip(" ,;")
    action = re.sub(r"\s+(?:và|,)\s*$", "", action)
    # "…, hoàn thành" left behind when its deadline went to the Thời hạn column
    action = re.sub(r"[,;]?\s+(?:và\s+)?(?:hoàn thành|xong|hoàn tất|thực hiện)$", "", action)
    action = re.sub(r"^(?:cần phải|phải|cần)\s+", "", action, flags=re.IGNORECASE)
    action = re.sub(r"\s+([,.;])", r"\1", action)
    return action[:1].upper() + action[1:] if action else action


def _action_text(words: list[str]) -> str:
    text = " ".join(words).strip(" ,;:")
    text = re.sub(r"^(?:thì|là|để|và|,)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[.]+$", "", text).strip()
    return text[:1].upper() + text[1:] if text else text


# -- items --------------------------------------------------------------------------------


def _items(sentences: list[Sentence], by_id: dict[int, Segment], timed: bool) -> list[Item]:
    groups: list[list[Sentence]] = []
    for s in sentences:
        if s.item_start or not groups or (groups[-1][0].item != s.item):
            groups.append([s])
        else:
            groups[-1].append(s)
    items = []
    for group in groups:
        first = group[0].text.rstrip(":")
        lines = _paragraphs(group, timed)
        title = ""
        if re.match(r"^(Về|về|Đối với|đối với)\b", first):
            words = first.split()
            comma = next((k for k, w in enumerate(words[:14]) if w.endswith(",")), None)
            if len(words) <= 14 and comma is None:
                title, lines = first, lines[1:]
            elif comma is not None:
                title = " ".join(words[: comma + 1]).rstrip(",")
                rest = " ".join(words[comma + 1 :])
                lines[0] = _line(Sentence([Token(w, 0, 0) for w in rest.split()]))
        title = title[:1].upper() + title[1:]
        text = "\n".join(lines)
        toks = [t for s in group for t in s.tokens]
        items.append(Item(title=title, text=text, evidence=_evidence(toks, by_id, timed)))
    return [i for i in items if i.title or i.text]


def _paragraphs(group: list[Sentence], timed: bool) -> list[str]:
    """Sentences joined into paragraphs: a new one for bullets, after headings, and (in
    written text) where the source had a new line."""
    out: list[str] = []
    last: Sentence | None = None
    for s in group:
        same = last is not None and not s.bullet and not last.heading and not last.bullet and \
            (timed or s.tokens[0].seg == last.tokens[-1].seg)
        if same and out and last is not group[0]:
            out[-1] += " " + _line(s)
        else:
            out.append(_line(s))
        last = s
    return out


def _line(s: Sentence) -> str:
    text = s.text
    text = text[:1].upper() + text[1:]
    if not re.search(r"[.:;!?]$", text):
        text += "."
    return f"- {text}" if s.bullet else text


# -- helpers ------------------------------------------------------------------------------


# Northern speech merges gi/d/r: recognisers write "giao" as "dao" or "rao".
GIAO_SOUNDALIKES = {"dao", "rao", "zao"}


def _near(words: list[str], target: str) -> bool:
    """Two words that are `target`, allowing the tone and one-letter errors of recognisers."""
    text = " ".join(words)
    if text == target:
        return True
    return len(words) == 2 and (plain(text) == plain(target) or fuzz.ratio(text, target) >= 80)


def _trigger_at(low: list[str], i: int) -> tuple[str, ...] | None:
    if i < len(low) and low[i] in GIAO_SOUNDALIKES and i + 1 < len(low) and \
            low[i + 1] in {"cho", "sở", "ban", "công", "ubnd", "văn", "các", "đồng"}:
        low = [*low[:i], "giao", *low[i + 1 :]]
    for t in TRIGGERS:
        if tuple(low[i : i + len(t)]) == t:
            nxt = low[i + len(t)] if i + len(t) < len(low) else ""
            if t == ("giao",) and nxt in {"thông", "dịch", "lưu", "đất", "rừng", "nhận", "việc",
                                          "nhiệm"}:
                return None
            if t in {("đề", "nghị"), ("yêu", "cầu")} and nxt in {"của", "này", "nêu", "trên",
                                                                  "tại", "đó", "về"}:
                return None
            if t == ("chỉ", "đạo") and i > 0:
                return None
            return t
    return None


def _prefix_ok(words: list[str], low: list[str], gaz: Gazetteer) -> bool:
    if all(w in PREFIX_OK or not w for w in low):
        return True
    names, j = _units(words, low, 0, gaz)
    if names and all(w in PREFIX_OK or not w for w in low[j:]):
        return True
    p = _person(words, low, 0, gaz)
    return bool(p and p[1] >= len(words))


def _skip_intro(words: list[str], low: list[str], i: int) -> int:
    intro = {"đồng", "thời", "và", "còn", "riêng", "ngoài", "ra", "bên", "cạnh", "đó", "tiếp",
             "theo", "cuối", "cùng", "trước", "mắt", "thì", "là", "tôi", "xin", "đối", "với",
             "sau", "đây", ""}
    while i < len(words) and low[i] in intro:
        two = " ".join(low[i : i + 2])
        if low[i] == "đồng" and two != "đồng thời":
            break
        if two == "đối với" or (low[i] == "trước" and two != "trước mắt") or \
                (low[i] == "sau" and two != "sau đây"):
            break
        i += 1
    return i


def _skip_deadline(words: list[str], i: int) -> int:
    text = " ".join(words[i:])
    found = dl.find_all(text, date(2000, 1, 1))
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


def _starts_action(words: list[str]) -> bool:
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
    return two in VERB2 or low[0] in VERB1 or bool(dl.find_all(" ".join(low[:8]),
                                                               date(2000, 1, 1)))


def _is_topic(words: list[str]) -> bool:
    return bool(words) and key(words[0]) in {"về", "đối"}


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


def _until_closing(sentences: list[Sentence]) -> list[Sentence]:
    for k, s in enumerate(sentences):
        if END_CUES.search(s.text):
            return sentences[:k]
    return sentences


def _chair_label(transcript: Transcript, meeting: Meeting) -> str | None:
    if meeting.chair_speaker:
        return meeting.chair_speaker
    if not meeting.chair:
        return None
    chair = meeting.chair.lower()
    for label, sp in transcript.speakers.items():
        if sp.name and sp.name.lower() in chair:
            return label
    return None


def _turns(segs: list[Segment]) -> list[list[Segment]]:
    turns: list[list[Segment]] = []
    for s in segs:
        if turns and turns[-1][-1].speaker == s.speaker:
            turns[-1].append(s)
        else:
            turns.append([s])
    return turns


def _same_turn(seg: Segment, rest: list[Segment]) -> list[Segment]:
    out = []
    for s in rest:
        if s.speaker and seg.speaker and s.speaker != seg.speaker:
            break
        out.append(s)
    return out


def _long(turn: list[Segment]) -> bool:
    words = sum(len(s.text.split()) for s in turn)
    return turn[-1].end - turn[0].start >= LONG_TURN_S or words >= LONG_TURN_WORDS
