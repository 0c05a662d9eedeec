"""The long fuzzing run of every reader (the CI runs a few derandomised examples of the same harness).

    .venv/bin/python scripts/fuzz.py                    # 2000 random examples per reader
    .venv/bin/python scripts/fuzz.py -n 20000 -k docx   # one reader, longer
    .venv/bin/python scripts/fuzz.py --timeout 30       # a shorter budget per file

Seeds are made from tests/fixtures (a text report, and the HTML, MHTML, DOCX, XLSX, PDF and PNG
made from it) and mutated by hypothesis: truncation, bit flips, spliced bytes, one zip part
damaged. Each example is read in a worker process within a time and memory budget, as a
batch reads it. A failure is an exception escaping our code or a crashed worker; hypothesis
prints the smallest input it found and keeps it in .hypothesis/ so a rerun tries it first.
Turn each into a case in `REGRESSIONS` in tests/test_fuzz.py (the damage as a function of
the seed) and fix the reader. Runs offline; about 1–3 files a second on one core.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--examples", type=int, default=2000, help="examples per reader")
    ap.add_argument("-k", "--kind", default="", help="only these readers (pytest -k expression: docx, pdf, …)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per file before it counts as over budget")
    args = ap.parse_args()
    env = dict(
        os.environ,
        NIANBAO_FUZZ_EXAMPLES=str(args.examples),
        NIANBAO_FUZZ_RANDOM="1",
        NIANBAO_FUZZ_TIMEOUT=str(args.timeout),
    )
    select = "test_fuzz_reader" + (f" and ({args.kind})" if args.kind else "")
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "tests/test_fuzz.py", "-k", select]
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
