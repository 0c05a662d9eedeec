"""Store operations of the web app: ingesting uploads, reviews, dashboard figures,
agency histories, comparisons and issue lists. Reads go through the store's
tables and `nianbao.store.queries`; dashboard figures are cached per store version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
import threading
import time
from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, Integer, and_, func, insert, or_, select

from nianbao import budget
from nianbao.checks.registry import reading_rules
from nianbao.corpus.indicators import INDICATORS, rate
from nianbao.store import queries
from nianbao.store import tables as T
from nianbao.store.ingest import Writer, extract_file, failed_payload
from nianbao.template import T3_ROWS_ALL, cell_label, row_def
from nianbao.web import db as W
from nianbao.web.reportview import rule_title
from nianbao.web.uploads import Upload, temp_copy

_R, _A, _RG, _C, _F = T.reports, T.agencies, T.regions, T.cells, T.findings


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# --- ingest ------------------------------------------------------------------------


def ingest_upload(engine: Engine, upload: Upload, user_id: int | None) -> tuple[int, bool]:
    """Store one uploaded file (kept with its original bytes); returns (report id, newly added)."""
    sha = hashlib.sha256(upload.data).hexdigest()
    with engine.connect() as conn:
        rid = conn.execute(select(_R.c.id).where(_R.c.sha256 == sha)).scalar()
    if rid is not None:
        return int(rid), False
    with temp_copy(upload) as path:  # read in a worker process, within the file budget (nianbao.budget)
        payload = budget.within(
            extract_file, path, sha, len(upload.data), fallback=lambda r: failed_payload(path, sha, len(upload.data), r)
        )
    payload["source"] = upload.filename
    writer = Writer(engine)
    with engine.begin() as conn:
        rid = writer.write(conn, payload)
        if hasattr(writer, "flush"):  # the writer buffers cells, findings and texts
            writer.flush(conn)
        conn.execute(
            insert(W.uploads).values(
                report_id=rid, filename=upload.filename, data=upload.data, user_id=user_id, created_at=_now()
            )
        )
    from nianbao.store.analyse import analyse_pending

    analyse_pending(engine)
    _cache.clear()
    return int(rid), True


def delete_report(engine: Engine, report_id: int) -> bool:
    with engine.begin() as conn:
        for t in (W.reviews, W.comments, W.uploads):
            conn.execute(t.delete().where(t.c.report_id == report_id))
        n = conn.execute(_R.delete().where(_R.c.id == report_id)).rowcount
    _cache.clear()
    return bool(n)


# --- reviews -------------------------------------------------------------------------


def review_finding(engine: Engine, finding_id: int, decision: str, comment: str, user_id: int) -> int:
    """Record a decision on a finding; returns its report id. Raises ValueError (Chinese)."""
    if decision not in ("confirmed", "dismissed"):
        raise ValueError("审核结论只能是「确认」或「驳回」")
    if decision == "dismissed" and not comment.strip():
        raise ValueError("驳回问题时必须填写理由")
    with engine.begin() as conn:
        rid = conn.execute(select(_F.c.report_id).where(_F.c.id == finding_id)).scalar()
        if rid is None:
            raise LookupError("没有这条问题记录")
        conn.execute(
            insert(W.reviews).values(
                report_id=rid,
                finding_id=finding_id,
                decision=decision,
                comment=comment.strip()[:4000] or None,
                user_id=user_id,
                created_at=_now(),
            )
        )
    _cache.clear()
    return int(rid)


def finish_review(engine: Engine, report_id: int, comment: str, user_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(W.reviews).values(
                report_id=report_id,
                finding_id=None,
                decision="done",
                comment=comment.strip()[:4000] or None,
                user_id=user_id,
                created_at=_now(),
            )
        )
    _cache.clear()


def add_comment(engine: Engine, report_id: int, text: str, user_id: int) -> None:
    text = text.strip()
    if not text:
        raise ValueError("意见不能为空")
    with engine.begin() as conn:
        conn.execute(
            insert(W.comments).values(report_id=report_id, user_id=user_id, text=text[:4000], created_at=_now())
        )


def comments(engine: Engine, report_id: int) -> list[dict[str, Any]]:
    c, u = W.comments, W.users
    with engine.connect() as conn:
        return [
            {"text": x.text, "user": x.name, "at": x.created_at.strftime("%Y-%m-%d %H:%M")}
            for x in conn.execute(
                select(c.c.text, c.c.created_at, u.c.name)
                .outerjoin(u, u.c.id == c.c.user_id)
                .where(c.c.report_id == report_id)
                .order_by(c.c.id)
            )
        ]


def review_history(engine: Engine, report_id: int) -> list[dict[str, Any]]:
    rv, u = W.reviews, W.users
    with engine.connect() as conn:
        return [
            {
                "finding_id": x.finding_id,
                "decision": x.decision,
                "comment": x.comment,
                "user": x.name,
                "at": x.created_at.strftime("%Y-%m-%d %H:%M"),
            }
            for x in conn.execute(
                select(rv, u.c.name)
                .outerjoin(u, u.c.id == rv.c.user_id)
                .where(rv.c.report_id == report_id)
                .order_by(rv.c.id)
            )
        ]


# --- filters -------------------------------------------------------------------------


def region_options(engine: Engine) -> list[tuple[int, str]]:
    names = queries.region_names(engine)
    return sorted(names.items(), key=lambda kv: kv[1])


def _filters(engine: Engine, region: int | None, year: int | None, kind: str | None) -> list[Any]:
    conds: list[Any] = [_R.c.status == "ok"]
    if year is not None:
        conds.append(_R.c.year == year)
    if region is not None:
        with engine.connect() as conn:
            path = conn.execute(select(_RG.c.path).where(_RG.c.id == region)).scalar()
        if path is None:
            conds.append(_R.c.id < 0)
        else:
            sub = select(_RG.c.id).where(_RG.c.path.like(path + "%"))
            conds.append(_R.c.agency_id.in_(select(_A.c.id).where(_A.c.region_id.in_(sub))))
    if kind in ("government", "department"):
        conds.append(_R.c.agency_id.in_(select(_A.c.id).where(_A.c.is_government.is_(kind == "government"))))
    return conds


def list_reports(
    engine: Engine,
    *,
    region: int | None = None,
    year: int | None = None,
    kind: str | None = None,
    q: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
    paths: bool = True,
) -> tuple[list[dict[str, Any]], int]:
    """Reports matching the filters, newest first; `q` matches the agency, and the file path
    only when `paths` (anonymous readers must not probe the server's folders)."""
    conds = _filters(engine, region, year, kind)
    if status == "failed":
        conds[0] = _R.c.status == "failed"
    if q:
        like = "%" + q.replace("%", "").replace("_", "")[:100] + "%"
        conds.append(or_(_R.c.agency_name.like(like), _R.c.source.like(like)) if paths else _R.c.agency_name.like(like))
    base = select(_R).where(and_(*conds))
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(base.subquery())).scalar_one()
        rows = conn.execute(base.order_by(_R.c.id.desc()).limit(limit).offset(offset)).all()
    return [queries._report_dict(r) for r in rows], int(total)


