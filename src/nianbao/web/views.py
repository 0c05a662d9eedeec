"""HTML pages (Chinese): check, reports, dashboard, agencies, compare, write, review, login."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine

from nianbao.corpus.indicators import INDICATORS
from nianbao.readers import ReadError
from nianbao.readers.pdf import page_png
from nianbao.store.origin import origin
from nianbao.template import FORMATS, expected_format
from nianbao.web import auth, exporting, service
from nianbao.web.api import safe_check
from nianbao.web.reportview import (
    image_png,
    report_from_form,
    template_json,
    upload_of,
    view_from_outcome,
    view_from_store,
)
from nianbao.web.uploads import Upload, receive

router = APIRouter(include_in_schema=False)

Year = Annotated[int | None, Query(ge=1990, le=2100)]
Region = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
Kind = Annotated[str | None, Query(pattern="^(government|department)$")]
To = Annotated[str | None, Query(pattern="^(csv|xlsx)$")]


def _engine(request: Request) -> Engine:
    e: Engine = request.app.state.engine
    return e


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    ctx.update(
        request=request,
        user=auth.current_user(request),
        csrf=auth.csrf_token(request),
        settings=request.app.state.settings,
    )
    resp: HTMLResponse = request.app.state.templates.TemplateResponse(request, name, ctx, status_code=status)
    return resp


def error_page(request: Request, status: int, message: str, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    if status == 401 and request.method == "GET":
        return HTMLResponse("", status_code=303, headers={"Location": "/login?next=" + quote(str(request.url.path))})
    resp = render(request, "error.html", status=status, status_code=status, message=message)
    resp.headers.update(headers or {})
    return resp


@router.get("/health")
def health() -> dict[str, str]:
    """For load balancers and monitoring: open even in a private deployment."""
    return {"status": "ok"}


def _read(request: Request) -> None:
    auth.can_read(request)


# --- home and checking -----------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    summary = (
        service.summary(_engine(request))
        if request.app.state.settings.public_read or auth.current_user(request)
        else None
    )
    return render(request, "index.html", summary=summary)


@router.post("/check", response_class=HTMLResponse)
async def check(
    request: Request,
    files: Annotated[list[UploadFile], File()],
    csrf: Annotated[str, Form()] = "",
    store: Annotated[str, Form()] = "",
) -> Response:
    auth.check_csrf(request, csrf)
    settings = request.app.state.settings
    if not files or all(not f.filename for f in files):
        raise HTTPException(400, "请选择要核查的报告文件")
    if len(files) > settings.max_files:
        raise HTTPException(413, f"一次最多上传 {settings.max_files} 个文件")
    uploads: list[Upload] = [await receive(f, settings.max_upload) for f in files if f.filename]
    if store:
        user = auth.require(request, "reviewer")
        stored = []
        for up in uploads:
            rid, created = await run_in_threadpool(service.ingest_upload, _engine(request), up, user.id)
            stored.append({"id": rid, "created": created, "name": up.filename})
        if len(stored) == 1:
            return RedirectResponse(f"/reports/{stored[0]['id']}", status_code=303)
        return render(request, "stored.html", stored=stored)

    def run_all() -> list[Any]:
        return [view_from_outcome(safe_check(up), up) for up in uploads]

    views = await run_in_threadpool(run_all)
    return render(request, "results.html", views=views)


# --- reports -------------------------------------------------------------------------------


@router.get("/reports", response_class=HTMLResponse)
def reports(
    request: Request,
    region: Region = None,
    year: Year = None,
    kind: Kind = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[str | None, Query(pattern="^(ok|failed)$")] = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    to: To = None,
) -> Response:
    _read(request)
    e = _engine(request)
    paths = auth.sees_paths(request)
    if to:
        items, _ = service.list_reports(
            e, region=region, year=year, kind=kind, q=q, status=status, limit=100000, paths=paths
        )
        items = [auth.public_report(request, r) for r in items]
        head = ["编号", "机关", "年度", "模板", "错误数", "警告数", "文件", "状态", "原因"]
        rows = [
            [
                r["id"],
                r["agency"],
                r["year"],
                r["format"],
                r["n_errors"],
                r["n_warnings"],
                r["source"],
                r["status"],
                r["error"],
            ]
            for r in items
        ]
        return exporting.table_response(head, rows, to, "报告列表", "报告列表")
    items, total = service.list_reports(
        e, region=region, year=year, kind=kind, q=q, status=status, limit=50, offset=(page - 1) * 50, paths=paths
    )
    items = [auth.public_report(request, r) for r in items]
    return render(
        request,
        "reports.html",
        items=items,
        total=total,
        page=page,
        pages=(total + 49) // 50,
        regions=service.region_options(e),
        f={"region": region, "year": year, "kind": kind, "q": q or "", "status": status},
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: int, to: To = None) -> Response:
    _read(request)
    e = _engine(request)
    view = view_from_store(e, report_id) if 0 < report_id < 2**31 else None
    if view is None:
        raise HTTPException(404, "没有这份报告")
    if not auth.sees_paths(request):
        src = view.source_name
        view = replace(
            view,
            title=auth.file_name(view.title) if view.title == src else view.title,
            source_name=auth.file_name(src),
            error=auth.hide_path(view.error, src),
        )
    if to:
        head = ["表", "位置", "数值", "问题"]
        rows = [
            [t["title"], c["label"], c["text"], "；".join(view.findings[i]["message"] for i in c["findings"])]
            for t in view.tables
            for row in t["rows"]
            for c in row
            if c.get("key")
        ]
        return exporting.table_response(head, rows, to, f"报告{report_id}", "表格数据")
    return render(
        request,
        "report.html",
        view=view,
        views=[view],
        comments=service.comments(e, report_id),
        history=service.review_history(e, report_id),
        origin=origin(e, report_id),
    )


@router.get("/reports/{report_id}/page/{number}.png")
def report_page_png(request: Request, report_id: int, number: int) -> Response:
    _read(request)
    up = upload_of(_engine(request), report_id) if 0 < report_id < 2**31 else None
    if up is None or not (1 <= number <= 2000):
        raise HTTPException(404, "没有这一页")
    try:
        if up.data.startswith(b"%PDF") or b"%PDF-" in up.data[:1024]:
            png = page_png(up.data, number)[0]
        elif number == 1:
            png = image_png(up.data)
        else:
            raise HTTPException(404, "没有这一页")
    except (IndexError, ValueError, OSError, ReadError) as exc:
        raise HTTPException(404, "没有这一页") from exc
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.post("/reports/{report_id}/delete")
def delete_report(request: Request, report_id: int, csrf: Annotated[str, Form()] = "") -> Response:
    auth.check_csrf(request, csrf)
    auth.require(request, "admin")
    service.delete_report(_engine(request), report_id)
    return RedirectResponse("/reports", status_code=303)


@router.post("/findings/{finding_id}/review")
def review(
    request: Request,
    finding_id: int,
    decision: Annotated[str, Form()],
    comment: Annotated[str, Form(max_length=4000)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    auth.check_csrf(request, csrf)
    user = auth.require(request, "reviewer")
    try:
        rid = service.review_finding(_engine(request), finding_id, decision, comment, user.id)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse(f"/reports/{rid}#finding-{finding_id}", status_code=303)


@router.post("/reports/{report_id}/finish")
def finish(
    request: Request,
    report_id: int,
    comment: Annotated[str, Form(max_length=4000)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    auth.check_csrf(request, csrf)
    user = auth.require(request, "reviewer")
    service.finish_review(_engine(request), report_id, comment, user.id)
    return RedirectResponse(f"/reports/{report_id}", status_code=303)


@router.post("/reports/{report_id}/comment")
def comment(
    request: Request, report_id: int, text: Annotated[str, Form(max_length=4000)], csrf: Annotated[str, Form()] = ""
) -> Response:
    auth.check_csrf(request, csrf)
    user = auth.require(request, "viewer")
    try:
        service.add_comment(_engine(request), report_id, text, user.id)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse(f"/reports/{report_id}#comments", status_code=303)


# --- dashboard, agencies, compare, issues ------------------------------------------------------


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    region: Region = None,
    year: Year = None,
    kind: Kind = None,
    indicator: Annotated[str, Query(max_length=40)] = "disclosure_rate",
    to: To = None,
) -> Response:
    _read(request)
    e = _engine(request)
    if indicator not in INDICATORS:
        indicator = "disclosure_rate"
    if to:
        d = service.dashboard(e, region, year, kind, indicator)
        head = ["年度", "报告数", "有错误的比例", *(i["name"] for i in d["indicators"])]
        rows = [
            [y, d["reports_by_year"][i], d["error_share"][i], *(ind["values"][i] for ind in d["indicators"])]
            for i, y in enumerate(d["years"])
        ]
        return exporting.table_response(head, rows, to, "统计看板", "按年度")
    return render(
        request,
        "dashboard.html",
        regions=service.summary(e)["region_options"],
        indicators=INDICATORS,
        f={"region": region, "year": year, "kind": kind, "indicator": indicator},
    )


@router.get("/agencies", response_class=HTMLResponse)
def agencies(request: Request, q: Annotated[str | None, Query(max_length=100)] = None) -> HTMLResponse:
    _read(request)
    return render(request, "agencies.html", items=service.agencies_list(_engine(request), q), q=q or "")


@router.get("/agencies/{agency_id}", response_class=HTMLResponse)
def agency(request: Request, agency_id: int, to: To = None) -> Response:
    _read(request)
    data = service.agency_page(_engine(request), agency_id) if 0 < agency_id < 2**31 else None
    if data is None:
        raise HTTPException(404, "没有这个机关")
    if to:
        return exporting.table_response(
            ["位置", *(str(y) for y in data["years"])],
            [[r["label"], *r["vals"]] for r in data["rows"]],
            to,
            f"机关{agency_id}",
            "历年数据",
        )
    return render(request, "agency.html", a=data)


@router.post("/agencies/{agency_id}/region")
def agency_region(
    request: Request, agency_id: int, region: Annotated[str, Form(max_length=200)], csrf: Annotated[str, Form()] = ""
) -> Response:
    """Correct the region an agency belongs to (reviewers and admins)."""
    auth.check_csrf(request, csrf)
    auth.require(request, "reviewer")
    e = _engine(request)
    data = service.agency_page(e, agency_id) if 0 < agency_id < 2**31 else None
    if data is None:
        raise HTTPException(404, "没有这个机关")
    from nianbao.store import queries

    try:
        queries.set_agency_region(e, data["names"][0]["name"] if data["names"] else data["name"], region.strip())
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    service.clear_cache()
    return RedirectResponse(f"/agencies/{agency_id}", status_code=303)


@router.get("/compare", response_class=HTMLResponse)
def compare(
    request: Request,
    a: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    b: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    to: To = None,
) -> Response:
    _read(request)
    data = service.compare(_engine(request), a, b) if a and b else None
    if a and b and data is None:
        raise HTTPException(404, "没有这两份报告")
    if to and data:
        return exporting.table_response(
            ["位置", f"报告{a}", f"报告{b}", "差值"],
            [[r["label"], r["a"], r["b"], r["diff"]] for r in data["rows"]],
            to,
            f"对比{a}-{b}",
            "对比",
        )
    return render(request, "compare.html", data=data, a=a, b=b)


@router.get("/issues", response_class=HTMLResponse)
def issues(request: Request, region: Region = None, year: Year = None, kind: Kind = None, to: To = None) -> Response:
    _read(request)
    e = _engine(request)
    items = service.issues(e, region, year, kind)
    if to:
        return exporting.table_response(
            service.ISSUE_HEAD, service.issue_rows(items), to, f"问题清单-{year or '全部'}", "问题清单"
        )
    return render(
        request,
        "issues.html",
        items=items[:2000],
        total=len(items),
        regions=service.region_options(e),
        f={"region": region, "year": year, "kind": kind},
    )


# --- writing --------------------------------------------------------------------------------------


@router.get("/write", response_class=HTMLResponse)
def write(
    request: Request, format: Annotated[str | None, Query(pattern="^(2021|2019)$")] = None, year: Year = None
) -> HTMLResponse:
    fmt = format or (expected_format(year) if year else "2021")
    return render(request, "write.html", tpl=template_json(fmt), formats=FORMATS, fmt=fmt, year=year)


@router.post("/write")
async def write_post(request: Request) -> Response:
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    auth.check_csrf(request, fields.get("csrf"))
    fmt = fields.get("format", "2021")
    if fmt not in FORMATS:
        raise HTTPException(400, "模板版本只能是 2021 或 2019")
    to = fields.get("to", "docx")
    if to not in ("docx", "pdf"):
        raise HTTPException(400, "只能下载 DOCX 或 PDF")
    report = report_from_form(fields, fmt)
    from nianbao.render import render_bytes, title_of

    data = await run_in_threadpool(render_bytes, report, to)
    media = (
        "application/pdf" if to == "pdf" else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    name = quote(title_of(report) + "." + to)
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename=\"report.{to}\"; filename*=UTF-8''{name}"},
    )


# --- accounts ------------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: Annotated[str, Query(max_length=200)] = "/") -> HTMLResponse:
    return render(request, "login.html", next=_local(next), message=None)


def _local(url: str) -> str:
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else "/"


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form(max_length=200)] = "/",
) -> Response:
    auth.check_csrf(request, csrf)
    try:
        user = auth.checked_sign_in(request, name, password)
    except HTTPException as exc:  # too many failures: the form again, with the reason and Retry-After
        resp = render(request, "login.html", status=exc.status_code, next=_local(next), message=str(exc.detail))
        resp.headers.update(exc.headers or {})
        return resp
    if user is None:
        return render(request, "login.html", status=401, next=_local(next), message="用户名或密码不正确")
    auth.login(request, user)
    return RedirectResponse(_local(next), status_code=303)


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    auth.check_csrf(request, csrf)
    auth.logout(request)
    return RedirectResponse("/", status_code=303)
