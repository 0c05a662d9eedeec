"""The content checks evaluators apply: they fire on the faults and stay quiet on fixtures that are fine."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.batch import process
from nianbao.checks import check
from nianbao.extract import extract
from nianbao.readers import read_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOOD = sorted(FIXTURES.glob("00*.txt")) + sorted(FIXTURES.glob("hongze-*.pdf"))


def _with_part(path: Path, key_title: str, body: str) -> list[str]:
    """The fixture with the text of one part replaced by `body`; the rules it fires."""
    text = path.read_text(encoding="utf-8")
    titles = ["一、总体情况", "二、主动公开政府信息情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    start = text.index(key_title) + len(key_title)
    ends = [text.index(t) for t in titles if t != key_title and text.find(t) > start]
    end = min(ends) if ends else len(text)
    doc = read_bytes("x.txt", (text[:start] + "\n" + body + "\n" + text[end:]).encode("utf-8"))
    return [f.rule for f in check(extract(doc)) if f.rule.startswith("content.")]


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_quiet_on_fixtures(path: Path) -> None:
    assert [f.rule for f in process(str(path)).findings if f.rule.startswith("content.")] == []


@pytest.mark.parametrize("body", ["无。", "无", "（无）", "暂无。", "", "略"])
def test_part_five_saying_nothing_is_an_error(body: str) -> None:
    rules = _with_part(FIXTURES / "003_c12fc4cb6f2af7bf.txt", "五、存在的主要问题及改进情况", body)
    assert "content.problems" in rules
    assert "content.problems_detail" not in rules  # one finding for one fault


def test_part_five_without_a_measure_is_a_warning() -> None:
    rules = _with_part(
        FIXTURES / "003_c12fc4cb6f2af7bf.txt",
        "五、存在的主要问题及改进情况",
        "一是信息公开的时效性不够，二是内容质量有待提高。",
    )
    assert rules == ["content.problems_detail"]


def test_part_five_with_problem_and_measure_is_fine() -> None:
    body = "一是信息公开的时效性不够。下一步，我局将加强培训，完善发布审核机制。"
    assert _with_part(FIXTURES / "003_c12fc4cb6f2af7bf.txt", "五、存在的主要问题及改进情况", body) == []


def test_overview_missing_aspects_names_them() -> None:
    path = FIXTURES / "003_c12fc4cb6f2af7bf.txt"
    body = "2023年，我局认真做好主动公开工作，依申请公开答复及时。"
    doc = read_bytes("x.txt", _replace(path, "一、总体情况", body).encode("utf-8"))
    found = [f for f in check(extract(doc)) if f.rule == "content.overview_aspects"]
    assert len(found) == 1
    assert found[0].actual == ["政府信息管理", "政府信息公开平台建设", "监督保障"]
    assert "政府信息管理、政府信息公开平台建设、监督保障" in found[0].message


def test_template_wording_left_in_is_a_warning() -> None:
    body = "此处填写本年度存在的主要问题。下一步将加强改进。存在不足。"
    assert "content.boilerplate" in _with_part(
        FIXTURES / "003_c12fc4cb6f2af7bf.txt", "五、存在的主要问题及改进情况", body
    )


def test_a_part_repeating_another_is_a_warning() -> None:
    path = FIXTURES / "003_c12fc4cb6f2af7bf.txt"
    text = path.read_text(encoding="utf-8")
    start = text.index("五、存在的主要问题及改进情况") + len("五、存在的主要问题及改进情况")
    end = text.index("六、其他需要报告的事项")
    problems = text[start:end]
    six_start = text.index("六、其他需要报告的事项") + len("六、其他需要报告的事项")
    copied = text[:six_start] + problems
    findings = check(extract(read_bytes("x.txt", copied.encode("utf-8"))))
    dup = [f for f in findings if f.rule == "content.boilerplate"]
    assert len(dup) == 1 and "与第五" in dup[0].message


def _replace(path: Path, title: str, body: str) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index(title) + len(title)
    end = text.index("二、主动公开政府信息情况")
    return text[:start] + "\n" + body + "\n" + text[end:]
