"""Web-facing hardening (issue 11): the sign-in redirect stays on this site, every answer carries
the security headers, request bodies are bounded per route, parallel wrong passwords cannot
outrun the lockout count, and trivial passwords are refused."""

import json
import re
import threading
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import db
from api import create_app
from db import accounts
from ketluan.errors import InputError
from ketluan.settings import Settings
from tests.service_fixtures import ApiServer, new_database

PASSWORD = "mat-khau-dung"


@pytest.fixture
def client(tmp_path) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path), send=lambda job_id, stage: None)
    with db.session(app.state.engine) as s:
        accounts.create_user(s, "vanthu", PASSWORD, "van_thu", "VP")
        accounts.create_user(s, "quantri", PASSWORD, "admin")
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def _bearer(c: TestClient, username: str = "vanthu") -> dict[str, str]:
    r = c.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    c.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['token']}"}


# -- finding 5: open redirect after sign-in ---------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/\\127.0.0.1:8000/phish.html",
        "//evil.example/x",
        "/\t/evil.example",
        "https://evil.example/",
        "/\n/evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/\\/evil.example",
        " /x",
    ],
)
def test_sign_in_never_redirects_off_site(client, target):
    r = client.get("/login", params={"next": target})
    form_next = re.search(r'data-next="([^"]*)"', r.text).group(1)
    assert form_next == "/", (target, form_next)


def test_sign_in_keeps_a_same_site_path_normalised(client):
    r = client.get("/login", params={"next": "/meetings/../tracking/./tasks/7?x=1"})
    assert re.search(r'data-next="([^"]*)"', r.text).group(1) == "/tracking/tasks/7?x=1"


# -- finding 10: security headers ---------------------------------------------------------


def test_every_answer_has_the_security_headers(client):
    auth = _bearer(client)
    answers = [
        client.get("/login"),
        client.get("/api/health"),
        client.get("/api/meetings", headers=auth),
        client.get("/api/meetings/999", headers=auth),
        client.get("/static/app.js"),
        client.post("/api/auth/login", content=b"{", headers={"content-type": "application/json"}),
    ]
    for r in answers:
        where = f"{r.request.method} {r.request.url.path} {r.status_code}"
        csp = r.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, where
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0], where
        assert r.headers.get("x-frame-options") == "DENY", where
        assert r.headers.get("x-content-type-options") == "nosniff", where
        assert r.headers.get("referrer-policy") == "same-origin", where


def test_pages_have_no_inline_script_and_docs_allow_only_theirs(client):
    client.post("/api/auth/login", json={"username": "quantri", "password": PASSWORD})
    for page in ("/login", "/meetings", "/upload", "/tracking", "/admin", "/account"):
        html = client.get(page).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page  # would be blocked
        assert not re.search(r"\son[a-z]+=", html), page  # inline handlers: blocked too
    docs = client.get("/docs")
    csp = docs.headers["content-security-policy"]
    assert re.search(r"script-src 'self' 'sha256-[A-Za-z0-9+/=]+'", csp), csp


# -- finding 8: request body limits ---------------------------------------------------------


def test_a_huge_json_body_is_refused_before_it_is_read(client):
    huge = b'{"username": "' + b"a" * (2 * 1024 * 1024) + b'", "password": "x"}'
    r = client.post("/api/auth/login", content=huge, headers={"content-type": "application/json"})
    assert r.status_code == 413, r.text
    assert "quá lớn" in r.json()["detail"]["message"]
    auth = _bearer(client)
    r = client.post(
        "/api/meetings",
        content=b'{"title": "' + b"x" * (20 * 1024 * 1024) + b'"}',
        headers={**auth, "content-type": "application/json"},
    )
    assert r.status_code == 413


