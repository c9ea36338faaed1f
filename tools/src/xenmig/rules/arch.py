"""Can the host's architecture be a dom0 of the target Xen at all?"""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.findings import Finding, Level, TextFinding
from xenmig.rules.context import Context


class Dom0Is32Bit(TextFinding):
    """The dom0 is 32-bit x86; it cannot be migrated in place.

    The original migration moved nine 32-bit hosts from Xen 3.2 to Xen 4.
    Today app-emulation/xen is keyworded -x86 (the hypervisor has been
    64-bit only since Xen 4.3), and Linux dropped 32-bit PV guests, dom0
    included, in 5.9.  Such a host is reinstalled as amd64: render the new
    host with ``arch = "amd64"``, convert its guests, move their disks and
    cut over (``xenmig plan`` lists the steps).
    """

    level = Level.ERROR


class UserlandNotAmd64(TextFinding):
    """The spec says amd64 but CHOST is not an x86_64 triplet: the installed
    userland is another architecture (i686 on the hosts of the original
    migration), and portage cannot switch CHOST across architectures in
    place.  Reinstall as amd64 (``xenmig plan``)."""

    level = Level.ERROR


class ChostMismatch(TextFinding):
    """The spec's [portage] chost differs from CHOST in the host's
    make.conf; xenmig goes by the spec.  Fix whichever is wrong."""

    level = Level.WARNING


def check_arch(ctx: Context) -> Iterator[Finding]:
    spec = ctx.spec
    if spec.host.arch == "x86":
        yield Dom0Is32Bit(
            ctx.scope,
            "32-bit dom0: app-emulation/xen is -x86 and Linux >= 5.9 has no 32-bit PV; "
            "reinstall the host as amd64",
            *spec.location("host", "arch"),
        )
        return
    installed = ctx.make_conf.values.get("CHOST")
    if spec.portage.chost and installed and installed != spec.portage.chost:
        yield ChostMismatch(
            ctx.scope, f"spec says {spec.portage.chost}, {ctx.make_conf_path} says {installed}",
            *spec.location("portage", "chost"),
        )
    chost = spec.portage.chost or installed
    if chost and not chost.startswith("x86_64-"):
        where = spec.location("portage", "chost") if spec.portage.chost else (
            ctx.make_conf_path, "CHOST")
        yield UserlandNotAmd64(
            ctx.scope,
            f"CHOST {chost} is not x86_64: the userland is not amd64; reinstall as amd64",
            *where,
        )


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    ChostMismatch,
    Dom0Is32Bit,
    UserlandNotAmd64,
)
