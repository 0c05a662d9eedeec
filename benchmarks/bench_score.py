"""Scoring a stored corpus under the default pack.

    python benchmarks/bench_score.py N [--db PATH] [--pack national]

With --db pointing at an existing store (e.g. the one `bench_ingest.py N --db … --keep`
leaves), scores it; otherwise writes N synthetic reports and ingests them first (not timed).
Prints reports scored per second, split into reading the findings from the store and
applying the pack. Target (issue 14): 10,000 stored reports in seconds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from nianbao.score import load_pack
from nianbao.score.engine import score_findings
from nianbao.store import ingest, open_store
from nianbao.store.scoring import reports_for_scoring


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=10000)
    ap.add_argument("--db", help="an existing store to score (default: build one of N synthetic reports)")
    ap.add_argument("--pack", default="national")
    args = ap.parse_args()
    db = args.db
    if not db:
        from nianbao.corpus.synth import write_corpus

        tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-score-"))
        t = time.perf_counter()
        write_corpus(args.n, str(tmp / "corpus"), seed=1, error_share=0.1)
        db = str(tmp / "corpus.db")
        ingest([str(tmp / "corpus")], db)
        print(f"setup: {args.n} synthetic reports ingested in {time.perf_counter() - t:.0f} s ({db})")
    pack = load_pack(args.pack)
    eng = open_store(db)
    t = time.perf_counter()
    stored = list(reports_for_scoring(eng))
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    findings = 0
    for rep in stored:
        findings += len(rep.findings)
        score_findings(pack, rep.findings, history=True)
    t_score = time.perf_counter() - t
    n = len(stored)
    print(f"reports: {n}, findings: {findings}")
    print(f"read from store: {t_read:.2f} s; pack applied: {t_score:.2f} s; total {t_read + t_score:.2f} s")
    print(f"→ {n / (t_read + t_score):,.0f} reports/s")


if __name__ == "__main__":
    main()
