"""The cached symbol model on a small tree written here (the real 6.12 tree
is covered by test_fragments)."""

from __future__ import annotations

import os
from pathlib import Path

import kconfiglib
import pytest

from xenmig.errors import UserError
from xenmig.kernel.model import load_model

KCONFIG = """\
config MODULES
\tbool "Enable loadable module support"
\tmodules

config A
\ttristate "A"
\tdepends on B && MODULES

config B
\tbool "B"

config C
\tbool
\tselect A if B
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    tree = tmp_path / "linux"
    tree.mkdir()
    (tree / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 3\n")
    (tree / "Kconfig").write_text(KCONFIG)
    return tree


def test_bare_modules_keyword_needs_the_tokenizer_fix(tree: Path) -> None:
    """kconfiglib 14.1.0 rejects Linux >= 5.13's bare "modules" line."""
    with pytest.raises(kconfiglib.KconfigError, match="modules"):
        kconfiglib.Kconfig(str(tree / "Kconfig"), warn=False)
    model = load_model(tree)
    assert model.version == "6.12.3" and set(model.symbols) == {"MODULES", "A", "B", "C"}
    assert model.symbols["A"].type == "tristate" and model.symbols["A"].where == "Kconfig:5"


def test_explanations(tree: Path) -> None:
    model = load_model(tree)
    assert model.explain({"MODULES": "y"}, "A", "m") == (
        "A (Kconfig:5) is n, wanted m: depends on B && MODULES [B=n, MODULES=y]")
    assert "=m needs MODULES=y" in model.explain({"B": "y"}, "A", "m")
    assert "has no prompt" in model.explain({}, "C", "y")
    assert "selected by C && B [C=y, B=y]" in model.explain(
        {"B": "y", "C": "y", "A": "y"}, "A", "n")
    assert model.explain({}, "D", "y") == "D is not defined in this tree (6.12.3, ARCH=x86_64)"


def test_cache_follows_the_kconfig_files(tree: Path) -> None:
    assert "D" not in load_model(tree).symbols
    cached = list((Path(os.environ["XENMIG_CACHE_DIR"]) / "kconfig").glob("*.json"))
    assert cached
    (tree / "Kconfig").write_text(KCONFIG + '\nconfig D\n\tbool "D"\n')
    os.utime(tree / "Kconfig", ns=(1, 1))  # a different mtime, whatever the clock says
    assert "D" in load_model(tree).symbols


def test_not_a_tree(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not a kernel tree"):
        load_model(tmp_path)
