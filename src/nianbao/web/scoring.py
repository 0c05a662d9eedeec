"""The 评分 page: a pack (shipped, or the evaluator's own YAML) applied to the store's reports."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Engine

from nianbao.score import Pack, PackError, builtin_packs, load_pack, parse_pack, rank_regions, score_store
from nianbao.web import auth, service
from nianbao.web.exporting import XLSX
from nianbao.web.views import render

router = APIRouter(include_in_schema=False)

MAX_PACK = 256 * 1024  # a pack is a page of YAML
SHOWN = 2000  # reports listed on the page; the workbook has them all


def _engine(request: Request) -> Engine:
    e: Engine = request.app.state.engine
    return e


def _page(
    request: Request,
    pack: Pack | None,
    pack_name: str,
    pack_text: str,
    year: int | None,
    region: int | None,
    problems: list[str],
) -> HTMLResponse:
    e = _engine(request)
    scores = list(score_store(pack, e, year=year, region_id=region)) if pack else []
    return render(
        request,
        "score.html",
        status=400 if problems else 200,
        pack=pack,
        pack_name=pack_name,
        pack_text=pack_text,
        packs=list(builtin_packs()),
        problems=problems,
        scores=scores[:SHOWN],
        total=len(scores),
        regions_ranked=rank_regions(scores),
        regions=service.region_options(e),
        f={"region": region, "year": year},
    )


def _xlsx(pack: Pack, request: Request, year: int | None, region: int | None) -> Response:
    from nianbao.score.xlsx import write_xlsx

    buf = io.BytesIO()
    scores = score_store(pack, _engine(request), year=year, region_id=region)
    if not auth.sees_paths(request):  # anonymous readers get file names, not the server's paths
        scores = (replace(s, source=auth.file_name(s.source)) for s in scores)
    write_xlsx(pack, scores, buf)
    name = quote(f"评分-{pack.name}-{year or '全部'}.xlsx")
    return Response(
        buf.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename=\"score.xlsx\"; filename*=UTF-8''{name}"},
    )


@router.get("/score", response_class=HTMLResponse)
def score_page(
    request: Request,
    pack: Annotated[str, Query(max_length=64)] = "national",
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    region: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    to: Annotated[str | None, Query(pattern="^xlsx$")] = None,
) -> Response:
    auth.can_read(request)
    if pack not in builtin_packs():
        raise HTTPException(404, "没有这个内置评分方案")
    p = load_pack(pack)
    if to:
        return _xlsx(p, request, year, region)
    return _page(request, p, pack, "", year, region, [])


@router.post("/score", response_class=HTMLResponse)
async def score_own_pack(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    pack_text: Annotated[str, Form(max_length=MAX_PACK)] = "",
    pack_file: Annotated[UploadFile | None, File()] = None,
    year: Annotated[str, Form(max_length=4)] = "",
    region: Annotated[str, Form(max_length=12)] = "",
    to: Annotated[str, Form(pattern="^(|xlsx)$")] = "",
) -> Response:
    """Score with the evaluator's own pack, uploaded as a file or pasted; it is not stored."""
    auth.can_read(request)
    auth.check_csrf(request, csrf)
    if pack_file is not None and pack_file.filename:
        raw = await pack_file.read(MAX_PACK + 1)
        if len(raw) > MAX_PACK:
            raise HTTPException(413, "评分方案文件过大（上限 256 KB）")
        try:
            pack_text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _page(request, None, "", "", None, None, ["评分方案应为 UTF-8 编码的 YAML 文件"])
    y = _int(year, 1990, 2100)
    r = _int(region, 1, 2**31 - 1)
    if not pack_text.strip():
        return _page(request, None, "", "", y, r, ["请上传或粘贴评分方案（YAML）"])
    try:
        p = parse_pack(pack_text, "上传的评分方案")
    except PackError as exc:
        return _page(request, None, "", pack_text, y, r, exc.problems)
    if to:
        return _xlsx(p, request, y, r)
    return _page(request, p, "", pack_text, y, r, [])


def _int(text: str, lo: int, hi: int) -> int | None:
    try:
        v = int(text)
    except ValueError:
        return None
    return v if lo <= v <= hi else None