# --- dashboard -----------------------------------------------------------------------

# Dashboard figures per (store, filters): (store version, computed at, value).
_cache: dict[tuple[Any, ...], tuple[tuple[Any, ...], float, Any]] = {}
_cache_lock = threading.Lock()
_refreshing: set[tuple[Any, ...]] = set()
TTL = 300.0  # seconds a figure is served without looking again
STALE = 3600.0  # a figure of an older store version is served (and refreshed behind) this long


def store_version(engine: Engine) -> tuple[Any, ...]:
    with engine.connect() as conn:
        a = conn.execute(select(func.max(_R.c.id), func.count()).select_from(_R)).one()
        b = conn.execute(select(func.max(W.reviews.c.id))).scalar()
    return (a[0], a[1], b)


def cached(key: tuple[Any, ...], engine: Engine, build: Any) -> Any:
    """`build()` cached per store and key; recomputed when the store changes.

    Uploads through the web app clear the cache; when the store changed
    otherwise (a CLI ingest), the previous figures are served while a
    background thread recomputes them, so a large dashboard never blocks twice.
    """
    full = (str(engine.url), *key)
    version = store_version(engine)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(full)
    if hit is not None:
        ver, at, value = hit
        if ver == version and now - at < TTL:
            return value
        if now - at < STALE:
            _refresh_behind(full, version, build)
            return value
    value = build()
    with _cache_lock:
        if len(_cache) > 256:
            _cache.clear()
        _cache[full] = (version, now, value)
    return value


