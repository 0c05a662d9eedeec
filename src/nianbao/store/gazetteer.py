"""Which region an agency belongs to, read from the name printed in its title.

A small built-in gazetteer (`data/gazetteer.csv`: province → city → county →
township) is matched greedily from the start of the name, each match nested
in the previous one: 淮安市洪泽区人民政府 → 江苏省 / 淮安市 / 洪泽区, body 人民政府.
A township not in the gazetteer (…镇人民政府, …乡, …街道办事处) right after a
county becomes a township region. What the gazetteer cannot place is
corrected in the store (`nianbao agency set-region`, or a CSV of corrections).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from nianbao.textnorm import nfkc

LEVELS = ("province", "city", "county", "township")
# What stands for the region's own government in a title (normalised to "人民政府").
_GOVERNMENT_UNITS = ("", "人民政府", "政府", "区政府", "县政府", "市政府")
_TOWNSHIP = re.compile(r"^(?P<town>[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道|苏木))(?P<rest>人民政府|政府|办事处|.*)$")


@dataclass(frozen=True)
class Place:
    name: str  # full official name: 中卫市
    level: str
    path: tuple[str, ...]  # names from the province down, this place last


@dataclass(frozen=True)
class Resolution:
    """Where an agency sits: its region (None when unknown) and the body within it."""

    region: tuple[Place, ...]  # from the province down; empty when unknown
    unit: str  # 审批服务管理局; "人民政府" for the region's government
    is_government: bool

    @property
    def region_path(self) -> tuple[str, ...]:
        return self.region[-1].path if self.region else ()


@dataclass(frozen=True)
class Gazetteer:
    places: tuple[Place, ...]
    by_name: dict[str, tuple[Place, ...]]  # official names and aliases → places
    max_len: int

    def resolve(self, agency: str) -> Resolution:
        """The region and body of an agency name (a title's agency)."""
        name = re.sub(r"\s+", "", nfkc(agency))
        chain: list[Place] = []
        i = 0
        while i < len(name):
            hit = self._match_at(name, i, chain[-1] if chain else None)
            if hit is None:
                break
            place, length = hit
            # Fill in ancestors the title skipped (洪泽区 alone → 江苏省 / 淮安市 / 洪泽区).
            chain = [*list(self._ancestors(place)), place]
            i += length
        rest = name[i:]
        if chain and chain[-1].level == "county":
            m = _TOWNSHIP.match(rest)
            if m and m["rest"] in ("人民政府", "政府", "办事处", ""):
                town = chain[-1]
                chain.append(Place(m["town"], "township", (*town.path, m["town"])))
                rest = ""
        if not chain:
            return Resolution((), name, False)
        gov = rest in _GOVERNMENT_UNITS
        return Resolution(tuple(chain), "人民政府" if gov else rest, gov)

    def _match_at(self, name: str, i: int, parent: Place | None) -> tuple[Place, int] | None:
        for length in range(min(self.max_len, len(name) - i), 1, -1):
            cands = self.by_name.get(name[i : i + length])
            if not cands:
                continue
            if parent is not None:
                cands = tuple(p for p in cands if p.path[: len(parent.path)] == parent.path and p != parent)
            if len(cands) == 1:
                return cands[0], length
        return None

    def _ancestors(self, place: Place) -> tuple[Place, ...]:
        out = []
        for depth in range(1, len(place.path)):
            prefix = place.path[:depth]
            out.append(next(p for p in self.places if p.path == prefix))
        return tuple(out)

    def place(self, path: tuple[str, ...]) -> Place | None:
        return next((p for p in self.places if p.path == path), None)

    def find(self, text: str) -> tuple[Place, ...] | None:
        """A region from user input: "宁夏/中卫市", "中卫市" or "宁夏 中卫市 沙坡头区" → the chain of places."""
        parts = [p for p in re.split(r"[/\s·,，>]+", nfkc(text)) if p]
        chain: list[Place] = []
        for part in parts:
            hit = self._match_at(part, 0, chain[-1] if chain else None)
            if hit is None or hit[1] != len(part):
                if chain and chain[-1].level != "township":
                    level = LEVELS[LEVELS.index(chain[-1].level) + 1]
                    chain.append(Place(part, level, (*chain[-1].path, part)))
                    continue
                return None
            chain = [*self._ancestors(hit[0]), hit[0]]
        return tuple(chain) or None


def load(text: str) -> Gazetteer:
    places: list[Place] = []
    by_name: dict[str, list[Place]] = {}
    reader = csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#"))
    for rec in reader:
        path = tuple(rec["path"].split("/"))
        place = Place(path[-1], rec["level"], path)
        places.append(place)
        names = [place.name, *(a for a in (rec.get("aliases") or "").split(";") if a)]
        for n in names:
            by_name.setdefault(n, []).append(place)
    return Gazetteer(
        tuple(places),
        {k: tuple(v) for k, v in by_name.items()},
        max(len(k) for k in by_name),
    )


@lru_cache(maxsize=1)
def builtin() -> Gazetteer:
    """The gazetteer shipped in the package."""
    text = resources.files("nianbao.store").joinpath("data/gazetteer.csv").read_text(encoding="utf-8")
    return load(text)


def resolve(agency: str) -> Resolution:
    return builtin().resolve(agency)
