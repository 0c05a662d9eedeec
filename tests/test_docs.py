"""README, the rule registry and `nianbao rules` say the same thing (as datasette's test_docs does)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from nianbao.checks import RULES
from nianbao.cli import app

ROOT = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^\| `([a-z0-9_]+\.[a-z0-9_]+)` \| (\w+) \| (\w+) \| (\w+) \| (.+) \|$")


def test_readme_lists_every_rule_as_registered() -> None:
    rows = [m.groups() for m in map(ROW.match, (ROOT / "README.md").read_text(encoding="utf-8").splitlines()) if m]
    documented = {r[0]: r[1:4] for r in rows}
    registered = {r.id: (r.strength, r.severity, r.kind) for r in RULES.values()}
    assert documented == registered, "README 的规则表与注册表不一致：按 `nianbao rules` 更新"


def test_rules_command_lists_every_rule() -> None:
    res = CliRunner().invoke(app, ["rules", "--format", "json"])
    assert res.exit_code == 0, res.output
    items = json.loads(res.stdout)
    assert [i["id"] for i in items] == list(RULES)
    assert all(i["description"] and i["kind"] in ("report", "reading") for i in items)


def test_every_rule_the_code_can_report_is_registered() -> None:
    """A rule id written where a finding is made (Finding(…), finding(…), declare(…), rule(…))."""
    made = re.compile(r"""\b(?:Finding|finding|declare|rule)\(\s*["']([a-z0-9_]+\.[a-z0-9_]+)["']""")
    ids = {m for p in (ROOT / "src" / "nianbao").rglob("*.py") for m in made.findall(p.read_text(encoding="utf-8"))}
    assert ids, "the pattern found no rule ids: it is broken"
    assert ids - set(RULES) == set()