def _refresh_behind(full: tuple[Any, ...], version: tuple[Any, ...], build: Any) -> None:
    with _cache_lock:
        if full in _refreshing:
            return
        _refreshing.add(full)

    def run() -> None:
        try:
            value = build()
            with _cache_lock:
                _cache[full] = (version, time.monotonic(), value)
        finally:
            with _cache_lock:
                _refreshing.discard(full)

    threading.Thread(target=run, daemon=True).start()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def summary(engine: Engine) -> dict[str, Any]:
    """`queries.summary` and the region list, cached like the dashboard."""
    return dict(
        cached(("summary",), engine, lambda: {**queries.summary(engine), "region_options": region_options(engine)})
    )


def warm(engine: Engine) -> None:
    """Compute the default dashboard once (called in a background thread at start-up)."""
    summary(engine)
    dashboard(engine, None, None, None, next(iter(INDICATORS)))


def outcome_groups() -> list[tuple[str, list[str]]]:
    """Table 3's outcome groups （一）…（六） with their row keys, named from the template labels."""
    groups: list[tuple[str, list[str]]] = []
    seen_other = False
    for r in T3_ROWS_ALL:
        if r.group != "outcome":
            continue
        head = next((p for p in r.label.split(" ") if p.startswith("（")), None)
        if head is not None:
            m = re.match(r"（[^）]*）[^（]*", head)
            name = m.group(0) if m else head
            if name.startswith("（六）") and seen_other:
                groups[-1][1].append(r.key)
                continue
            seen_other = seen_other or name.startswith("（六）")
            groups.append((name, [r.key]))
        elif groups:
            groups[-1][1].append(r.key)
    return groups


def dashboard(engine: Engine, region: int | None, year: int | None, kind: str | None, indicator: str) -> dict[str, Any]:
    return dict(
        cached(
            ("dash", region, year, kind, indicator), engine, lambda: _dashboard(engine, region, year, kind, indicator)
        )
    )


