"""Web app latency with a large store: report page and dashboard p95 on loopback.

    .venv/bin/python benchmarks/bench_web.py            # 100,000 reports
    .venv/bin/python benchmarks/bench_web.py 20000 --requests 200

Populates a fresh SQLite store with synthetic rows by bulk insert through the
store's table definitions (regions, agencies, reports, cells of Table 3's
总计 column plus Tables 2 and 4, findings, indicator values), starts
`uvicorn nianbao.web.app:app_from_env` on 127.0.0.1 at a free port, and times
requests with httpx (bounded loops, loopback only). Prints p50/p95/max in ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from nianbao.corpus.indicators import INDICATORS
from nianbao.store import tables as T
from nianbao.store.db import open_store
from nianbao.template import TEMPLATES

YEARS = (2019, 2020, 2021, 2022, 2023, 2024)
RULES = ("t3.balance", "t3.row_total", "cells.blank", "t4.group_total", "narrative.numbers", "structure.deadline")


def _sql(table: T.Table) -> tuple[str, list[str]]:
    cols = [c.name for c in table.columns]
    return f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", cols


def populate(url: str, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    engine = open_store(url)
    raw = engine.raw_connection()
    cur = raw.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    # Regions: 10 provinces × 6 cities × 6 counties.
    regions: list[tuple[int, str, str, int | None, str | None, str]] = []
    counties: list[int] = []
    rid = 0
    for p in range(10):
        rid += 1
        prov = rid
        regions.append((prov, f"测试省{p + 1}", "province", None, None, f"/{prov}/"))
        for c in range(6):
            rid += 1
            city = rid
            regions.append((city, f"测试市{p + 1}-{c + 1}", "city", prov, None, f"/{prov}/{city}/"))
            for k in range(6):
                rid += 1
                regions.append((rid, f"测试县{p + 1}-{c + 1}-{k + 1}", "county", city, None, f"/{prov}/{city}/{rid}/"))
                counties.append(rid)
    cur.executemany("INSERT INTO regions (id, name, level, parent_id, code, path) VALUES (?, ?, ?, ?, ?, ?)", regions)
    n_agencies = max(1, n // len(YEARS))
    agencies = []
    names = []
    for a in range(1, n_agencies + 1):
        gov = a % 8 == 0
        name = f"测试机关{a}" if not gov else f"测试县人民政府{a}"
        agencies.append((a, name, "" if gov else f"局{a}", rng.choice(counties), gov, "gazetteer"))
        names.append((a, a, name, YEARS[0], YEARS[-1]))
    cur.executemany(
        "INSERT INTO agencies (id, name, unit, region_id, is_government, region_source) VALUES (?, ?, ?, ?, ?, ?)",
        agencies,
    )
    cur.executemany(
        "INSERT INTO agency_names (id, agency_id, name, first_year, last_year) VALUES (?, ?, ?, ?, ?)", names
    )
    t3 = TEMPLATES["2021"].table("applications")
    t3_rows = [r.key for r in t3.rows]
    outcome = [r.key for r in t3.rows if r.group == "outcome"]
    now = dt.datetime(2025, 1, 1)
    rep_sql, _ = _sql(T.reports)
    batch_r: list[tuple[object, ...]] = []
    batch_c: list[tuple[object, ...]] = []
    batch_f: list[tuple[object, ...]] = []
    batch_i: list[tuple[object, ...]] = []
    fid = 0

    def flush() -> None:
        cur.executemany(rep_sql, batch_r)
        cur.executemany(
            "INSERT INTO cells (report_id, table_key, row_key, column_key, value, blank, line, page) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            batch_c,
        )
        cur.executemany(
            "INSERT INTO findings (id, report_id, rule, severity, message, table_key, row_key, column_key, expected, actual, line, scope)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch_f,
        )
        cur.executemany(
            "INSERT INTO indicator_values (report_id, indicator, numerator, denominator, year, agency_id) VALUES (?, ?, ?, ?, ?, ?)",
            batch_i,
        )
        for b in (batch_r, batch_c, batch_f, batch_i):
            b.clear()

    for i in range(1, n + 1):
        agency = (i - 1) % n_agencies + 1
        year = YEARS[(i - 1) // n_agencies % len(YEARS)]
        fmt = "2019" if year <= 2020 else "2021"
        n_err = rng.choice((0, 0, 0, 1, 2))
        n_warn = rng.choice((0, 1))
        # columns of reports, in table order
        row = {c.name: None for c in T.reports.columns}
        row.update(
            id=i,
            sha256=f"{i:064x}",
            source=f"synthetic/{i}.txt",
            size=1000,
            status="ok",
            agency_id=agency,
            agency_name=agencies[agency - 1][1],
            year=year,
            format=fmt,
            title=None,
            n_errors=n_err,
            n_warnings=n_warn,
            ingested_at=now,
            analysed=True,
        )
        batch_r.append(tuple(row[c.name] for c in T.reports.columns))
        new = rng.randint(0, 60)
        over = rng.randint(0, 5)
        fwd = rng.randint(0, min(5, new + over))
        done = new + over - fwd
        vals = dict.fromkeys(outcome, 0)
        left = done
        for k in outcome:
            take = rng.randint(0, left) if k != outcome[-1] else left
            vals[k] = take
            left -= take
        vals.update(new_received=new, carried_over=over, total_processed=done, carried_forward=fwd)
        for line, rk in enumerate(t3_rows, start=40):
            batch_c.append((i, "applications", rk, "total", float(vals.get(rk, 0)), False, line, None))
        for g in ("review", "litigation_direct", "litigation_after_review"):
            for ck in ("upheld", "corrected", "other", "pending", "total"):
                batch_c.append((i, "review_litigation", g, ck, 0.0, False, 80, None))
        for rk in ("regulations", "normative_documents"):
            for ck in ("issued", "repealed", "in_force"):
                batch_c.append((i, "active_disclosure", rk, ck, float(rng.randint(0, 9)), False, 20, None))
        for rk in ("licensing", "penalty", "coercion"):
            batch_c.append((i, "active_disclosure", rk, "decisions", float(rng.randint(0, 900)), False, 25, None))
        for _ in range(n_err + n_warn):
            fid += 1
            batch_f.append(
                (
                    fid,
                    i,
                    rng.choice(RULES),
                    "error" if _ < n_err else "warning",
                    "合成的问题说明。",
                    "applications",
                    "total_processed",
                    "total",
                    "1",
                    "2",
                    60,
                    "report",
                )
            )
        for k in INDICATORS:
            batch_i.append((i, k, float(vals["disclosed"]), float(done) if done else None, year, agency))
        if len(batch_r) >= 5000:
            flush()
    flush()
    raw.commit()
    cur.execute("ANALYZE")
    raw.commit()
    raw.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def _line(name: str, xs: list[float]) -> str:
    ms = [x * 1000 for x in xs]
    return f"{name:<34} n={len(ms):>4}  p50={statistics.median(ms):7.1f} ms  p95={_pct(ms, 0.95):7.1f} ms  max={max(ms):7.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--db", default=None, help="reuse/populate this SQLite file (default: a temp file)")
    args = ap.parse_args()
    db = args.db or str(Path(tempfile.mkdtemp(prefix="nianbao-bench-")) / "bench.db")
    if not Path(db).exists():
        t = time.perf_counter()
        populate(db, args.n)
        print(
            f"populated {args.n:,} reports in {time.perf_counter() - t:.1f} s → {db} ({os.path.getsize(db) / 1e6:.0f} MB)"
        )
    port = _free_port()
    env = {**os.environ, "NIANBAO_DB": db, "NIANBAO_SECRET": "bench"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "nianbao.web.app:app_from_env",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as c:
            for _ in range(300):
                try:
                    if c.get("/api/summary").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            n = c.get("/api/summary").json()["reports"]
            print(f"server {base}, {n:,} reports in the store")
            rng = random.Random(1)

            def timed(path: str) -> float:
                t0 = time.perf_counter()
                r = c.get(path, headers={"accept": "text/html"})
                dt_ = time.perf_counter() - t0
                assert r.status_code == 200, (path, r.status_code, r.text[:200])
                return dt_

            cold = []
            for q in ("", "year=2024", "region=1", "kind=government&year=2022"):
                cold.append(timed("/api/dashboard?" + q))
            print(_line("dashboard data, first load (cold)", cold))
            results = {
                "report page /reports/{id}": [timed(f"/reports/{rng.randint(1, n)}") for _ in range(args.requests)],
                "dashboard page /dashboard": [timed("/dashboard") for _ in range(args.requests)],
                "dashboard data /api/dashboard": [
                    timed("/api/dashboard?" + rng.choice(("", "year=2024", "region=1", "kind=government&year=2022")))
                    for _ in range(args.requests)
                ],
                "report JSON /api/reports/{id}": [
                    timed(f"/api/reports/{rng.randint(1, n)}") for _ in range(args.requests)
                ],
                "report list /reports?year=2023": [
                    timed("/reports?year=2023") for _ in range(max(20, args.requests // 5))
                ],
            }
            for name, xs in results.items():
                print(_line(name, xs))
            ok = all(
                _pct(results[k], 0.95) < 0.150
                for k in ("report page /reports/{id}", "dashboard page /dashboard", "dashboard data /api/dashboard")
            )
            print("target p95 < 150 ms for report page and dashboard:", "met" if ok else "NOT met")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()
