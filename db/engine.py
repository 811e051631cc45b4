"""Engines, sessions and Alembic migrations (run in code, so they ship with the package)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, Engine, Result, create_engine, event, inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ketluan.errors import KetluanError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseError(KetluanError):
    code = "database"


def connect(url: str) -> Engine:
    """An engine on `url`, with the schema migrated to the latest revision."""
    engine = make_engine(url)
    migrate(engine)
    return engine


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema; safe to call from several processes at once on PostgreSQL."""
    from alembic import command

    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                # A batch ALTER copies a table and drops the old one; with foreign keys on,
                # SQLite applies ON DELETE actions to the rows referring to it (0003 copies
                # jobs, which transcript versions refer to). The pragma is a no-op inside a
                # transaction, so it is set before one, and the references checked after.
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            try:
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727172)")  # one migrator at a time
                    cfg = _alembic_config(engine)
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, revision)
                    if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                        raise DatabaseError(
                            "Nâng cấp cơ sở dữ liệu để lại tham chiếu hỏng; đã hoàn tác.",
                            "Báo quản trị viên (chạy `PRAGMA foreign_key_check` trên tệp SQLite).",
                        )
            finally:
                if sqlite:
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.commit()
    except OperationalError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseError(
            f"Không kết nối được cơ sở dữ liệu ({where}).",
            "Kiểm tra KETLUAN_DATABASE_URL và dịch vụ PostgreSQL.",
        ) from exc


def sessionmaker_for(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    s = Session(engine, expire_on_commit=False)
    try:
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise
    finally:
        s.close()


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets the API read while a worker writes; foreign keys are off by default in SQLite.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE run through Session.execute matched (typed there as a plain
    Result; it is a CursorResult, which has the count)."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"no row count on {type(result).__name__}: not an UPDATE or DELETE")
    return result.rowcount
