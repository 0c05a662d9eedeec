"""Latency of the queries behind a dashboard, on a store filled by bench_ingest.py.

    python benchmarks/bench_queries.py DB [--repeat R]

DB is a SQLite file (or any store URL), e.g. the one kept by
`python benchmarks/bench_ingest.py 10000 --db /tmp/corpus.db`. Each query runs
R times (default 5) after one warm-up; the median is printed.
Target (issue 5): < 200 ms per query at 100,000 reports.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from nianbao.store import open_store
from nianbao.store import queries as q
from nianbao.store.rollup import rollup


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    out = fn()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    eng = open_store(args.db)
    summary = q.summary(eng)
    year = max(summary["years"])
    print(
        f"store: {summary['reports']} reports, {summary['agencies']} agencies, {summary['regions']} regions; year {year}"
    )
    county = q.rank_regions(eng, "disclosure_rate", year, "county").ranked
    region_id = county[0].unit_id if county else 1
    agency_id = q.list_reports(eng, limit=1)[0]["agency_id"]
    queries: list[tuple[str, Callable[[], Any]]] = [
        ("summary (counts by status and year)", lambda: q.summary(eng)),
        ("rank counties by 公开率", lambda: q.rank_regions(eng, "disclosure_rate", year, "county")),
        ("rank cities by 复议纠错率", lambda: q.rank_regions(eng, "review_correction_rate", year, "city")),
        ("rank agencies by 结转率 (all)", lambda: q.rank_agencies(eng, "carry_forward_rate", year)),
        ("rank agencies within a county", lambda: q.rank_agencies(eng, "disclosure_rate", year, region_id)),
        (
            "region series 公开率 (all years, YoY)",
            lambda: q.indicator_series(eng, "disclosure_rate", region_id=region_id),
        ),
        (
            "agency series 公开率 (all years, YoY)",
            lambda: q.indicator_series(eng, "disclosure_rate", agency_id=agency_id),
        ),
        ("latest 50 reports", lambda: q.list_reports(eng, limit=50)),
        ("one report with cells and findings", lambda: q.get_report(eng, 1)),
        ("roll-up of a county", lambda: rollup(eng, region_id, year)),
    ]
    worst = 0.0
    for name, fn in queries:
        ms, out = _time(fn, args.repeat)
        worst = max(worst, ms)
        size = len(out) if isinstance(out, list) else len(getattr(out, "ranked", []) or []) if out is not None else 0
        print(f"{ms:8.1f} ms  {name}  ({size} rows)")
    print(f"slowest: {worst:.1f} ms (target < 200 ms)")


if __name__ == "__main__":
    main()
