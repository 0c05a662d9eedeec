"""Alembic environment: runs on the connection handed over by `nianbao.store.db.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from nianbao.store.tables import metadata

config = context.config
connection = config.attributes.get("connection")


def _run(conn: Connection) -> None:
    context.configure(
        connection=conn,
        target_metadata=metadata,
        render_as_batch=conn.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:  # `alembic -x url=...` from the command line
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url or "sqlite:///nianbao.db")
    with engine.begin() as conn:
        _run(conn)
