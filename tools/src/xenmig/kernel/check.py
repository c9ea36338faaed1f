"""``xenmig kernel check``: what a kernel .config lacks for its Xen role.

Every finding names the option it is about (``key``: ``CONFIG_X``) and the
file.  Options are read by exact name: ``CONFIG_KVM_XEN`` (KVM's emulation
of Xen), ``CONFIG_NETXEN_NIC`` (a NIC) and ``CONFIG_MMC_SDHCI_XENON`` (an
SD host controller) are not Xen support.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from xenmig.findings import Finding, Level, Scope, TextFinding
from xenmig.kernel.config import KernelConfig
from xenmig.kernel.drivers import DRIVERS, MEGARAID_SYMBOLS
from xenmig.spec import HostSpec, Version

# Mainline dom0 support: the options without which dom0 cannot serve
# guests, with the release that introduced each (older kernels are not
# asked for it).
_DOM0_ESSENTIAL = (
    ("XEN_BACKEND", Version("2.6.37")),
    ("XEN_BLKDEV_BACKEND", Version("3.0")),
    ("XEN_NETDEV_BACKEND", Version("3.0")),
    ("XEN_DEV_EVTCHN", Version("2.6.36")),
    ("XEN_GNTDEV", Version("2.6.37")),
    ("XEN_PRIVCMD", Version("3.3")),
)
# The options a dom0 normally has, with the release that introduced each
# (an older kernel is not asked for it): xenfs, /sys/hypervisor and the
# balloon driver predate mainline dom0 support (XEN_DOM0); gntalloc came
# with 2.6.39, pciback with 3.1, the ACPI processor driver with 3.4.
_DOM0_RECOMMENDED = (
    ("XENFS", Version("2.6"), "xencommons mounts xenfs on /proc/xen"),
    ("XEN_SYS_HYPERVISOR", Version("2.6"), "/sys/hypervisor, read by the toolstack and "
                                           "xenstored"),
    ("XEN_GRANT_DEV_ALLOC", Version("2.6.39"), "grant allocation for qemu and vchan users"),
    ("XEN_BALLOON", Version("2.6"), "memory ballooning (xl mem-set, autoballoon)"),
    ("XEN_PCIDEV_BACKEND", Version("3.1"), "PCI passthrough (pciback)"),
    ("XEN_ACPI_PROCESSOR", Version("3.4"), "CPU power management through the hypervisor"),
)
# The backends of XenLinux trees (2.6.18-xen and its forward ports).
_XENLINUX_BACKENDS = ("XEN_BACKEND", "XEN_BLKDEV_BACKEND", "XEN_NETDEV_BACKEND")
_DOMU_FRONTENDS = ("XEN_BLKDEV_FRONTEND", "XEN_NETDEV_FRONTEND")
_BACKENDS = ("XEN_BACKEND", "XEN_BLKDEV_BACKEND", "XEN_NETDEV_BACKEND", "XEN_PCIDEV_BACKEND",
             "XEN_SCSI_BACKEND")
NO_PV32 = Version("5.9")
# finding(class, symbol, message): a finding about CONFIG_<symbol> of the file.
Emit = Callable[[type[TextFinding], str, str], TextFinding]
MEGARAID_PANICS = (Version("2.6.29"), Version("2.6.34"))
COMPAT_BROKEN = (Version("2.6.32"), Version("2.6.34"))


class NotAXenKernel(TextFinding):
    """The kernel has no Xen support (``CONFIG_XEN`` is off or absent).
    Options that merely contain "XEN" do not count: ``KVM_XEN`` is KVM's
    Xen emulation, ``NETXEN_NIC`` and ``MMC_SDHCI_XENON`` are hardware
    drivers."""

    level = Level.ERROR


class Dom0SupportMissing(TextFinding):
    """A Xen kernel that cannot be the control domain: ``CONFIG_XEN_DOM0``
    (mainline) or ``CONFIG_XEN_PRIVILEGED_GUEST`` (XenLinux) is off."""

    level = Level.ERROR


class Dom0Unusable(TextFinding):
    """``XEN_DOM0`` is set but the backends or the toolstack devices are
    not: the kernel boots as dom0 and cannot serve a single guest (no
    blkback/netback, no /dev/xen/evtchn, gntdev or privcmd).  Configs like
    this exist in the wild; merge the dom0 fragment (``xenmig kernel
    fragment``)."""

    level = Level.ERROR


class Dom0OptionMissing(TextFinding):
    """An option a dom0 normally has is off (xenfs, /sys/hypervisor, the
    grant allocator, the balloon driver, pciback, Xen ACPI processor);
    what it is for is in the message."""

    level = Level.WARNING


class DomuHasBackends(TextFinding):
    """A guest kernel with dom0 support or backends: harmless, but not what
    the role says; the domU fragment turns them off."""

    level = Level.WARNING


class DomuFrontendMissing(TextFinding):
    """A guest kernel without the block or network frontend: the guest
    finds no disk or no network."""

    level = Level.ERROR


class DomuFrontendModular(TextFinding):
    """A guest frontend is a module: the guest only finds its root disk if
    its initramfs carries the module.  The domU fragment builds frontends
    in."""

    level = Level.WARNING


class DomuNotMonolithic(TextFinding):
    """The spec asks for monolithic guest kernels (``[kernel]
    domu_monolithic``), and this one has loadable modules."""

    level = Level.WARNING


class HvcConsoleMissing(TextFinding):
    """No Xen console driver (``CONFIG_HVC_XEN``): with ``console=hvc0``
    the kernel prints nothing and no getty can run, the silent console of
    the original migration."""

    level = Level.ERROR


class BridgeMissing(TextFinding):
    """dom0 without Linux bridging (``CONFIG_BRIDGE``): guests' vifs have
    nothing to attach to."""

    level = Level.ERROR


class TunMissing(TextFinding):
    """The spec has HVM guests (``[kernel] hvm_guests``), whose device
    model (qemu) needs TUN/TAP in dom0."""

    level = Level.ERROR


class PaeMissing(TextFinding):
    """A 32-bit x86 Xen kernel without PAE (``CONFIG_X86_PAE``).  Xen runs
    32-bit guests in PAE mode only (since 3.3; the original migration's
    2.6.21 dom0 kernel could not even enable it), and mainline Xen support
    depends on PAE on 32-bit x86."""

    level = Level.ERROR


class NoPv32Dom0(TextFinding):
    """A 32-bit x86 kernel of Linux 5.9 or later cannot be a dom0: Xen PV,
    which dom0 needs, depends on X86_64 since 5.9.  Reinstall the host as
    amd64 (``xenmig plan``)."""

    level = Level.ERROR


class XenCompatTooLow(TextFinding):
    """A XenLinux 2.6.32-2.6.34 tree with Xen compatibility below 3.0.4.
    The original migration's builds ended with "unexpected non-allocatable
    section" (``__xen_guest``) and "kernel image bigger than
    KERNEL_IMAGE_SIZE"; "3.0.4 and later" cured both (the overlay's
    xen-sources legacy patch makes it the minimum).  The suspected "Export
    Xen attributes in sysfs" (``XEN_SYSFS``) is not the cause."""

    level = Level.ERROR


