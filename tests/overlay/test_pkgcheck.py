"""pkgcheck on the overlay, with the embedded snapshot (plus eclass doubles)
as master: the real scanner, every error, warning and style result counts."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.gentoo import Lab, copy_overlay, make_lab


def test_pkgcheck_scan_is_clean_against_eclass_doubles(lab: Lab) -> None:
    results = lab.pkgcheck()
    assert results == [], "\n".join(json.dumps(r) for r in results)


def test_pkgcheck_catches_broken_ebuilds_against_eclass_doubles(tmp_path: Path) -> None:
    """The same scan does fail: a stable keyword on the meta-package and a
    USE dependency on a flag xen-tools does not have are reported."""
    overlay = copy_overlay(tmp_path / "overlay")
    ebuild = overlay / "app-emulation/xen-migration-meta/xen-migration-meta-0.1.ebuild"
    text = ebuild.read_text()
    text = text.replace('KEYWORDS="~amd64"', 'KEYWORDS="amd64"')
    text = text.replace("xen-tools[pygrub,python]", "xen-tools[pygrub,python,nosuchflag]")
    ebuild.write_text(text)
    results = make_lab(tmp_path / "lab", overlay).pkgcheck()
    classes = {r["__class__"] for r in results}
    assert {"NonsolvableDepsInStable", "MissingUseDepDefault"} <= classes, classes
