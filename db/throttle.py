"""Sign-in throttling: too many failed passwords for one account, or from one address, lock
further attempts for a while, doubling with each failure after the lock (exponential back-off).

The counts live in the database (table login_throttle), so every API process and node sees
the same ones. Each attempt is counted by one atomic upsert *before* its password is checked,
and a locked key is refused before the password is even checked, so a locked account cannot be
probed, and many parallel attempts cannot all pass the check before the first one is counted.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import LoginThrottle, utcnow
from ketluan.errors import RateLimited


@dataclass(frozen=True)
class Policy:
    max_failures: int = 5  # per account, before the first lock
    ip_max_failures: int = 20  # per client address (several people may share an office NAT)
    lock_seconds: float = 30.0  # the first lock; each further failure doubles it
    max_lock_seconds: float = 900.0
    window_seconds: float = 900.0  # failures further apart than this start the count again

    @classmethod
    def of(cls, settings) -> "Policy":
        return cls(
            max_failures=settings.login_max_failures,
            ip_max_failures=settings.login_ip_max_failures,
            lock_seconds=settings.login_lock_seconds,
            max_lock_seconds=settings.login_max_lock_seconds,
            window_seconds=settings.login_failure_window_seconds,
        )


@dataclass(frozen=True)
class Lock:
    key: str
    seconds: int  # left to wait, rounded up
    failures: int

    @property
    def scope(self) -> str:
        return self.key.split(":", 1)[0]  # user | ip


def keys(username: str, ip: str) -> list[str]:
    return [user_key(username), f"ip:{ip or '?'}"[:160]]


def user_key(username: str) -> str:
    return f"user:{username.strip().lower()}"[:160]


def check(s: Session, keys: list[str], now: datetime | None = None) -> None:
    """Raise RateLimited if any key is locked now."""
    now = now or utcnow()
    rows = s.execute(
        select(LoginThrottle.key, LoginThrottle.locked_until, LoginThrottle.failures).where(
            LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now
        )
    ).all()
    locks = [(until, key, failures) for key, until, failures in rows if until is not None]
    if locks:
        until, key, failures = max(locks, key=lambda lock: lock[0])
        raise refusal(Lock(key, _seconds(until - now), failures))


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt, counted as a failure before its password is checked."""

    key: str
    failures: int  # this attempt's number in the current window
    holds: bool  # it reached the limit: the key stays locked while its password is checked


def reserve(s: Session, key: str, limit: int, policy: Policy, now: datetime | None = None) -> Attempt | None:
    """Count an attempt on `key` as a failure before the password is checked, in one atomic
    statement that also refuses a locked key (None). Parallel attempts therefore each get their
    own number, and those past the limit never reach the password check: the attempt that
    reaches the limit locks the key until it knows its outcome (`failed` or `succeeded`)."""
    now = now or utcnow()
    stale = now - timedelta(seconds=policy.window_seconds)
    hold = now + timedelta(seconds=policy.max_lock_seconds + 60)
    table = LoginThrottle.__table__
    assert isinstance(table, Table)  # a declarative class's table (typed as any FromClause)
    counted = case((table.c.last_failure_at < stale, 1), else_=table.c.failures + 1)
    insert = _insert(s, table).values(
        key=key, failures=1, last_failure_at=now, locked_until=hold if limit <= 1 else None
    )
    stmt = insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "failures": counted,
            "last_failure_at": now,
            "locked_until": case((counted >= limit, hold), else_=table.c.locked_until),
        },
        where=or_(table.c.locked_until.is_(None), table.c.locked_until <= now),
    ).returning(table.c.failures)
    failures = s.execute(stmt).scalar()
    if failures is None:
        return None
    return Attempt(key, failures, failures >= limit)


def failed(s: Session, attempt: Attempt, limit: int, policy: Policy, now: datetime | None = None) -> Lock | None:
    """The password was wrong: the count stands; the Lock if this attempt starts one."""
    if not attempt.holds:
        return None
    now = now or utcnow()
    seconds = min(policy.lock_seconds * 2 ** (attempt.failures - limit), policy.max_lock_seconds)
    until = now + timedelta(seconds=seconds)
    s.execute(update(LoginThrottle).where(LoginThrottle.key == attempt.key).values(locked_until=until))
    return Lock(attempt.key, _seconds(until - now), attempt.failures)


def succeeded(s: Session, attempt: Attempt, clear_count: bool) -> None:
    """The password was right: the account's count starts again (`clear_count`); an address's
    count only loses this attempt, and a hold it took is released."""
    if clear_count:
        clear(s, attempt.key)
        return
    row = LoginThrottle.__table__.c
    values: dict[str, Any] = {"failures": case((row.failures > 0, row.failures - 1), else_=0)}
    if attempt.holds:
        values["locked_until"] = None
    s.execute(update(LoginThrottle).where(LoginThrottle.key == attempt.key).values(**values))


def clear(s: Session, key: str) -> None:
    """A correct password: the account's count starts again (the address's does not)."""
    s.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def refusal(lock: Lock) -> RateLimited:
    wait = human_seconds(lock.seconds)
    if lock.scope == "ip":
        message = f"Máy này đã đăng nhập sai quá nhiều lần; tạm dừng đăng nhập từ địa chỉ {lock.key[3:]} trong {wait}."
    else:
        message = f"Tài khoản '{lock.key[5:]}' đã đăng nhập sai quá nhiều lần; tạm khóa đăng nhập trong {wait}."
    return RateLimited(
        message,
        f"Chờ {wait} rồi đăng nhập lại. Quên mật khẩu: nhờ quản trị viên đặt lại.",
        retry_after=lock.seconds,
    )


def human_seconds(seconds: int) -> str:
    """'45 giây', '2 phút 30 giây', '1 giờ 5 phút'."""
    h, rest = divmod(max(int(seconds), 1), 3600)
    m, sec = divmod(rest, 60)
    parts = [f"{h} giờ"] if h else []
    if m:
        parts.append(f"{m} phút")
    if sec and not h:
        parts.append(f"{sec} giây")
    return " ".join(parts)


def _insert(s: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    if s.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))