class MegaraidBuiltIn(TextFinding):
    """A MegaRAID driver built into a 2.6.29-2.6.34 kernel: in the original
    migration those kernels panicked at boot with the megaraid driver
    compiled in or loaded from an initrd; it went back to 2.6.18."""

    level = Level.ERROR


class MegaraidModule(TextFinding):
    """A MegaRAID driver as a module of a 2.6.29-2.6.34 kernel: it panicked
    at boot in the original migration when an initrd loaded it.  A .config
    cannot show what is in the initrd: check it (``lsinitrd``) and the
    module's autoloading."""

    level = Level.WARNING


class StorageDriverMissing(TextFinding):
    """A storage controller driver of the spec (``[host] storage``) is
    neither built in nor a module.  cciss is gone since Linux 4.14: its
    controllers are driven by hpsa (``CONFIG_SCSI_HPSA``); mpt2sas is part
    of mpt3sas since 4.4."""

    level = Level.ERROR


class StorageDriverUnknown(TextFinding):
    """xenmig does not know the Kconfig option of this storage driver, so it
    can neither check nor add it; the known ones are in the message."""

    level = Level.WARNING


def check(config: KernelConfig, role: str = "dom0",
          spec: HostSpec | None = None) -> list[TextFinding]:
    """The findings of ``config`` as a ``role`` kernel (of ``spec``'s host)."""
    return list(_check(config, role, spec))


