"""Reader tests: the layout helpers load as `reader_layouts` (tests/layouts.py is another module)."""

import importlib.util
import sys
from pathlib import Path

if "reader_layouts" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("reader_layouts", Path(__file__).parent / "layouts.py")
    assert _spec is not None and _spec.loader is not None
    _mod = importlib.util.module_from_spec(_spec)
    sys.modules["reader_layouts"] = _mod
    _spec.loader.exec_module(_mod)

# `from conftest import FIXTURES` in other test modules may find this conftest module.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
