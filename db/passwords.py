"""Password policy: long enough, and not one that is guessed first (a common password, a run
of one character, a keyboard or number sequence, the user name). The message says the rule."""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from ketluan.errors import InputError

MIN_LENGTH = 10
RULE = (
    f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự, không chỉ gồm chữ số, không phải mật khẩu phổ biến "
    "(như 'matkhau123', 'password'), không phải một ký tự lặp lại hay một dãy liên tiếp (như "
    "'12345678', 'abcdefgh', 'qwertyui') và không trùng tên đăng nhập."
)
_SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc")


def check_password(password: str, username: str = "") -> None:
    """InputError naming the rule if `password` is refused: the message says which one, the
    hint states them all (a new office's admin was told only "quá dễ đoán" for "lanhdao2026")."""
    reason = _weakness(password, username)
    if reason:
        raise InputError(f"Mật khẩu quá dễ đoán: {reason}.", RULE)
    if len(password) < MIN_LENGTH:
        raise InputError("Mật khẩu quá ngắn.", RULE)


def _weakness(password: str, username: str) -> str:
    """Why `password` is guessed first, or "" if it is not."""
    plain = _plain(password)
    if len(set(plain)) <= 2:  # "aaaaaaaa", "abababab", "11111111"
        return "chỉ lặp lại một hai ký tự"
    stem = plain.rstrip("0123456789") or plain
    name = _plain(username)
    if name and name in (plain, plain[::-1], stem):  # "vanthu", "uhtnav", "vanthu2024"
        return "là tên đăng nhập (có thể kèm số)"
    if _is_sequence(plain):
        return "là một dãy liên tiếp trên bàn phím hay trong bảng chữ, dãy số"
    if stem in _common() or plain in _common():
        return "nằm trong danh sách mật khẩu phổ biến"
    if password.isdigit():
        return "chỉ gồm chữ số"
    return ""


def _plain(text: str) -> str:
    """Lower case, no accents, letters and digits only: "Mật-Khẩu@1" → "matkhau1"."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)))


def _is_sequence(plain: str) -> bool:
    if len(plain) < 4:
        return False
    return any(plain in seq or plain in seq[::-1] for seq in _SEQUENCES)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    path = Path(__file__).parent / "data" / "common-passwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(_plain(x) for x in lines if x.strip() and not x.startswith("#"))
