"""Sign-in throttling: repeated wrong passwords lock the account (and a client address) for a
while, doubling after each further failure; the lock holds across API processes because its
state is in the database; refusals are 429 with Retry-After and a Vietnamese message."""

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

import db
from api import create_app
from db import accounts
from ketluan.settings import Settings
from tests.service_fixtures import new_database

PASSWORD = "mat-khau-dung"


@pytest.fixture(params=["sqlite", "postgresql"])
def two_processes(request, tmp_path) -> Iterator[tuple[TestClient, TestClient]]:
    """Two API apps (as two uvicorn workers or two nodes would be) on one database."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'k.sqlite'}"
        else:
            url = stack.enter_context(new_database())
        settings = Settings(
            data_dir=tmp_path,
            database_url=url,
            login_max_failures=3,
            login_ip_max_failures=8,
            login_lock_seconds=30,
            login_max_lock_seconds=100,
            login_failure_window_seconds=600,
        )
        apps = [create_app(settings, send=lambda job_id, stage: None) for _ in range(2)]
        with db.session(apps[0].state.engine) as s:
            accounts.create_user(s, "vanthu", PASSWORD, "van_thu", "VP")
        clients = [stack.enter_context(TestClient(app)) for app in apps]
        yield clients[0], clients[1]
        for app in apps:
            app.state.engine.dispose()


def _login(client: TestClient, username: str, password: str):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_wrong_passwords_lock_the_account_in_every_process(two_processes):
    a, b = two_processes
    assert _login(a, "vanthu", "sai-1").status_code == 401
    assert _login(b, "vanthu", "sai-2").status_code == 401  # the other process counts on
    r = _login(a, "VanThu", "sai-3")  # the third failure (any letter case) starts the lock
    assert r.status_code == 429, r.text
    assert r.headers["retry-after"] == "30"
    detail = r.json()["detail"]
    assert detail["code"] == "rate_limited" and detail["retry_after"] == 30
    assert "tạm khóa đăng nhập trong 30 giây" in detail["message"]
    assert "Chờ 30 giây" in detail["hint"]
    # Locked: even the right password is refused, in the other process too, without checking it.
    r = _login(b, "vanthu", PASSWORD)
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 30
    engine = a.app.state.engine
    with db.session(engine) as s:
        event = s.scalar(select(db.AuditEvent).where(db.AuditEvent.action == "lockout"))
        assert event.username == "vanthu" and event.detail["scope"] == "user"
        assert event.detail["failures"] == 3 and event.detail["seconds"] == 30

    # The lock runs out; one more wrong password locks again, for twice as long.
    _expire_locks(engine)
    r = _login(b, "vanthu", "sai-4")
    assert r.status_code == 429 and r.headers["retry-after"] == "60"
    assert "1 phút" in r.json()["detail"]["message"]
    _expire_locks(engine)
    r = _login(a, "vanthu", "sai-5")
    assert r.headers["retry-after"] == "100"  # capped at login_max_lock_seconds
    assert "1 phút 40 giây" in r.json()["detail"]["message"]

    # After the lock, the right password works and the account's count starts again.
    _expire_locks(engine)
    assert _login(a, "vanthu", PASSWORD).status_code == 200
    assert _login(b, "vanthu", "sai-6").status_code == 401
    assert _login(b, "vanthu", "sai-7").status_code == 401


def test_many_accounts_tried_from_one_address_lock_the_address(two_processes):
    a, b = two_processes
    for i in range(7):  # guessing different names: no single account reaches its limit
        client = a if i % 2 else b
        assert _login(client, f"khong-co-{i}", "doan-mo").status_code == 401
    r = _login(a, "khong-co-7", "doan-mo")
    assert r.status_code == 429
    assert "địa chỉ testclient" in r.json()["detail"]["message"]
    # Everyone signing in from that address waits, even with a right password.
    assert _login(b, "vanthu", PASSWORD).status_code == 429
    with db.session(a.app.state.engine) as s:
        event = s.scalar(select(db.AuditEvent).where(db.AuditEvent.action == "lockout"))
        assert event.detail["scope"] == "ip" and event.user_id is None


def test_failures_far_apart_start_a_new_count(two_processes):
    a, _ = two_processes
    engine = a.app.state.engine
    assert _login(a, "vanthu", "sai-1").status_code == 401
    assert _login(a, "vanthu", "sai-2").status_code == 401
    with db.session(engine) as s:  # the last failure was longer ago than the window
        s.execute(update(db.LoginThrottle).values(last_failure_at=db.utcnow() - timedelta(seconds=601)))
    assert _login(a, "vanthu", "sai-3").status_code == 401  # 1 of 3 again, not 3 of 3
    with db.session(engine) as s:
        assert s.scalar(select(db.LoginThrottle.failures).where(db.LoginThrottle.key == "user:vanthu")) == 1


def test_changing_the_password_is_throttled_too(two_processes):
    """A stolen session must not be a way to guess the current password."""
    a, _ = two_processes
    token = _login(a, "vanthu", PASSWORD).json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    body = {"old_password": "doan-sai", "new_password": "mat-khau-moi-dai"}
    assert a.post("/api/auth/password", json=body, headers=h).status_code == 400
    assert a.post("/api/auth/password", json=body, headers=h).status_code == 400
    r = a.post("/api/auth/password", json=body, headers=h)
    assert r.status_code == 429 and "tạm khóa" in r.json()["detail"]["message"]
    right = {"old_password": PASSWORD, "new_password": "mat-khau-moi-dai"}
    assert a.post("/api/auth/password", json=right, headers=h).status_code == 429


def _expire_locks(engine) -> None:
    """Let time pass: every lock ends now (the lock length is what is under test)."""
    with db.session(engine) as s:
        s.execute(
            update(db.LoginThrottle)
            .where(db.LoginThrottle.locked_until.is_not(None))
            .values(locked_until=db.utcnow() - timedelta(seconds=1))
        )
