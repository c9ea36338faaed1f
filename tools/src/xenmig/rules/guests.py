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
* its vifs on the host's ``[[bridge]]``, each with the MAC it keeps or
  one derived from the guest's name (the same on every host, so routers
  and DHCP servers keep knowing the guest when it moves), and its NIC
  model; every further xl setting of ``[domu.xl]``;
* for a guest made from an existing configuration (``adopt``), a record of
  that file in the block (the writer replaces it only while unchanged,
  keeping it as ``.pre-xenmig``), and a finding for each change the guest
  would see: a vif's MAC or NIC model, its firmware, its device model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from xenmig.errors import UserError
from xenmig.findings import Finding, Level
from xenmig.guests.console import console_args, inittab_line
from xenmig.guests.xlcfg import xl_setting
from xenmig.hostfiles.xlconf import xl_setting as read_setting
from xenmig.output.blocks import BEGIN
from xenmig.output.contributions import (
    XENDOMAINS_AUTO,
    Contribution,
    Link,
    guest_config,
    guest_file,
)
from xenmig.output.writer import ORIGINAL_SUFFIX, adopted
from xenmig.rules.context import Context
from xenmig.rules.shellfile import host_lines
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


@dataclass(frozen=True)
class GuestNicChanged(Finding):
    """A guest made from an existing configuration (``adopt``) would see
    one of its network interfaces change: its MAC (a guest that binds its
    address or licence to the MAC loses it) or its NIC model (Windows sees a
    new adapter without the old one's static address).  Keep the old value
    in the guest's ``[[domu.vif]]`` unless the change is meant."""

    level = Level.WARNING

    vif: int
    setting: str
    was: str | None
    now: str | None

    def describe(self) -> str:
        return (f"vif #{self.vif} {self.setting}: {self.was or '(xl default)'} becomes "
                f"{self.now or '(xl default)'}")


@dataclass(frozen=True)
class GuestFirmwareChanged(Finding):
    """A guest made from an existing configuration would boot another
    firmware (``bios``: rombios, seabios, ovmf): a UEFI guest does not boot
    from a BIOS, nor the other way round.  Set ``bios`` in ``[domu.xl]``."""

    level = Level.WARNING

    was: str | None
    now: str | None

    def describe(self) -> str:
        return f"bios: {self.was or '(xl default)'} becomes {self.now or '(xl default)'}"


@dataclass(frozen=True)
class GuestDeviceModelChanged(Finding):
    """An HVM guest moves from qemu-traditional (xm's qemu-dm, or
    ``device_model_version = "qemu-xen-traditional"``) to upstream QEMU:
    the emulated chipset, disk controller, NIC and BIOS change inside the
    guest.  Prepare it before the move: Windows guests need Xen's PV drivers
    installed (and may ask for re-activation), Linux guests the drivers of
    the new emulated devices or Xen's PV frontends; keep a copy of the disk
    to go back to."""

    level = Level.WARNING

    was: str

    def describe(self) -> str:
        return (f"device model: {self.was} becomes upstream QEMU (qemu-xen): new emulated "
                "hardware inside the guest; install Xen PV drivers first")