def test_a_streamed_body_without_length_is_cut_at_the_limit(client):
    read = []

    def chunks():
        for _ in range(64):  # 64 × 64 KB = 4 MB, no Content-Length
            read.append(1)
            yield b" " * 65536

    r = client.post("/api/auth/login", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413, r.text


def test_every_route_has_a_body_limit_small_unless_it_uploads(client):
    from api.middleware import JSON_BODY_LIMIT, route_body_limits
    from tests.test_api_authz import api_routes

    app = client.app
    limits = route_body_limits(app, app.state.settings.max_upload_bytes)
    for route in api_routes(app.routes):
        for method in route.methods - {"GET", "HEAD"}:
            path = re.sub(r"\{[^}]+\}", "1", route.path)
            limit = limits(method, path)
            if (route.openapi_extra or {}).get("x-upload"):
                assert limit > app.state.settings.max_upload_bytes, route.path
            else:
                assert limit <= 16 * 1024 * 1024, (method, route.path, limit)
    assert limits("POST", "/api/auth/login") <= 16 * 1024 < JSON_BODY_LIMIT


# -- finding 9: parallel wrong passwords --------------------------------------------------


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_parallel_wrong_passwords_check_no_more_than_the_limit(tmp_path, kind, monkeypatch):
    import contextlib

    from api import deps

    with contextlib.ExitStack() as stack:
        url = f"sqlite:///{tmp_path / 'k.sqlite'}" if kind == "sqlite" else stack.enter_context(new_database())
        settings = Settings(data_dir=tmp_path, database_url=url, login_max_failures=5, login_ip_max_failures=1000)
        app = create_app(settings, send=lambda job_id, stage: None)
        with db.session(app.state.engine) as s:
            accounts.create_user(s, "vanthu", PASSWORD, "van_thu", "VP")
        checked, lock = [], threading.Lock()
        real = deps.accounts.authenticate

        def counting(s, username, password):
            with lock:
                checked.append(password)
            return real(s, username, password)

        monkeypatch.setattr(deps.accounts, "authenticate", counting)
        server = stack.enter_context(ApiServer(app))
        codes, start = [], threading.Barrier(40)

        def attempt(n: int) -> None:
            with httpx.Client(base_url=server.url, timeout=60) as c:
                start.wait()
                r = c.post("/api/auth/login", json={"username": "vanthu", "password": f"sai-{n}"})
                with lock:
                    codes.append(r.status_code)

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        app.state.engine.dispose()
    assert len(codes) == 40 and set(codes) <= {401, 429}, codes
    assert len(checked) <= 5, f"{len(checked)} passwords checked against a limit of 5"
    assert codes.count(401) == 4 and codes.count(429) == 36, codes


def test_right_password_after_wrong_ones_clears_the_account_count(client):
    for n in range(3):
        assert client.post("/api/auth/login", json={"username": "vanthu", "password": f"sai-{n}"}).status_code == 401
    assert client.post("/api/auth/login", json={"username": "vanthu", "password": PASSWORD}).status_code == 200
    with db.session(client.app.state.engine) as s:
        rows = {r.key: r.failures for r in s.scalars(select(db.LoginThrottle))}
    assert "user:vanthu" not in rows and rows["ip:testclient"] == 3  # the right one is not counted


# -- finding 15: password policy ------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "12345678",
        "87654321",
        "abcdefgh",
        "qwertyui",
        "aaaaaaaa",
        "abababab",
        "Password1",
        "matkhau123",
        "Mật-Khẩu@2024",
        "vanthu.moi",
        "11111111!",
        "iloveyou",
        "admin2024",
    ],
)
def test_trivial_passwords_are_refused_with_the_rule(tmp_path, password):
    engine = db.connect(f"sqlite:///{tmp_path / 'k.sqlite'}")
    with db.session(engine) as s, pytest.raises(InputError) as refused:
        accounts.create_user(s, "vanthu.moi", password, "van_thu", "VP")
    assert "không phải mật khẩu phổ biến" in refused.value.hint
    assert "không trùng tên đăng nhập" in refused.value.hint
    engine.dispose()


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("lanhdao2026", "tên đăng nhập"),
        ("12345678", "dãy liên tiếp"),
        ("aaaaaaaaaa", "lặp lại"),
        ("matkhau123", "phổ biến"),
        ("4839201756", "chữ số"),
    ],
)
def test_the_refusal_says_which_rule_the_password_breaks(tmp_path, password, reason):
    """Walking the chain as a new office: "lanhdao2026" for lanhdao was refused as "quá dễ
    đoán" with the whole rule, leaving the admin to guess which part it broke."""
    engine = db.connect(f"sqlite:///{tmp_path / 'k.sqlite'}")
    with db.session(engine) as s, pytest.raises(InputError) as refused:
        accounts.create_user(s, "lanhdao", password, "lanh_dao", "VP")
    assert refused.value.message.startswith("Mật khẩu quá dễ đoán: ") and reason in refused.value.message
    engine.dispose()


def test_good_passwords_pass_and_the_api_says_the_rule(client):
    with db.session(client.app.state.engine) as s:
        for good in ("mật-khẩu-dài", "Ha-Noi-mua-thu-2026", "giao-ban-sang-thu-2"):
            accounts.create_user(s, f"u{len(good)}{good[:3]}".replace("ậ", "a"), good, "van_thu", "VP")
    auth = _bearer(client, "quantri")
    r = client.post(
        "/api/users",
        headers=auth,
        json={"username": "chuyenvien", "password": "12345678", "role": "van_thu", "unit_code": "VP"},
    )
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert detail["message"].startswith("Mật khẩu quá dễ đoán: ") and "ít nhất 10 ký tự" in detail["hint"]
    r = client.post(
        "/api/auth/password", headers=_bearer(client), json={"old_password": PASSWORD, "new_password": "vanthu2024"}
    )
    assert r.status_code == 400 and "dễ đoán" in r.json()["detail"]["message"]
    assert json.dumps(detail, ensure_ascii=False).count("Mật khẩu") >= 1
