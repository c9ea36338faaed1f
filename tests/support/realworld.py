"""The /etc/portage trees of ../shared/realworld, copied for a test.

The stored copies are read-only, and symlinks were stored as files holding
their target (make.profile); :func:`copy_tree` restores both, as the trees
are on their hosts.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.support.gentoo import SHARED

REALWORLD = SHARED / "realworld"


def trees() -> list[Path]:
    """Every stored tree with an etc/portage (empty without ../shared)."""
    if not REALWORLD.is_dir():
        return []
    return sorted(p.parent.parent for p in REALWORLD.glob("*/etc/portage") if p.is_dir())


def tree_params() -> list[object]:
    found = trees()
    if not found:
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"{REALWORLD} is absent (it exists in the dev and CI checkouts only)"
        ))]
    return [pytest.param(tree, id=tree.name) for tree in found]


def copy_tree(tree: Path, dest: Path) -> Path:
    """``tree``'s etc/portage copied to ``dest``/etc/portage, writable."""
    target = dest / "etc/portage"
    shutil.copytree(tree / "etc/portage", target, symlinks=True)
    for path in [target, *target.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
    profile = target / "make.profile"
    if profile.is_file() and not profile.is_symlink():
        link = profile.read_text(encoding="utf-8").strip()
        if "\n" not in link and "profiles" in link:
            profile.unlink()
            profile.symlink_to(link)
    return dest


def snapshot_files(root: Path) -> dict[str, bytes | str]:
    """Every file (bytes) and symlink (its target) under root."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = path.read_bytes()
    return found
