"""``xenmig resolve``: the main job on the embedded default (no ::gentoo)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.overlay.test_resolver import EXPECTED_CHANGES, EXPECTED_MERGE_LIST
from tests.support.cli import xenmig


def _xenmig(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return xenmig(tmp_path / "cache", *args, env=env)


def test_resolve_on_the_embedded_snapshot(tmp_path: Path) -> None:
    """The committed overlay metadata over the committed snapshot: the same
    answer as emerge against eclass doubles."""
    proc = _xenmig(tmp_path, "resolve")
    assert proc.returncode == 0, proc.stdout
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("# repositories: embedded ::gentoo snapshot of ")
    assert [line.strip() for line in lines[2 : 2 + len(EXPECTED_MERGE_LIST)]] == EXPECTED_MERGE_LIST
    assert [line.strip() for line in lines[-len(EXPECTED_CHANGES) :]] == EXPECTED_CHANGES
    assert "warning" not in proc.stdout


def test_resolve_with_a_profile_that_does_not_exist(tmp_path: Path) -> None:
    proc = _xenmig(tmp_path, "resolve", "--profile", "xen-migration:xen-dom0/x86/23.0")
    assert proc.returncode == 1
    assert proc.stdout.startswith("xenmig: profile xen-migration:xen-dom0/x86/23.0:")
    assert "Traceback" not in proc.stdout


def test_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "xenmig", "--version"], text=True, stdout=subprocess.PIPE, check=True
    )
    assert proc.stdout.startswith("xenmig ")
