"""Collections started from the web application's 采集 page (admins only).

A collection runs in a child process (`nianbao.collect.run.collect`), watched by
a thread of the server, never in the request; what it saved is read by
`nianbao ingest` in another child process, never in the server's own. All collections share one output
folder (`files/`, with its manifest and validators), so collecting a column
again downloads only what changed and a republished report becomes a new
version; they therefore run one at a time (a second one waits). Progress lives
in memory while a job runs; when it ends, what it saved is ingested into the
app's store and the job's record is written to `jobs/ID.json`, so the list of
past collections survives a restart.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from nianbao.collect.run import Options, Summary, collect
from nianbao.store import tables as T

RECENT = 30  # events shown while a job runs


@dataclass
class Job:
    id: str
    urls: list[str]
    out: str
    user: str
    started: str
    status: str = "waiting"  # waiting | running | finished | stopped | failed
    ended: str | None = None
    counts: dict[str, int] = field(
        default_factory=lambda: {"page": 0, "new": 0, "changed": 0, "unchanged": 0, "duplicate": 0, "failed": 0}
    )
    recent: list[dict[str, Any]] = field(default_factory=list)
    saved: list[dict[str, Any]] = field(default_factory=list)  # manifest lines with the stored report id
    changed: list[dict[str, Any]] = field(default_factory=list)  # … with the id of the version they replace
    failed: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_jobs: dict[str, Job] = {}
_lock = threading.Lock()  # guards the jobs' fields
_one_at_a_time = threading.Lock()  # collections share their output folder


def _now() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def collect_root(settings: Any) -> Path:
    """Where the web application's collections keep their files: the setting, NIANBAO_COLLECT_DIR,
    else beside a SQLite store (`corpus.db.collect/`) or `./nianbao-collect`."""
    root = getattr(settings, "collect_dir", None) or os.environ.get("NIANBAO_COLLECT_DIR")
    if root:
        return Path(root)
    db = str(settings.db)
    return Path(db + ".collect") if "://" not in db else Path("nianbao-collect")


def allow_private(settings: Any) -> bool:
    """Private and loopback addresses only when the deployment says so (tests, intranets)."""
    return bool(getattr(settings, "collect_allow_private", False) or os.environ.get("NIANBAO_COLLECT_ALLOW_PRIVATE"))


def start(engine: Engine, settings: Any, urls: list[str], user: str, **options: Any) -> Job:
    """Start a collection in the background; returns its job at once."""
    root = collect_root(settings)
    job_id = dt.datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)
    job = Job(id=job_id, urls=urls, out=str(root / "files"), user=user, started=_now())
    with _lock:
        _jobs[job_id] = job
    opts = Options(urls=urls, out=job.out, allow_private=allow_private(settings), **options)
    _save(job)
    threading.Thread(
        target=_run, args=(engine, str(settings.db), job, opts), daemon=True, name=f"collect-{job_id}"
    ).start()
    return job


def _save(job: Job) -> None:
    """The job's record on disk: other server processes show it from there."""
    with contextlib.suppress(OSError):
        path = Path(job.out).parent / "jobs" / f"{job.id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with _lock:
            tmp.write_text(json.dumps(job.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)


@contextlib.contextmanager
def _exclusive(out: str) -> Iterator[None]:
    """One collection at a time over the shared folder, across threads and server processes."""
    Path(out).mkdir(parents=True, exist_ok=True)
    with _one_at_a_time, open(Path(out) / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _run(engine: Engine, db: str, job: Job, opts: Options) -> None:
    last = [0.0]

    def on_event(e: dict[str, Any]) -> None:
        kind = str(e.get("event"))
        with _lock:
            if kind in job.counts:
                job.counts[kind] += 1
            if kind in ("new", "changed", "failed"):
                job.recent = [*job.recent[-(RECENT - 1) :], {k: e.get(k) for k in ("event", "url", "title", "reason")}]
        if time.monotonic() - last[0] > 1:
            last[0] = time.monotonic()
            _save(job)

    try:
        with _exclusive(job.out):
            job.status = "running"
            _save(job)
            summary = collect(opts, on_event=on_event)
            _store(engine, db, job, summary)
        from nianbao.web import service

        service.clear_cache()  # the dashboard and lists count the new reports
        job.status = "finished" if summary.finished and not summary.error else "stopped"
        job.error = summary.error or job.error
    except Exception as exc:  # the job's page says what went wrong; the server goes on
        job.status = "failed"
        job.error = f"采集出错（{type(exc).__name__}: {exc}）"
    job.ended = _now()
    _save(job)
    with _lock:
        _jobs.pop(job.id, None)  # from now on read from its record, like any other process does


def _store(engine: Engine, db: str, job: Job, summary: Summary) -> None:
    from nianbao.collect.ledger import read_manifest
    from nianbao.store.origin import record_origins

    job.failed = [{k: f.get(k) for k in ("url", "title", "reason")} for f in summary.failed]
    docs = [str(Path(job.out) / e["path"]) for e in summary.saved + summary.changed]
    for i in range(0, len(docs), 200):
        code = _ingest_apart(docs[i : i + 200], db)
        if code != 0:
            job.error = f"入库进程异常退出（代码 {code}），部分报告未入库"
    ids = record_origins(engine, read_manifest(job.out))
    R = T.reports
    with engine.connect() as conn:
        rows = {
            r.id: r
            for r in conn.execute(
                select(R.c.id, R.c.status, R.c.error, R.c.n_errors, R.c.n_warnings).where(
                    R.c.id.in_(list(ids.values()))
                )
            )
        }

    def item(e: dict[str, Any]) -> dict[str, Any]:
        rid = ids.get(e["sha256"])
        r = rows.get(rid) if rid is not None else None
        return {
            "url": e["url"],
            "title": e.get("title"),
            "path": e["path"],
            "report_id": rid,
            "previous_id": ids.get(e.get("previous_sha256") or ""),
            "status": r.status if r else None,
            "error": r.error if r else None,
            "n_errors": r.n_errors if r else None,
            "n_warnings": r.n_warnings if r else None,
        }

    job.saved = [item(e) for e in summary.saved]
    job.changed = [item(e) for e in summary.changed]


JOB_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")


def _ingest_apart(paths: list[str], db: str) -> int:
    """`nianbao ingest` in a process of its own: files from the web are never read in the server's process.

    The store's URL goes in the environment, not on the command line (a password would show in `ps`)."""
    env = {**os.environ, "NIANBAO_DB": db}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "nianbao", "ingest", *paths],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            timeout=3600,
        )
    except subprocess.TimeoutExpired:
        return -1
    return done.returncode


def get(settings: Any, job_id: str) -> Job | None:
    if not JOB_ID.match(job_id):
        return None
    with _lock:
        job = _jobs.get(job_id)
    if job is not None:
        return job
    return _load(collect_root(settings) / "jobs" / f"{job_id}.json")


def _load(path: Path) -> Job | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Job(**data)
    except (OSError, ValueError, TypeError):
        return None


def recent(settings: Any, limit: int = 20) -> list[Job]:
    """Running jobs and past ones (newest first)."""
    with _lock:
        jobs = {j.id: j for j in _jobs.values()}
    done = collect_root(settings) / "jobs"
    if done.is_dir():
        for f in sorted(done.glob("*.json"), reverse=True)[:limit]:
            if f.stem not in jobs:
                loaded = _load(f)
                if loaded is not None:
                    jobs[loaded.id] = loaded
    return sorted(jobs.values(), key=lambda j: j.id, reverse=True)[:limit]
