"""Ingesting report files into the store.

Files are hashed first (sha256 of the bytes): a file whose content is
already in the store is skipped, so ingesting twice adds nothing and a
killed run resumes where it stopped (each batch of files is committed).
Reading, extraction, checks, indicators and narrative fingerprints run in a
process pool (or on a Dask cluster); only the main process writes. A file
that cannot be read is recorded with status `failed` and its Chinese reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from nianbao.batch import expand, process
from nianbao.checks import check
from nianbao.corpus import indicators, similarity
from nianbao.store import tables as T
from nianbao.store.db import open_store
from nianbao.store.gazetteer import Place, builtin

Payload = dict[str, Any]
CHUNK = 16  # files per task sent to a worker
_SKIP = (".jsonl",)  # manifests written by `nianbao synth` beside the reports


def sha256_file(path: str) -> tuple[str, int] | None:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest(), len(data)


def _json(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, Decimal):
        v = float(v)
    return json.dumps(v, ensure_ascii=False, default=str)


def extract_file(path: str, sha: str, size: int) -> Payload:
    """Everything the store keeps about one file, as plain picklable data (runs in a worker)."""
    out: Payload = {"source": path, "sha256": sha, "size": size}
    try:
        o = process(path, run_checks=False)
    except Exception as exc:  # a bug on one file must not stop the batch
        out["error"] = f"处理时出错（{type(exc).__name__}: {exc}）"
        return out
    if o.error or o.report is None:
        out["error"] = o.error or "无法处理"
        return out
    r = o.report
    try:
        o.findings = check(r)
    except Exception as exc:  # keep the data even when a check is broken
        out["check_error"] = f"核查时出错（{type(exc).__name__}: {exc}）"
    out.update(
        agency=r.agency,
        year=r.year,
        format=r.format,
        title=r.title,
        published=r.published,
        n_errors=sum(f.severity == "error" for f in o.findings),
        n_warnings=sum(f.severity == "warning" for f in o.findings),
    )
    out["cells"] = [
        (t, rk, ck, None if c.value is None else float(c.value), c.value is None, c.line, c.page)
        for t, rows in r.tables.items()
        for rk, cols in rows.items()
        for ck, c in cols.items()
    ]
    out["findings"] = [
        (f.rule, f.severity, f.message, f.table, f.row, f.column, _json(f.expected), _json(f.actual), f.line)
        for f in o.findings
    ]
    out["sections"] = [(s.key, s.title, s.text, s.line) for s in r.sections.values()]
    out["indicators"] = [(k, n, d) for k, (n, d) in indicators.compute(r).items()]
    out["signature"] = similarity.signature(r)
    return out


def extract_chunk(items: Sequence[tuple[str, str, int]]) -> list[Payload]:
    return [extract_file(p, s, n) for p, s, n in items]


@dataclass
class IngestStats:
    files: int = 0  # files named (after expanding folders)
    skipped: int = 0  # already in the store (same content)
    added: int = 0  # new reports stored
    failed: int = 0  # new files recorded as failed
    unreadable: int = 0  # could not even be opened for hashing
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, reason) of this run's failures


class Writer:
    """Single writer: resolves regions and agencies (cached) and inserts a file's rows."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.regions: dict[tuple[str, ...], int] = {}
        self.region_paths: dict[int, str] = {}
        self.names: dict[str, int] = {}  # agency name variant → agency id
        self.keys: dict[tuple[int | None, str], int] = {}  # (region id, unit) → agency id
        with engine.connect() as conn:
            self._load(conn)

    def _load(self, conn: Connection) -> None:
        rows = conn.execute(select(T.regions.c.id, T.regions.c.name, T.regions.c.parent_id, T.regions.c.path)).all()
        by_id = {r.id: r for r in rows}
        for r in rows:
            names: list[str] = []
            cur: Any = r
            while cur is not None:
                names.append(cur.name)
                cur = by_id.get(cur.parent_id)
            self.regions[tuple(reversed(names))] = r.id
            self.region_paths[r.id] = r.path
        for a in conn.execute(select(T.agency_names.c.name, T.agency_names.c.agency_id)):
            self.names[a.name] = a.agency_id
        for g in conn.execute(select(T.agencies.c.id, T.agencies.c.region_id, T.agencies.c.unit)):
            self.keys[(g.region_id, g.unit)] = g.id

    def region_id(self, conn: Connection, chain: Sequence[Place]) -> int | None:
        parent: int | None = None
        for place in chain:
            rid = self.regions.get(place.path)
            if rid is None:
                rid = conn.execute(
                    insert(T.regions)
                    .values(name=place.name, level=place.level, parent_id=parent, path="")
                    .returning(T.regions.c.id)
                ).scalar_one()
                path = f"{self.region_paths.get(parent, '/') if parent else '/'}{rid}/"
                conn.execute(update(T.regions).where(T.regions.c.id == rid).values(path=path))
                self.regions[place.path] = rid
                self.region_paths[rid] = path
            parent = rid
        return parent

    def agency_id(self, conn: Connection, name: str | None, year: int | None) -> int | None:
        if not name:
            return None
        aid = self.names.get(name)
        if aid is None:
            res = builtin().resolve(name)
            rid = self.region_id(conn, res.region) if res.region else None
            key = (rid, res.unit)
            aid = self.keys.get(key) if rid is not None else None
            if aid is None:
                aid = conn.execute(
                    insert(T.agencies)
                    .values(
                        name=name,
                        unit=res.unit,
                        region_id=rid,
                        is_government=res.is_government,
                        region_source="gazetteer" if rid is not None else "none",
                    )
                    .returning(T.agencies.c.id)
                ).scalar_one()
                self.keys[key] = aid
            conn.execute(insert(T.agency_names).values(agency_id=aid, name=name, first_year=year, last_year=year))
            self.names[name] = aid
        elif year is not None:
            n = T.agency_names
            row = conn.execute(select(n.c.first_year, n.c.last_year).where(n.c.name == name)).one()
            if row.first_year is None or year < row.first_year or row.last_year is None or year > row.last_year:
                conn.execute(
                    update(n)
                    .where(n.c.name == name)
                    .values(first_year=min(year, row.first_year or year), last_year=max(year, row.last_year or year))
                )
        if year is not None:  # the agency carries its latest name
            latest = conn.execute(
                select(T.agency_names.c.name)
                .where(T.agency_names.c.agency_id == aid)
                .order_by(T.agency_names.c.last_year.desc().nulls_last())
                .limit(1)
            ).scalar_one()
            conn.execute(update(T.agencies).where(T.agencies.c.id == aid).values(name=latest))
        return aid

    def write(self, conn: Connection, p: Payload) -> int:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        base = {
            "sha256": p["sha256"],
            "source": p["source"],
            "size": p.get("size"),
            "ingested_at": now,
            "analysed": False,
        }
        if p.get("error"):
            return int(
                conn.execute(
                    insert(T.reports).values(**base, status="failed", error=p["error"]).returning(T.reports.c.id)
                ).scalar_one()
            )
        aid = self.agency_id(conn, p.get("agency"), p.get("year"))
        rid = int(
            conn.execute(
                insert(T.reports)
                .values(
                    **base,
                    status="ok",
                    error=p.get("check_error"),
                    agency_id=aid,
                    agency_name=p.get("agency"),
                    year=p.get("year"),
                    format=p.get("format"),
                    title=p.get("title"),
                    published=p.get("published"),
                    n_errors=p.get("n_errors", 0),
                    n_warnings=p.get("n_warnings", 0),
                )
                .returning(T.reports.c.id)
            ).scalar_one()
        )
        keys = ("table_key", "row_key", "column_key", "value", "blank", "line", "page")
        if p["cells"]:
            conn.execute(insert(T.cells), [dict(zip(keys, c, strict=True), report_id=rid) for c in p["cells"]])
        fkeys = ("rule", "severity", "message", "table_key", "row_key", "column_key", "expected", "actual", "line")
        if p["findings"]:
            conn.execute(
                insert(T.findings),
                [dict(zip(fkeys, f, strict=True), report_id=rid, scope="report") for f in p["findings"]],
            )
        if p["sections"]:
            conn.execute(
                insert(T.sections),
                [{"report_id": rid, "key": k, "title": t, "text": x, "line": ln} for k, t, x, ln in p["sections"]],
            )
        if p["indicators"]:
            conn.execute(
                insert(T.indicator_values),
                [{"report_id": rid, "indicator": k, "numerator": n, "denominator": d} for k, n, d in p["indicators"]],
            )
        if p.get("signature"):
            sig, skel = p["signature"]
            conn.execute(insert(T.signatures).values(report_id=rid, minhash=sig, skeleton=skel))
        return rid


