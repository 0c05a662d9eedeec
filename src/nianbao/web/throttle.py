"""The brute-force limit on signing in (the /login form and HTTP Basic).

At most `limit` failed sign-ins in a sliding window of `window` seconds, counted per
account and per client address; beyond that every sign-in for that account or from
that address is refused with 429 and Retry-After, right password or not, until old
failures leave the window. The failures live in the store (table `login_failures`),
so several worker processes share one count. (The `limits` library has no SQL
storage, and an in-memory count would multiply the limit by the number of workers.)

The client address is the one uvicorn reports: behind a reverse proxy, serve with
`--forwarded-allow-ips` so that it is the real client's, not the proxy's.
"""

from __future__ import annotations

import datetime as dt
import math

from fastapi import HTTPException, Request
from sqlalchemy import Engine, delete, insert, select

from nianbao.web.db import login_failures as F


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def address(request: Request) -> str:
    return ((request.client.host if request.client else "") or "unknown")[:64]


def account_key(name: str) -> str:
    return name.strip()[:64]


def wait_seconds(engine: Engine, account: str, addr: str, limit: int, window: int) -> int:
    """Seconds until a sign-in for `account` from `addr` is allowed again (0: allowed now)."""
    now = _now()
    since = now - dt.timedelta(seconds=window)
    wait = 0.0
    with engine.connect() as conn:
        for col, key in ((F.c.account, account), (F.c.address, addr)):
            # The limit-th most recent failure in the window: once it leaves, one more try is allowed.
            recent = (
                conn.execute(select(F.c.at).where(col == key, F.c.at > since).order_by(F.c.at.desc()).limit(limit))
                .scalars()
                .all()
            )
            if len(recent) >= limit:
                wait = max(wait, (recent[-1] + dt.timedelta(seconds=window) - now).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


def refuse_if_limited(request: Request, name: str) -> None:
    """Raise 429 (Chinese, with Retry-After) when this account or address has failed too often."""
    s = request.app.state.settings
    wait = wait_seconds(request.app.state.engine, account_key(name), address(request), s.login_limit, s.login_window)
    if wait:
        minutes = max(1, math.ceil(wait / 60))
        raise HTTPException(
            429,
            f"登录失败次数过多（{s.login_window // 60} 分钟内超过 {s.login_limit} 次），请约 {minutes} 分钟后再试",
            headers={"Retry-After": str(wait)},
        )


def record_failure(request: Request, name: str) -> None:
    s = request.app.state.settings
    now = _now()
    with request.app.state.engine.begin() as conn:
        conn.execute(delete(F).where(F.c.at < now - dt.timedelta(seconds=s.login_window)))
        conn.execute(insert(F).values(account=account_key(name), address=address(request), at=now))


def clear(request: Request, name: str) -> None:
    """A successful sign-in forgets this account's failures from this address."""
    with request.app.state.engine.begin() as conn:
        conn.execute(delete(F).where(F.c.account == account_key(name), F.c.address == address(request)))
