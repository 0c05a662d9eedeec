"""An assessment's indicator list, as the evaluator writes it (YAML), validated on load.

Every mistake is reported in Chinese with the line and the field it is on, so an evaluator
who is not a programmer can fix the file.
"""

from __future__ import annotations

import fnmatch
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nianbao.checks.registry import RULES


class PackError(ValueError):
    """A pack that cannot be used; `problems` lists each mistake (Chinese, with line)."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"评分方案 {source} 有 {len(problems)} 处错误：\n" + "\n".join(problems))


class Deduction(BaseModel):
    """Points taken off an indicator for the findings of the rules `rule` matches."""

    model_config = ConfigDict(extra="forbid")

    rule: str = Field(min_length=1)  # a rule id, `*` matches any run of characters ("t3.*")
    points: float = Field(gt=0)  # per finding (or once, with `once`)
    max: float | None = Field(default=None, gt=0)  # cap on what this deduction takes
    severity: Literal["error", "warning", "info"] | None = None  # only findings of this severity
    above: float | None = None  # only findings whose measured value (e.g. the copy score) exceeds this
    at_least: int = Field(default=1, ge=1)  # only when at least this many findings match
    once: bool = False  # at most once per report, however many findings match

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, v: str) -> str:
        if not any(fnmatch.fnmatchcase(r, v) for r in all_rules()):
            raise ValueError(f"没有与“{v}”相符的规则（`nianbao rules` 列出全部规则）")
        return v

    @cached_property
    def rule_ids(self) -> frozenset[str]:
        """The registered rules this deduction matches (a set lookup per finding, not a glob)."""
        return frozenset(r for r in all_rules() if fnmatch.fnmatchcase(r, self.rule))

    def matches(self, rule_id: str) -> bool:
        if rule_id in self.rule_ids:
            return True
        return rule_id not in RULES and fnmatch.fnmatchcase(rule_id, self.rule)  # a rule this version lacks


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    points: float = Field(gt=0)
    deduct: list[Deduction] = Field(min_length=1)

    @cached_property
    def rules(self) -> frozenset[str]:
        """Every registered rule one of the deductions can match."""
        return frozenset().union(*(d.rule_ids for d in self.deduct))


class Pack(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    description: str | None = None
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Pack:
        seen: set[str] = set()
        for ind in self.indicators:
            if ind.id in seen:
                raise ValueError(f"指标编号“{ind.id}”重复")
            seen.add(ind.id)
        return self

    @property
    def max_points(self) -> float:
        return sum(i.points for i in self.indicators)


def all_rules() -> list[str]:
    import nianbao.checks
    import nianbao.corpus.history  # noqa: F401  (registers the cross-year rules)

    return list(RULES)


PACKS_DIR = Path(__file__).with_name("packs")


def builtin_packs() -> dict[str, Path]:
    """The packs shipped with nianbao, by name (the file's stem)."""
    return {p.stem: p for p in sorted(PACKS_DIR.glob("*.yaml"))}


def load_pack(path_or_name: str | Path) -> Pack:
    """A pack from a YAML file, or a shipped pack by name (`national`, `example-local`)."""
    builtin = builtin_packs()
    named = isinstance(path_or_name, str) and path_or_name in builtin
    path = builtin[str(path_or_name)] if named else Path(path_or_name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackError(str(path_or_name), [f"找不到评分方案文件（内置方案：{'、'.join(builtin)}）"]) from None
    except (OSError, UnicodeDecodeError):
        raise PackError(str(path_or_name), ["无法读取评分方案文件（应为 UTF-8 编码的 YAML 文件）"]) from None
    return parse_pack(text, str(path_or_name))


def parse_pack(text: str, source: str = "<评分方案>") -> Pack:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行：" if mark is not None else ""
        raise PackError(source, [f"{where}YAML 格式错误，无法解析"]) from None
    if not isinstance(data, dict):
        raise PackError(source, ["评分方案应是一个含 name 和 indicators 的映射"])
    lines = _lines(node)
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        raise PackError(source, [_describe(e, lines, data) for e in exc.errors()]) from None


_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段（拼写错误？）",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "应为映射（字段: 值）",
    "model_type": "应为映射（字段: 值）",
    "literal_error": "取值只能是 error、warning 或 info",
    "greater_than": "应大于 0",
    "greater_than_equal": "应不小于 1",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
}


def _describe(err: Any, lines: dict[tuple[Any, ...], int], data: Any) -> str:
    loc = tuple(err["loc"])
    field = _field_name(loc, data)
    line = _nearest_line(loc, lines)
    msg = _MESSAGES.get(err["type"])
    if err["type"] in ("value_error", "assertion_error"):
        msg = str(err.get("ctx", {}).get("error", err["msg"]))
    where = f"第 {line} 行，" if line else ""
    return f"{where}{field or '方案'}：{msg or err['msg']}"


def _field_name(loc: tuple[Any, ...], data: Any) -> str:
    """`indicators[2].deduct[0].points`, named by the indicator's id where it has one."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            ind_id = node[part].get("id") if isinstance(node, list) and isinstance(node[part], dict) else None
            out += f"[{ind_id}]" if ind_id and out == "indicators" else f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return out


def _nearest_line(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def _lines(node: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    """1-based line of every key and list item in the YAML tree, by its path."""
    out: dict[tuple[Any, ...], int] = {}
    if node is None:
        return out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            out.update(_lines(v, (*path, key)))
            out[(*path, key)] = k.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out.update(_lines(v, (*path, i)))
    return out