def _local_map(workers: int) -> Callable[[Iterable[list[tuple[str, str, int]]]], Iterator[list[Payload]]]:
    def run(chunks: Iterable[list[tuple[str, str, int]]]) -> Iterator[list[Payload]]:
        if workers <= 1:
            for c in chunks:
                yield extract_chunk(c)
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            pending: list[Future[list[Payload]]] = []
            for c in chunks:
                pending.append(pool.submit(extract_chunk, c))
                # Bounded in flight: memory stays flat however many files there are.
                while len(pending) >= workers * 3:
                    yield pending.pop(0).result()
            for f in pending:
                yield f.result()

    return run


def _dask_map(address: str) -> Callable[[Iterable[list[tuple[str, str, int]]]], Iterator[list[Payload]]]:
    def run(chunks: Iterable[list[tuple[str, str, int]]]) -> Iterator[list[Payload]]:
        from distributed import Client

        with Client(address) as client:  # type: ignore[no-untyped-call]
            limit = max(4, 3 * sum(client.nthreads().values()))
            pending: list[Any] = []
            for c in chunks:
                pending.append(client.submit(extract_chunk, c, pure=False))
                while len(pending) >= limit:
                    yield pending.pop(0).result()
            for f in pending:
                yield f.result()

    return run


def ingest(
    paths: Iterable[str],
    url: str,
    *,
    workers: int | None = None,
    executor: str | None = None,
    commit_every: int = 200,
    analyse: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> IngestStats:
    """Ingest files and folders into the store at `url`.

    `workers`: processes (default: all cores); `executor`: `dask://HOST:PORT`
    to run extraction on a Dask cluster instead. `on_progress(done, total)`
    is called after each file. Returns counts and this run's failures.
    Afterwards the corpus passes (history checks, copy detection) run over
    every report not yet analysed, unless `analyse=False`.
    """
    engine = open_store(url)
    files = [f for f in expand(list(paths)) if not f.endswith(_SKIP)]
    stats = IngestStats(files=len(files))
    with engine.connect() as conn:
        known = set(conn.execute(select(T.reports.c.sha256)).scalars())
    todo: list[tuple[str, str, int]] = []
    for f in files:
        h = sha256_file(f)
        if h is None:
            stats.unreadable += 1
            stats.errors.append((f, "无法打开文件"))
            continue
        if h[0] in known:
            stats.skipped += 1
            continue
        known.add(h[0])
        todo.append((f, h[0], h[1]))
    done = stats.skipped + stats.unreadable
    if on_progress:
        on_progress(done, len(files))
    chunks = (todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK))
    if executor and executor.startswith("dask://"):
        address = executor.removeprefix("dask://")
        mapper = _dask_map(address if "://" in address else "tcp://" + address)
    else:
        mapper = _local_map(workers or os.cpu_count() or 1)
    writer = Writer(engine)
    conn = engine.connect()
    try:
        tx = conn.begin()
        since = 0
        for payloads in mapper(chunks):
            for p in payloads:
                writer.write(conn, p)
                if p.get("error"):
                    stats.failed += 1
                    stats.errors.append((p["source"], p["error"]))
                else:
                    stats.added += 1
                done += 1
                since += 1
                if since >= commit_every:
                    tx.commit()
                    tx = conn.begin()
                    since = 0
                if on_progress:
                    on_progress(done, len(files))
        tx.commit()
    finally:
        conn.close()
    if analyse:
        from nianbao.store.analyse import analyse_pending

        analyse_pending(engine)
    return stats
