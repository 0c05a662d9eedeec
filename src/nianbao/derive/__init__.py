"""Derived inputs: labelled reports turned into the other forms reports are published in.

`python -m nianbao.derive FORM [FORM…] --out DIR FIXTURES…` writes, for every fixture
`<stem>.<ext>` that has a `<stem>.expected.json` beside it, files named
`<stem>.<form>-<variant>.<ext>` into DIR and copies the expected data beside them, so
`python -m nianbao.eval DIR` measures the readers on them directly.

Each form is one module with `derive(source: Path, out: Path, stem: str) -> list[Path]`
(the files it wrote), or names it as `module:function`. The table below is the one place a
form is registered.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

Deriver = Callable[[Path, Path, str], list[Path]]

# form name → module defining `derive` (or `module:function`)
FORMS: dict[str, str] = {
    "browser": "nianbao.derive.browser",
    "fragment": "nianbao.derive.textforms:derive_fragment",
    "dump": "nianbao.derive.textforms:derive_dump",
    "converted": "nianbao.derive.textforms:derive_converted",
    "utf16": "nianbao.derive.textforms:derive_utf16",
    "scan": "nianbao.derive.scans",
}


def deriver(form: str) -> Deriver:
    if form not in FORMS:
        raise KeyError(f"未知的派生形式：{form}（可用：{'、'.join(sorted(FORMS)) or '无'}）")
    module, _, name = FORMS[form].partition(":")
    fn: Deriver = getattr(importlib.import_module(module), name or "derive")
    return fn


def fixtures(paths: list[Path]) -> list[tuple[Path, Path, str]]:
    """(input, expected json, stem) for every labelled input among `paths` (files or folders)."""
    out = []
    for p in paths:
        files = sorted(p.iterdir()) if p.is_dir() else [p]
        for f in files:
            if f.name.endswith(".expected.json") or not f.is_file():
                continue
            stem = f.name.split(".", 1)[0]
            exp = f.with_name(stem + ".expected.json")
            if exp.exists():
                out.append((f, exp, stem))
    return out
