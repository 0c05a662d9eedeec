"""The corpus analyses are pure (reports and fingerprints in, results out): the store calls
them, never the other way round. Checked in a fresh interpreter, where nothing was imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import nianbao.corpus

MODULES = sorted(p.stem for p in Path(nianbao.corpus.__file__).parent.glob("*.py") if p.stem != "__init__")
# `synth` builds test corpora from the gazetteer, which lives in the store's package data.
NOT_YET_PURE = {"synth"}


@pytest.mark.parametrize("name", [m for m in MODULES if m not in NOT_YET_PURE])
def test_corpus_module_does_not_import_the_store(name: str) -> None:
    code = f"import sys, nianbao.corpus.{name}; print(sorted(m for m in sys.modules if m.startswith('nianbao.store')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", f"nianbao.corpus.{name} imports {out}"
