"""The web application: `create_app(Settings(db=...))` → FastAPI.

Views (HTML pages in Chinese) live in `views.py`, the JSON API under `/api` in
`api.py`. Jinja2 autoescapes every template; report text is never marked safe.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from nianbao.store.db import open_store
from nianbao.web.guard import BodyLimit, PrivateGate, SecurityHeaders

HERE = Path(__file__).parent
MB = 1024 * 1024
# The router's own English replies, in Chinese.
ROUTING_ERRORS = {404: "没有这个页面或接口", 405: "这个地址不支持此请求方法"}
ROUTING_DETAILS = ("Not Found", "Method Not Allowed")


@dataclass
class Settings:
    db: str = "nianbao.db"
    public_read: bool = True  # False (`serve --private`): every page and API call needs a login
    max_upload: int = 20 * MB  # per file
    max_files: int = 50  # per request
    secret: str = field(default_factory=lambda: os.environ.get("NIANBAO_SECRET") or secrets.token_urlsafe(32))
    secure_cookies: bool = False  # always mark cookies Secure (they are anyway on requests that came over HTTPS)
    warm_cache: bool = False  # compute the default dashboard in the background at start-up
    login_limit: int = 10  # failed sign-ins per account and per client address ...
    login_window: int = 600  # ... in this many seconds, then 429
    body_idle_timeout: float = 30.0  # seconds a request body may stall between two pieces
    body_timeout: float = 600.0  # seconds a whole request body may take
    collect_dir: str | None = None  # where 采集 keeps its files (default: beside a SQLite store)
    collect_allow_private: bool = False  # let 采集 reach private and loopback addresses (tests, intranets)


def docs_page(openapi_url: str, title: str) -> Response:
    """Swagger UI (from its CDN, as FastAPI serves it), its one inline script allowed by hash."""
    import base64
    import hashlib
    import re

    from fastapi.openapi.docs import get_swagger_ui_html

    page = get_swagger_ui_html(openapi_url=openapi_url, title=title + " · 接口文档")
    body = bytes(page.body)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode() + "'"
        for m in re.finditer(rb"<script>(.*?)</script>", body, re.S)
    )
    cdn = "https://cdn.jsdelivr.net"
    csp = (
        f"default-src 'self'; script-src 'self' {cdn} {hashes}; style-src 'self' {cdn}; img-src 'self' data: "
        f"https://fastapi.tiangolo.com; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
    return Response(body, media_type="text/html", headers={"Content-Security-Policy": csp})


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
        docs_url=None,  # served below, with a CSP of its own
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = open_store(settings.db)
    app.state.templates = templates()
    # Outermost first: headers on every reply, then the body limit (before anything reads the
    # body), the session cookie, and the login every route needs in a private deployment.
    app.add_middleware(PrivateGate, private=not settings.public_read)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret,
        session_cookie="nianbao_session",
        same_site="lax",
        https_only=settings.secure_cookies,
        max_age=12 * 3600,
    )
    app.add_middleware(
        BodyLimit,
        per_file=settings.max_upload,
        max_files=settings.max_files,
        idle_timeout=settings.body_idle_timeout,
        total_timeout=settings.body_timeout,
    )
    app.add_middleware(SecurityHeaders, secure_cookies=settings.secure_cookies)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from nianbao.web import api, collectviews, contract, scoring, service, views

    if settings.warm_cache:
        import threading

        threading.Thread(target=service.warm, args=(app.state.engine,), daemon=True).start()

    app.include_router(api.router)
    app.include_router(views.router)
    app.include_router(scoring.router)
    app.include_router(collectviews.router)

    @app.exception_handler(StarletteHTTPException)  # ours, and the router's 404 and 405
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        detail = ROUTING_ERRORS.get(exc.status_code, exc.detail) if exc.detail in ROUTING_DETAILS else exc.detail
        if exc.status_code == 405:
            headers["Allow"] = contract.allowed_methods(app, request.url.path) or headers.get("Allow", "")
        if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)
        return views.error_page(request, exc.status_code, str(detail), headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        body = contract.validation_body(list(exc.errors()))
        if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse(body, status_code=422)
        return views.error_page(request, 422, body["detail"])

    contract.install_openapi(app)

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> Response:
        return docs_page(app.openapi_url or "/openapi.json", app.title)

    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory nianbao.web.app:app_from_env`
    (NIANBAO_DB, NIANBAO_PRIVATE, NIANBAO_SECURE_COOKIES, NIANBAO_MAX_UPLOAD_MB)."""
    return create_app(
        Settings(
            db=os.environ.get("NIANBAO_DB", "nianbao.db"),
            public_read=not os.environ.get("NIANBAO_PRIVATE"),
            secure_cookies=bool(os.environ.get("NIANBAO_SECURE_COOKIES")),
            max_upload=int(os.environ.get("NIANBAO_MAX_UPLOAD_MB") or 20) * MB,
            warm_cache=True,
        )
    )
