"""Real ``ebuild ... merge`` of the overlay's packages into a temporary ROOT
against eclass doubles, then running the xenmig that landed there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.gentoo import REPO_ROOT, Lab
from tests.support.release import release_distfile
from xenmig import __version__

PYLIB = f"usr/lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"


def _run_installed(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ROOT/usr/bin/xenmig with ROOT's site-packages first on the path."""
    env = dict(os.environ, PYTHONPATH=str(root / PYLIB))
    return subprocess.run(
        [str(root / "usr/bin/xenmig"), *args], env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False,
    )


def _installed_module(root: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(root / PYLIB))
    return subprocess.run(
        [sys.executable, "-c", "import xenmig; print(xenmig.__file__)"],
        env=env, text=True, stdout=subprocess.PIPE, check=True,
    ).stdout.strip()


@pytest.fixture(scope="module")
def release_lab(lab: Lab) -> Lab:
    """The lab with the tools' release distfile in its DISTDIR."""
    distfile = release_distfile()
    (lab.view.root / "distfiles" / distfile.name).write_bytes(distfile.data)
    return lab


def test_merge_released_tools_and_run_xenmig_against_eclass_doubles(
    release_lab: Lab, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    ebuild = REPO_ROOT / "app-emulation/xen-migration-tools/xen-migration-tools-0.1.0.ebuild"
    release_lab.ebuild(ebuild, "clean", "merge", root=root)
    vdb = root / "var/db/pkg/app-emulation/xen-migration-tools-0.1.0"
    assert "obj /usr/bin/xenmig " in (vdb / "CONTENTS").read_text()
    assert _installed_module(root).startswith(str(root))
    proc = _run_installed(root, "--version")
    assert proc.returncode == 0 and proc.stdout.strip() == "xenmig 0.1.0", proc.stdout


def test_merge_live_tools_from_this_checkout_against_eclass_doubles(
    lab: Lab, tmp_path: Path
) -> None:
    """The live ebuild clones the repository (git-r3's EGIT_OVERRIDE_REPO
    points it at this checkout) and installs the current tools."""
    root = tmp_path / "root"
    ebuild = REPO_ROOT / "app-emulation/xen-migration-tools/xen-migration-tools-9999.ebuild"
    lab.ebuild(
        ebuild, "clean", "merge", root=root,
        EGIT_OVERRIDE_REPO_XEN_MIGRATION_XEN_MIGRATION=f"file://{REPO_ROOT}",
    )
    proc = _run_installed(root, "--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"xenmig {__version__}", proc.stdout
    snapshot = root / PYLIB / "xenmig/snapshot/data/gentoo/metadata/timestamp.chk"
    assert snapshot.is_file(), "the embedded snapshot was not installed with the tools"


def test_merge_meta_package_against_eclass_doubles(lab: Lab, tmp_path: Path) -> None:
    root = tmp_path / "root"
    ebuild = REPO_ROOT / "app-emulation/xen-migration-meta/xen-migration-meta-0.1.ebuild"
    lab.ebuild(ebuild, "clean", "merge", root=root)
    vdb = root / "var/db/pkg/app-emulation/xen-migration-meta-0.1"
    assert set((vdb / "USE").read_text().split()) >= {"flask", "pygrub"}
    assert "old-lts-kernel" not in (vdb / "USE").read_text().split()
    assert "app-emulation/xen[flask]" in (vdb / "RDEPEND").read_text()
