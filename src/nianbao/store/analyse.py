"""Corpus passes over the store: history checks (rules 12–13) and copy detection (rule 14).

`analyse_pending` runs after every ingest on the reports not yet analysed
(so a killed ingest catches up on the next run); `analyse_all` re-runs
everything. Findings are stored with scope `history`.
"""

from __future__ import annotations

import json
from collections import defaultdict

from sqlalchemy import Connection, Engine, delete, insert, select, update

from nianbao.checks import crossyear
from nianbao.corpus import copies, history
from nianbao.model import Cell, Finding, Report
from nianbao.store import tables as T

_HISTORY_RULES = (crossyear.CARRY_OVER, crossyear.IN_FORCE)


def analyse_pending(engine: Engine) -> int:
    """Run the corpus passes for reports not analysed yet; returns how many were analysed."""
    with engine.begin() as conn:
        pending = set(
            conn.execute(
                select(T.reports.c.id).where(T.reports.c.analysed.is_(False), T.reports.c.status == "ok")
            ).scalars()
        )
        if pending:
            _history(conn, pending)
            _copies(conn, pending)
        conn.execute(update(T.reports).where(T.reports.c.analysed.is_(False)).values(analysed=True))
    if pending:
        refresh_statistics(engine)
    return len(pending)


def refresh_statistics(engine: Engine) -> None:
    """Planner statistics for the tables dashboard queries filter on (cheap: SQLite samples, PG samples).

    Without them SQLite picks the (indicator, year) index even for one agency's series.
    """
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
        for table in ("indicator_values", "reports", "agencies"):
            conn.exec_driver_sql(f"ANALYZE {table}")


def analyse_all(engine: Engine) -> int:
    with engine.begin() as conn:
        conn.execute(update(T.reports).values(analysed=False))
    return analyse_pending(engine)


def _insert_findings(conn: Connection, rows: list[tuple[int, Finding]]) -> None:
    if not rows:
        return
    conn.execute(
        insert(T.findings),
        [
            {
                "report_id": rid,
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "table_key": f.table,
                "row_key": f.row,
                "column_key": f.column,
                "expected": json.dumps(f.expected, ensure_ascii=False, default=str),
                "actual": json.dumps(f.actual, ensure_ascii=False, default=str),
                "line": f.line,
                "scope": "history",
            }
            for rid, f in rows
        ],
    )


CHUNK = 1000  # agencies (or ids) per query: keeps IN lists far below PostgreSQL's 65,535 parameters


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[k : k + CHUNK] for k in range(0, len(ids), CHUNK)]


def _history(conn: Connection, pending: set[int]) -> None:
    r = T.reports
    agencies = sorted(
        set(
            conn.execute(
                select(r.c.agency_id).where(r.c.analysed.is_(False), r.c.status == "ok", r.c.agency_id.is_not(None))
            ).scalars()
        )
    )
    for chunk in _chunks(agencies):  # memory bounded by the chunk, not the corpus
        _history_chunk(conn, pending, chunk)


def _history_chunk(conn: Connection, pending: set[int], agencies: list[int]) -> None:
    r = T.reports
    meta = conn.execute(
        select(r.c.id, r.c.agency_id, r.c.year, r.c.format).where(
            r.c.agency_id.in_(agencies), r.c.status == "ok", r.c.year.is_not(None)
        )
    ).all()
    reports: dict[int, Report] = {m.id: Report(source="", format=m.format, year=m.year) for m in meta}
    c = T.cells
    for t, keys in history.history_rows().items():
        q = select(c.c.report_id, c.c.row_key, c.c.column_key, c.c.value).where(
            c.c.report_id.in_(select(r.c.id).where(r.c.agency_id.in_(agencies))),
            c.c.table_key == t,
            c.c.row_key.in_(keys),
        )
        for rid, rk, ck, v in conn.execute(q):
            rep = reports.get(rid)
            if rep is not None:
                val = None if v is None else (int(v) if float(v).is_integer() else v)
                rep.tables.setdefault(t, {}).setdefault(rk, {})[ck] = Cell(val)
    by_agency_year: dict[tuple[int, int], list[int]] = defaultdict(list)
    for m in meta:
        by_agency_year[(m.agency_id, m.year)].append(m.id)
    # Re-check the pending reports, and the next year's reports of pending ones.
    recheck: set[int] = set()
    for m in meta:
        if m.id in pending:
            recheck.add(m.id)
            recheck.update(by_agency_year.get((m.agency_id, m.year + 1), ()))
    f = T.findings
    for ids in _chunks(sorted(recheck)):
        conn.execute(delete(f).where(f.c.report_id.in_(ids), f.c.rule.in_(_HISTORY_RULES)))
    out: list[tuple[int, Finding]] = []
    info = {m.id: m for m in meta}
    for rid in sorted(recheck):
        m = info[rid]
        for prev_id in by_agency_year.get((m.agency_id, m.year - 1), ()):
            out.extend((rid, fd) for fd in history.compare_years(reports[prev_id], reports[rid]))
    _insert_findings(conn, out)


def _copies(conn: Connection, pending: set[int]) -> None:
    r, s = T.reports, T.signatures
    rows = conn.execute(
        select(s.c.report_id, r.c.agency_id, r.c.year, s.c.minhash, s.c.skeleton).join(r, r.c.id == s.c.report_id)
    ).all()
    docs = [copies.Doc(x.report_id, x.agency_id, x.year, bytes(x.minhash), x.skeleton) for x in rows]
    found = copies.find_copies(docs, pending)
    ft = T.findings
    unanalysed = select(r.c.id).where(r.c.analysed.is_(False))
    conn.execute(delete(ft).where(ft.c.report_id.in_(unanalysed), ft.c.rule == crossyear.COPIED))
    if not found:
        return
    names: dict[int, str | None] = {}
    for ids in _chunks(sorted({x.earlier.id for x in found})):
        names.update(
            (row.id, row.agency_name) for row in conn.execute(select(r.c.id, r.c.agency_name).where(r.c.id.in_(ids)))
        )
    existing = {
        (rid, exp)
        for rid, exp in conn.execute(select(ft.c.report_id, ft.c.expected).where(ft.c.rule == crossyear.COPIED))
    }
    out: list[tuple[int, Finding]] = []
    for x in found:
        other = {"report_id": x.earlier.id}
        if (x.later.id, json.dumps(other)) in existing:
            continue
        same = x.later.agency_id is not None and x.later.agency_id == x.earlier.agency_id
        whose = "本机关" if same else f"「{names.get(x.earlier.id) or '其他机关'}」"
        how = "除年份、数字外完全相同" if x.identical else f"高度相似（相似度约 {x.score:.0%}）"
        f = Finding(
            crossyear.COPIED,
            "error" if x.identical else "warning",
            "正文（总体情况、存在的主要问题及改进情况、其他需要报告的事项）"
            f"与{whose}{x.earlier.year or ''}年度报告{how}，"
            "属于内容雷同。",
            expected=other,
            actual=round(x.score, 3),
        )
        out.append((x.later.id, f))
    _insert_findings(conn, out)
