from __future__ import annotations

import pytest

from nianbao.store.gazetteer import builtin, resolve


@pytest.mark.parametrize(
    ("name", "path", "unit", "gov"),
    [
        ("中卫市审批服务管理局", ("宁夏回族自治区", "中卫市"), "审批服务管理局", False),
        ("淮安市洪泽区人民政府", ("江苏省", "淮安市", "洪泽区"), "人民政府", True),
        ("洪泽区人民政府", ("江苏省", "淮安市", "洪泽区"), "人民政府", True),
        ("青铜峡市", ("宁夏回族自治区", "吴忠市", "青铜峡市"), "人民政府", True),
        ("兴庆区审批服务管理局", ("宁夏回族自治区", "银川市", "兴庆区"), "审批服务管理局", False),
        ("沙坡头区东台镇人民政府", ("宁夏回族自治区", "中卫市", "沙坡头区", "东台镇"), "人民政府", True),
        ("某某公司", (), "某某公司", False),
    ],
)
def test_resolve(name: str, path: tuple[str, ...], unit: str, gov: bool) -> None:
    r = resolve(name)
    assert (r.region_path, r.unit, r.is_government) == (path, unit, gov)


def test_find_region_from_user_input() -> None:
    chain = builtin().find("宁夏/中卫市")
    assert chain is not None and [p.name for p in chain] == ["宁夏回族自治区", "中卫市"]
    assert builtin().find("不存在的省") is None
