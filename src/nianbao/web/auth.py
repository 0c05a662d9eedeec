"""Accounts, sessions, roles and CSRF tokens.

Passwords are stored as argon2 hashes. A browser session is a signed cookie
(Starlette's SessionMiddleware) holding a random session token and a CSRF token;
the token names a row of the `sessions` table, checked on every request, so a
session ends for good when that row goes: at logout, and for every session of a
user whose password or role is changed. Every form that changes something
carries the CSRF token. API clients may instead send HTTP Basic credentials,
which browsers never attach on their own to a cross-site form, so those requests
need no token. Failed sign-ins are limited (`throttle`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request
from sqlalchemy import Engine, delete, insert, select, update

from nianbao.web import throttle
from nianbao.web.db import ROLES, sessions, users

_hasher = PasswordHasher()
SESSION_HOURS = 12
RANK = {"viewer": 0, "reviewer": 1, "admin": 2}
ROLE_NAMES = {"admin": "管理员", "reviewer": "审核员", "viewer": "查看者"}


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    def can(self, role: str) -> bool:
        return RANK.get(self.role, -1) >= RANK[role]

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def add_user(engine: Engine, name: str, password: str, role: str) -> int:
    """Create a user or reset its password and role (which ends all its sessions); returns the id.
    Raises ValueError (Chinese)."""
    name = name.strip()
    if role not in ROLES:
        raise ValueError(f"角色「{role}」无效，可选：{'、'.join(ROLES)}")
    if not name or len(name) > 64:
        raise ValueError("用户名不能为空，且不超过 64 个字符")
    if len(password) < 8:
        raise ValueError("密码至少 8 个字符")
    digest = _hasher.hash(password)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
        if uid is not None:
            conn.execute(update(users).where(users.c.id == uid).values(password_hash=digest, role=role))
            conn.execute(delete(sessions).where(sessions.c.user_id == uid))
            return int(uid)
        return int(
            conn.execute(
                insert(users).values(name=name, password_hash=digest, role=role, created_at=now).returning(users.c.id)
            ).scalar_one()
        )


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name.strip())).first()
    if row is None:
        _hasher.hash(password)  # same work whether or not the name exists
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return User(row.id, row.name, row.role)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(engine: Engine, uid: int) -> str:
    """A new session for user `uid`; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.expires_at < now))
        conn.execute(
            insert(sessions).values(
                id=_digest(token), user_id=uid, created_at=now, expires_at=now + dt.timedelta(hours=SESSION_HOURS)
            )
        )
    return token


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.id == _digest(token)))


def end_sessions(engine: Engine, uid: int) -> int:
    """End every session of user `uid` (e.g. after a password or role change); returns how many."""
    with engine.begin() as conn:
        return int(conn.execute(delete(sessions).where(sessions.c.user_id == uid)).rowcount or 0)


def session_user(engine: Engine, token: str) -> User | None:
    """The user of a live session, or None when it ended or expired."""
    with engine.connect() as conn:
        row = conn.execute(
            select(users.c.id, users.c.name, users.c.role)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.id == _digest(token), sessions.c.expires_at > _now())
        ).first()
    return None if row is None else User(row.id, row.name, row.role)


def _basic(request: Request) -> tuple[str, str] | None:
    head = request.headers.get("authorization", "")
    if not head.lower().startswith("basic "):
        return None
    try:
        raw = base64.b64decode(head[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    name, sep, pw = raw.partition(":")
    return (name, pw) if sep else None


def current_user(request: Request) -> User | None:
    """The signed-in user (session cookie or HTTP Basic), cached on the request."""
    if hasattr(request.state, "user"):
        cached: User | None = request.state.user
        return cached
    engine: Engine = request.app.state.engine
    user: User | None = None
    creds = _basic(request)
    if creds is not None:
        user = checked_sign_in(request, *creds)
        request.state.basic_auth = user is not None
    else:
        token = request.session.get("sid")
        if isinstance(token, str):
            user = session_user(engine, token)
    request.state.user = user
    return user


def checked_sign_in(request: Request, name: str, password: str) -> User | None:
    """`authenticate` under the brute-force limit: 429 when limited, failures recorded."""
    throttle.refuse_if_limited(request, name)
    user = authenticate(request.app.state.engine, name, password)
    if user is None:
        throttle.record_failure(request, name)
    else:
        throttle.clear(request, name)
    return user


def require(request: Request, role: str = "viewer") -> User:
    """The signed-in user with at least `role`, else 401/403 with a Chinese reason."""
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "需要登录后才能进行此操作")
    if not user.can(role):
        raise HTTPException(403, f"需要「{ROLE_NAMES[role]}」或更高权限")
    return user


def can_read(request: Request) -> None:
    """Reading is public unless the deployment says otherwise."""
    if not request.app.state.settings.public_read:
        require(request, "viewer")


def csrf_token(request: Request) -> str:
    tok = request.session.get("csrf")
    if not isinstance(tok, str):
        tok = secrets.token_urlsafe(32)
        request.session["csrf"] = tok
    return tok


def check_csrf(request: Request, token: str | None) -> None:
    """Refuse a state-changing request whose token does not match the session's (Basic-auth clients exempt)."""
    if getattr(request.state, "basic_auth", False):
        return
    expected = request.session.get("csrf")
    given = token or request.headers.get("x-csrf-token")
    if not isinstance(expected, str) or not given or not hmac.compare_digest(expected, given):
        raise HTTPException(403, "表单已过期或来源不明（缺少有效的 CSRF 校验码），请刷新页面后重试")


def login(request: Request, user: User) -> None:
    request.session.clear()
    request.session["sid"] = start_session(request.app.state.engine, user.id)
    request.session["csrf"] = secrets.token_urlsafe(32)


def logout(request: Request) -> None:
    """End the session on the server too: a copy of the cookie kept elsewhere no longer works."""
    token = request.session.get("sid")
    if isinstance(token, str):
        end_session(request.app.state.engine, token)
    request.session.clear()


def user_dict(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.id, "name": user.name, "role": user.role}


# --- server paths ------------------------------------------------------------------------------
# Reports ingested from the command line keep the path they were read from. Signed-in users
# see it; anonymous readers see only the file name, in pages, API replies and exports.


def sees_paths(request: Request) -> bool:
    return current_user(request) is not None


def file_name(source: str) -> str:
    return re.split(r"[\\/]", source.rstrip("\\/"))[-1] or source


def hide_path(text: str | None, source: str | None) -> str | None:
    """`text` with the path `source` (and its folder) replaced by the file name."""
    if not text or not source or not re.search(r"[\\/]", source):
        return text
    name = file_name(source)
    text = text.replace(source, name)
    folder = source[: len(source) - len(name)].rstrip("\\/")
    return text.replace(folder, "…") if len(folder) > 1 else text


def public_report(request: Request, report: dict[str, Any]) -> dict[str, Any]:
    """A report dict (`source`, `error`) as this reader may see it."""
    if sees_paths(request) or not report.get("source"):
        return report
    src = str(report["source"])
    return {**report, "source": file_name(src), "error": hide_path(report.get("error"), src)}
