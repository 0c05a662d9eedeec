"""内容雷同 across the corpus: candidate pairs by MinHash LSH, scored by estimated Jaccard.

A pair is a copy when the normalised narratives (see `similarity`) have an
estimated Jaccard similarity of at least `THRESHOLD` over 5-grams; identical
skeletons (same text once digits and the agency's own name are removed —
"only the year changed") are reported as errors, near-copies as warnings.
The later report of a pair (by year, then by id) is the one flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from datasketch import MinHashLSH  # type: ignore[import-untyped]

from nianbao.corpus.similarity import NUM_PERM, similarity, to_minhash

THRESHOLD = 0.8  # honest reports of one body in consecutive years score well below (~0.1–0.5)


@dataclass(frozen=True)
class Doc:
    id: int
    agency_id: int | None
    year: int | None
    minhash: bytes
    skeleton: str


@dataclass(frozen=True)
class Copy:
    later: Doc  # the report flagged
    earlier: Doc  # the report it copies
    score: float
    identical: bool


def _order(d: Doc) -> tuple[int, int]:
    return (d.year or 0, d.id)


def find_copies(corpus: Iterable[Doc], targets: Iterable[int] | None = None) -> list[Copy]:
    """Copies involving the `targets` (report ids; default: every document) within `corpus`."""
    docs = {d.id: d for d in corpus}
    lsh = MinHashLSH(threshold=THRESHOLD * 0.75, num_perm=NUM_PERM)
    by_skeleton: dict[str, list[int]] = {}
    for d in docs.values():
        lsh.insert(d.id, to_minhash(d.minhash))
        by_skeleton.setdefault(d.skeleton, []).append(d.id)
    wanted = list(docs) if targets is None else [t for t in targets if t in docs]
    seen: set[tuple[int, int]] = set()
    out: list[Copy] = []
    for tid in wanted:
        t = docs[tid]
        cands = set(lsh.query(to_minhash(t.minhash))) | set(by_skeleton.get(t.skeleton, ()))
        for cid in cands:
            if cid == tid:
                continue
            pair = (min(cid, tid), max(cid, tid))
            if pair in seen:
                continue
            seen.add(pair)
            c = docs[cid]
            identical = c.skeleton == t.skeleton
            score = 1.0 if identical else similarity(t.minhash, c.minhash)
            if score < THRESHOLD:
                continue
            later, earlier = (t, c) if _order(t) > _order(c) else (c, t)
            out.append(Copy(later, earlier, score, identical))
    return out
