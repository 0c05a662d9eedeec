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
import itertools
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, ClassVar

from sqlalchemy import Connection, Engine, insert, select, update

from nianbao.batch import expand, process
from nianbao.budget import BUG_REASON, Budget, FileFailure, Pool
from nianbao.checks import check
from nianbao.corpus import indicators, similarity
from nianbao.readers.errors import display_path, os_reason
from nianbao.store import tables as T
from nianbao.store.db import open_store
from nianbao.store.gazetteer import Place, Resolution, builtin

log = logging.getLogger("nianbao.store")
Payload = dict[str, Any]
CHUNK = 16  # files per task sent to a worker
_SKIP = (".jsonl",)  # manifests written by `nianbao synth` beside the reports


def sha256_file(path: str) -> tuple[str, int] | str:
    """(sha256, size) of the file's bytes, or the Chinese reason it cannot be opened."""
    try:
        h = hashlib.sha256()
        size = 0
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                h.update(block)
                size += len(block)
    except OSError as exc:
        return os_reason(exc)
    return h.hexdigest(), size


def unreadable_key(path: str) -> str:
    """The store's key for a file that could not be opened (a dangling link, a loop): derived from
    its name, so a rerun finds it already recorded; a file's content can never hash to it."""
    return hashlib.sha256(b"nianbao:unreadable\0" + os.fsencode(path)).hexdigest()


def _json(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, Decimal):
        v = float(v)
    return json.dumps(v, ensure_ascii=False, default=str)


def extract_file(path: str, sha: str, size: int, ocr: bool = True) -> Payload:
    """Everything the store keeps about one file, as plain picklable data (runs in a worker)."""
    out: Payload = {"source": display_path(path), "sha256": sha, "size": size}
    try:
        o = process(path, run_checks=False, ocr=ocr)
    except Exception:  # a bug on one file must not stop the batch
        log.debug("ingest failed on %s", out["source"], exc_info=True)
        out["error"] = BUG_REASON
        return out
    if o.error or o.report is None:
        out["error"] = o.error or "无法处理"
        return out
    r = o.report
    try:
        o.findings = check(r)
    except Exception:  # keep the data even when a check is broken
        log.debug("checks failed on %s", out["source"], exc_info=True)
        out["check_error"] = "核查时程序内部出错，部分核查未完成（详情见调试日志）"
    out.update(
        agency=r.agency,
        year=r.year,
        format=r.format,
        title=r.title,
        published=r.published,
        # The report's own problems; what the reader could not see is stored but not counted.
        n_errors=sum(f.severity == "error" and f.kind == "report" for f in o.findings),
        n_warnings=sum(f.severity == "warning" and f.kind == "report" for f in o.findings),
    )
    out["cells"] = [
        (t, rk, ck, None if c.value is None else float(c.value), c.empty, c.line, c.page)  # blank: seen empty
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


def extract_chunk(items: Sequence[tuple[str, str, int]], ocr: bool = True) -> list[Payload]:
    return [extract_file(p, s, n, ocr) for p, s, n in items]


def _extract_item(item: tuple[str, str, int], ocr: bool = True) -> Payload:
    return extract_file(*item, ocr=ocr)


def failed_payload(path: str, sha: str, size: int | None, reason: str) -> Payload:
    return {"source": display_path(path), "sha256": sha, "size": size, "error": reason}


def extract_within(pool: Pool, items: Iterable[tuple[str, str, int]], ocr: bool = True) -> Iterator[Payload]:
    """`extract_file` of each item in the pool's workers, each within its budget, in order."""
    for (path, sha, size), got in pool.imap(partial(_extract_item, ocr=ocr), items):
        yield failed_payload(path, sha, size, got.reason) if isinstance(got, FileFailure) else got


@dataclass
class IngestStats:
    files: int = 0  # files named (after expanding folders)
    skipped: int = 0  # already in the store (same content)
    added: int = 0  # new reports stored
    failed: int = 0  # new files recorded as failed
    unreadable: int = 0  # could not even be opened for hashing
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, reason) of this run's failures


def region_note(name: str, res: Resolution) -> str | None:
    """Why an agency's region is left unknown: the place it names is shared by several (a reading finding)."""
    if not res.ambiguous:
        return None
    printed, paths = res.ambiguous
    shown = "、".join("/".join(p) for p in paths[:4]) + ("等" if len(paths) > 4 else "")
    return (
        f"机关名称「{name}」中的「{printed}」有 {len(paths)} 处同名（{shown}），标题没有写明上级地区，"
        "所属地区未确定；可用 nianbao agency set-region 指定。"
    )