def _dashboard(
    engine: Engine, region: int | None, year: int | None, kind: str | None, indicator: str
) -> dict[str, Any]:
    if indicator not in INDICATORS:
        indicator = next(iter(INDICATORS))
    conds_all_years = _filters(engine, region, None, kind)
    conds = _filters(engine, region, year, kind)
    names = queries.region_names(engine)
    with engine.connect() as conn:
        by_year = {
            int(y): (int(n), int(e or 0))
            for y, n, e in conn.execute(
                select(_R.c.year, func.count(), func.sum((_R.c.n_errors > 0).cast(Integer)))
                .where(and_(*conds_all_years), _R.c.year.is_not(None))
                .group_by(_R.c.year)
                .order_by(_R.c.year)
            )
        }
        # Reports by region one level below the selected one (provinces when none).
        regs = {r.id: r for r in conn.execute(select(_RG.c.id, _RG.c.parent_id, _RG.c.path, _RG.c.level))}
        per_region = conn.execute(
            select(_A.c.region_id, func.count())
            .join(_A, _A.c.id == _R.c.agency_id)
            .where(and_(*conds))
            .group_by(_A.c.region_id)
        ).all()
        outcomes = dict(
            conn.execute(
                select(_C.c.row_key, func.sum(_C.c.value))
                .join(_R, _R.c.id == _C.c.report_id)
                .where(and_(*conds), _C.c.table_key == "applications", _C.c.column_key == "total")
                .group_by(_C.c.row_key)
            ).all()
        )
        iv = T.indicator_values
        trend: dict[str, dict[int, float | None]] = {}
        for k, y, n, d in conn.execute(
            select(iv.c.indicator, _R.c.year, func.sum(iv.c.numerator), func.sum(iv.c.denominator))
            .join(_R, _R.c.id == iv.c.report_id)
            .where(
                and_(*conds_all_years),
                iv.c.numerator.is_not(None),
                iv.c.denominator.is_not(None),
                _R.c.year.is_not(None),
            )
            .group_by(iv.c.indicator, _R.c.year)
        ):
            trend.setdefault(k, {})[int(y)] = rate(float(n or 0), float(d or 0))
    level_of_child = {"province": "city", "city": "county", "county": "township"}
    base_path = regs[region].path if region in regs else "/"
    child_level = level_of_child.get(regs[region].level, "township") if region in regs else "province"
    region_counts: dict[str, int] = defaultdict(int)
    for rid, n in per_region:
        if rid is None or rid not in regs:
            region_counts["（未识别地区）"] += int(n)
            continue
        chain = [int(x) for x in regs[rid].path.strip("/").split("/") if x]
        child = next((c for c in chain if regs[c].level == child_level and regs[c].path.startswith(base_path)), None)
        label = names[child].rsplit("/", 1)[-1] if child is not None else (names[rid].rsplit("/", 1)[-1] + "（本级）")
        region_counts[label] += int(n)
    years = sorted(by_year)
    rank_year = year or (years[-1] if years else None)
    ranking: dict[str, Any] = {"ranked": [], "too_few": []}
    if rank_year is not None:
        lvl = child_level if child_level != "township" else "county"
        vals = [
            v
            for v in queries.region_indicator(engine, indicator, rank_year, lvl)
            if region is None or (v.unit_id in regs and regs[v.unit_id].path.startswith(base_path))
        ]
        rk = queries.rank(vals, indicator, rank_year)
        ranking = {
            "ranked": [{"name": v.name, "value": v.value, "denominator": v.denominator} for v in rk.ranked[:20]],
            "too_few": len(rk.too_few),
            "level": lvl,
        }
    groups = outcome_groups()
    return {
        "years": years,
        "reports_by_year": [by_year[y][0] for y in years],
        "error_share": [round(by_year[y][1] / by_year[y][0], 4) if by_year[y][0] else None for y in years],
        "regions": sorted(region_counts.items(), key=lambda kv: -kv[1])[:30],
        "outcomes": [{"name": name, "value": sum(float(outcomes.get(k) or 0) for k in keys)} for name, keys in groups],
        "indicators": [
            {"key": k, "name": ind.name, "formula": ind.formula, "values": [trend.get(k, {}).get(y) for y in years]}
            for k, ind in INDICATORS.items()
        ],
        "ranking": {"indicator": indicator, "name": INDICATORS[indicator].name, "year": rank_year, **ranking},
        "total": sum(by_year[y][0] for y in years) if year is None else by_year.get(year, (0, 0))[0],
    }


# --- agency ------------------------------------------------------------------------------