@dataclass(frozen=True)
class GuestSettingOverridden(Finding):
    """A setting written after xenmig's block in a guest's configuration
    sets again a key the block sets: xl takes the last value, so the
    spec's is silently overridden.  Move the setting into the spec
    (``[domu.xl]``, ``[[domu.vif]]``) and delete the line."""

    level = Level.WARNING

    setting: str
    line: int
    config: str

    def describe(self) -> str:
        return f"{self.setting} set again at line {self.line}: xl takes it, not the spec's"

    def location(self) -> tuple[str | None, str | None]:
        return self.config, self.setting


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
    hvm = domu.type == "hvm"
    args = [*domu.args, *(() if hvm else console_args(domu.os))]
    console = f"console for a {domu.os} kernel: {' '.join(console_args(domu.os))}"
    if domu.kernel:
        why = "a direct kernel from dom0" + (" (HVM: loaded by the device model)" if hvm else "")
        lines.append((why, xl_setting("kernel", domu.kernel)))
        if domu.ramdisk:
            lines.append((why, xl_setting("ramdisk", domu.ramdisk)))
        lines.append(("kernel arguments" if hvm else f"kernel arguments; {console}",
                      xl_setting("extra", " ".join(args))))
    elif domu.type == "pv":
        lines.append(("pygrub boots the kernel named in the guest's own grub configuration",
                      'bootloader = "pygrub"'))
        lines.append((f"pygrub appends this to the guest's kernel line; {console}",
                      xl_setting("extra", " ".join(args))))
    elif domu.type == "pvh":
        lines.append(("GRUB's xen_pvh image boots the guest's own grub.cfg (the console "
                      "goes on the guest's kernel line: console=hvc0)",
                      xl_setting("kernel", PVH_GRUB)))
    # An adopted guest keeps its devices: a serial port only if it had one.
    if hvm and domu.xl.get("serial") is None and domu.adopt is None:
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
        if clustered := ctx.cluster_guest(domu.name):
            # Pacemaker runs it: its writable disks on DRBD here too, so that
            # an xl create by hand does not bypass the replication
            from xenmig.cluster.render import guest_xl

            domu = guest_xl(clustered[1], domu)
        lines = xl_lines(domu)
        for why, line in lines:
            yield Contribution(target, line, why)
        if domu.autostart:
            yield Link(f"{XENDOMAINS_AUTO}/{domu.name}.cfg", target,
                       "xendomains starts the guests linked in /etc/xen/auto")
        getty = inittab_line(domu.os)
        if getty and domu.type != "hvm":
            yield Contribution(guest_file(domu.name, "inittab"), getty, _GETTY_WHY[domu.os])
        if domu.adopt:
            yield Contribution(target, f"# adopts {domu.adopt.path} sha256:{domu.adopt.sha256}",
                               "made from the guest's configuration before xenmig, kept as "
                               f"{domu.adopt.path}{ORIGINAL_SUFFIX}")
            yield from _changes(ctx, domu)
        yield from _overridden(ctx, domu, {key for _, line in lines
                                           if (key := read_setting(line)[0])})
        if domu.type == "pvh" and not domu.kernel:
            yield Contribution("package.use", PVH_GRUB_USE,
                               "GRUB's xen_pvh platform boots PVH guests")
            yield PvhGrubImage(ctx.guest_scope(domu.name), PVH_GRUB, guest_config(domu.name))




def _original(ctx: Context, domu: DomuSection) -> tuple[str, dict[str, object]] | None:
    """("xm" or "xl", its settings) of the configuration a guest adopts, as
    the host has it (or its .pre-xenmig copy once adopted); None when the
    host's files are not at hand or cannot be read as a configuration."""
    from xenmig.guests.convert import read_source  # only for adopted guests

    assert domu.adopt is not None
    for path in (domu.adopt.path, domu.adopt.path + ORIGINAL_SUFFIX):
        data = ctx.host_file(path)
        if data and adopted(data.decode("utf-8", "replace")) is None:
            try:
                kind, config = read_source(data.decode("utf-8", "replace"), path)
            except UserError:
                return None
            return kind, dict(config.values)
    return None


def _changes(ctx: Context, domu: DomuSection) -> Iterator[Finding]:
    from xenmig.guests.convert import as_list, is_hvm, vif_settings

    found = _original(ctx, domu)
    if found is None:
        return
    kind, values = found
    scope = ctx.guest_scope(domu.name)
    old_vifs = [vif_settings(v) for v in as_list(values.get("vif", []))]  # type: ignore[arg-type]
    for index, (vif, mac) in enumerate(zip(domu.vifs, domu.macs, strict=True)):
        was = old_vifs[index] if index < len(old_vifs) else {}
        if was.get("mac", "").lower() != mac:
            yield GuestNicChanged(scope, index + 1, "mac", was.get("mac"), mac)
        if (was.get("model") or None) != vif.model:
            yield GuestNicChanged(scope, index + 1, "model", was.get("model"), vif.model)
    hvm = is_hvm(values)
    if (values.get("bios") or None) != domu.xl.get("bios"):
        yield GuestFirmwareChanged(scope, _text(values.get("bios")), domu.xl.get("bios"))
    traditional = values.get("device_model_version") == "qemu-xen-traditional" or \
        (kind == "xm" and hvm)
    if traditional and domu.type == "hvm" and \
            domu.xl.get("device_model_version") != "qemu-xen-traditional":
        yield GuestDeviceModelChanged(scope, str(values.get("device_model") or
                                                 "qemu-xen-traditional"))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _overridden(ctx: Context, domu: DomuSection, ours: set[str]) -> Iterator[Finding]:
    """Keys set again after xenmig's block (which sets ``ours``) in the
    guest's configuration."""
    target = guest_config(domu.name)
    data = ctx.host_file(target)
    if not data or BEGIN.encode() not in data:
        return
    from xenmig.hostfiles.xldomain import read_xl_domain  # only for a file xenmig wrote

    try:
        theirs = read_xl_domain(host_lines(data).decode("utf-8", "replace"), target)
    except UserError:
        return
    for entry in theirs.entries:
        if entry.key in ours:
            yield GuestSettingOverridden(ctx.guest_scope(domu.name), entry.key, entry.line,
                                         str(ctx.host_path(target) or target))

# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    GuestDeviceModelChanged,
    GuestFirmwareChanged,
    GuestNicChanged,
    GuestSettingOverridden,
    PvhGrubImage,
)
