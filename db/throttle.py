"""Sign-in throttling: too many failed passwords for one account, or from one address, lock
further attempts for a while, doubling with each failure after the lock (exponential back-off).

The counts live in the database (table login_throttle), so every API process and node sees
the same ones. Each failure is one atomic upsert; a locked key is refused before the password
is even checked, so a locked account cannot be probed.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
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
    if rows:
        key, until, failures = max(rows, key=lambda r: r[1])
        raise refusal(Lock(key, _seconds(until - now), failures))


def record_failure(
    s: Session, key: str, limit: int, policy: Policy, now: datetime | None = None
) -> Lock | None:
    """Count one failure for `key` (in the caller's transaction); the Lock if it starts one."""
    now = now or utcnow()
    failures = _bump(s, key, now, now - timedelta(seconds=policy.window_seconds))
    if failures < limit:
        return None
    seconds = min(policy.lock_seconds * 2 ** (failures - limit), policy.max_lock_seconds)
    until = now + timedelta(seconds=seconds)
    s.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(locked_until=until))
    return Lock(key, _seconds(until - now), failures)


def clear(s: Session, key: str) -> None:
    """A correct password: the account's count starts again (the address's does not)."""
    s.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def refusal(lock: Lock) -> RateLimited:
    wait = human_seconds(lock.seconds)
    if lock.scope == "ip":
        message = (
            f"Máy này đã đăng nhập sai quá nhiều lần; tạm dừng đăng nhập từ địa chỉ "
            f"{lock.key[3:]} trong {wait}."
        )
    else:
        message = (
            f"Tài khoản '{lock.key[5:]}' đã đăng nhập sai quá nhiều lần; tạm khóa đăng nhập "
            f"trong {wait}."
        )
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


def _bump(s: Session, key: str, now: datetime, stale: datetime) -> int:
    """Atomic upsert: failures + 1, or 1 if the last failure is older than the window."""
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = LoginThrottle.__table__
    stmt = insert(table).values(key=key, failures=1, last_failure_at=now, locked_until=None)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "failures": case(
                (table.c.last_failure_at < stale, 1), else_=table.c.failures + 1
            ),
            "last_failure_at": now,
        },
    ).returning(table.c.failures)
    return s.execute(stmt).scalar_one()


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))
