"""Cross-site request forgery defence for cookie-authenticated requests.

SameSite=Lax cookies already keep most cross-site POSTs from carrying the session; on top of
that, every unsafe request (POST, PUT, PATCH, DELETE) that is not a bearer-token API call must
1. come from this site: its Origin (or, failing that, Referer) names this host, and
2. carry the session's CSRF token in the X-CSRF-Token header when it sends the session cookie.

The token is derived from the session token (an HMAC), so it is bound to the session, needs
no storage, and cannot be computed by a page that cannot read the HttpOnly cookie. Pages get
it in <meta name="csrf-token"> (base.html) and app.js sends it on every fetch and upload; API
scripts that use the cookie get it in the login response. Bearer calls are exempt: a browser
never adds an Authorization header to a cross-site request on its own.
"""

import hashlib
import hmac
import json
from urllib.parse import urlsplit

from starlette.requests import Request, cookie_parser

from api.deps import SESSION_COOKIE

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
HEADER = "x-csrf-token"
# Signing in does not use the session cookie (a stale one may be present); it is still
# checked for a foreign Origin, so no other site can sign a browser in to its own account.
NO_TOKEN_PATHS = frozenset({"/api/auth/login"})


def token_for(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"ketluan-csrf", hashlib.sha256).hexdigest()


def token_for_request(request: Request) -> str:
    """The CSRF token of the request's session cookie ("" without one): for the templates."""
    session = request.cookies.get(SESSION_COOKIE)
    return token_for(session) if session else ""


class CSRFMiddleware:
    def __init__(self, app, trusted_origins: list[str] | tuple[str, ...] = ()) -> None:
        self.app = app
        self.trusted = {_netloc(o) for o in trusted_origins if o}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("authorization", "").lower().startswith("bearer "):
            await self.app(scope, receive, send)
            return
        problem = self._problem(scope, headers)
        if problem is None:
            await self.app(scope, receive, send)
            return
        await _refuse(send, *problem)

    def _problem(self, scope, headers: dict[str, str]) -> tuple[str, str] | None:
        source = headers.get("origin") or _origin_of(headers.get("referer", ""))
        host = _netloc(headers.get("host", ""))
        if source and _netloc(source) != host and _netloc(source) not in self.trusted:
            return (
                f"Yêu cầu đến từ trang khác ({source[:100]}) nên bị từ chối.",
                "Mở ketluan trực tiếp bằng địa chỉ của cơ quan rồi thao tác lại.",
            )
        session = _cookie(headers.get("cookie", ""), SESSION_COOKIE)
        if session is None or scope["path"] in NO_TOKEN_PATHS:
            return None  # nothing to forge with: the route answers 401 if it needs a user
        if not hmac.compare_digest(headers.get(HEADER, ""), token_for(session)):
            return (
                "Yêu cầu thiếu mã xác thực chống giả mạo (CSRF) hoặc mã đã cũ.",
                "Tải lại trang rồi thao tác lại; chương trình gọi API hãy dùng "
                "'Authorization: Bearer', hoặc gửi X-CSRF-Token nhận được khi đăng nhập.",
            )
        return None


async def _refuse(send, message: str, hint: str) -> None:
    body = json.dumps({"detail": {"code": "csrf", "message": message, "hint": hint}}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _netloc(url_or_host: str) -> str:
    """'https://Host:443' and 'host' → 'host' (default ports dropped, lower case)."""
    text = url_or_host.strip().lower()
    netloc = urlsplit(text).netloc if "://" in text else text
    for default in (":80", ":443"):
        if netloc.endswith(default):
            netloc = netloc[: -len(default)]
    return netloc


def _origin_of(referer: str) -> str:
    parts = urlsplit(referer)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _cookie(header: str, name: str) -> str | None:
    """The cookie as the app itself will read it (Starlette's parser)."""
    return cookie_parser(header).get(name) if name in header else None
