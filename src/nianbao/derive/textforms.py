"""Text forms reports travel in: an HTML fragment (a CMS export), a one-line text dump (a
crawler's), text whose labels and figures a PDF conversion pulled apart, and UTF-16.

Each `derive_*` takes a labelled fixture and writes its variants. The report is read with
nianbao (for its text and parts) and its tables are replaced by the expected data, so a
derived file prints exactly the labelled figures. Deterministic: no randomness, no clock.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from nianbao.document import Document
from nianbao.extract import extract
from nianbao.extract.cells import split_line
from nianbao.model import Report
from nianbao.readers import read_path
from nianbao.schema import load_report
from nianbao.template import T3_ROWS_ALL, TEMPLATES, Row
from nianbao.textnorm import norm_label

_FRAGMENT_MIN_PREAMBLE = 9000  # bytes before the first table: past the 8 KB a sniffer sees


def labelled(source: Path) -> Report:
    """The fixture as a report: its own text and parts, the expected tables and metadata."""
    exp_path = source.with_name(source.name.split(".", 1)[0] + ".expected.json")
    expected = load_report(json.loads(exp_path.read_text(encoding="utf-8")))
    report = extract(read_path(source))
    report.tables = expected.tables
    report.format, report.agency, report.year = expected.format, expected.agency, expected.year
    report.title = f"{expected.agency}{expected.year}年政府信息公开工作年度报告"
    return report


def page_html(report: Report) -> str:
    from nianbao.render import render_bytes

    return render_bytes(report, "html").decode("utf-8")


def _body(page: str) -> str:
    m = re.search(r"<body[^>]*>(.*)</body>", page, re.S)
    return m.group(1) if m else page


# Word pasted into a CMS editor: every paragraph carries its styles, every run a <span>.
_P_STYLE = (
    'style="text-indent:2em;margin-top:0pt;margin-bottom:0pt;line-height:28pt;mso-line-height-rule:exactly;'
    'text-align:justify;text-justify:inter-ideograph"'
)
_SPAN_STYLE = (
    "style=\"font-family:仿宋_GB2312;mso-hansi-font-family:仿宋;mso-bidi-font-family:'Times New Roman';"
    'font-size:16pt;mso-font-kerning:1.0pt;color:#333333"'
)


def fragment(report: Report) -> str:
    """The article body only, as a CMS exports it: no <html>, <head> or <body>, paragraphs in
    Word's inline styles, the title and a long 编者按 of the report's own prose first."""
    body = _body(page_html(report))
    body = re.sub(r"<p>", f"<p {_P_STYLE}><span {_SPAN_STYLE}>", body).replace("</p>", "</span></p>")
    prose = [p for s in report.sections.values() for p in s.text.split("\n") if p.strip() and "\t" not in p]
    note: list[str] = []
    size = 0
    i = 0
    while prose and size < _FRAGMENT_MIN_PREAMBLE:
        para = f"<p {_P_STYLE}><span {_SPAN_STYLE}>{html.escape(prose[i % len(prose)])}</span></p>"
        note.append(para)
        size += len(para.encode("utf-8"))
        i += 1
    head = f"<p {_P_STYLE}><span {_SPAN_STYLE}>编者按：</span></p>"
    return head + "\n".join(note) + "\n" + body


def page_text(report: Report) -> list[str]:
    """What a browser shows of the rendered page, one string a block or table cell (empty cells
    are nothing: a crawler's text keeps no trace of them)."""
    from lxml import html as lhtml

    root = lhtml.fromstring(_body(page_html(report)))
    out: list[str] = []
    for el in root.iter("h1", "h2", "p", "th", "td"):
        text = " ".join(el.text_content().split())
        if text:
            out.append(text)
    return out


def dump(report: Report) -> str:
    """The page's text on one line, single spaces."""
    return " ".join(page_text(report)) + "\n"


def glued_row(report: Report) -> str | None:
    """The Table 3 row whose figures a dump runs together: the first with three or more
    non-zero figures (the one where the split is hardest), else the first with any."""
    rows = report.tables.get("applications", {})
    scored = []
    for i, key in enumerate(r.key for r in T3_ROWS_ALL):
        if key in rows:
            nonzero = sum(1 for c in rows[key].values() if c.value not in (None, 0))
            if nonzero:
                scored.append((nonzero < 3, i, key))
    return min(scored)[2] if scored else None


def dump_glued(report: Report, row: str) -> str:
    """A dump where one row's figures are run together ("69 3 665" printed as "693665")."""
    cells = report.tables["applications"][row]
    figures = [str(c.value) for c in cells.values() if c.value is not None]
    label = next(r.label for r in T3_ROWS_ALL if r.key == row)
    line = dump(report)
    last = label.split()[-1]
    joined = " ".join(figures)
    i = line.find(last)
    k = line.find(joined, i) if i >= 0 else -1
    if k < 0:
        return line
    # Run together the first three figures (or all of them when fewer): one cell boundary lost.
    head = figures[:3]
    glued = "".join(head) + (" " + " ".join(figures[3:]) if figures[3:] else "")
    line = line[:k] + glued + line[k + len(joined) :]
    # And Table 4's first group: its first three figures run together too.
    t4 = report.tables.get("review_litigation", {})
    flat = [str(c.value) for g in t4.values() for c in g.values()]
    if len(flat) == 15 and all(v != "None" for v in flat):
        joined = " ".join(flat)
        k = line.rfind(joined)
        if k >= 0:
            line = line[:k] + "".join(flat[:3]) + " " + " ".join(flat[3:]) + line[k + len(joined) :]
    return line


# --- text where labels and figures came apart ------------------------------------------------


def _table_rows(lines: list[str], rows: tuple[Row, ...]) -> list[tuple[int, str, str]]:
    """(line index, label, figures) of each row of a table printed on one line with its figures."""
    from nianbao.extract.align import match_row

    out: list[tuple[int, str, str]] = []
    last = -1
    for i, text in enumerate(lines):
        sl = split_line(text)
        figures = [t.text for t in sl.values if t.kind in ("num", "blank")]
        if not sl.label or not figures or sl.sentence or sl.dropped:
            continue
        idx = match_row(norm_label(sl.label), rows, last, True)
        if idx is None:
            continue
        last = idx
        out.append((i, sl.label.strip(), "\t".join(t.text for t in sl.values)))
    return out


def _block(lines: list[str], fmt: str, table: str) -> list[tuple[int, str, str]] | None:
    """The rows a conversion pulls apart, printed one a line: Table 3's outcome rows from （三）
    on (narrow label columns), or the whole of Table 2."""
    if table == "applications":
        rows = _table_rows(lines, T3_ROWS_ALL)
        block = rows[4:12] if len(rows) >= 12 else rows[2:]
    else:
        block = _table_rows(lines, TEMPLATES[fmt].table("active_disclosure").rows)
    if len(block) < 3:
        return None  # rows not printed one a line: this fixture is left out of the form
    return block


def converted(text: str, fmt: str, how: str) -> str | None:
    """A table as a PDF conversion pulls it apart. `how`:
    - labels_before / labels_after: each label on a line of its own, all above (below) the figure rows;
    - labels_paragraph: the labels run together in one paragraph above the figure rows;
    - reordered: the labels above, the figure rows in another order (pairs swapped);
    - split: each label broken over two lines, its figures between the pieces;
    - table2_labels_before: Table 2's labels above its figure rows (rows of 3 and of 1 figure)."""
    lines = text.split("\n")
    block = _block(lines, fmt, "active_disclosure" if how.startswith("table2") else "applications")
    if block is None:
        return None
    labels = [lab for _, lab, _ in block]
    figures = [fig for _, _, fig in block]
    if how == "reordered":
        for k in range(0, len(figures) - 1, 2):
            figures[k], figures[k + 1] = figures[k + 1], figures[k]
    # Each row's line keeps its figures (in place: other lines between rows stay between them).
    out: dict[int, list[str]] = {i: [fig] for (i, _, _), fig in zip(block, figures, strict=True)}
    first, last = block[0][0], block[-1][0]
    if how in ("labels_before", "table2_labels_before", "reordered"):
        out[first] = [*labels, *out[first]]
    elif how == "labels_after":
        out[last] = [*out[last], *labels]
    elif how == "labels_paragraph":
        out[first] = [" ".join(labels), *out[first]]
    elif how == "split":
        for (i, lab, fig), cut in zip(block, (_cut(lab) for _, lab, _ in block), strict=True):
            out[i] = [lab[:cut], fig, lab[cut:]] if cut else [lab, fig]
    else:
        raise ValueError(how)
    return "\n".join(x for i, ln in enumerate(lines) for x in out.get(i, [ln]))


def _cut(label: str) -> int:
    """Where a narrow column breaks a label: between two CJK characters near its middle."""
    for k in range(max(2, len(label) // 2), len(label) - 1):
        if "\u4e00" <= label[k - 1] <= "\u9fff" and "\u4e00" <= label[k] <= "\u9fff":
            return k
    return 0


CONVERSIONS = ("labels_before", "labels_after", "labels_paragraph", "reordered", "split", "table2_labels_before")


def _text_of(source: Path) -> str | None:
    """A text fixture's own text (the forms that rework text start from it)."""
    if source.suffix.lower() not in (".txt", ".md"):
        return None
    doc: Document = read_path(source)
    return doc.text


# --- the derivers the registry calls ---------------------------------------------------------


def derive_fragment(source: Path, out: Path, stem: str) -> list[Path]:
    path = out / f"{stem}.fragment-cms.html"
    path.write_text(fragment(labelled(source)), encoding="utf-8")
    return [path]


def derive_dump(source: Path, out: Path, stem: str) -> list[Path]:
    report = labelled(source)
    written = [out / f"{stem}.dump-line.txt"]
    written[0].write_text(dump(report), encoding="utf-8")
    row = glued_row(report)
    if row is not None:
        p = out / f"{stem}.dump-glued.txt"
        p.write_text(dump_glued(report, row), encoding="utf-8")
        written.append(p)
    return written


def derive_converted(source: Path, out: Path, stem: str) -> list[Path]:
    text = _text_of(source)
    if text is None:
        return []
    fmt = labelled(source).format or "2021"
    written = []
    for how in CONVERSIONS:
        new = converted(text, fmt, how)
        if new is not None:
            p = out / f"{stem}.converted-{how.replace('_', '-')}.txt"
            p.write_text(new, encoding="utf-8")
            written.append(p)
    return written


def derive_utf16(source: Path, out: Path, stem: str) -> list[Path]:
    text = _text_of(source)
    if text is None:
        return []
    written = []
    for enc, name in (("utf-16-le", "le"), ("utf-16-be", "be")):
        p = out / f"{stem}.utf16-{name}.txt"
        p.write_bytes(text.encode(enc))
        written.append(p)
    return written


__all__ = ["CONVERSIONS", "TEMPLATES", "converted", "dump", "fragment", "labelled"]
