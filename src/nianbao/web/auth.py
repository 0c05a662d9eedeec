"""Accounts, sessions, roles and CSRF tokens.

Passwords are stored as argon2 hashes. A browser session is a signed cookie
(Starlette's SessionMiddleware) holding the user id and a CSRF token; every
form that changes something carries the token. API clients may instead send
HTTP Basic credentials, which browsers never attach on their own to a
cross-site form, so those requests need no token.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request
from sqlalchemy import Engine, insert, select, update

from nianbao.web.db import ROLES, users

_hasher = PasswordHasher()
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


def add_user(engine: Engine, name: str, password: str, role: str) -> int:
    """Create a user or reset its password and role; returns the id. Raises ValueError (Chinese)."""
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


def get_user(engine: Engine, uid: int) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users.c.id, users.c.name, users.c.role).where(users.c.id == uid)).first()
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
        user = authenticate(engine, *creds)
        request.state.basic_auth = user is not None
    else:
        uid = request.session.get("uid")
        if isinstance(uid, int):
            user = get_user(engine, uid)
    request.state.user = user
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
    request.session["uid"] = user.id
    request.session["csrf"] = secrets.token_urlsafe(32)


def logout(request: Request) -> None:
    request.session.clear()


def user_dict(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.id, "name": user.name, "role": user.role}
