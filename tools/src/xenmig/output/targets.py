"""The files xenmig writes: one row per target, everything else derived.

A row says where the file is (relative to etc/portage, or to the root when
it starts with "/"; ``{guest}`` and ``{file}`` stand for a guest's name and
one of its files), how xenmig's block is placed in it, whether portage's
resolver reads it, and what applying a change to it needs.  The writer
(placement, temp-file directories), the deployment (maintenance notes), the
evaluation copy of etc/portage (resolver inputs) and the reference page all
read this table, as mkosi derives its configuration from one SETTINGS table.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass

from xenmig.output.blocks import HASH, XML, Style
from xenmig.output.contributions import (
    CLUSTER_CIB,
    CLUSTER_GUEST,
    CLUSTER_KERNEL,
    COROSYNC_CONF,
    DRBD_RES,
    ENV_NO_COLLISION_PROTECT,
    ENV_NO_SSP,
    GRUB_DEFAULTS,
    GRUB_LEGACY_CONF,
    GUEST_FILES,
    IFB_MODPROBE,
    IFB_MODULES_LOAD,
    KERNEL_CONFIG_D,
    KERNEL_FRAGMENTS,
    MAKE_CONF,
    NET_CONF,
    RC_CONF,
    REMUS_CONF_D,
    XEN_DIR,
    XEN_EFI_CFG,
    XL_CONF,
)


class Placement(enum.Enum):
    # The file is xenmig's: its block is the whole file (removed with it).
    WHOLE = "whole file"
    # A file of the host's: the block at the top, every other byte kept.
    TOP = "block at the top"
    # The same, at the end (the block changes what the host set earlier,
    # or nothing may follow it).
    END = "block at the end"
    # A package.* location: a directory (xenmig's file 90-xenmig in it) or
    # a file (the block at its top).
    PACKAGE = "package.* file or directory"
    # make.conf: a directory gets xenmig's file zz-xenmig; a file is never
    # written (the change is reported instead).
    MAKE_CONF_DIR = "make.conf directory"


# What applying a change needs, for the maintenance notes of a deployment.
PORTAGE = ("portage configuration: takes effect with the next emerge "
           "(emerge --ask --update --deep --newuse @world)")
GUESTS = ("guests: a running guest keeps its configuration until it is shut down and "
          "created again; restarting xendomains shuts every guest down")
KERNEL = "kernel fragment: takes effect with the next kernel build and boot"
CLUSTER = ("cluster: the first time, its bootstrap (xenmig cluster plan CLUSTER.toml: DRBD's "
           "first sync, Corosync and Pacemaker started, the CIB loaded) in a maintenance "
           "window; later, drbdadm adjust, corosync-cfgtool -R and cibadmin --replace apply "
           "a change")


@dataclass(frozen=True)
class Target:
    path: str
    placement: Placement
    resolver_input: bool
    applying: str
    doc: str
    style: Style = HASH  # how xenmig's block lines are comments in the file

    @property
    def pattern(self) -> bool:
        return "{" in self.path

    def matches(self, target: str) -> bool:
        if not self.pattern:
            return target == self.path
        return _regex(self.path).fullmatch(target) is not None


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(re.escape(pattern).replace(r"\{guest\}", r"[^/]+").replace(
        r"\{file\}", r"[^/]+"))


GUEST_CONFIG = Target(f"{XEN_DIR}/{{guest}}.cfg", Placement.WHOLE, False, GUESTS,
                      "each guest's xl configuration")
GUEST_FILE = Target(f"{GUEST_FILES}/{{guest}}/{{file}}", Placement.WHOLE, False, GUESTS,
                    "files to copy into a guest (its inittab line)")

TABLE: tuple[Target, ...] = (
    Target("package.accept_keywords", Placement.PACKAGE, True, PORTAGE,
           "keywords portage's resolver still needs"),
    Target("package.mask", Placement.PACKAGE, True, PORTAGE,
           "newer Xen series and the udev pin"),
    Target("package.use", Placement.PACKAGE, True, PORTAGE, "the routed USE flags"),
    Target("package.env", Placement.PACKAGE, True, PORTAGE,
           "the SSP-free and collision-protect environments"),
    Target(ENV_NO_SSP, Placement.WHOLE, True, PORTAGE, "CFLAGS without -fstack-protector"),
    Target(ENV_NO_COLLISION_PROTECT, Placement.WHOLE, True, PORTAGE,
           "FEATURES without collision-protect for the Xen packages"),
    Target(MAKE_CONF, Placement.MAKE_CONF_DIR, False, PORTAGE,
           "collision-protect back on, in a make.conf directory"),
    Target(KERNEL_CONFIG_D, Placement.WHOLE, False, KERNEL,
           "the dom0 fragment kernel-build.eclass merges"),
    *(Target(path, Placement.WHOLE, False, KERNEL, f"the {role} fragment")
      for role, path in KERNEL_FRAGMENTS.items()),
    Target(NET_CONF, Placement.TOP, False,
           "bridges: restarting net.<bridge> re-creates it, which detaches the running "
           "guests' vifs and can cut the connection that deploys this",
           "netifrc bridges, VLANs, addresses and routes"),
    Target(GRUB_DEFAULTS, Placement.TOP, False,
           "/etc/default/grub: run grub-mkconfig; Xen and dom0 arguments change at the "
           "next boot (a reboot shuts the guests down or saves them)",
           "Xen's and dom0's command lines for grub-mkconfig"),
    Target(XL_CONF, Placement.TOP, False,
           "xl.conf: read by each xl command; guests keep their devices until restarted",
           "xl's defaults: autoballoon, the default bridge"),
    Target(RC_CONF, Placement.END, False,
           "rc_hotplug: takes effect when OpenRC next starts the hotplugged services (a "
           "reboot, or restarting them: the same bridge caveat)",
           "no hotplugging of the bridges and their ports"),
    Target(GRUB_LEGACY_CONF, Placement.END, False,
           "grub.conf: the new entries are used at the next boot",
           "GRUB legacy's Xen entry and its fallback"),
    Target(XEN_EFI_CFG, Placement.WHOLE, False, "xen.cfg: read by xen.efi at the next boot",
           "xen.efi's configuration on UEFI hosts"),
    GUEST_CONFIG,
    GUEST_FILE,
    Target(REMUS_CONF_D, Placement.WHOLE, False,
           "Remus: read when its service xenmig-remus.GUEST (re)starts",
           "each Remus-protected guest's backup, interval and xl remus options"),
    Target(IFB_MODPROBE, Placement.WHOLE, False, "ifb: read when the module is next loaded "
           "(at boot, from modules-load.d)", "enough ifb devices for Remus's network buffers"),
    Target(IFB_MODULES_LOAD, Placement.WHOLE, False, "modules-load.d: read at boot",
           "ifb loaded at boot for Remus's network buffers"),
    Target(COROSYNC_CONF, Placement.WHOLE, False, CLUSTER,
           "Corosync's configuration of the host's cluster"),
    Target(CLUSTER_KERNEL, Placement.WHOLE, False, KERNEL,
           "DRBD in the dom0 kernel of a cluster member"),
    Target(DRBD_RES, Placement.WHOLE, False, CLUSTER,
           "the DRBD resource of each cluster guest the member may run"),
    Target(CLUSTER_GUEST, Placement.WHOLE, False, CLUSTER,
           "the xl configuration Pacemaker starts a cluster guest with (disks on DRBD)"),
    Target(CLUSTER_CIB, Placement.WHOLE, False, CLUSTER,
           "the cluster's CIB (cibadmin loads it in the bootstrap)", XML),
)

# The fixed targets, in the order the writer plans them.
FIXED = tuple(t.path for t in TABLE if not t.pattern)
PACKAGE_TARGETS = tuple(t.path for t in TABLE if t.placement is Placement.PACKAGE)
SHARED_FILES = tuple(t.path for t in TABLE if t.placement in (Placement.TOP, Placement.END))
END_BLOCK_FILES = tuple(t.path for t in TABLE if t.placement is Placement.END)


_BY_PATH = {t.path: t for t in TABLE if not t.pattern}


def root_relative(target: str) -> str:
    """Where a target is, relative to the root (``package.use`` is
    ``etc/portage/package.use``; ``/etc/conf.d/net`` is ``etc/conf.d/net``)."""
    return target.lstrip("/") if target.startswith("/") else f"etc/portage/{target}"


def row(target: str) -> Target | None:
    """The row of a target (a fixed path, or one a pattern matches)."""
    found = _BY_PATH.get(target)
    if found is not None:
        return found
    return next((t for t in TABLE if t.pattern and t.matches(target)), None)


def is_guest_target(target: str) -> bool:
    """A guest configuration or a guest-side file (the pattern rows)."""
    found = row(target)
    return found is not None and found.pattern


def is_guest_config(target: str) -> bool:
    """A guest's xl configuration (``/etc/xen/<name>.cfg``)."""
    return GUEST_CONFIG.matches(target)


def style_of(target: str) -> Style:
    """How xenmig's block is written in the target (XML comments in the CIB)."""
    found = row(target)
    return HASH if found is None else found.style


def resolver_input(target: str) -> bool:
    """Whether portage's resolver reads the target (it goes into the
    evaluation copy of etc/portage)."""
    found = row(target)
    return found is not None and found.resolver_input
