"""The patches of sys-kernel/xen-sources, applied with patch(1): the 6.12
one to Debian's real linux-source-6.12 tree, the legacy XenLinux one to a
minimal reproduction of the lines it changes (no 2.6.3x-xen tree can be had
here)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import kconfiglib
import pytest

from tests.support.gentoo import REPO_ROOT
from tests.support.kernel import unpack_debian_tree
from xenmig.kernel.config import read_config
from xenmig.kernel.verify import unmet

FILES = REPO_ROOT / "sys-kernel/xen-sources/files"
FRAGMENTS_PATCH = FILES / "xen-sources-6.12-xen-config-fragments.patch"
LEGACY_PATCH = FILES / "xen-sources-2.6.3x-xen-compat-030004.patch"
LEGACY_TREE = REPO_ROOT / "tests/data/legacy-xenlinux/before"


def _patch(tree: Path, patch: Path, *extra: str) -> None:
    subprocess.run(
        ["patch", "-p1", "-f", "-g0", "--no-backup-if-mismatch", *extra],
        stdin=patch.open(), cwd=tree, check=True, stdout=subprocess.PIPE,
    )


@pytest.fixture(scope="module")
def patched_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = unpack_debian_tree(tmp_path_factory.mktemp("linux"))
    _patch(tree, FRAGMENTS_PATCH)
    return tree


def test_fragments_patch_adds_make_targets(patched_tree: Path) -> None:
    out = subprocess.run(
        ["make", "-s", "ARCH=x86_64", "help"], cwd=patched_tree, text=True,
        stdout=subprocess.PIPE, check=True,
    ).stdout
    assert "xen-dom0.config" in out and "xen-domu.config" in out


@pytest.mark.parametrize("role", ["dom0", "domu"])
def test_fragment_survives_defconfig_merge(patched_tree: Path, tmp_path: Path, role: str) -> None:
    """make defconfig xen-<role>.config (merge_config.sh + olddefconfig):
    every line of the fragment is in the final .config."""
    subprocess.run(
        ["make", "-s", "ARCH=x86_64", f"O={tmp_path}", "defconfig", f"xen-{role}.config"],
        cwd=patched_tree, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    fragment = (patched_tree / f"kernel/configs/xen-{role}.config").read_text()
    assert unmet(read_config(tmp_path / ".config").values, fragment) == []


def _xen_compat(tree: Path, old_config: Path) -> str:
    kconf = kconfiglib.Kconfig(str(tree / "drivers/xen/Kconfig"), warn=False)
    kconf.load_config(str(old_config))
    return str(kconf.syms["XEN_COMPAT"].str_value)


def test_legacy_patch_raises_xen_compat_to_3_0_4(tmp_path: Path) -> None:
    """On a minimal reproduction of XenLinux's drivers/xen/Kconfig (the
    XEN_COMPAT choice and its hex value, modelled on openSUSE's XenLinux
    tree): an old .config with "3.0.2 and later" ends up at 0x030004."""
    tree = tmp_path / "xenlinux"
    shutil.copytree(LEGACY_TREE, tree)
    old = tmp_path / "old.config"
    old.write_text("CONFIG_XEN_COMPAT_030002_AND_LATER=y\n")
    assert _xen_compat(tree, old) == "0x030002"
    _patch(tree, LEGACY_PATCH)
    assert _xen_compat(tree, old) == "0x030004"
    assert "XEN_COMPAT_030002_AND_LATER" not in (tree / "drivers/xen/Kconfig").read_text()
