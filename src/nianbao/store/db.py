"""Opening the store: engines, SQLite tuning and migrations.

The URL is any SQLAlchemy URL; a bare path means a SQLite file
(`corpus.db` → `sqlite:///corpus.db`), so the default needs no setup.
PostgreSQL: `postgresql+psycopg://user:pass@host/db` (the `postgres` extra).
"""

from __future__ import annotations

import threading
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def normalize_url(url: str) -> str:
    """A SQLAlchemy URL from a URL or a file path; `postgresql://` uses psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


def engine_for(url: str) -> Engine:
    """A shared engine for `url` (created once per process)."""
    url = normalize_url(url)
    with _lock:
        eng = _engines.get(url)
        if eng is None:
            eng = create_engine(url, future=True)
            if eng.dialect.name == "sqlite":
                event.listen(eng, "connect", _sqlite_pragmas)
            _engines[url] = eng
        return eng


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "nianbao.store:migrations")
    return cfg


def _transactional_sqlite(url: str) -> Engine:
    """An engine whose transactions hold DDL too. Python's sqlite3 runs CREATE TABLE outside
    any transaction, so a migration killed half-way left tables without its version stamp
    and the store could not be opened again; SQLAlchemy's recipe: the driver in autocommit,
    and an explicit BEGIN (IMMEDIATE: a second process migrating waits for the first)."""
    eng = create_engine(normalize_url(url), future=True, poolclass=NullPool)
    event.listen(eng, "connect", _sqlite_pragmas)

    @event.listens_for(eng, "connect")
    def _driver_autocommit(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(eng, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return eng


def migrate(url: str, revision: str = "head") -> Engine:
    """Bring the database at `url` to `revision` (default: the latest) in one transaction, so
    an interrupted migration leaves the store as it was; returns the store's engine."""
    eng = engine_for(url)
    mig = _transactional_sqlite(url) if eng.dialect.name == "sqlite" else eng
    cfg = alembic_config()
    try:
        with mig.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        if mig is not eng:
            mig.dispose()
    return eng


def open_store(url: str) -> Engine:
    """The engine of a migrated store (migrates on first use; cheap when already at head)."""
    return migrate(url)


def dispose_all() -> None:
    with _lock:
        for eng in _engines.values():
            eng.dispose()
        _engines.clear()