class Writer:
    """Single writer: resolves regions and agencies (cached) and inserts a file's rows."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.regions: dict[tuple[str, ...], int] = {}
        self.region_paths: dict[int, str] = {}
        self.names: dict[str, int] = {}  # agency name variant → agency id
        self.keys: dict[tuple[int | None, str], int] = {}  # (region id, unit) → agency id
        self.years: dict[str, tuple[int | None, int | None]] = {}  # name variant → (first, last) year
        self.latest: dict[int, tuple[int, str]] = {}  # agency id → (year, name) of its latest report seen
        self.unplaced: dict[int, str] = {}  # agency id → why its region is unknown (a name shared by places)
        self.buffer: dict[str, list[tuple[Any, ...]]] = {t: [] for t in self._COLUMNS}
        self.sqlite = engine.dialect.name == "sqlite"
        self.ph = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        cols = (
            "sha256",
            "source",
            "size",
            "ingested_at",
            "analysed",
            "status",
            "error",
            "agency_id",
            "agency_name",
            "year",
            "format",
            "title",
            "published",
            "n_errors",
            "n_warnings",
        )
        self._report_sql = (
            f"INSERT INTO reports ({', '.join(cols)}) VALUES ({', '.join([self.ph] * len(cols))}) RETURNING id"
        )
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
        n = T.agency_names
        for a in conn.execute(select(n.c.name, n.c.agency_id, n.c.first_year, n.c.last_year)):
            self.names[a.name] = a.agency_id
            self.years[a.name] = (a.first_year, a.last_year)
            if a.last_year is not None and a.last_year >= self.latest.get(a.agency_id, (0, ""))[0]:
                self.latest[a.agency_id] = (a.last_year, a.name)
        ag = T.agencies
        for g in conn.execute(select(ag.c.id, ag.c.region_id, ag.c.unit, ag.c.name, ag.c.region_source)):
            self.keys[(g.region_id, g.unit)] = g.id
            if g.region_source == "ambiguous":
                note = region_note(g.name, builtin().resolve(g.name))
                if note:
                    self.unplaced[g.id] = note

    def region_id(self, conn: Connection, chain: Sequence[Place]) -> int | None:
        parent: int | None = None
        for place in chain:
            rid = self.regions.get(place.path)
            if rid is None:
                rid = conn.execute(
                    insert(T.regions)
                    .values(name=place.name, level=place.level, parent_id=parent, code=place.code or None, path="")
                    .returning(T.regions.c.id)
                ).scalar_one()
                path = f"{self.region_paths.get(parent, '/') if parent else '/'}{rid}/"
                conn.execute(update(T.regions).where(T.regions.c.id == rid).values(path=path))
                self.regions[place.path] = rid
                self.region_paths[rid] = path
            parent = rid
        return parent

    def agency_id(self, conn: Connection, name: str | None, year: int | None) -> int | None:
        """The agency that printed `name`: a known name variant, else resolved by region and body."""
        if not name:
            return None
        aid = self.names.get(name)
        n = T.agency_names
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
                        region_source="gazetteer" if rid is not None else ("ambiguous" if res.ambiguous else "none"),
                    )
                    .returning(T.agencies.c.id)
                ).scalar_one()
                self.keys[key] = aid
                note = region_note(name, res)
                if note:
                    self.unplaced[aid] = note
            conn.execute(insert(n).values(agency_id=aid, name=name, first_year=year, last_year=year))
            self.names[name] = aid
            self.years[name] = (year, year)
        elif year is not None:
            first, last = self.years.get(name) or self._years(conn, name)
            if first is None or last is None or year < first or year > last:
                first, last = min(year, first or year), max(year, last or year)
                conn.execute(update(n).where(n.c.name == name).values(first_year=first, last_year=last))
                self.years[name] = (first, last)
        if year is not None:  # the agency carries the name of its latest report
            latest = self.latest.get(aid)
            if latest is None or year >= latest[0]:
                if latest is None or latest[1] != name:
                    conn.execute(update(T.agencies).where(T.agencies.c.id == aid).values(name=name))
                self.latest[aid] = (year, name)
        return aid

    def _years(self, conn: Connection, name: str) -> tuple[int | None, int | None]:
        n = T.agency_names
        row = conn.execute(select(n.c.first_year, n.c.last_year).where(n.c.name == name)).one()
        self.years[name] = (row.first_year, row.last_year)
        return row.first_year, row.last_year

    def write(self, conn: Connection, p: Payload) -> int:
        """Insert one file's report row now; its cells, findings, texts … go to the buffer (see `flush`)."""
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        published = p.get("published")
        if self.sqlite:  # the text forms SQLAlchemy's SQLite types read back
            stamp: Any = now.isoformat(" ")
            published = published.isoformat() if published else None
        else:
            stamp = now
        failed = bool(p.get("error"))
        aid = None if failed else self.agency_id(conn, p.get("agency"), p.get("year"))
        row = (
            p["sha256"], p["source"], p.get("size"), stamp, False,
            "failed" if failed else "ok", p.get("error") or p.get("check_error"), aid, p.get("agency"),
            p.get("year"), p.get("format"), p.get("title"), published, p.get("n_errors", 0), p.get("n_warnings", 0),
        )  # fmt: skip
        rid = int(conn.exec_driver_sql(self._report_sql, row).scalar_one())
        if failed:
            return rid
        b = self.buffer
        b["cells"].extend((rid, *c) for c in p["cells"])
        b["findings"].extend((rid, *f, "report") for f in p["findings"])
        if aid in self.unplaced:
            b["findings"].append((rid, "extract.region", "info", self.unplaced[aid], *[None] * 6, "report"))
        b["sections"].extend((rid, *x) for x in p["sections"])
        b["indicator_values"].extend((rid, *x, p.get("year"), aid) for x in p["indicators"])
        if p.get("signature"):
            b["signatures"].append((rid, *p["signature"]))
        return rid

    _COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "cells": ("report_id", "table_key", "row_key", "column_key", "value", "blank", "line", "page"),
        "findings": (
            "report_id",
            "rule",
            "severity",
            "message",
            "table_key",
            "row_key",
            "column_key",
            "expected",
            "actual",
            "line",
            "scope",
        ),
        "sections": ("report_id", "key", "title", "text", "line"),
        "indicator_values": ("report_id", "indicator", "numerator", "denominator", "year", "agency_id"),
        "signatures": ("report_id", "minhash", "skeleton"),
    }

    def flush(self, conn: Connection) -> None:
        """Write the buffered rows with one executemany per table (call before committing)."""
        ph = self.ph
        for table, cols in self._COLUMNS.items():
            rows = self.buffer[table]
            if rows:
                sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([ph] * len(cols))})"
                conn.exec_driver_sql(sql, rows)
                rows.clear()


