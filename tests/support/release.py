"""The released distfiles of xen-migration-tools, rebuilt from git."""

from __future__ import annotations

import pytest

from tests.support.gentoo import REPO_ROOT
from xenmig.maint import regen
from xenmig.maint.git_view import GitView
from xenmig.maint.release import Distfile, tools_distfile


def releases() -> list[dict[str, str]]:
    """The [[tools.release]] entries of regen/overlay.toml."""
    return list(regen.load(REPO_ROOT).values["tools"]["release"])


def release_distfile(version: str = "0.1.0") -> Distfile:
    """Rebuild the distfile of ``version`` from its release commit."""
    if not (REPO_ROOT / ".git").exists():
        pytest.skip(f"{REPO_ROOT} is not a git checkout: release distfiles are built from git")
    release = next(r for r in releases() if r["version"] == version)
    return tools_distfile(GitView(REPO_ROOT), release["commit"], version)