def _check(config: KernelConfig, role: str, spec: HostSpec | None) -> Iterator[TextFinding]:
    file = str(config.path)
    scope = Scope.for_host(spec.name) if spec else Scope.for_file(file)

    def finding(cls: type[TextFinding], symbol: str, message: str) -> TextFinding:
        return cls(scope, message, file, f"CONFIG_{symbol}")

    version = config.version
    yield from _legacy(config, finding)
    if spec is not None:
        yield from _storage(config, spec, finding)
    if not config.on("XEN"):
        lookalikes = sorted(n for n in config.values if "XEN" in n and config.on(n))
        extra = (f"; {', '.join(lookalikes)} {'is' if len(lookalikes) == 1 else 'are'} "
                 "not Xen support") if lookalikes else ""
        yield finding(NotAXenKernel, "XEN", f"{config.state('XEN')}: no Xen support{extra}")
        return
    bits32 = config.arch == "x86"
    if bits32 and not config.builtin("X86_PAE"):
        yield finding(PaeMissing, "X86_PAE",
                      f"{config.state('X86_PAE')}: Xen runs 32-bit guests in PAE mode only")
    if role == "dom0":
        if bits32 and version >= NO_PV32:
            yield finding(NoPv32Dom0, "XEN_PV",
                          f"32-bit x86 on Linux {version}: no Xen PV, so no dom0 "
                          f"(gone since {NO_PV32})")
        yield from _dom0(config, finding)
        if spec is not None and spec.kernel.hvm_guests and not config.on("TUN"):
            yield finding(TunMissing, "TUN",
                          f"{config.state('TUN')}: HVM guests' device models need TUN/TAP")
    else:
        yield from _domu(config, spec, finding)
    if not config.xenlinux and not config.builtin("HVC_XEN"):
        yield finding(HvcConsoleMissing, "HVC_XEN",
                      f"{config.state('HVC_XEN')}: console=hvc0 stays silent")


def _dom0(config: KernelConfig, finding: Emit) -> Iterator[TextFinding]:
    if config.xenlinux:
        if not config.builtin("XEN_PRIVILEGED_GUEST"):
            yield finding(Dom0SupportMissing, "XEN_PRIVILEGED_GUEST",
                          f"{config.state('XEN_PRIVILEGED_GUEST')}: an unprivileged "
                          "(domU) XenLinux kernel")
            return
        missing = [s for s in _XENLINUX_BACKENDS if not config.on(s)]
    else:
        if not config.builtin("XEN_DOM0"):
            yield finding(Dom0SupportMissing, "XEN_DOM0",
                          f"{config.state('XEN_DOM0')}: the kernel cannot run as dom0")
            return
        missing = [s for s, since in _DOM0_ESSENTIAL
                   if config.version >= since and not config.on(s)]
        for symbol, since, why in _DOM0_RECOMMENDED:
            if config.version >= since and not config.on(symbol):
                yield finding(Dom0OptionMissing, symbol, f"{config.state(symbol)}: {why}")
    if missing:
        yield finding(Dom0Unusable, missing[0],
                      "dom0 support without " + ", ".join(config.state(s) for s in missing))
    if not config.on("BRIDGE"):
        yield finding(BridgeMissing, "BRIDGE",
                      f"{config.state('BRIDGE')}: no bridges for the guests' vifs")


def _domu(config: KernelConfig, spec: HostSpec | None, finding: Emit) -> Iterator[TextFinding]:
    extra = [s for s in ("XEN_DOM0", "XEN_PRIVILEGED_GUEST", *_BACKENDS) if config.on(s)]
    if extra:
        yield finding(DomuHasBackends, extra[0],
                      "guest kernel with " + ", ".join(config.state(s) for s in extra))
    for symbol in _DOMU_FRONTENDS:
        if not config.on(symbol):
            yield finding(DomuFrontendMissing, symbol, f"{config.state(symbol)}")
        elif not config.builtin(symbol):
            yield finding(DomuFrontendModular, symbol,
                          f"{config.state(symbol)}: the initramfs must carry it")
    if spec is not None and spec.kernel.domu_monolithic and config.builtin("MODULES"):
        yield finding(DomuNotMonolithic, "MODULES",
                      f"{config.state('MODULES')}, but [kernel] domu_monolithic = true")


