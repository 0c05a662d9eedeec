"""Narrative fingerprints for 内容雷同 (FORMAT.md §6 rule 14).

The narrative parts (一 总体情况, 五 问题及改进, 六 其他事项) are normalised —
NFKC, the agency's own name removed, digits, whitespace and punctuation
dropped — so that a report copied with only the year or the numbers changed,
or copied from another body with the name replaced, normalises to the same
text. Each narrative gets a MinHash over character 5-grams (scales to the
whole corpus with LSH) and a `skeleton` hash of the normalised text (exact
copies are found by equality).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash  # type: ignore[import-untyped]

from nianbao.model import Report
from nianbao.textnorm import nfkc

NUM_PERM = 64
SCHEME = "affine32"  # 32-bit hash values: 256 bytes per signature
SHINGLE = 5
MIN_CHARS = 200  # shorter narratives are not compared: too little text to call a copy
NARRATIVE_SECTIONS = ("overview", "problems", "other")
_DROP = re.compile(
    r"[\s\d〇零一二三四五六七八九十百千万亿年月日号.,:;!?，。、；：！？（）()《》“”‘’\"'\[\]【】%％—\-·]+"
)


def narrative(report: Report) -> str:
    return "\n".join(report.sections[k].text for k in NARRATIVE_SECTIONS if k in report.sections)


def normalise(text: str, agency: str | None = None) -> str:
    t = nfkc(text)
    if agency:
        t = t.replace(nfkc(agency), "")
    return _DROP.sub("", t)


def signature(report: Report) -> tuple[bytes, str] | None:
    """(MinHash values as little-endian uint32 bytes, skeleton sha256) or None when too short."""
    text = normalise(narrative(report), report.agency)
    if len(text) < MIN_CHARS:
        return None
    grams = {text[i : i + SHINGLE].encode("utf-8") for i in range(len(text) - SHINGLE + 1)}
    mh = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    mh.update_batch(list(grams))
    sig = mh.hashvalues.astype("<u4").tobytes()
    return sig, hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_minhash(sig: bytes) -> MinHash:
    values = np.frombuffer(sig, dtype="<u4").astype(np.uint32)
    return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=values, scheme=SCHEME)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two narratives' 5-gram sets."""
    va, vb = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(va == vb)) / len(va)
