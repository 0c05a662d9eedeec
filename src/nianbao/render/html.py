"""Print-ready HTML: A4 pages, government fonts with fallbacks, rows never cut across pages."""

from __future__ import annotations

from jinja2 import Environment, select_autoescape

from nianbao.render.model import Layout

FANGSONG = '"仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", serif'
SONGTI = '"宋体", "SimSun", "STSong", "Noto Serif CJK SC", "Source Han Serif SC", serif'
HEITI = '"黑体", "SimHei", "STHeiti", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'

_CSS = (
    """
@page { size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center { content: "— " counter(page) " —"; font-family: %(song)s; font-size: 14pt; } }
html { font-family: %(fang)s; font-size: 16pt; line-height: 1.75; color: #000; }
body { margin: 0 auto; max-width: 156mm; }
h1 { font-family: %(song)s; font-size: 22pt; font-weight: bold; text-align: center; line-height: 1.5;
  margin: 0 0 1em; }
h2 { font-family: %(hei)s; font-size: 16pt; font-weight: normal; margin: 0.8em 0 0.3em; text-indent: 2em;
  break-after: avoid; page-break-after: avoid; }
p { margin: 0; text-indent: 2em; text-align: justify; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1em; font-family: %(song)s;
  font-size: 10.5pt; line-height: 1.35; }
thead { display: table-header-group; }
tr, td, th { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.75pt solid #000; padding: 2pt 3pt; text-align: center; vertical-align: middle; }
th { font-weight: normal; }
td.label { text-align: left; }
td.value { font-variant-numeric: tabular-nums; min-width: 2.2em; }
@media screen { body { padding: 2em 0; } }
""".replace("%(fang)s", FANGSONG)
    .replace("%(song)s", SONGTI)
    .replace("%(hei)s", HEITI)
)

_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{ lay.title }}</title>
<style>{{ css }}</style>
</head>
<body>
<h1>{{ lay.title }}</h1>
{% for p in lay.preamble %}<p>{{ p }}</p>
{% endfor %}
{% for part in lay.parts %}<h2>{{ part.heading }}</h2>
{% for p in part.paragraphs %}<p>{{ p }}</p>
{% endfor %}
{% if part.grid %}<table class="t-{{ part.grid.table }}">
{% set rows = part.grid.rows() %}
{% if part.grid.header_rows %}<thead>
{% for row in rows[:part.grid.header_rows] %}<tr>{% for c in row %}<th{{ span(c) }}>{{ c.text }}</th>{% endfor %}</tr>
{% endfor %}</thead>
{% endif %}<tbody>
{% for row in rows[part.grid.header_rows:] %}<tr>{% for c in row %}
{%- if c.kind == "head" %}<th{{ span(c) }}>{{ c.text }}</th>
{%- else %}<td class="{{ c.kind }}"{{ span(c) }}>{{ lay.text(part.grid.table, c) }}</td>{% endif %}
{%- endfor %}</tr>
{% endfor %}</tbody>
</table>
{% endif %}{% endfor %}
</body>
</html>
"""


def _span(c: object) -> str:
    rs = getattr(c, "rowspan", 1)
    cs = getattr(c, "colspan", 1)
    out = ""
    if rs > 1:
        out += f' rowspan="{rs}"'
    if cs > 1:
        out += f' colspan="{cs}"'
    return out


def to_html(lay: Layout) -> str:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    tpl = env.from_string(_TEMPLATE)
    from markupsafe import Markup

    return tpl.render(lay=lay, css=Markup(_CSS), span=lambda c: Markup(_span(c)))
