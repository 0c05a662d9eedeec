"""Checks: a registry of rules over a `Report`, each yielding `Finding`s.

Rules live one concern per module (tables, structure, narrative, extraction);
importing this package registers them all.
"""

from __future__ import annotations

from collections.abc import Iterable

from nianbao.checks import content, crossyear, extraction, narrative, structure, tables  # noqa: F401  (registers rules)
from nianbao.checks.registry import RULES, Rule, finding, rule
from nianbao.model import Finding, Report

__all__ = ["RULES", "Rule", "check", "finding", "has_errors", "rule"]

_ORDER = {"error": 0, "warning": 1, "info": 2}


def check(report: Report, rules: Iterable[str] | None = None) -> list[Finding]:
    """All findings for one report, errors first, then in rule order."""
    selected = [RULES[r] for r in rules] if rules is not None else list(RULES.values())
    # What the checks derive (prose, sentences, the cell scan) is shared by the rules of this
    # call only: the report may have been edited since a previous check.
    report.derived.clear()
    out: list[Finding] = []
    for r in selected:
        out.extend(r.func(report))
    out.sort(key=lambda f: _ORDER.get(f.severity, 3))
    return out


def has_errors(findings: Iterable[Finding]) -> bool:
    """Errors of the report itself (not what the reader could not see)."""
    return any(f.severity == "error" and f.kind == "report" for f in findings)
