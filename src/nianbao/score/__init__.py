"""Scorecards: an evaluator's indicator list (a YAML pack) applied to reports' findings.

`score_files` scores files as `nianbao check` reads them; `score_store` scores a corpus,
where cross-year rules have run and reviewers' dismissals count.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from nianbao.batch import expand, process
from nianbao.score.engine import Evidence, IndicatorScore, ReportScore, score_findings
from nianbao.score.pack import Pack, PackError, builtin_packs, load_pack, parse_pack

__all__ = [
    "MIN_REPORTS",
    "Evidence",
    "IndicatorScore",
    "Pack",
    "PackError",
    "RegionScore",
    "ReportScore",
    "builtin_packs",
    "load_pack",
    "parse_pack",
    "rank_regions",
    "score_files",
    "score_store",
]


def score_files(pack: Pack, paths: Iterable[str]) -> Iterator[ReportScore]:
    for path in expand(list(paths)):
        outcome = process(path)
        if outcome.report is None:
            yield ReportScore(path, None, None, error=outcome.error)
            continue
        rep = outcome.report
        got, top, inds = score_findings(pack, outcome.findings, history=False)
        yield ReportScore(path, rep.agency, rep.year, None, got, top, inds)


def score_store(
    pack: Pack, engine: Engine, *, year: int | None = None, region: str | None = None, region_id: int | None = None
) -> Iterator[ReportScore]:
    from nianbao.store.scoring import reports_for_scoring

    for rep in reports_for_scoring(engine, year=year, region=region, region_id=region_id):
        got, top, inds = score_findings(pack, rep.findings, history=True)
        yield ReportScore(rep.source, rep.agency, rep.year, rep.region, got, top, inds, report_id=rep.id)


# A region is ranked only when this many of its reports were scored: an average of one or
# two reports says more about those bodies than about the region (as the indicators'
# `min_cases` guard does for rates).
MIN_REPORTS = 3


@dataclass
class RegionScore:
    region: str
    year: int | None
    reports: int
    share: float  # mean of score ÷ maximum
    rank: int | None = None  # None: too few reports to rank


def rank_regions(
    scores: Iterable[ReportScore], *, level: int | None = None, min_reports: int = MIN_REPORTS
) -> list[RegionScore]:
    """Mean share of points per region (cut to `level` parts of its path: 1 province, 2 city,
    3 county) and year; regions with fewer than `min_reports` scored reports are listed unranked."""
    groups: dict[tuple[str, int | None], list[float]] = {}
    for s in scores:
        if s.region is None or s.score is None or not s.max:
            continue
        region = "/".join(s.region.split("/")[:level]) if level else s.region
        groups.setdefault((region, s.year), []).append(s.score / s.max)
    out = [RegionScore(r, y, len(v), sum(v) / len(v)) for (r, y), v in groups.items()]
    for year in {x.year for x in out}:
        ranked = sorted(
            (x for x in out if x.year == year and x.reports >= min_reports), key=lambda x: (-x.share, x.region)
        )
        for i, x in enumerate(ranked, start=1):
            x.rank = i
    out.sort(key=lambda x: (x.year or 0, x.rank is None, x.rank or 0, x.region))
    return out