def agency_page(engine: Engine, agency_id: int) -> dict[str, Any] | None:
    names = queries.region_names(engine)
    with engine.connect() as conn:
        a = conn.execute(select(_A).where(_A.c.id == agency_id)).first()
        if a is None:
            return None
        reps = conn.execute(
            select(_R.c.id, _R.c.year, _R.c.format, _R.c.n_errors, _R.c.n_warnings, _R.c.agency_name)
            .where(_R.c.agency_id == agency_id, _R.c.status == "ok")
            .order_by(_R.c.year, _R.c.id)
        ).all()
        by_year: dict[int, Any] = {}
        for r in reps:
            if r.year is not None:
                by_year[r.year] = r  # the latest report of a year
        ids = [r.id for r in by_year.values()]
        cells: dict[int, dict[tuple[str, str, str], float | None]] = defaultdict(dict)
        if ids:
            for c in conn.execute(
                select(_C.c.report_id, _C.c.table_key, _C.c.row_key, _C.c.column_key, _C.c.value).where(
                    _C.c.report_id.in_(ids)
                )
            ):
                cells[c.report_id][(c.table_key, c.row_key, c.column_key)] = c.value
        hist = conn.execute(
            select(_F.c.report_id, _F.c.rule, _F.c.severity, _F.c.message, _F.c.expected, _F.c.actual)
            .where(_F.c.report_id.in_([r.id for r in reps]), _F.c.scope == "history")
            .order_by(_F.c.id)
        ).all()
        variants = conn.execute(select(T.agency_names).where(T.agency_names.c.agency_id == agency_id)).all()
    years = sorted(by_year)
    # One row per cell present in any year, in template order.
    keys: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    from nianbao.store.export import cell_columns

    for _name, tk, rk, ck in cell_columns():
        k = (tk, rk, ck)
        if k not in seen and any(k in cells[by_year[y].id] for y in years):
            seen.add(k)
            keys.append(k)
    fmt = by_year[years[-1]].format if years else None
    rows = [
        {
            "label": cell_label(t, r, c, fmt),
            "vals": [_int(cells[by_year[y].id].get(k)) if k in cells[by_year[y].id] else "—" for y in years],
            "changed": len({cells[by_year[y].id].get(k) for y in years if k in cells[by_year[y].id]}) > 1,
        }
        for k in keys
        for t, r, c in [k]
    ]
    continuity = []
    for prev, cur in itertools.pairwise(years):
        if cur != prev + 1:
            continue
        fwd = cells[by_year[prev].id].get(("applications", "carried_forward", "total"))
        over = cells[by_year[cur].id].get(("applications", "carried_over", "total"))
        continuity.append(
            {
                "prev": prev,
                "cur": cur,
                "carried_forward": _int(fwd),
                "carried_over": _int(over),
                "ok": fwd is not None and over is not None and fwd == over,
            }
        )
    year_of = {r.id: r.year for r in reps}
    copied = []
    other_history = []
    for h in hist:
        if h.rule == "history.copied_text":
            other = json.loads(h.expected).get("report_id") if h.expected else None
            copied.append(
                {
                    "report_id": h.report_id,
                    "year": year_of.get(h.report_id),
                    "other_id": other,
                    "message": h.message,
                    "passages": copied_passages(engine, h.report_id, other) if other else [],
                }
            )
        else:
            other_history.append(
                {
                    "report_id": h.report_id,
                    "year": year_of.get(h.report_id),
                    "rule": rule_title(h.rule),
                    "message": h.message,
                    "severity": h.severity,
                }
            )
    return {
        "id": a.id,
        "name": a.name,
        "region": names.get(a.region_id) if a.region_id else None,
        "is_government": a.is_government,
        "names": [{"name": v.name, "first_year": v.first_year, "last_year": v.last_year} for v in variants],
        "years": years,
        "reports": [
            {
                "id": by_year[y].id,
                "year": y,
                "format": by_year[y].format,
                "n_errors": by_year[y].n_errors,
                "n_warnings": by_year[y].n_warnings,
            }
            for y in years
        ],
        "rows": rows,
        "continuity": continuity,
        "copied": copied,
        "history": other_history,
    }


def _int(v: float | None) -> int | float | str:
    if v is None:
        return ""
    return int(v) if float(v).is_integer() else v


_SENT = re.compile(r"[^。！？；\n]+[。！？；]?")


