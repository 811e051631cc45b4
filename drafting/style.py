"""From spoken to written style for the notice body: dates in digits, no first person.

"Tôi đề nghị Sở Y tế … trước ngày mười lăm tháng chín" → "Đề nghị Sở Y tế … trước ngày
15/09/2026". Only what was said in words is rewritten; written text keeps its own style.
"""

import re
from datetime import date

from drafting.deadline_text import digits

SPOKEN_OPENERS = re.compile(
    r"^(?:(?:rồi|vâng|thế|vậy|thì|và|còn)\s*,?\s+)*(?:tôi\s+(?:xin\s+)?|chúng\s+ta\s+|"
    r"các\s+đồng\s+chí\s+(?=\w+\s))?(?=\w)",
    re.IGNORECASE,
)
WORDY = {"nhưng mà": "nhưng", "cho nên là": "cho nên", "thì phải": "phải"}


def formal(text: str, ref: date) -> str:
    """A sentence of the chair's remarks in the written style of a notice."""
    text = digits(text, ref)
    text = SPOKEN_OPENERS.sub("", text, count=1)
    for spoken, written in WORDY.items():
        text = re.sub(rf"\b{spoken}\b", written, text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:] if text else text
