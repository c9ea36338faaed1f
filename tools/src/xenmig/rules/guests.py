"""Guests: xl's configuration for every ``[[domu]]``.

Each guest gets ``/etc/xen/<name>.cfg`` (the whole file is xenmig's block),
and a link in ``/etc/xen/auto`` when xendomains should start it at boot.
What a guest needs:

* boot: a direct kernel (``kernel``/``ramdisk``/``extra``); without one, PV
  guests boot with pygrub (from the guest's own disk and grub
  configuration; ``extra`` still reaches the kernel, pygrub appends it) and
  PVH guests with GRUB's xen_pvh image (sys-boot/grub with
  GRUB_PLATFORMS=xen-pvh); HVM guests boot from their disks;
* the console of its kernel's era (:mod:`xenmig.guests.console`) in
  ``extra``, and the getty the guest itself needs as a guest-side file,
  ``/etc/xenmig/guests/<name>/inittab``, to copy into the guest; HVM guests
  get ``serial = "pty"`` so ``xl console`` reaches their ttyS0;
* one vif per bridge, on the host's ``[[bridge]]``, with a MAC derived from
  the guest's name (the same on every host, so routers and DHCP servers
  keep knowing the guest when it moves).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from xenmig.findings import Finding, Level
from xenmig.guests.console import console_args, inittab_line
from xenmig.guests.xlcfg import xl_setting
from xenmig.output.contributions import (
    XENDOMAINS_AUTO,
    Contribution,
    Link,
    guest_config,
    guest_file,
)
from xenmig.rules.context import Context
from xenmig.spec.model import DomuSection

# Where xenmig expects GRUB's xen_pvh image (grub-mkimage -O i386-xen_pvh).
PVH_GRUB = "/var/lib/xen/boot/grub-i386-xen_pvh.bin"
PVH_GRUB_USE = "sys-boot/grub grub_platforms_xen-pvh"


@dataclass(frozen=True)
class PvhGrubImage(Finding):
    """A PVH guest boots with GRUB's xen_pvh image, which dom0 must have at
    the path in its configuration: sys-boot/grub with
    GRUB_PLATFORMS=xen-pvh (xenmig adds it to package.use) and
    ``grub-mkimage -O i386-xen_pvh``."""

    level = Level.INFO

    image: str
    config: str

    def describe(self) -> str:
        return f"boots {self.image}: make it with grub-mkimage -O i386-xen_pvh"

    def location(self) -> tuple[str | None, str | None]:
        return self.config, "kernel"


_GETTY_WHY = {
    "modern": "for the guest's /etc/inittab (sysvinit): a getty on hvc0, its Xen console "
              "(systemd starts one on the console= device by itself)",
    "clearos": "for the guest's /etc/inittab: a getty on ttyS0, where xencons=ttyS puts "
               "its Xen console (add ttyS0 to its /etc/securetty for root logins)",
}


def xl_lines(domu: DomuSection) -> list[tuple[str, str]]:
    """The lines of the guest's xl configuration, each with its reason."""
    why_guest = f"the guest {domu.name}: {domu.type.upper()}, memory in MiB, vCPUs"
    lines = [(why_guest, xl_setting("name", domu.name)),
             (why_guest, xl_setting("type", domu.type)),
             (why_guest, f"memory = {domu.memory}"),
             (why_guest, f"vcpus = {domu.vcpus}")]
    args = [*domu.args, *console_args(domu.os)]
    console = f"console for a {domu.os} kernel: {' '.join(console_args(domu.os))}"
    if domu.kernel:
        why = "a direct kernel from dom0"
        lines.append((why, xl_setting("kernel", domu.kernel)))
        if domu.ramdisk:
            lines.append((why, xl_setting("ramdisk", domu.ramdisk)))
        lines.append((f"kernel arguments; {console}", xl_setting("extra", " ".join(args))))
    elif domu.type == "pv":
        lines.append(("pygrub boots the kernel named in the guest's own grub configuration",
                      'bootloader = "pygrub"'))
        lines.append((f"pygrub appends this to the guest's kernel line; {console}",
                      xl_setting("extra", " ".join(args))))
    elif domu.type == "pvh":
        lines.append(("GRUB's xen_pvh image boots the guest's own grub.cfg (the console "
                      "goes on the guest's kernel line: console=hvc0)",
                      xl_setting("kernel", PVH_GRUB)))
    elif domu.xl.get("serial") is None:
        lines.append(("HVM: xl console reads the emulated serial port (console=ttyS0 in "
                      "the guest)", 'serial = "pty"'))
    if domu.vifs:
        why = ("vifs on the host's bridges; MACs derived from the guest's name, the same on "
               "every host" if not domu.vif else
               "vifs on the host's bridges, with the MACs and NIC models the guest has "
               "(a vif without a MAC gets one derived from the guest's name)")
        lines.append((why, xl_setting("vif", [vif.spec(mac) for vif, mac in
                                              zip(domu.vifs, domu.macs, strict=True)])))
    if domu.disks:
        lines.append(("disks (xl-disk-configuration(5))", xl_setting("disk", list(domu.disks))))
    for key, value in domu.xl.items:
        lines.append(("the guest's own xl settings ([domu.xl])", xl_setting(key, value)))
    return lines


def domus(ctx: Context) -> Iterator[Finding | Contribution | Link]:
    for domu in ctx.spec.domu:
        target = guest_config(domu.name)
        for why, line in xl_lines(domu):
            yield Contribution(target, line, why)
        if domu.autostart:
            yield Link(f"{XENDOMAINS_AUTO}/{domu.name}.cfg", target,
                       "xendomains starts the guests linked in /etc/xen/auto")
        getty = inittab_line(domu.os)
        if getty and domu.type != "hvm":
            yield Contribution(guest_file(domu.name, "inittab"), getty, _GETTY_WHY[domu.os])
        if domu.type == "pvh" and not domu.kernel:
            yield Contribution("package.use", PVH_GRUB_USE,
                               "GRUB's xen_pvh platform boots PVH guests")
            yield PvhGrubImage(ctx.guest_scope(domu.name), PVH_GRUB, guest_config(domu.name))


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    PvhGrubImage,
)