def copied_passages(engine: Engine, a: int, b: int, limit: int = 12) -> list[str]:
    """Sentences (digits ignored) that two reports' narratives share."""
    with engine.connect() as conn:
        texts = {
            rid: "\n".join(t for (t,) in conn.execute(select(T.sections.c.text).where(T.sections.c.report_id == rid)))
            for rid in (a, b)
        }

    def sents(text: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for m in _SENT.finditer(text):
            s = m.group(0).strip()
            if len(s) >= 15 and "\t" not in s:
                out.setdefault(re.sub(r"\d+", "#", s), s)
        return out

    sa, sb = sents(texts[a]), sents(texts[b])
    return [sa[k] for k in sa if k in sb][:limit]


def agencies_list(engine: Engine, q: str | None, limit: int = 200) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        qq = select(_A.c.id, _A.c.name, _A.c.region_id).order_by(_A.c.name).limit(limit)
        if q:
            qq = qq.where(_A.c.name.like("%" + q.replace("%", "")[:100] + "%"))
        rows = conn.execute(qq).all()
    names = queries.region_names(engine)
    return [{"id": r.id, "name": r.name, "region": names.get(r.region_id) if r.region_id else None} for r in rows]


# --- compare -------------------------------------------------------------------------------


def compare(engine: Engine, a: int, b: int) -> dict[str, Any] | None:
    from nianbao.store.export import cell_columns

    with engine.connect() as conn:
        heads = {r.id: r for r in conn.execute(select(_R).where(_R.c.id.in_([a, b])))}
        if a not in heads or b not in heads:
            return None
        vals: dict[int, dict[tuple[str, str, str], float | None]] = {a: {}, b: {}}
        for c in conn.execute(select(_C).where(_C.c.report_id.in_([a, b]))):
            vals[c.report_id][(c.table_key, c.row_key, c.column_key)] = c.value
    rows = []
    for _n, tk, rk, ck in cell_columns():
        k = (tk, rk, ck)
        if k not in vals[a] and k not in vals[b]:
            continue
        va, vb = vals[a].get(k), vals[b].get(k)
        diff = None if va is None or vb is None else vb - va
        rows.append(
            {
                "table": tk,
                "label": cell_label(tk, rk, ck, heads[a].format),
                "a": _int(va) if k in vals[a] else "—",
                "b": _int(vb) if k in vals[b] else "—",
                "diff": _int(diff) if diff else "",
                "same": va == vb,
            }
        )
    return {
        "a": queries._report_dict(heads[a]),
        "b": queries._report_dict(heads[b]),
        "rows": rows,
        "n_diff": sum(not r["same"] for r in rows),
    }


# --- issue list (问题清单) -------------------------------------------------------------------

ISSUE_HEAD = [
    "序号",
    "地区",
    "责任单位",
    "年度",
    "报告编号",
    "问题类型",
    "级别",
    "位置",
    "问题描述",
    "审核结论",
    "审核意见",
    "整改情况",
]


def issues(
    engine: Engine, region: int | None, year: int | None, kind: str | None = None, include_dismissed: bool = False
) -> list[dict[str, Any]]:
    """Findings of the reports in a region and year, with the responsible body and latest review."""
    conds = _filters(engine, region, year, kind)
    rv = W.reviews
    latest = (
        select(rv.c.finding_id, func.max(rv.c.id).label("rid"))
        .where(rv.c.finding_id.is_not(None))
        .group_by(rv.c.finding_id)
        .subquery()
    )
    q = (
        select(
            _F.c.id,
            _F.c.rule,
            _F.c.severity,
            _F.c.message,
            _F.c.table_key,
            _F.c.row_key,
            _F.c.column_key,
            _R.c.id.label("report_id"),
            _R.c.year,
            _R.c.agency_name,
            _R.c.format,
            _A.c.region_id,
            rv.c.decision,
            rv.c.comment,
        )
        .join(_R, _R.c.id == _F.c.report_id)
        .outerjoin(_A, _A.c.id == _R.c.agency_id)
        .outerjoin(latest, latest.c.finding_id == _F.c.id)
        .outerjoin(rv, rv.c.id == latest.c.rid)
        # Sent to the bodies for rectification: never what the reader could not see.
        .where(and_(*conds), _F.c.severity.in_(("error", "warning")), _F.c.rule.not_in(reading_rules()))
        .order_by(_A.c.region_id, _R.c.agency_name, _R.c.year, _F.c.id)
        .limit(20000)
    )
    names = queries.region_names(engine)
    out = []
    with engine.connect() as conn:
        for x in conn.execute(q):
            if x.decision == "dismissed" and not include_dismissed:
                continue
            out.append(
                {
                    "id": x.id,
                    "region": names.get(x.region_id, "") if x.region_id else "",
                    "agency": x.agency_name or "",
                    "year": x.year,
                    "report_id": x.report_id,
                    "rule": rule_title(x.rule),
                    "severity": "错误" if x.severity == "error" else "警告",
                    "where": cell_label(x.table_key, x.row_key, x.column_key, x.format) if x.table_key else "全文",
                    "message": x.message,
                    "decision": {"confirmed": "确认", "dismissed": "驳回"}.get(x.decision or "", "待审"),
                    "comment": x.comment or "",
                }
            )
    return out


def issue_rows(items: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            i + 1,
            x["region"],
            x["agency"],
            x["year"],
            x["report_id"],
            x["rule"],
            x["severity"],
            x["where"],
            x["message"],
            x["decision"],
            x["comment"],
            "",
        ]
        for i, x in enumerate(items)
    ]


def row_label(table: str, row: str, fmt: str | None) -> str:
    rd = row_def(table, row, fmt)
    return rd.label if rd else row
