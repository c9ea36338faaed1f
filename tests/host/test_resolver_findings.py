"""What portage's resolver says about a host's own configuration, through
``xenmig check --root``: USE dependencies the routing did not make, a
migration set that cannot be installed at all, the deprecated
package.keywords."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import xenmig
from tests.support.gentoo import REPO_ROOT

SPEC = REPO_ROOT / "examples/fleet/xen10.toml"


def root_with(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "root"
    for name, text in files.items():
        (root / "etc/portage" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "etc/portage" / name).write_text(text)
    return root


def test_a_use_dependency_against_the_hosts_flags(tmp_path: Path) -> None:
    # the meta-package's pygrub? ( xen-tools[pygrub,python] ), against the
    # host's package.use: the resolver asks for the flag
    root = root_with(tmp_path, {"package.use": "app-emulation/xen-tools -pygrub\n"})
    proc = xenmig(tmp_path / "cache", "check", SPEC, "--root", root)
    assert "[UseChangeFromResolver]" in proc.stdout, proc.stdout
    assert "app-emulation/xen-tools pygrub" in proc.stdout


def test_a_migration_set_that_cannot_be_installed(tmp_path: Path) -> None:
    # no license accepted: not even without the host's package.* files
    root = root_with(tmp_path, {"make.conf": 'ACCEPT_LICENSE="-*"\n'})
    proc = xenmig(tmp_path / "cache", "check", SPEC, "--root", root)
    assert proc.returncode == 1
    assert "[MigrationSetUnresolvable]" in proc.stdout, proc.stdout


def test_the_deprecated_package_keywords(tmp_path: Path) -> None:
    root = root_with(tmp_path, {"package.keywords": "app-misc/foo ~amd64\n"})
    proc = xenmig(tmp_path / "cache", "check", SPEC, "--root", root)
    assert "[DeprecatedPackageKeywords]" in proc.stdout, proc.stdout
