"""Vietnamese number words as spoken: "ba mươi", "mười lăm", "hai nghìn không trăm hai mươi sáu"."""

DIGITS = {
    "không": 0,
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "nhăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
WORDS = set(DIGITS) | {"mười", "mươi", "trăm", "nghìn", "ngàn", "linh", "lẻ"}
MONTH_NAMES = {"giêng": 1, "chạp": 12}
ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
    "xi": 11,
    "xii": 12,
}


def parse_words(words: list[str]) -> tuple[int, int] | None:
    """Read a number from the start of `words` (lower case, no punctuation).

    Returns (value, words used), or None when the first word is not a number.
    "hai không hai sáu" reads digit by digit (a year).
    """
    run = []
    for w in words:
        if w not in WORDS:
            break
        run.append(w)
    if not run:
        return None
    if len(run) >= 4 and all(w in DIGITS for w in run[:4]):
        return int("".join(str(DIGITS[w]) for w in run[:4])), 4
    total = group = 0
    digit: int | None = None
    used = 0
    for w in run:
        if w in DIGITS:
            if digit is not None:  # two digits in a row: a new number starts
                break
            if w in ("lăm", "nhăm") and not group:
                break  # "lăm" only follows "mười"/"mươi"
            digit = DIGITS[w]
        elif w == "mười":
            if digit is not None or group % 100:
                break
            group += 10
        elif w == "mươi":
            if digit is None:
                break
            group += digit * 10
            digit = None
        elif w == "trăm":
            group += (digit if digit is not None else 1) * 100
            digit = None
        elif w in ("nghìn", "ngàn"):
            total += (group + (digit or 0)) * 1000
            group, digit = 0, None
        # "linh"/"lẻ" only mark a zero tens place
        used += 1
    if used == 0:
        return None
    return total + group + (digit or 0), used
