"""Streamed multipart upload: the body goes to a temporary file chunk by chunk, hashed as it
arrives, and is never held in memory. Size and file name are checked before and during the
stream, so a bad upload is refused early and its temporary file removed by the caller."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request

from ketluan.errors import InputError, KetluanError, TooLargeError
from transcribe.transcript import nfc

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

MAX_NAME_BYTES = 255
# Bidirectional overrides and invisible characters make a name display as something else.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"}
_BIDI = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
_FILENAME_STAR = re.compile(rb"filename\*\s*=\s*([\w-]+)''([^;]+)", re.IGNORECASE)


class FilenameError(KetluanError):
    code = "filename"


@dataclass
class Received:
    path: Path
    sha256: str
    size: int
    filename: str


async def receive_file(request: Request, dest: Path, limit: int, field: str = "file") -> Received:
    """Stream the multipart part `field` of `request` into `dest`."""
    boundary = _boundary(request)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise _too_large(limit, int(declared))
    sink = _Sink(dest, field, limit)
    parser = MultipartParser(boundary, sink.callbacks(), max_header_size=16 * 1024)
    try:
        with open(dest, "wb") as out:
            async for chunk in request.stream():
                parser.write(chunk)
                if sink.error is not None:
                    raise sink.error
                if sink.pending:
                    data, sink.pending = b"".join(sink.pending), []
                    await run_in_threadpool(_write, out, sink.digest, data)
            parser.finalize()
    except MultipartParseError as exc:
        raise InputError(
            "Dữ liệu tải lên không đúng định dạng multipart/form-data.",
            "Gửi tệp trong trường 'file' của một biểu mẫu multipart.",
        ) from exc
    except ClientDisconnect as exc:
        raise InputError("Kết nối bị ngắt khi đang tải lên; tệp chưa được lưu.", "Hãy tải lên lại.") from exc
    if sink.error is not None:
        raise sink.error
    if not sink.found:
        raise InputError(f"Không thấy tệp trong trường '{field}'.", "Chọn một tệp rồi gửi lại.")
    return Received(dest, sink.digest.hexdigest(), sink.size, sink.filename)


def clean_filename(raw: str) -> str:
    """The NFC file name to show and store, or FilenameError for a hostile one.
    Stored files are named by hash, so a name is never used as a path."""
    name = nfc(raw).strip()
    if not name:
        return "ban-ghi"
    bad = [c for c in name if unicodedata.category(c) == "Cc" or c in _INVISIBLE or c in _BIDI]
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith(".."):
        raise FilenameError(
            f"Tên tệp '{_shown(name)}' chứa đường dẫn thư mục, không được chấp nhận.",
            "Đổi tên tệp thành một tên đơn giản (ví dụ hop-giao-ban.mp3) rồi tải lên lại.",
        )
    if bad:
        raise FilenameError(
            "Tên tệp chứa ký tự điều khiển hoặc ký tự ẩn (có thể làm sai lệch cách hiển thị).",
            "Đổi tên tệp chỉ gồm chữ, số, dấu cách và dấu gạch rồi tải lên lại.",
        )
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise FilenameError(
            f"Tên tệp quá dài ({len(name.encode('utf-8'))} byte; tối đa {MAX_NAME_BYTES}).",
            "Đặt tên tệp ngắn hơn rồi tải lên lại.",
        )
    return name


class _Sink:
    """python-multipart callbacks collecting one file part."""

    def __init__(self, dest: Path, field: str, limit: int) -> None:
        self.field, self.limit = field, limit
        self.digest = hashlib.sha256()
        self.size = 0
        self.filename = ""
        self.found = False
        self.pending: list[bytes] = []
        self.error: KetluanError | None = None
        self._header_name = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._active = False

    def callbacks(self) -> "MultipartCallbacks":
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda d, s, e: self._add("_header_name", d[s:e]),
            "on_header_value": lambda d, s, e: self._add("_header_value", d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_done,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _add(self, attr: str, data: bytes) -> None:
        setattr(self, attr, getattr(self, attr) + data)

    def _begin(self) -> None:
        self._headers, self._active = {}, False

    def _header_end(self) -> None:
        self._headers[self._header_name.lower()] = self._header_value
        self._header_name, self._header_value = b"", b""

    def _headers_done(self) -> None:
        raw = self._headers.get(b"content-disposition", b"")
        _, options = parse_options_header(raw)
        if options.get(b"name", b"").decode("utf-8", "replace") != self.field or self.found:
            return
        self.found = self._active = True
        try:
            self.filename = clean_filename(_filename(raw, options))
        except FilenameError as exc:
            self.error = exc

    def _data(self, data: bytes, start: int, end: int) -> None:
        if not self._active or self.error is not None:
            return
        self.size += end - start
        if self.size > self.limit:
            self.error = _too_large(self.limit, None)
            return
        self.pending.append(data[start:end])

    def _end(self) -> None:
        self._active = False


def _write(out, digest, data: bytes) -> None:
    out.write(data)
    digest.update(data)


def _filename(raw: bytes, options: dict[bytes, bytes]) -> str:
    star = _FILENAME_STAR.search(raw)
    if star:
        charset = star.group(1).decode("ascii", "replace") or "utf-8"
        try:
            return unquote(star.group(2).decode("ascii", "replace").strip('"'), encoding=charset, errors="strict")
        except (LookupError, UnicodeDecodeError):  # "filename*=bogus''…": no such encoding
            raise FilenameError(
                f"Tên tệp ghi theo bảng mã '{charset[:20]}' không đọc được.",
                "Gửi tên tệp bằng UTF-8 (filename*=UTF-8''…) hoặc đổi tên tệp rồi tải lên lại.",
            ) from None
    value = options.get(b"filename", b"")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise FilenameError("Tên tệp không phải văn bản UTF-8.", "Đổi tên tệp rồi tải lên lại.") from None


def _boundary(request: Request) -> bytes:
    ctype, options = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or not options.get(b"boundary"):
        raise InputError(
            "Yêu cầu tải lên phải là multipart/form-data.",
            "Gửi tệp trong trường 'file' của một biểu mẫu multipart.",
        )
    return options[b"boundary"]


def _too_large(limit: int, size: int | None) -> TooLargeError:
    got = f" ({human_size(size)})" if size else ""
    return TooLargeError(
        f"Tệp tải lên quá lớn{got}: giới hạn là {human_size(limit)}.",
        "Nén bản ghi (ví dụ sang MP3/Opus) hoặc cắt thành nhiều phần rồi tải lên lại.",
    )


def _shown(name: str) -> str:
    return name if len(name) <= 80 else name[:77] + "…"


def human_size(n: int) -> str:
    if n >= 1e9:
        return f"{n / 1e9:.2f} GB"
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n} byte"
