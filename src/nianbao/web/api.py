"""The JSON API under /api (OpenAPI at /openapi.json)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy import Engine

from nianbao.batch import Outcome
from nianbao.budget import BUG_REASON
from nianbao.corpus.indicators import INDICATORS
from nianbao.store import queries
from nianbao.template import FORMATS
from nianbao.web import auth, exporting, service
from nianbao.web.contract import errors
from nianbao.web.reportview import check_item, run_check, stored_findings, template_json
from nianbao.web.uploads import Upload, hide_temp_paths, receive

# Any operation can meet these: a login in a private deployment, the body limit, the sign-in limit.
router = APIRouter(prefix="/api", tags=["api"], responses=errors(401, 408, 413, 422, 429))

Id = Annotated[int, Path(ge=1, le=2**31 - 1, description="报告编号")]
Year = Annotated[int | None, Query(ge=1990, le=2100, description="报告年度")]
Region = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="地区编号（含下级）")]
Kind = Annotated[
    str | None, Query(pattern="^(government|department)$", description="government=人民政府，department=部门")
]
IndicatorKey = Annotated[
    str,
    Query(
        pattern="^(" + "|".join(INDICATORS) + ")$",
        description="指标：" + "、".join(f"{k}（{v.name}）" for k, v in INDICATORS.items()),
    ),
]
Level = Annotated[str, Query(pattern="^(province|city|county|township)$")]


def engine_of(request: Request) -> Engine:
    e: Engine = request.app.state.engine
    return e


def reader(request: Request) -> None:
    auth.can_read(request)


def safe_check(upload: Upload) -> Outcome:
    try:
        outcome = run_check(upload)
    except Exception:  # a reader bug on one odd file must not become a server error
        return Outcome(upload.filename, error=BUG_REASON)
    # The server's temporary copy is nobody's business: a reason naming it names the upload.
    outcome.error = hide_temp_paths(outcome.error, upload.filename)
    for f in outcome.findings:
        f.message = hide_temp_paths(f.message, upload.filename) or ""
    return outcome


@router.post("/check", summary="核查一份报告（不入库）", responses=errors(400, 415))
async def api_check(request: Request, file: Annotated[UploadFile, File(description="报告文件")]) -> dict[str, Any]:
    """Returns the same object as one element of `nianbao check --format json`; stores nothing."""
    up = await receive(file, request.app.state.settings.max_upload)
    outcome = await run_in_threadpool(safe_check, up)
    return check_item(outcome, up.filename)


@router.post("/reports", summary="上传报告并入库（需登录）", status_code=201, responses=errors(400, 403, 415))
async def api_ingest(request: Request, file: Annotated[UploadFile, File(description="报告文件")]) -> dict[str, Any]:
    user = auth.require(request, "reviewer")
    auth.check_csrf(request, None)
    up = await receive(file, request.app.state.settings.max_upload)
    rid, created = await run_in_threadpool(service.ingest_upload, engine_of(request), up, user.id)
    return {"id": rid, "created": created, "report": queries.get_report(engine_of(request), rid)}


@router.get("/reports", summary="报告列表", dependencies=[Depends(reader)])
def api_reports(
    request: Request,
    region: Region = None,
    year: Year = None,
    kind: Kind = None,
    q: Annotated[str | None, Query(max_length=100, description="机关名称或文件名包含")] = None,
    status: Annotated[str | None, Query(pattern="^(ok|failed)$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    items, total = service.list_reports(
        engine_of(request),
        region=region,
        year=year,
        kind=kind,
        q=q,
        status=status,
        limit=limit,
        offset=offset,
        paths=auth.sees_paths(request),
    )
    return {"total": total, "items": [auth.public_report(request, r) for r in items]}


@router.get(
    "/reports/{report_id}",
    summary="一份报告：表格数据与问题",
    dependencies=[Depends(reader)],
    responses=errors(404),
)
def api_report(request: Request, report_id: Id) -> dict[str, Any]:
    r = queries.get_report(engine_of(request), report_id)
    if r is None:
        raise HTTPException(404, "没有这份报告")
    return auth.public_report(request, r)


@router.delete("/reports/{report_id}", summary="删除报告（管理员）", responses=errors(403, 404))
def api_delete(request: Request, report_id: Id) -> dict[str, Any]:
    auth.require(request, "admin")
    auth.check_csrf(request, None)
    if not service.delete_report(engine_of(request), report_id):
        raise HTTPException(404, "没有这份报告")
    return {"deleted": report_id}


@router.get(
    "/reports/{report_id}/findings",
    summary="一份报告的问题及审核结论",
    dependencies=[Depends(reader)],
    responses=errors(404),
)
def api_findings(request: Request, report_id: Id) -> list[dict[str, Any]]:
    e = engine_of(request)
    r = queries.get_report(e, report_id)
    if r is None:
        raise HTTPException(404, "没有这份报告")
    return stored_findings(e, report_id, r["format"])


@router.post("/findings/{finding_id}/review", summary="审核一条问题（审核员）", responses=errors(400, 403, 404))
def api_review(
    request: Request,
    finding_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    decision: Annotated[str, Form(pattern="^(confirmed|dismissed)$")],
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> dict[str, Any]:
    user = auth.require(request, "reviewer")
    auth.check_csrf(request, None)
    try:
        rid = service.review_finding(engine_of(request), finding_id, decision, comment, user.id)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    return {"report_id": rid, "finding_id": finding_id, "decision": decision}


def _indicator(key: str) -> str:
    if key not in INDICATORS:
        raise HTTPException(400, f"没有名为「{key}」的指标；可用：{'、'.join(INDICATORS)}")
    return key


@router.get("/indicators", summary="指标：按地区和年度", dependencies=[Depends(reader)], responses=errors(400))
def api_indicators(
    request: Request, indicator: IndicatorKey = "disclosure_rate", year: Year = None, level: Level = "province"
) -> list[dict[str, Any]]:
    vals = queries.region_indicator(engine_of(request), _indicator(indicator), year, level)
    return [v.to_dict() for v in queries.series(vals)]


@router.get("/rankings", summary="地区排名", dependencies=[Depends(reader)], responses=errors(400))
def api_rankings(
    request: Request,
    year: Annotated[int, Query(ge=1990, le=2100)],
    indicator: IndicatorKey = "disclosure_rate",
    level: Level = "province",
) -> dict[str, Any]:
    return queries.rank_regions(engine_of(request), _indicator(indicator), year, level).to_dict()


@router.get("/dashboard", summary="统计看板数据", dependencies=[Depends(reader)], responses=errors(400))
def api_dashboard(
    request: Request,
    region: Region = None,
    year: Year = None,
    kind: Kind = None,
    indicator: IndicatorKey = "disclosure_rate",
) -> dict[str, Any]:
    return service.dashboard(engine_of(request), region, year, kind, _indicator(indicator))


@router.get("/summary", summary="库内概况", dependencies=[Depends(reader)])
def api_summary(request: Request) -> dict[str, Any]:
    return queries.summary(engine_of(request))


@router.get("/issues", summary="问题清单（按地区和年度）", dependencies=[Depends(reader)])
def api_issues(request: Request, region: Region = None, year: Year = None, kind: Kind = None) -> list[dict[str, Any]]:
    return service.issues(engine_of(request), region, year, kind)


@router.get("/template/{fmt}", summary="模板：表格布局与勾稽关系（供填报表单使用）", responses=errors(404))
def api_template(fmt: Annotated[str, Path(pattern="^(2021|2019)$")]) -> dict[str, Any]:
    if fmt not in FORMATS:
        raise HTTPException(404, "没有这个模板版本")
    return template_json(fmt)


@router.get(
    "/export",
    summary="导出全库数据（CSV/XLSX）",
    dependencies=[Depends(reader)],
    response_class=Response,
    responses={
        200: {
            "description": "CSV（UTF-8，带 BOM）或 XLSX 文件，作为附件下载",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                exporting.XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
        },
        **errors(400),
    },
)
def api_export(
    request: Request,
    to: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
    form: Annotated[str, Query(pattern="^(wide|long)$")] = "wide",
) -> Response:
    return exporting.store_export(engine_of(request), to, form, paths=auth.sees_paths(request))
