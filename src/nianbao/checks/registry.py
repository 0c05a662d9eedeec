"""The registry of rules: stable ids, strength (FORMAT.md §6) and the function that applies each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from nianbao.model import RULE_KINDS, Finding, Report

# MUST and IMPLIED rules are errors; HEUR rules warnings; NOTE rules inform.
SEVERITY = {"MUST": "error", "IMPLIED": "error", "HEUR": "warning", "NOTE": "info"}

CheckFn = Callable[[Report], Iterable[Finding]]

# What a rule's findings are about: the report itself, or what the reader could not see or
# place (never to be held against the body that published the report).
KINDS = ("report", "reading")


@dataclass(frozen=True)
class Rule:
    id: str
    strength: str
    title: str  # Chinese, shown in listings
    func: CheckFn
    kind: str = "report"  # report | reading

    @property
    def severity(self) -> str:
        return SEVERITY[self.strength]


RULES: dict[str, Rule] = {}
_SEVERITY_OF: dict[str, str] = {}  # rule id → severity; `finding` runs thousands of times a second


def rule(rule_id: str, strength: str, title: str, kind: str = "report") -> Callable[[CheckFn], CheckFn]:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind}")

    def deco(func: CheckFn) -> CheckFn:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RULES[rule_id] = Rule(rule_id, strength, title, func, kind)
        _SEVERITY_OF[rule_id] = SEVERITY[strength]
        RULE_KINDS[rule_id] = kind
        return func

    return deco


def _emitted_elsewhere(_: Report) -> Iterable[Finding]:
    return ()


def declare(rule_id: str, strength: str, title: str, kind: str = "report") -> None:
    """Register a rule whose findings are made elsewhere (during extraction, or across
    reports), so that it is listed, has a severity and a kind."""
    rule(rule_id, strength, title, kind)(_emitted_elsewhere)


def kind_of(rule_id: str) -> str:
    return RULE_KINDS.get(rule_id, "report")


def finding(
    rule_id: str,
    message: str,
    *,
    severity: str | None = None,
    table: str | None = None,
    row: str | None = None,
    column: str | None = None,
    expected: Any = None,
    actual: Any = None,
    line: int | None = None,
) -> Finding:
    """A finding of a registered rule; severity follows the rule's strength unless given."""
    return Finding(rule_id, severity or _SEVERITY_OF[rule_id], message, table, row, column, expected, actual, line)


def reading_rules() -> tuple[str, ...]:
    """Ids of the rules whose findings are the reader's problems, not the report's."""
    return tuple(r.id for r in RULES.values() if r.kind == "reading")
