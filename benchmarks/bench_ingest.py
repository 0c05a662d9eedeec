"""Ingest throughput and memory on a synthetic corpus.

    python benchmarks/bench_ingest.py N [--workers W] [--dir DIR] [--db PATH] [--keep]

Writes N synthetic reports (`nianbao synth`), ingests them into a fresh
SQLite file with W worker processes (default: all cores), and prints the
rate, the main process's RSS sampled during the run (flat memory means the
last samples are no higher than the middle ones), the peak RSS of a worker,
a second (idempotent) run, and an extrapolation to 100,000 reports.
Target (issue 5): 100,000 reports in < 10 min on 2 cores with flat memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from nianbao.corpus.synth import write_corpus
from nianbao.store import ingest


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=2000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--dir", help="corpus folder (reused if it has a manifest)")
    ap.add_argument("--db", help="SQLite file to write (default: a temporary file)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder and database")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    corpus = Path(args.dir) if args.dir else tmp / "corpus"
    db = args.db or str(tmp / "corpus.db")
    if Path(db).exists():
        os.remove(db)
    if not (corpus / "manifest.jsonl").exists():
        t = time.perf_counter()
        write_corpus(args.n, str(corpus), seed=1, error_share=0.1)
        print(f"synth: {args.n} reports in {time.perf_counter() - t:.1f} s")
    samples: list[tuple[int, float]] = []
    step = max(1, args.n // 20)

    def tick(done: int, total: int) -> None:
        if done % step == 0:
            samples.append((done, _rss_mb()))

    t = time.perf_counter()
    stats = ingest([str(corpus)], db, workers=args.workers, on_progress=tick, analyse=False)
    t_ingest = time.perf_counter() - t
    t = time.perf_counter()
    ingest([], db, analyse=True)  # the corpus passes, timed on their own
    t_analyse = time.perf_counter() - t
    total = t_ingest + t_analyse
    print(
        f"ingest: {stats.added} added, {stats.failed} failed in {t_ingest:.1f} s "
        f"({stats.added / t_ingest:.0f} reports/s, {args.workers} workers)"
    )
    print(f"corpus passes (history + copies): {t_analyse:.1f} s")
    print("main RSS (MB) by files done: " + ", ".join(f"{d}:{m:.0f}" for d, m in samples))
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: main {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, worker {child:.0f} MB")
    print(f"database: {os.path.getsize(db) / 2**20:.0f} MB")
    t = time.perf_counter()
    again = ingest([str(corpus)], db, workers=args.workers)
    print(f"second run: {again.added} added, {again.skipped} skipped in {time.perf_counter() - t:.1f} s")
    per = total / max(1, stats.added)
    print(
        f"extrapolated 100,000 reports: {per * 100_000 / 60:.1f} min (linear; copy/history passes grow slightly faster)"
    )
    if not args.keep and not args.dir and not args.db:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"kept: {corpus} {db}")


if __name__ == "__main__":
    main()
