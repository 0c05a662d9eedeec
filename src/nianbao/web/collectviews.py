"""The 采集 pages: start a collection from portal columns and watch it (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nianbao.collect.run import validate
from nianbao.web import auth, collecting
from nianbao.web.views import render

router = APIRouter(include_in_schema=False)
MAX_URLS = 200


@router.get("/collect", response_class=HTMLResponse)
def collect_page(request: Request) -> HTMLResponse:
    auth.require(request, "admin")
    settings = request.app.state.settings
    return render(request, "collect.html", jobs=collecting.recent(settings), message=None, form={})


@router.post("/collect")
def collect_start(
    request: Request,
    urls: Annotated[str, Form(max_length=100_000)],
    delay: Annotated[float, Form(ge=0, le=60)] = 1.0,
    since: Annotated[str, Form(max_length=4)] = "",
    max_pages: Annotated[int, Form(ge=1, le=1000)] = 50,
    contact: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    auth.check_csrf(request, csrf)
    user = auth.require(request, "admin")
    settings = request.app.state.settings
    todo = list(dict.fromkeys(u.strip() for u in urls.splitlines() if u.strip() and not u.strip().startswith("#")))
    form = {"urls": urls, "delay": delay, "since": since, "max_pages": max_pages, "contact": contact}
    problem = None
    if not todo:
        problem = "请填写至少一个网址"
    elif len(todo) > MAX_URLS:
        problem = f"一次最多 {MAX_URLS} 个网址"
    elif since and not (since.isdigit() and 1990 <= int(since) <= 2100):
        problem = "起始年度应为四位数字年份"
    else:
        refused = validate(todo, collecting.allow_private(settings))
        if refused:
            problem = "；".join(f"{u}：{reason}" for u, reason in refused)
    if problem:
        jobs = collecting.recent(settings)
        return render(request, "collect.html", status=400, jobs=jobs, message=problem, form=form)
    job = collecting.start(
        request.app.state.engine,
        settings,
        todo,
        user.name,
        delay=delay,
        since=int(since) if since else None,
        max_pages=max_pages,
        contact=contact.strip() or None,
    )
    return RedirectResponse(f"/collect/{job.id}", status_code=303)


@router.get("/collect/{job_id}", response_class=HTMLResponse)
def collect_job(request: Request, job_id: str) -> HTMLResponse:
    auth.require(request, "admin")
    job = collecting.get(request.app.state.settings, job_id)
    if job is None:
        raise HTTPException(404, "没有这次采集")
    return render(request, "collect_job.html", job=job)
