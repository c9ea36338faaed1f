"""``xenmig resolve``: the main job on the embedded default (no ::gentoo)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.overlay.test_resolver import EXPECTED_CHANGES, EXPECTED_MERGE_LIST
from tests.support.gentoo import REPO_ROOT


def _xenmig(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v for k, v in os.environ.items()
        if k not in ("PORTAGE_OVERRIDE_EPREFIX", "XENMIG_GENTOO_REPO", "XENMIG_OVERLAY")
    }
    environ.update(XENMIG_CACHE_DIR=str(tmp_path / "cache"), **env)
    return subprocess.run(
        [sys.executable, "-m", "xenmig", *args], env=environ, cwd=REPO_ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False,
    )


def test_resolve_on_the_embedded_snapshot(tmp_path: Path) -> None:
    """The committed overlay metadata over the committed snapshot: the same
    answer as emerge against eclass doubles."""
    proc = _xenmig(tmp_path, "resolve")
    assert proc.returncode == 0, proc.stdout
    lines = proc.stdout.splitlines()
    assert lines[0] == "# repositories: embedded ::gentoo snapshot"
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
