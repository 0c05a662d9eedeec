"""`python -m nianbao.derive FORM [FORM…] --out DIR FIXTURES…`"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from nianbao.derive import FORMS, deriver, fixtures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nianbao.derive", description="由标注样本生成派生输入")
    ap.add_argument("forms", nargs="+", help=f"派生形式（{'、'.join(sorted(FORMS)) or '无'}）或 all")
    ap.add_argument("--out", required=True, type=Path, help="输出目录")
    ap.add_argument("--fixtures", nargs="+", type=Path, default=[Path("tests/fixtures")], help="标注样本（文件或目录）")
    args = ap.parse_args(argv)
    forms = sorted(FORMS) if args.forms == ["all"] else args.forms
    args.out.mkdir(parents=True, exist_ok=True)
    written = 0
    for form in forms:
        fn = deriver(form)
        for src, exp, stem in fixtures(args.fixtures):
            files = fn(src, args.out, stem)
            if files:
                shutil.copyfile(exp, args.out / exp.name)
            written += len(files)
    print(f"已生成 {written} 个派生文件：{args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
