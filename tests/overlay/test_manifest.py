"""Manifests of the overlay, generated offline by the real tools (ebuild,
pkgdev); the metadata cache is checked by xenmig regen (test_regen)."""

from __future__ import annotations

from pathlib import Path

from tests.support.gentoo import REPO_ROOT, copy_overlay, make_lab
from tests.support.release import release_distfile, releases
from xenmig.snapshot.md5cache import iter_entries

TOOLS = "app-emulation/xen-migration-tools"


def test_released_distfiles_match_their_manifest_lines() -> None:
    manifest = (REPO_ROOT / TOOLS / "Manifest").read_text().splitlines()
    for release in releases():
        assert release_distfile(release["version"]).manifest_line() in manifest


def test_manifest_generation_offline_from_a_local_distdir(tmp_path: Path) -> None:
    """With the distfile in DISTDIR, `ebuild ... manifest` and `pkgdev
    manifest` write the committed DIST line again."""
    overlay = copy_overlay(tmp_path / "overlay")
    package = overlay / TOOLS
    committed = (package / "Manifest").read_text()
    lab = make_lab(tmp_path / "lab", overlay)
    distfile = release_distfile()
    (lab.view.root / "distfiles" / distfile.name).write_bytes(distfile.data)

    (package / "Manifest").unlink()
    lab.ebuild(package / "xen-migration-tools-0.1.0.ebuild", "manifest")
    assert (package / "Manifest").read_text() == committed

    (package / "Manifest").unlink()
    lab.run(["pkgdev", "--config", str(lab.config_dir), "manifest"], cwd=package)
    assert (package / "Manifest").read_text() == committed


def test_xen_sources_manifest_covers_exactly_its_distfiles() -> None:
    """DIST lines are those of ::gentoo's gentoo-sources Manifest
    (gentoo-mirror/gentoo commit 024f002f); their names must be exactly the
    distfiles of the ebuild's SRC_URI, as egencache expands it."""
    entry = next(
        e for e in iter_entries(REPO_ROOT / "metadata/md5-cache") if e.pf.startswith("xen-sources")
    )
    wanted = {uri.rsplit("/", 1)[1] for uri in entry.get("SRC_URI").split() if "://" in uri}
    manifest = (REPO_ROOT / "sys-kernel/xen-sources/Manifest").read_text().splitlines()
    assert {line.split()[1] for line in manifest} == wanted
