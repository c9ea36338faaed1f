"""Portage's resolver on the overlay under the xen-dom0 profile, against the
embedded snapshot with eclass doubles: real ``emerge --pretend`` and the
tools' in-process resolution."""

from __future__ import annotations

from tests.support.gentoo import Lab, autounmask_changes, merge_list

META = "app-emulation/xen-migration-meta"
# What emerge --pretend merges for the meta-package on an empty amd64 root
# (the build tools come with the eclasses' dependencies: gpep517 and
# setuptools for the tools, git's perl, the kernel's build tools; libnl is
# xen-tools 4.20's, for Remus's netbuf and COLO).  The
# release 0.1.0 of the tools predates tree-sitter.
EXPECTED_MERGE_LIST = [
    "virtual/pkgconfig-3::gentoo",
    "sys-devel/bison-3.8.2-r3::gentoo",
    "dev-lang/perl-5.40.2::gentoo",
    "net-misc/bridge-utils-1.7.1-r1::gentoo",
    "sys-libs/ncurses-6.5_p20250802::gentoo",
    "sys-devel/flex-2.6.4-r6::gentoo",
    "app-alternatives/cpio-0::gentoo",
    "app-alternatives/bc-0::gentoo",
    "virtual/libelf-3-r1::gentoo",
    "dev-lang/python-3.13.14::gentoo",
    "sys-apps/iproute2-7.0.0::gentoo",
    "dev-vcs/git-2.52.0::gentoo",
    "dev-libs/libnl-3.11.0::gentoo",
    "dev-python/gpep517-20::gentoo",
    "app-emulation/xen-tools-4.20.3::gentoo",
    "sys-apps/portage-3.0.81.2::gentoo",
    "dev-python/setuptools-80.9.0::gentoo",
    "app-emulation/xen-4.20.3::gentoo",
    "dev-python/jinja2-3.1.6::gentoo",
    "dev-python/gitpython-3.1.47::gentoo",
    "app-emulation/xen-migration-tools-0.1.0::xen-migration",
    "sys-apps/openrc-0.63.1::gentoo",
    "net-misc/netifrc-0.7.8::gentoo",
    "sys-kernel/gentoo-kernel-6.12.93::gentoo",
    "virtual/dist-kernel-6.12.93-r1::gentoo",
    "app-emulation/xen-migration-meta-0.1::xen-migration",
]
# Everything from ::gentoo is stable; only the overlay's own packages (new,
# ~amd64) still need keywords.  No USE change: the profile sets them.
EXPECTED_CHANGES = [
    "=app-emulation/xen-migration-meta-0.1 ~amd64",
    "=app-emulation/xen-migration-tools-0.1.0 ~amd64",
]


def test_emerge_pretend_resolves_the_meta_package_against_eclass_doubles(lab: Lab) -> None:
    proc = lab.emerge("--pretend", "--verbose", "--autounmask=y", META)
    assert merge_list(proc.stdout) == EXPECTED_MERGE_LIST, proc.stdout
    assert autounmask_changes(proc.stdout) == EXPECTED_CHANGES, proc.stdout


def test_in_process_resolution_agrees_with_emerge_against_eclass_doubles(lab: Lab) -> None:
    resolution = lab.view.resolve([META])
    assert list(resolution.merge_list) == EXPECTED_MERGE_LIST
    assert list(resolution.changes) == EXPECTED_CHANGES
    assert not resolution.success


def test_with_the_keywords_accepted_nothing_else_is_needed(lab: Lab) -> None:
    keywords = "\n".join(EXPECTED_CHANGES) + "\n"
    accepted = lab.derive("accepted", {"package.accept_keywords": keywords})
    proc = accepted.emerge("--pretend", "--verbose", META)
    assert proc.returncode == 0, proc.stdout
    assert merge_list(proc.stdout) == EXPECTED_MERGE_LIST
    resolution = accepted.view.resolve([META])
    assert resolution.success and resolution.changes == ()


def test_old_lts_kernel_pins_udev_to_an_installable_provider(lab: Lab) -> None:
    """USE=old-lts-kernel: systemd-utils 259.4 (the last release for Linux
    5.4-5.9) is chosen over 260.1-r1, and it is stable on amd64."""
    pinned = lab.derive("pinned", {
        "package.accept_keywords": "\n".join(EXPECTED_CHANGES) + "\n",
        "package.use": f"{META} old-lts-kernel\n",
    })
    resolution = pinned.view.resolve([META])
    assert resolution.success, resolution.problems
    assert "sys-apps/systemd-utils-259.4::gentoo" in resolution.merge_list
    assert not any("systemd-utils-260" in cpv for cpv in resolution.merge_list)


def test_remus_pulls_the_netbuf_userland(lab: Lab) -> None:
    """USE=remus with libnl's utilities (what the remus rule writes to
    package.use): libnl[utils] and net-tools join, both stable."""
    remus = lab.derive("remus", {
        "package.accept_keywords": "\n".join(EXPECTED_CHANGES) + "\n",
        "package.use": f"{META} remus\ndev-libs/libnl utils\n",
    })
    resolution = remus.view.resolve([META])
    assert resolution.success, resolution.problems
    assert {"dev-libs/libnl-3.11.0::gentoo", "sys-apps/net-tools-2.10::gentoo"} <= set(
        resolution.merge_list)
    assert resolution.changes == ()


def test_cluster_pulls_what_gentoo_has_of_the_stack(lab: Lab) -> None:
    """USE=cluster: corosync (stable), drbd-utils and resource-agents
    (both ~amd64 in ::gentoo, so keywords); their own dependencies outside
    the snapshot are pruned from the replicas."""
    cluster = lab.derive("cluster", {
        "package.accept_keywords": "\n".join(EXPECTED_CHANGES) + "\n",
        "package.use": f"{META} cluster\n",
    })
    resolution = cluster.view.resolve([META])
    assert {"sys-cluster/corosync-3.1.0::gentoo", "sys-cluster/drbd-utils-9.27.0::gentoo",
            "sys-cluster/resource-agents-4.15.1::gentoo"} <= set(resolution.merge_list)
    assert sorted(resolution.changes) == ["=sys-cluster/drbd-utils-9.27.0 ~amd64",
                                          "=sys-cluster/resource-agents-4.15.1 ~amd64"]
