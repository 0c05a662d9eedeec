"""The registry of rules: stable ids, strength (FORMAT.md §6) and the function that applies each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from nianbao.model import Finding, Report

# MUST and IMPLIED rules are errors; HEUR rules warnings; NOTE rules inform.
SEVERITY = {"MUST": "error", "IMPLIED": "error", "HEUR": "warning", "NOTE": "info"}

CheckFn = Callable[[Report], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    strength: str
    title: str  # Chinese, shown in listings
    func: CheckFn

    @property
    def severity(self) -> str:
        return SEVERITY[self.strength]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, strength: str, title: str) -> Callable[[CheckFn], CheckFn]:
    def deco(func: CheckFn) -> CheckFn:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RULES[rule_id] = Rule(rule_id, strength, title, func)
        return func

    return deco


def finding(rule_id: str, message: str, *, severity: str | None = None, **where: Any) -> Finding:
    """A finding of a registered rule; severity follows the rule's strength unless given."""
    return Finding(rule_id, severity or RULES[rule_id].severity, message, **where)
