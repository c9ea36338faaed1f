"""The example fleet: the findings of every host, in place and reinstalled.

The nine 32-bit hosts of the original migration cannot be migrated in place
(error findings); their derived amd64 reinstall specs, and the two modern
hosts, evaluate cleanly against the embedded snapshot.
"""

from __future__ import annotations

import pytest

from tests.support.fleet import FLEET, LEGACY, MODERN, spec_path
from xenmig.findings import Level
from xenmig.gentoo.repos import RepoSet
from xenmig.host import Assessment, assess
from xenmig.spec import load_spec
from xenmig.steps import plan_host, reinstall_spec

LEGACY_ERRORS = ["Dom0Is32Bit", "KernelTooOldForGlibc", "NoUdevForKernel"]
# GrubCmdlineUnread: evaluated without a root, the host's /etc/default/grub is unknown.
REINSTALLED = [
    "FlagReplaced", "FlagReplaced", "GlibcFiltersSspItself", "GrubCmdlineUnread",
    "RequiredUseAdded",
    "TestingKeywordNeeded", "TestingKeywordNeeded", "XenSeriesPinned",
]
# Both are members of the cluster xenha (examples/fleet/clusters/xenha.toml):
# its findings come with each, and drbd-utils and resource-agents (~amd64 in
# ::gentoo) need keywords.
CLUSTER = ["ClusterStackMissing", "LiveMigration", "LiveMigration", "TwoNodeQuorum"]
EXPECTED = {
    "xen10": sorted([
        "FlagReplaced", "GlibcFiltersSspItself", "GrubCmdlineUnread", "PvhGrubImage",
        "RemusProtected", "RequiredUseAdded", *["TestingKeywordNeeded"] * 4, "XenSeriesPinned",
        *CLUSTER,
    ]),
    "xen11": sorted(["GrubCmdlineUnread", *["TestingKeywordNeeded"] * 4, "UdevPinned",
                     *CLUSTER]),
}


def names(assessment: Assessment) -> list[str]:
    return sorted(f.name for f in assessment.findings)


def lines(assessment: Assessment, target: str) -> list[str]:
    return [c.line for c in assessment.evaluation.contributions if c.target == target]


def test_the_fleet_is_the_original_migration_plus_modern_hosts() -> None:
    assert sorted(p.stem for p in FLEET.glob("*.toml")) == sorted(LEGACY + MODERN)


@pytest.mark.parametrize("host", LEGACY)
def test_legacy_hosts_are_reinstalled_as_amd64(host: str, snapshot_repos: RepoSet) -> None:
    spec = load_spec(spec_path(host))
    old = assess(spec, snapshot_repos)
    assert names(old) == LEGACY_ERRORS
    assert all(f.level is Level.ERROR and f.location()[0] == str(spec.path) for f in old.findings)
    assert old.evaluation.contributions == []  # nothing to write in place
    new = assess(reinstall_spec(spec), snapshot_repos)
    expected = [n for n in REINSTALLED if host != "xen09" or n != "GlibcFiltersSspItself"]
    assert names(new) == expected
    replaced = sorted(f.describe().split(":")[0] for f in new.findings if f.name == "FlagReplaced")
    assert replaced == ["pae", "xsm"]
    plan = plan_host(old, new)
    assert plan.mode == "reinstall"
    assert plan.steps[0].findings == tuple(LEGACY_ERRORS)
    assert plan.reinstall_spec is not None and 'arch = "amd64"' in plan.reinstall_spec
    assert "-march=x86-64" in plan.reinstall_spec
    assert "-mno-tls-direct-seg-refs" not in plan.reinstall_spec


def test_xen10_modern_dom0(snapshot_repos: RepoSet) -> None:
    result = assess(load_spec(spec_path("xen10")), snapshot_repos)
    assert names(result) == EXPECTED["xen10"]
    assert lines(result, "package.accept_keywords") == [
        "=app-emulation/xen-migration-meta-0.1 ~amd64",
        "=app-emulation/xen-migration-tools-0.1.0 ~amd64",
        "=sys-cluster/drbd-utils-9.27.0 ~amd64",  # the cluster flag's, from ::gentoo
        "=sys-cluster/resource-agents-4.15.1 ~amd64",
    ]
    assert lines(result, "package.mask") == [
        ">=app-emulation/xen-4.20_alpha", ">=app-emulation/xen-tools-4.20_alpha",
    ]
    use = lines(result, "package.use")
    assert "app-emulation/xen flask" in use
    assert "app-emulation/xen-tools pygrub python" in use  # REQUIRED_USE: pygrub? ( python )
    assert lines(result, "package.env") == ["sys-libs/glibc xenmig-no-ssp.conf"]
    env = lines(result, "env/xenmig-no-ssp.conf")
    assert env == [
        'CFLAGS="-O2 -march=x86-64-v2 -pipe -fno-stack-protector"',
        'CXXFLAGS="-O2 -march=x86-64-v2 -pipe -fno-stack-protector"',
    ]
    # from_xen 4.17: no Xen 3.x collision workaround
    assert not lines(result, "env/xenmig-no-collision-protect.conf")
    assert plan_host(result, None).mode == "in-place"


def test_xen11_keeps_its_lts_kernel_with_udev_pinned(snapshot_repos: RepoSet) -> None:
    result = assess(load_spec(spec_path("xen11")), snapshot_repos)
    assert names(result) == EXPECTED["xen11"]
    assert lines(result, "package.mask") == [">=sys-apps/systemd-utils-260"]
    assert "app-emulation/xen-migration-meta old-lts-kernel" in lines(result, "package.use")
    (pinned,) = [f for f in result.findings if f.name == "UdevPinned"]
    assert "systemd-utils-259.4" in pinned.describe()
    # target 4.20 is the newest series: nothing of Xen masked
    assert not any("xen" in line for line in lines(result, "package.mask"))
