"""The API's error contract, as documented in /openapi.json and as sent.

Every error reply is `{"detail": "<Chinese reason>"}`; a 422 adds `errors`, the
machine-readable list (`loc`, `msg`, `type`) of what was wrong. Each operation
documents the codes it can answer with (`errors(...)` per route, and the ones any
route can give — 401 in a private deployment, 408/413 for a body, 429 for too many
failed sign-ins — on the router). A 405 names in `Allow` every method of the path.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel


class Problem(BaseModel):
    detail: str


class FieldProblem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(BaseModel):
    detail: str
    errors: list[FieldProblem]


DESCRIPTIONS = {
    400: "请求内容有误（如空文件、参数取值不可用）",
    401: "需要登录（或 HTTP Basic 凭据不正确）",
    403: "权限不足，或缺少有效的 CSRF 校验码",
    404: "没有这项资源",
    408: "请求内容长时间没有传完",
    413: "上传内容过大",
    415: "不支持的文件类型",
    422: "请求参数不正确",
    429: "登录失败次数过多，稍后再试（见 Retry-After）",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the error codes it can answer with."""
    return {c: {"model": ValidationProblem if c == 422 else Problem, "description": DESCRIPTIONS[c]} for c in codes}


def validation_body(problems: list[dict[str, Any]]) -> dict[str, Any]:
    """The 422 reply: a Chinese sentence, and the list for programs."""
    listed = [
        {
            "loc": [x if isinstance(x, int) else str(x) for x in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in problems
    ]
    text = "；".join(f"{'.'.join(str(x) for x in e['loc'])}：{e['msg']}" for e in listed)
    return {"detail": f"请求参数不正确：{text}", "errors": listed}


def install_openapi(app: FastAPI) -> None:
    """Document FastAPI's own 422 as ours (FastAPI adds it to every operation with parameters)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            comps.pop(name, None)
        comps.update(
            {
                "FieldProblem": FieldProblem.model_json_schema(),
                "ValidationProblem": {
                    **ValidationProblem.model_json_schema(ref_template="#/components/schemas/{model}"),
                    "$defs": None,
                },
            }
        )
        comps["ValidationProblem"].pop("$defs", None)
        for ops in schema.get("paths", {}).values():
            for op in ops.values():
                r422 = op.get("responses", {}).get("422")
                if r422 is not None:
                    r422["description"] = DESCRIPTIONS[422]
                    r422["content"] = {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ValidationProblem"}}
                    }
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def allowed_methods(app: FastAPI, path: str) -> str | None:
    """Every method the API documents for this path (a 405's Allow header); None off the API."""
    for template, ops in app.openapi().get("paths", {}).items():
        pattern = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return ", ".join(sorted(m.upper() for m in ops))
    return None
