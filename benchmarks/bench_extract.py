"""Throughput of text extraction and checks.

    python benchmarks/bench_extract.py [N]

Copies the text fixtures into N files and measures
  1. the whole CLI (`nianbao extract DIR --format json` and `nianbao check DIR --format json`),
     start-up excluded: (time for N files − time for 1 file) / (N − 1);
  2. extraction in-process (read + extract);
  3. the checks alone on extracted reports (best and median of five passes).
Targets (issue 2): CLI ≥ 200 reports/s on one core; checks ≥ 5,000 reports/s.
Pin it to one core for comparable figures: `taskset -c 0 python benchmarks/bench_extract.py`.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def _cli(args: list[str]) -> float:
    exe = Path(sys.executable).with_name("nianbao")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "nianbao"]
    t = time.perf_counter()
    subprocess.run([*cmd, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    sources = sorted(FIXTURES.glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        many, one = Path(tmp) / "many", Path(tmp) / "one"
        many.mkdir()
        one.mkdir()
        for i in range(n):
            shutil.copy(sources[i % len(sources)], many / f"{i:06d}.txt")
        shutil.copy(sources[0], one / "000000.txt")

        for cmd in ("extract", "check"):
            t1 = min(_cli([cmd, str(one), "--format", "json"]) for _ in range(3))
            tn = _cli([cmd, str(many), "--format", "json"])
            rate = (n - 1) / max(tn - t1, 1e-9)
            print(f"CLI {cmd:7s}: {n} files in {tn:.2f} s (start-up {t1:.2f} s) → {rate:,.0f} reports/s")

        from nianbao.checks import check
        from nianbao.extract import extract
        from nianbao.readers import read_path

        files = sorted(many.iterdir())
        t = time.perf_counter()
        reports = [extract(read_path(f)) for f in files]
        te = time.perf_counter() - t
        print(f"read + extract in-process: {n / te:,.0f} reports/s ({te / n * 1000:.2f} ms each)")

        # Checks cache what they derive from a report (prose, sentences, cell scan) in
        # `derived`; it is emptied before each pass so every pass does the whole work.
        # Best and median of five passes: one pass is at the mercy of a shared machine.
        passes = []
        for _ in range(5):
            for r in reports:
                r.derived.clear()
            t = time.perf_counter()
            for r in reports:
                check(r)
            passes.append(time.perf_counter() - t)
        best, median = min(passes), statistics.median(passes)
        print(
            f"checks alone: {n / best:,.0f} reports/s best of 5 ({best / n * 1e6:.0f} µs each), "
            f"median {n / median:,.0f} reports/s"
        )


if __name__ == "__main__":
    main()
