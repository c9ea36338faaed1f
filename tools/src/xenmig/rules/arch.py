"""Can the host's architecture be a dom0 of the target Xen at all?"""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.findings import Finding, Level
from xenmig.rules.context import Context


class Dom0Is32Bit(Finding):
    """The dom0 is 32-bit x86; it cannot be migrated in place.

    The original migration moved nine 32-bit hosts from Xen 3.2 to Xen 4.
    Today app-emulation/xen is keyworded -x86 (the hypervisor has been
    64-bit only since Xen 4.3), and Linux dropped 32-bit PV guests, dom0
    included, in 5.9.  Such a host is reinstalled as amd64: render the new
    host with ``arch = "amd64"``, convert its guests, move their disks and
    cut over (``xenmig plan`` lists the steps).
    """

    level = Level.ERROR


class Userland32Bit(Finding):
    """The spec says amd64 but CHOST is a 32-bit triplet: the installed
    userland is i686, and portage cannot switch CHOST across architectures
    in place.  Reinstall as amd64 (``xenmig plan``)."""

    level = Level.ERROR


def check_arch(ctx: Context) -> Iterator[Finding]:
    spec = ctx.spec
    if spec.host.arch == "x86":
        yield Dom0Is32Bit(
            ctx.host,
            "32-bit dom0: app-emulation/xen is -x86 and Linux >= 5.9 has no 32-bit PV; "
            "reinstall the host as amd64",
            str(spec.path), "[host] arch",
        )
        return
    chost = spec.portage.chost or ctx.make_conf.values.get("CHOST")
    if chost and not chost.startswith("x86_64-"):
        where = (str(spec.path), "[portage] chost") if spec.portage.chost else (
            ctx.make_conf_path, "CHOST")
        yield Userland32Bit(
            ctx.host, f"CHOST {chost} is not x86_64: the userland is 32-bit; reinstall as amd64",
            *where,
        )
