"""Markdown: headings, paragraphs and pipe tables (merged cells printed once, at their top-left)."""

from __future__ import annotations

from nianbao.render.model import Layout
from nianbao.template.layout import Grid


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_md(lay: Layout, g: Grid) -> list[str]:
    matrix = [[""] * g.ncols for _ in range(g.nrows)]
    for c in g.cells:
        matrix[c.row][c.col] = _esc(lay.text(g.table, c))
    lines = []
    for i, row in enumerate(matrix):
        lines.append("| " + " | ".join(row) + " |")
        if i == 0:
            lines.append("|" + "|".join(["---"] * g.ncols) + "|")
    return lines


def to_markdown(lay: Layout) -> str:
    out = [f"# {lay.title}", ""]
    for p in lay.preamble:
        out += [p, ""]
    for part in lay.parts:
        out += [f"## {part.heading}", ""]
        for p in part.paragraphs:
            out += [p, ""]
        if part.grid is not None:
            out += [*table_md(lay, part.grid), ""]
    return "\n".join(out)