def _local_map(
    workers: int, budget: Budget, ocr: bool = True
) -> Callable[[Iterable[list[tuple[str, str, int]]]], Iterator[list[Payload]]]:
    def run(chunks: Iterable[list[tuple[str, str, int]]]) -> Iterator[list[Payload]]:
        if not budget.limited and workers <= 1:
            for c in chunks:
                yield extract_chunk(c, ocr)
            return
        # Each file in a worker within its budget; a bounded number in flight keeps memory flat.
        with Pool(workers, budget) as pool:
            for p in extract_within(pool, (item for c in chunks for item in c), ocr):
                yield [p]

    return run


def _dask_map(
    address: str, ocr: bool = True
) -> Callable[[Iterable[list[tuple[str, str, int]]]], Iterator[list[Payload]]]:
    def run(chunks: Iterable[list[tuple[str, str, int]]]) -> Iterator[list[Payload]]:
        from distributed import Client

        with Client(address) as client:  # type: ignore[no-untyped-call]
            limit = max(4, 3 * sum(client.nthreads().values()))
            pending: list[Any] = []
            for c in chunks:
                pending.append(client.submit(extract_chunk, c, ocr, pure=False))
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
    budget: Budget | None = None,
    ocr: bool = True,
) -> IngestStats:
    """Ingest files and folders into the store at `url`.

    `workers`: processes (default: all cores); `executor`: `dask://HOST:PORT`
    to run extraction on a Dask cluster instead. `budget`: time and memory per file (default
    120 s and 2 GB; a file over it is recorded as failed). `ocr=False` reads
    text layers only. `on_progress(done, total)`
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
    unopened: list[Payload] = []  # dangling links, loops, no permission: recorded as failed too
    for f in files:
        h = sha256_file(f)
        if isinstance(h, str):
            key = unreadable_key(f)
            if key in known:
                stats.skipped += 1
                continue
            known.add(key)
            unopened.append({**failed_payload(f, key, None, h), "unopened": True})
            continue
        if h[0] in known:
            stats.skipped += 1
            continue
        known.add(h[0])
        todo.append((f, h[0], h[1]))
    done = stats.skipped
    if on_progress:
        on_progress(done, len(files))
    chunks = (todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK))
    if executor and executor.startswith("dask://"):
        address = executor.removeprefix("dask://")
        mapper = _dask_map(address if "://" in address else "tcp://" + address, ocr)
    else:
        mapper = _local_map(workers or os.cpu_count() or 1, budget or Budget(), ocr)
    writer = Writer(engine)
    conn = engine.connect()
    try:
        tx = conn.begin()
        since = 0
        for payloads in itertools.chain([unopened], mapper(chunks)):
            for p in payloads:
                writer.write(conn, p)
                if p.get("unopened"):
                    stats.unreadable += 1
                    stats.errors.append((p["source"], p["error"]))
                elif p.get("error"):
                    stats.failed += 1
                    stats.errors.append((p["source"], p["error"]))
                else:
                    stats.added += 1
                done += 1
                since += 1
                if since >= commit_every:
                    writer.flush(conn)
                    tx.commit()
                    tx = conn.begin()
                    since = 0
                if on_progress:
                    on_progress(done, len(files))
        writer.flush(conn)
        tx.commit()
    finally:
        conn.close()
    if analyse:
        from nianbao.store.analyse import analyse_pending

        analyse_pending(engine)
    return stats
