"""Contributions: lines a rule adds to one of the files xenmig manages."""

from __future__ import annotations

from dataclasses import dataclass

# The files a contribution can target (how each is written: xenmig.output.targets).
# In /etc/portage: package.* (a file or a directory on real hosts) and env/.
ENV_NO_SSP = "env/xenmig-no-ssp.conf"
ENV_NO_COLLISION_PROTECT = "env/xenmig-no-collision-protect.conf"
# Kernel configuration fragments (paths from the root, not etc/portage):
# kernel-build.eclass (gentoo-kernel, the dist-kernels) merges every
# /etc/kernel/config.d/*.config into its configuration; xen-sources users
# merge the files of /etc/xenmig/kernel themselves (merge_config.sh).
KERNEL_CONFIG_D = "/etc/kernel/config.d/90-xenmig-dom0.config"
KERNEL_FRAGMENTS = {"dom0": "/etc/xenmig/kernel/dom0.config",
                    "domu": "/etc/xenmig/kernel/domu.config"}
# netifrc's configuration: the administrator's file, where xenmig owns a
# block at the top (like a package.* file).
NET_CONF = "/etc/conf.d/net"
# grub-mkconfig's settings and xl's global configuration: shared the same way.
GRUB_DEFAULTS = "/etc/default/grub"
XL_CONF = "/etc/xen/xl.conf"
# OpenRC's rc.conf: xenmig's block goes at the end, because it changes a
# value the host sets earlier in the file (rc_hotplug).
RC_CONF = "/etc/rc.conf"
# GRUB legacy's menu: xenmig's entries go at the end (a title line opens an
# entry that runs to the next title, so nothing may follow them).
GRUB_LEGACY_CONF = "/boot/grub/grub.conf"
# xen.efi reads xen.cfg from its own directory; app-emulation/xen[uefi]
# installs it to /boot/efi/gentoo (EFI_VENDOR=gentoo below /boot/efi).
XEN_EFI_DIR = "/boot/efi/gentoo"
XEN_EFI_CFG = f"{XEN_EFI_DIR}/xen.cfg"
# Guests: xl's configuration of each [[domu]] (xenmig's whole file), the
# links xendomains starts at boot, and what goes into the guest itself
# (files under /etc/xenmig/guests/<name>/ to copy into the guest).
XEN_DIR = "/etc/xen"
XENDOMAINS_AUTO = "/etc/xen/auto"
GUEST_FILES = "/etc/xenmig/guests"


# Remus: the multiplexed service xen-migration-tools installs
# (/etc/init.d/xenmig-remus), one conf.d file per protected guest, and ifb
# for network buffering (loaded at boot with enough devices).
REMUS_SERVICE = "xenmig-remus"
REMUS_CONF_D = "/etc/conf.d/xenmig-remus.{guest}"
IFB_MODPROBE = "/etc/modprobe.d/xenmig-ifb.conf"
IFB_MODULES_LOAD = "/etc/modules-load.d/xenmig-ifb.conf"

# A Pacemaker/DRBD cluster the host is a member of (clusters/<name>.toml
# beside its spec): Corosync's configuration, a DRBD resource and the xl
# configuration Pacemaker starts for each guest the member may run, the
# cluster's CIB, and the kernel option DRBD needs.
COROSYNC_CONF = "/etc/corosync/corosync.conf"
DRBD_RES = "/etc/drbd.d/{guest}.res"
CLUSTER_DIR = "/etc/xenmig/cluster"
CLUSTER_GUEST = f"{CLUSTER_DIR}/{{guest}}.cfg"
CLUSTER_CIB = f"{CLUSTER_DIR}/{{file}}.cib.xml"
CLUSTER_KERNEL = "/etc/kernel/config.d/91-xenmig-cluster.config"


def guest_config(name: str) -> str:
    return f"{XEN_DIR}/{name}.cfg"


def guest_file(name: str, leaf: str) -> str:
    return f"{GUEST_FILES}/{name}/{leaf}"


# make.conf when it is a directory (portage reads every file in it, sorted);
# when it is a file xenmig never writes it and reports the change instead.
MAKE_CONF = "make.conf"


@dataclass(frozen=True)
class Contribution:
    """``line`` goes to ``target``; ``why`` becomes the comment above it."""

    target: str
    line: str
    why: str


# Where xenmig makes links: OpenRC's init scripts and the default runlevel.
INIT_D = "/etc/init.d"
DEFAULT_RUNLEVEL = "/etc/runlevels/default"


@dataclass(frozen=True)
class Link:
    """A symbolic link ``path`` (from the root) -> ``target``: init scripts
    (net.<bridge> -> net.lo) and runlevel entries."""

    path: str
    target: str
    why: str


def package_env_line(atom: str, env_target: str) -> str:
    """The package.env line that applies ``env/<file>`` (``env_target``) to ``atom``."""
    return f"{atom} {env_target.removeprefix('env/')}"
