"""xenmig.gentoo.repos: choosing ::gentoo or the snapshot, and the overlay replica."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.support.gentoo import copy_overlay
from xenmig.errors import XenmigError
from xenmig.gentoo import repos


def test_snapshot_age_warning_after_the_documented_age() -> None:
    date = repos.snapshot_date()
    assert repos.snapshot_age_warning(date + repos.SNAPSHOT_MAX_AGE) is None
    warning = repos.snapshot_age_warning(date + repos.SNAPSHOT_MAX_AGE + dt.timedelta(days=1))
    assert warning is not None and date.isoformat() in warning


def test_repo_set_falls_back_to_the_snapshot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("XENMIG_GENTOO_REPO", raising=False)
    monkeypatch.setattr(repos, "_SYSTEM_GENTOO", tmp_path / "no-gentoo")
    monkeypatch.setenv("XENMIG_CACHE_DIR", str(tmp_path / "cache"))
    chosen = repos.repo_set(today=repos.snapshot_date())
    assert chosen.uses_snapshot and chosen.gentoo.location == repos.SNAPSHOT
    assert chosen.warnings == ()
    replica = chosen.overlay.location
    assert (replica / "profiles/xen-dom0/amd64/23.0/parent").is_file()
    ebuild = replica / "app-emulation/xen-migration-meta/xen-migration-meta-0.1.ebuild"
    assert 'KEYWORDS="~amd64"' in ebuild.read_text()
    # unchanged overlay -> the same replica is reused
    assert repos.repo_set(today=repos.snapshot_date()).overlay.location == replica


def test_a_configured_gentoo_must_be_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XENMIG_GENTOO_REPO", str(tmp_path))
    with pytest.raises(XenmigError, match="not a ::gentoo repository"):
        repos.find_gentoo()


def test_overlay_without_metadata_cache(tmp_path: Path) -> None:
    overlay = copy_overlay(tmp_path / "overlay")
    shutil.rmtree(overlay / "metadata/md5-cache")
    with pytest.raises(XenmigError, match="md5-cache: missing"):
        repos.overlay_replica(overlay, tmp_path / "replicas")
