"""Benchmark: a register of 1,000,000 applications → Table 3 (with deadlines), on one core.

    .venv/bin/python benchmarks/bench_register.py [N]

Prints the time to read the CSV and count Table 3 (target: under 10 s for 1,000,000).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from nianbao.register import tabulate_file

APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
OUTCOMES = (
    ("予以公开", ""),
    ("部分公开", ""),
    ("不予公开", "属于国家秘密"),
    ("不予公开", "保护第三方合法权益"),
    ("无法提供", "本机关不掌握相关政府信息"),
    ("不予处理", "重复申请"),
    ("其他处理", "逾期不补正"),
    ("withheld_process_information", ""),
)


def generate(path: Path, n: int, year: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    start = dt.date(year - 1, 9, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["编号", "收到日期", "申请人类型", "申请方式", "答复日期", "办理结果", "具体情形", "是否延期"])
        for i in range(n):
            rec = start + dt.timedelta(days=rnd.randrange(0, 500))
            ans = rec + dt.timedelta(days=rnd.randrange(0, 60)) if rnd.random() > 0.1 else None
            out, why = OUTCOMES[rnd.randrange(len(OUTCOMES))] if ans else ("", "")
            w.writerow(
                [
                    i,
                    rec.isoformat(),
                    APPLICANTS[rnd.randrange(6)],
                    "网络",
                    ans.isoformat() if ans else "",
                    out,
                    why,
                    "是" if rnd.random() < 0.05 else "",
                ]
            )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.csv"
        t0 = time.perf_counter()
        generate(path, n, 2024)
        t1 = time.perf_counter()
        res = tabulate_file(path, 2024)
        t2 = time.perf_counter()
    print(f"生成登记表 {n:,} 行：{t1 - t0:.1f} 秒")
    print(f"登记表 → 表三（含答复期限核对）：{t2 - t1:.2f} 秒（{n / (t2 - t1):,.0f} 行/秒）")
    print(f"计入 2024 年度表三 {res.counted:,} 件；问题行 {len(res.errors)}；超期/即将到期 {len(res.deadlines):,} 件")
    print(f"（七）总计 {res.table['total_processed']['total']:,}，结转下年度 {res.table['carried_forward']['total']:,}")
    ok = t2 - t1 < 10.0
    print("目标 10 秒以内：" + ("达到" if ok else "未达到"))


if __name__ == "__main__":
    main()
