"""The web application: `create_app(Settings(db=...))` → FastAPI.

Views (HTML pages in Chinese) live in `views.py`, the JSON API under `/api` in
`api.py`. Jinja2 autoescapes every template; report text is never marked safe.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from nianbao.store.db import open_store

HERE = Path(__file__).parent
MB = 1024 * 1024


@dataclass
class Settings:
    db: str = "nianbao.db"
    public_read: bool = True  # reading pages and the read API without logging in
    max_upload: int = 20 * MB  # per file
    max_files: int = 50  # per request
    secret: str = field(default_factory=lambda: os.environ.get("NIANBAO_SECRET") or secrets.token_urlsafe(32))
    secure_cookies: bool = False  # set when served over HTTPS
    warm_cache: bool = False  # compute the default dashboard in the background at start-up


class BodyLimit:
    """Refuse a request whose declared body exceeds the limit before reading it (413, Chinese)."""

    def __init__(self, app: ASGIApp, limit: int, per_file: int) -> None:
        self.app = app
        self.limit = limit
        self.per_file = per_file

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for k, v in scope.get("headers", []):
                if k == b"content-length":
                    try:
                        n = int(v)
                    except ValueError:
                        n = 0
                    if n > self.limit:
                        msg = f"上传内容过大（{n / MB:.0f} MB）：单个文件上限 {self.per_file // MB} MB，一次最多 {self.limit // MB} MB"
                        resp = JSONResponse({"detail": msg}, status_code=413)
                        await resp(scope, receive, send)
                        return
        await self.app(scope, receive, send)


def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(HERE / "templates"))
    t.env.autoescape = True  # every template, whatever its suffix
    return t


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="nianbao 年报核查",
        description="政府信息公开工作年度报告的核查、入库、查询与导出接口。",
        version="1",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = open_store(settings.db)
    app.state.templates = templates()
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret,
        session_cookie="nianbao_session",
        same_site="lax",
        https_only=settings.secure_cookies,
        max_age=12 * 3600,
    )
    app.add_middleware(
        BodyLimit, limit=settings.max_upload * min(settings.max_files, 10) + MB, per_file=settings.max_upload
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from nianbao.web import api, scoring, service, views

    if settings.warm_cache:
        import threading

        threading.Thread(target=service.warm, args=(app.state.engine,), daemon=True).start()

    app.include_router(api.router)
    app.include_router(views.router)
    app.include_router(scoring.router)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return views.error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "；".join(f"{'.'.join(str(x) for x in e.get('loc', ()))}：{e.get('msg', '')}" for e in exc.errors())
        detail: Any = f"请求参数不正确：{problems}"
        if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": detail}, status_code=422)
        return views.error_page(request, 422, detail)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        resp: Response = await call_next(request)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp

    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory nianbao.web.app:app_from_env` (NIANBAO_DB, NIANBAO_PRIVATE)."""
    return create_app(
        Settings(
            db=os.environ.get("NIANBAO_DB", "nianbao.db"),
            public_read=not os.environ.get("NIANBAO_PRIVATE"),
            warm_cache=True,
        )
    )
