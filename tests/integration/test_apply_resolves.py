"""After ``xenmig apply``, portage's own resolver installs the meta-package
with no autounmask change left to make (every host of the fleet that can
be migrated in place, and the amd64 reinstall of every legacy host)."""

from __future__ import annotations

import pytest

from tests.support.fleet import LEGACY, MODERN, spec_path
from tests.support.gentoo import Lab, autounmask_changes, merge_list
from xenmig.gentoo.repos import OVERLAY_NAME, RepoSet
from xenmig.host import assess
from xenmig.output.writer import write
from xenmig.spec import HostSpec, load_spec
from xenmig.steps import reinstall_spec

META = "app-emulation/xen-migration-meta"
EXPECTED_XEN = {"xen10": "app-emulation/xen-4.19.3", "xen11": "app-emulation/xen-4.20.3"}


def lab_repos(lab: Lab) -> RepoSet:
    gentoo, overlay = lab.view.repos[:2]
    assert overlay.name == OVERLAY_NAME
    return RepoSet(gentoo, overlay, uses_snapshot=False)


def apply_and_emerge(lab: Lab, spec: HostSpec) -> list[str]:
    root = lab.derive(f"host-{spec.name}-{spec.host.arch}")
    result = assess(spec, lab_repos(lab), root.view.root)
    assert not result.blocked, result.findings
    write(result.changes, root.view.root, fsync=False)
    before = root.emerge("--pretend", "--verbose", "--autounmask=n", META)
    assert before.returncode == 0, before.stdout
    proc = root.emerge("--pretend", "--verbose", "--autounmask", META)
    assert proc.returncode == 0, proc.stdout
    assert autounmask_changes(proc.stdout) == []
    assert "autounmask" not in proc.stdout.lower()
    return merge_list(proc.stdout)


@pytest.mark.parametrize("host", MODERN)
def test_modern_hosts_resolve_after_apply(lab: Lab, host: str) -> None:
    merged = apply_and_emerge(lab, load_spec(spec_path(host)))
    assert f"{EXPECTED_XEN[host]}::gentoo" in merged
    assert "app-emulation/xen-migration-meta-0.1::xen-migration" in merged
    if host == "xen11":  # udev pinned below systemd 260 for the 5.4 kernel
        assert "sys-apps/systemd-utils-259.4::gentoo" in merged


@pytest.mark.parametrize("host", [LEGACY[0], LEGACY[-1]])
def test_reinstalled_legacy_hosts_resolve_after_apply(lab: Lab, host: str) -> None:
    merged = apply_and_emerge(lab, reinstall_spec(load_spec(spec_path(host))))
    assert "app-emulation/xen-4.19.3::gentoo" in merged
    assert "app-emulation/xen-tools-4.19.3::gentoo" in merged
