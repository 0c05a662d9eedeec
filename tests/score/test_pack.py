"""Packs are data the evaluator writes: every mistake is named in Chinese with its line and field."""

from __future__ import annotations

import pytest

from nianbao.score import PackError, builtin_packs, load_pack, parse_pack

GOOD = """\
name: 某市考核
indicators:
  - id: A1
    name: 按时发布
    points: 0.5
    deduct:
      - {rule: structure.deadline, points: 0.5}
"""


def test_builtin_packs_load() -> None:
    assert set(builtin_packs()) >= {"national", "example-local"}
    national = load_pack("national")
    assert national.max_points == 20
    assert load_pack("example-local").max_points == 3


def _problems(text: str) -> list[str]:
    with pytest.raises(PackError) as info:
        parse_pack(text, "p.yaml")
    return info.value.problems


def test_a_good_pack_parses() -> None:
    pack = parse_pack(GOOD)
    assert pack.indicators[0].deduct[0].matches("structure.deadline")


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("points: 0.5\n    deduct", "points: 半分\n    deduct"), 5, ["indicators[A1].points", "应为数字"]),
        (("rule: structure.deadline", "rule: structure.deadlin"), 7, ["没有与“structure.deadlin”相符的规则"]),
        (
            ("{rule: structure.deadline, points: 0.5}", "{rule: structure.deadline, pionts: 0.5}"),
            7,
            ["pionts", "未知字段"],
        ),
        (("    name: 按时发布\n", ""), 3, ["indicators[A1].name", "缺少必填字段"]),
        (
            ("{rule: structure.deadline, points: 0.5}", "{rule: structure.deadline, points: 0.5, severity: fatal}"),
            7,
            ["severity", "error、warning 或 info"],
        ),
        (
            ("{rule: structure.deadline, points: 0.5}", "{rule: structure.deadline, points: -1}"),
            7,
            ["points", "应大于 0"],
        ),
    ],
)
def test_each_mistake_names_line_and_field(change: tuple[str, str], line: int, words: list[str]) -> None:
    problems = _problems(GOOD.replace(*change))
    named = [p for p in problems if all(w in p for w in words)]
    assert len(named) == 1, problems
    assert named[0].startswith(f"第 {line} 行"), problems


def test_duplicate_ids_and_yaml_syntax() -> None:
    twice = GOOD + GOOD.split("indicators:\n", 1)[1]
    assert "指标编号“A1”重复" in _problems(twice)[0]
    assert _problems("name: [unclosed\n")[0].startswith("第 ")
    assert "映射" in _problems("- just a list\n")[0]


def test_missing_file_names_the_builtin_packs(tmp_path: object) -> None:
    with pytest.raises(PackError) as info:
        load_pack("no-such-pack.yaml")
    assert "national" in info.value.problems[0]
