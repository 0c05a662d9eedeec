"""The `nianbao` command: a thin Typer layer over the library.

Each group of commands lives in its own module and registers on `app`.
"""

from __future__ import annotations

import logging
import os

import typer
from rich.console import Console

app = typer.Typer(
    name="nianbao",
    help="政府信息公开工作年度报告：提取表格数据、核查勾稽关系与常见错误。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def err_console() -> Console:
    """Messages on stderr: one per line, never wrapped mid-path (logs and grep read them)."""
    return Console(stderr=True, soft_wrap=True)


# Command modules register themselves on `app` when imported.
from nianbao.cli import collect, core, corpus, score, serve, write  # noqa: E402

__all__ = ["app", "collect", "core", "corpus", "main", "score", "serve", "write"]


def main() -> None:
    if os.environ.get("NIANBAO_DEBUG"):  # the English detail behind a Chinese reason (parsers, system errors)
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    app()
