"""ASGI middleware."""

import json
import re
from collections.abc import Callable

from fastapi.routing import APIRoute


class CloseIfBodyUnread:
    """Answering before the request body is read (an upload refused early: too large, bad name,
    not signed in) leaves the rest of that body on the connection. Say `Connection: close`, so
    the client does not reuse a connection the server is about to drop."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            await self.app(scope, receive, send)
            return
        finished = False

        async def tracked_receive():
            nonlocal finished
            message = await receive()
            if message["type"] == "http.disconnect" or not message.get("more_body", False):
                finished = True
            return message

        async def tracked_send(message) -> None:
            if message["type"] == "http.response.start" and not finished:
                headers = [*message.get("headers", []), (b"connection", b"close")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, tracked_receive, tracked_send)


def _has_body(scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return value.strip() not in (b"", b"0")
        if name == b"transfer-encoding":
            return True
    return False


# Scripts only from this site's files (the pages have no inline script); inline style
# attributes stay allowed (progress bars use style="width: …"). No framing by other sites.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; media-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
}


class SecurityHeaders:
    """The same security headers on every response (a route may set its own CSP: /docs)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS.items() if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


BODY_LIMIT_KEY = "x-max-body-bytes"  # an operation's own body limit, in its OpenAPI extra
JSON_BODY_LIMIT = 1024 * 1024  # every other route: its JSON body is small
MULTIPART_OVERHEAD = 1024 * 1024


class BodyLimit:
    """Refuse a request body larger than its route allows (413), before or while it arrives, so
    a huge body to a JSON route (sign-in included) is never read into memory. Upload routes
    (marked "x-upload" in their OpenAPI extra) take up to max_upload_bytes and check their own
    tighter limit as they stream; a route may declare another limit under BODY_LIMIT_KEY."""

    def __init__(self, app, limits: Callable[[str, str], int]) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limits(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(send, limit)
            return
        seen, refused, started = 0, False, False

        async def counted_receive():
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    if not started:
                        await _too_large(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message) -> None:
            nonlocal started
            if refused:
                return  # we answered 413: whatever the route says after that is dropped
            started = True
            await send(message)

        await self.app(scope, counted_receive, guarded_send)


def route_body_limits(app, upload_limit: int) -> Callable[[str, str], int]:
    """method, path → body limit, from the app's routes (read once, on first use)."""
    table: list[tuple[set[str], re.Pattern[str], int]] = []

    def walk(routes) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                extra = route.openapi_extra or {}
                limit = upload_limit + MULTIPART_OVERHEAD if extra.get("x-upload") else JSON_BODY_LIMIT
                table.append((route.methods or set(), route.path_regex, extra.get(BODY_LIMIT_KEY, limit)))
            elif hasattr(route, "original_router"):
                walk(route.original_router.routes)

    def limit_for(method: str, path: str) -> int:
        if not table:
            walk(app.routes)
        for methods, regex, limit in table:
            if method in methods and regex.match(path):
                return limit
        return JSON_BODY_LIMIT

    return limit_for


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.strip().isdigit() else None
    return None


async def _too_large(send, limit: int) -> None:
    shown = f"{limit / 1024 / 1024:.0f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    body = json.dumps(
        {
            "detail": {
                "code": "too_large",
                "message": f"Dữ liệu gửi lên quá lớn: giới hạn của địa chỉ này là {shown}.",
                "hint": "Gửi ít dữ liệu hơn; tệp lớn chỉ tải lên qua các địa chỉ tải tệp.",
            }
        },
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


SMALL_BODY = {BODY_LIMIT_KEY: 16 * 1024}  # sign-in, password change: a name and a password
LARGE_BODY = {BODY_LIMIT_KEY: 16 * 1024 * 1024}  # a long meeting's edits, glossaries, task tables


class RefuseNul:
    """A NUL character in the address (path or query, as %00) is refused with a clear 400:
    no real name, code or search holds one, and PostgreSQL cannot even compare it."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and (
            b"%00" in scope.get("query_string", b"")
            or "\x00" in scope.get("path", "")
            or b"%00" in scope.get("raw_path", b"")
        ):
            body = json.dumps(
                {
                    "detail": {
                        "code": "input",
                        "message": "Địa chỉ yêu cầu chứa ký tự NUL (%00), không được phép.",
                        "hint": "Bỏ ký tự đó khỏi đường dẫn hoặc tham số rồi gửi lại.",
                    }
                },
                ensure_ascii=False,
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
