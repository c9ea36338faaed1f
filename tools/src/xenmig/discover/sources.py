"""What ``xenmig discover`` reads from a host, and ``xenmig gather``
collects: one list, so that the playbook fetches exactly the files the
reader looks at (:mod:`xenmig.fleet.gather` builds its shell ``find``
expressions from it).

Paths are relative to the host's root.  A ``pattern`` is a shell glob of
the last component (``etc/xen/*``); ``tree`` reads a directory
recursively (portage's package.* may be files or directories);
``names`` needs only the names (Xen images in /boot, installed package
directories), so gather records an empty file of that name.  Command
outputs cannot be read from a mounted disk: gather saves them under
``.xenmig/`` in the gathered tree, and discover reads them there when they
exist (it runs nothing itself).
"""

from __future__ import annotations

from dataclasses import dataclass

# Where gather stores the output of commands, in a gathered tree.
CAPTURED = ".xenmig"


@dataclass(frozen=True)
class Source:
    path: str
    why: str
    kind: str = "file"  # file | tree | names


@dataclass(frozen=True)
class Command:
    argv: tuple[str, ...]
    saved: str  # file name under .xenmig/
    why: str


SOURCES: tuple[Source, ...] = (
    Source("etc/hostname", "host name"),
    Source("etc/conf.d/hostname", "host name (OpenRC)"),
    Source("etc/portage/make.conf", "CHOST, CFLAGS, USE, FEATURES", "tree"),
    Source("etc/make.conf", "CHOST, CFLAGS, USE, FEATURES (old Gentoo)"),
    Source("etc/portage/package.use", "Xen-related USE lines", "tree"),
    Source("etc/portage/package.keywords", "Xen-related keyword lines", "tree"),
    Source("etc/portage/package.accept_keywords", "Xen-related keyword lines", "tree"),
    Source("var/db/pkg/app-emulation/xen-[0-9]*", "installed Xen version (Gentoo)", "names"),
    Source("var/lib/dpkg/status", "installed Xen version (Debian)"),
    Source("boot/xen-*", "Xen images", "names"),
    Source("boot/vmlinuz-*", "kernels", "names"),
    Source("boot/config-*", "kernel configurations"),
    Source("boot/grub/grub.conf", "GRUB legacy: Xen's and dom0's command lines"),
    Source("boot/grub/menu.lst", "GRUB legacy: Xen's and dom0's command lines"),
    Source("etc/default/grub", "GRUB 2: Xen's and dom0's command lines"),
    Source("proc/config.gz", "the running kernel's configuration"),
    Source("proc/modules", "loaded modules (storage drivers)"),
    Source("proc/version", "the running kernel's version"),
    Source("usr/src/linux", "the kernel tree link (its version)", "names"),
    Source("usr/src/linux/.config", "the kernel tree's configuration"),
    Source("etc/kernels/*", "kernel configurations genkernel saved"),
    Source("etc/conf.d/net", "netifrc bridges, VLANs, addresses, routes"),
    Source("etc/network/interfaces", "Debian bridges and addresses"),
    Source("etc/network/interfaces.d/*", "Debian bridges and addresses"),
    Source("etc/xen/xend-config.sxp", "xend: dom0 memory, ballooning, bridges"),
    Source("etc/xen/xl.conf", "xl: autoballoon, default bridge"),
    Source("etc/xen/*", "guest configurations"),
    Source("etc/xen/auto/*", "guests started at boot (links)"),
    Source("etc/conf.d/xendomains", "xendomains' auto directory (Gentoo)"),
    Source("etc/default/xendomains", "xendomains' auto directory (Debian)"),
    Source("etc/sysconfig/xendomains", "xendomains' auto directory"),
    Source("var/lib/xend/domains/*/config.sxp", "xend-managed guests (xm new)"),
)

COMMANDS: tuple[Command, ...] = (
    Command(("uname", "-r"), "uname-r", "the running kernel's version"),
    Command(("xl", "info"), "xl-info", "the running Xen's version"),
    Command(("xm", "info"), "xm-info", "the running Xen's version (xend hosts)"),
    Command(("lspci", "-k"), "lspci-k", "storage controllers and their drivers"),
)


def captured(name: str) -> str:
    """The root-relative path of a command's saved output."""
    return f"{CAPTURED}/{name}"
