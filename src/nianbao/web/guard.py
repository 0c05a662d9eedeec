"""ASGI middleware that guards every request: body size and time, private deployments,
security headers and Secure cookies.

`BodyLimit` counts the bytes of the request body as they arrive (whatever the
Content-Length says, chunked or not) and stops reading at the route's limit, so a
1 GB upload is refused after about the limit, not spooled to disk first. It also
bounds how long a body may stall and take in all, so a client that declares more
than it sends, or sends a byte at a time, does not hold the connection forever.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import HTTPException
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MB = 1024 * 1024
SMALL_BODY = 2 * MB  # forms and API calls that carry no report file (a scoring pack: 256 KB)

# Where a body may carry files; everything else gets SMALL_BODY.
ONE_FILE = ("/api/check", "/api/reports")
MANY_FILES = ("/check",)


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n // 1024} KB"


CLOSE = {"Connection": "close"}


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int, per_file: int) -> None:
        super().__init__(
            413,
            f"上传内容过大：单个文件上限 {_mb(per_file)}，一次请求最多 {_mb(limit)}，请压缩或拆分后再上传",
            headers=CLOSE,  # the rest of the body is not read: the connection ends with the reply
        )


class BodyTimeout(HTTPException):
    def __init__(self) -> None:
        super().__init__(408, "上传超时：请求内容长时间没有传完（网络过慢或连接中断），请重试", headers=CLOSE)


class BodyLimit:
    """Limit each request body's size (per route) and the time it may take to arrive."""

    def __init__(
        self, app: ASGIApp, per_file: int, max_files: int, idle_timeout: float = 30.0, total_timeout: float = 600.0
    ) -> None:
        self.app = app
        self.per_file = per_file
        self.max_files = max_files
        self.idle_timeout = idle_timeout
        self.total_timeout = total_timeout

    def limit_for(self, path: str) -> int:
        if path in ONE_FILE:
            return self.per_file + MB  # the file and the multipart framing
        if path in MANY_FILES:
            return self.per_file * min(self.max_files, 10) + MB
        return SMALL_BODY

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            await _reply(scope, receive, send, BodyTooLarge(limit, self.per_file))
            return
        seen = 0
        done = False
        deadline = time.monotonic() + self.total_timeout

        async def counted() -> Message:
            nonlocal seen, done
            if done:  # the body is complete: this waits for a disconnect, however long
                return await receive()
            wait = min(self.idle_timeout, deadline - time.monotonic())
            try:
                message = await asyncio.wait_for(receive(), timeout=max(wait, 0.001))
            except TimeoutError:
                raise BodyTimeout() from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit, self.per_file)
                done = not message.get("more_body", False)
            else:
                done = True
            return message

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except (BodyTooLarge, BodyTimeout) as exc:  # raised where no exception handler caught it
            if started:
                raise
            await _reply(scope, receive, send, exc)


async def _reply(scope: Scope, receive: Receive, send: Send, exc: HTTPException) -> None:
    resp = JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    await resp(scope, receive, send)


# --- private deployments -------------------------------------------------------------------

OPEN_PATHS = ("/login", "/health")
OPEN_PREFIXES = ("/static/",)


class PrivateGate:
    """`serve --private`: every route needs a signed-in user, except the login page, static
    files and /health. Sits inside the session middleware (it reads the session)."""

    def __init__(self, app: ASGIApp, private: bool) -> None:
        self.app = app
        self.private = private

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            not self.private
            or scope["type"] != "http"
            or path in OPEN_PATHS
            or path.startswith(OPEN_PREFIXES)
            or scope.get("method") == "OPTIONS"
        ):
            await self.app(scope, receive, send)
            return
        from nianbao.web.auth import current_user

        request = Request(scope, receive)
        try:
            user = current_user(request)
        except HTTPException as exc:  # too many failed sign-ins (HTTP Basic)
            await JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)(
                scope, receive, send
            )
            return
        if user is not None:
            await self.app(scope, receive, send)
            return
        if scope.get("method") == "GET" and "text/html" in request.headers.get("accept", ""):
            from urllib.parse import quote

            resp: Any = RedirectResponse("/login?next=" + quote(path), status_code=303)
        else:
            resp = JSONResponse({"detail": "需要登录后才能进行此操作"}, status_code=401)
        await resp(scope, receive, send)


# --- headers and cookies -------------------------------------------------------------------

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    """Security headers on every response (a route may set its own CSP), and the Secure flag
    on cookies when the deployment asks for it or the request came over HTTPS (as uvicorn
    sees it: behind a proxy listed in `--forwarded-allow-ips`, from X-Forwarded-Proto)."""

    def __init__(self, app: ASGIApp, secure_cookies: bool) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        secure = self.secure_cookies or https

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                have = {k.lower() for k, _ in raw}
                for k, v in HEADERS.items():
                    if k.lower().encode() not in have:
                        raw.append((k.lower().encode(), v.encode()))
                if https:
                    raw.append((b"strict-transport-security", b"max-age=31536000"))
                if secure:
                    raw = [
                        (k, v + b"; secure") if k.lower() == b"set-cookie" and b"; secure" not in v.lower() else (k, v)
                        for k, v in raw
                    ]
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, with_headers)
