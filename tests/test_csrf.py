"""CSRF: a cookie-authenticated unsafe request needs this site's Origin and the session's
X-CSRF-Token; bearer-token API calls are exempt; reads are never affected."""

import re

import pytest
from fastapi.testclient import TestClient

import db
from api import create_app
from db import accounts
from ketluan.settings import Settings

PASSWORD = "mat-khau-dung"
MEETING = {"title": "Họp giao ban tháng 9"}


@pytest.fixture
def client(tmp_path):
    settings = Settings(data_dir=tmp_path, trusted_origins=["https://cong.tinh.gov.vn"])
    app = create_app(settings, send=lambda job_id, stage: None)
    with db.session(app.state.engine) as s:
        accounts.create_user(s, "vanthu", PASSWORD, "van_thu", "VP")
    with TestClient(app) as c:  # base URL http://testserver: the Host the checks compare to
        yield c
    app.state.engine.dispose()


def _sign_in(c: TestClient) -> dict:
    r = c.post("/api/auth/login", json={"username": "vanthu", "password": PASSWORD})
    assert r.status_code == 200 and c.cookies.get("ketluan_session")
    return r.json()


def test_cross_site_request_with_a_valid_session_cookie_is_refused(client):
    token = _sign_in(client)["csrf_token"]
    # What a page on another site can make a browser send: the cookie, its own Origin, no token.
    r = client.post("/api/meetings", json=MEETING, headers={"Origin": "https://trang-la.example"})
    assert r.status_code == 403
    assert r.json()["detail"]["code"] == "csrf"
    assert "trang khác" in r.json()["detail"]["message"]
    # Even with the right token (a leaked one), a foreign Origin or Referer is refused.
    for header in ({"Origin": "http://evil.example"}, {"Referer": "http://evil.example/form.html"}):
        r = client.post("/api/meetings", json=MEETING, headers={"X-CSRF-Token": token, **header})
        assert r.status_code == 403, header
    # A form another site submits with no Origin at all still lacks the token.
    r = client.delete("/api/meetings/1")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]["message"]
    r = client.post("/api/meetings", json=MEETING, headers={"X-CSRF-Token": "0" * 64})
    assert r.status_code == 403
    assert client.get("/api/meetings").json() == []  # nothing was created


def test_the_web_page_way_works(client):
    login = _sign_in(client)
    page = client.get("/upload")
    token = re.search(r'<meta name="csrf-token" content="([0-9a-f]{64})">', page.text).group(1)
    assert token == login["csrf_token"]  # bound to this session
    same_site = {"X-CSRF-Token": token, "Origin": "http://testserver"}
    r = client.post("/api/meetings", json=MEETING, headers=same_site)
    assert r.status_code == 201, r.text
    mid = r.json()["id"]
    r = client.patch(f"/api/meetings/{mid}", json={"place": "Hội trường"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200  # no Origin (older browsers on same-origin PATCH): the token suffices
    trusted = {"X-CSRF-Token": token, "Referer": "https://cong.tinh.gov.vn/ketluan/upload"}
    assert client.post("/api/meetings", json=MEETING, headers=trusted).status_code == 201
    # Another session's token does not fit this one.
    other = client.post("/api/auth/login", json={"username": "vanthu", "password": PASSWORD}).json()
    assert other["csrf_token"] != token
    assert client.delete(f"/api/meetings/{mid}", headers={"X-CSRF-Token": token}).status_code == 403
    assert client.delete(f"/api/meetings/{mid}", headers={"X-CSRF-Token": other["csrf_token"]}).status_code == 204
    assert client.post("/api/auth/logout", headers={"X-CSRF-Token": other["csrf_token"]}).status_code == 204


def test_bearer_clients_and_sign_in_need_no_token(client):
    bearer = {"Authorization": f"Bearer {_sign_in(client)['token']}"}
    client.cookies.clear()
    r = client.post("/api/meetings", json=MEETING, headers={**bearer, "Origin": "https://x.example"})
    assert r.status_code == 201
    # Signing in needs no token even with a stale session cookie in the browser…
    client.cookies.set("ketluan_session", "da-het-han")
    assert client.post("/api/auth/login", json={"username": "vanthu", "password": PASSWORD}).status_code == 200
    # …but another site cannot sign a browser in (login CSRF).
    r = client.post(
        "/api/auth/login",
        json={"username": "vanthu", "password": PASSWORD},
        headers={"Origin": "https://trang-la.example"},
    )
    assert r.status_code == 403
