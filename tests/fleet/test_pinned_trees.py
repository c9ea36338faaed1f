"""The example fleet's rendered trees, pinned byte for byte: a
restructuring of the code must not change what xenmig writes.  After an
intended change (or a new snapshot), render them again:

    xenmig render examples/fleet/xen1[01].toml --out tests/data/rendered
"""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import xenmig
from tests.support.fleet import tree
from tests.support.gentoo import REPO_ROOT

PINNED = REPO_ROOT / "tests/data/rendered"


def test_the_example_fleet_renders_the_pinned_trees(tmp_path: Path) -> None:
    specs = sorted((REPO_ROOT / "examples/fleet").glob("*.toml"))
    proc = xenmig(tmp_path / "cache", "render", *specs, "--out", tmp_path / "out")
    assert proc.returncode == 1, proc.stdout  # the legacy hosts are blocked
    rendered = {p.name: tree(p) for p in sorted((tmp_path / "out").iterdir())}
    pinned = {p.name: tree(p) for p in sorted(PINNED.iterdir())}
    assert sorted(rendered) == sorted(pinned) == ["xen10", "xen11"]
    for host, files in pinned.items():
        assert rendered[host] == files, host
