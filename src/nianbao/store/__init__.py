"""The corpus store: many reports in one database (SQLite file by default, PostgreSQL by URL).

Open with `open_store(url)` (migrates to the latest schema), fill with
`ingest(paths, url)`, read with the query functions in `nianbao.store.queries`
(plain dicts and dataclasses, for the CLI and the web app).
"""

from nianbao.store.db import engine_for, migrate, normalize_url, open_store
from nianbao.store.ingest import IngestStats, ingest

__all__ = ["IngestStats", "engine_for", "ingest", "migrate", "normalize_url", "open_store"]