def _legacy(config: KernelConfig, finding: Emit) -> Iterator[TextFinding]:
    """What the original migration hit on 2.6.29-2.6.34."""
    if _between(config.version, *MEGARAID_PANICS):
        for symbol in MEGARAID_SYMBOLS:
            if config.builtin(symbol):
                yield finding(MegaraidBuiltIn, symbol,
                              f"{config.state(symbol)} on {config.release}: panicked at boot "
                              "in the original migration")
            elif config.on(symbol):
                yield finding(MegaraidModule, symbol,
                              f"{config.state(symbol)} on {config.release}: panicked at boot "
                              "when an initrd loaded it; a .config cannot show the initrd, "
                              "check it")
    if config.xenlinux and _between(config.version, *COMPAT_BROKEN):
        compat = _xen_compat(config)
        if compat is not None and compat < 0x030004:
            yield finding(XenCompatTooLow, "XEN_COMPAT",
                          f"Xen compatibility {compat:#08x} on {config.release}: the build "
                          "fails with 'kernel image bigger than KERNEL_IMAGE_SIZE'; choose "
                          "'3.0.4 and later' (CONFIG_XEN_COMPAT_030004_AND_LATER)")


def _between(version: Version, low: Version, high: Version) -> bool:
    """``low <= version <= high`` on the first three numbers (2.6.34.7 is 2.6.34)."""
    return low.parts <= version.parts[:3] <= high.parts


def _xen_compat(config: KernelConfig) -> int | None:
    value = config.get("XEN_COMPAT")
    if value is not None and value != "n":
        try:
            return int(value, 16)
        except ValueError:
            pass
    for symbol, number in (("XEN_COMPAT_030002_AND_LATER", 0x030002),
                           ("XEN_COMPAT_030002", 0x030002),
                           ("XEN_COMPAT_030004_AND_LATER", 0x030004),
                           ("XEN_COMPAT_030100_AND_LATER", 0x030100),
                           ("XEN_COMPAT_LATEST_ONLY", 0xFFFFFF)):
        if config.builtin(symbol):
            return number
    return None


def unknown_driver(spec: HostSpec, module: str, consequence: str = "") -> StorageDriverUnknown:
    """The finding for a ``[host] storage`` driver without a known Kconfig
    option (``consequence``: what that means where it is reported)."""
    return StorageDriverUnknown(
        Scope.for_host(spec.name), f"{module}: no Kconfig option known{consequence} "
        f"(known: {', '.join(DRIVERS)})", *spec.location("host", "storage"))


def _storage(config: KernelConfig, spec: HostSpec, finding: Emit) -> Iterator[TextFinding]:
    for module in spec.host.storage:
        driver = DRIVERS.get(module)
        if driver is None:
            yield unknown_driver(spec, module)
            continue
        symbol, name = driver.symbol(config.version)
        if not config.on(symbol):
            renamed = f" ({module} is {name} on Linux {config.version})" if name != module else ""
            yield finding(StorageDriverMissing, symbol,
                          f"{config.state(symbol)}: {driver.title} controllers{renamed}")


# The findings this module yields.
FINDINGS: tuple[type[Finding], ...] = (
    BridgeMissing,
    Dom0OptionMissing,
    Dom0SupportMissing,
    Dom0Unusable,
    DomuFrontendMissing,
    DomuFrontendModular,
    DomuHasBackends,
    DomuNotMonolithic,
    HvcConsoleMissing,
    MegaraidBuiltIn,
    MegaraidModule,
    NoPv32Dom0,
    NotAXenKernel,
    PaeMissing,
    StorageDriverMissing,
    StorageDriverUnknown,
    TunMissing,
    XenCompatTooLow,
)
