"""Kernel configuration fragments for a host: the dom0 kernel and the
kernel of its guests.

A fragment is a list of groups, each a reason and the option lines it
needs.  Every option a Xen line depends on is listed too (most of them are
on in any distribution config), so that the fragment applies to a minimal
base as well as to a distribution config: the tests merge each fragment
with the kernel's own ``scripts/kconfig/merge_config.sh`` onto defconfig
and tinyconfig of a real 6.12 tree, run ``make olddefconfig`` and require
every line to survive.

The option names are those of mainline ("pvops") Xen support, current from
Linux 5.4 on.  A 32-bit x86 dom0 is gone from Linux 5.9 (Xen PV needs
X86_64), so the 32-bit option set is for guests only: PVH/HVM with PAE.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xenmig.errors import XenmigError
from xenmig.kernel.drivers import DRIVERS
from xenmig.output.blocks import block_body, render_block
from xenmig.output.contributions import Contribution
from xenmig.spec import HostSpec, Version

ROLES = ("dom0", "domu")
# The kernel the fragments are written for and verified against.
TARGET_KERNEL = Version("6.12")

Line = tuple[str, str]  # (symbol, "y" | "m" | "n")


@dataclass(frozen=True)
class Group:
    why: str
    lines: tuple[Line, ...]


def _lines(text: str) -> tuple[Line, ...]:
    """``"A B=m !C"`` -> ((A, y), (B, m), (C, n))."""
    out = []
    for word in text.split():
        if word.startswith("!"):
            out.append((word[1:], "n"))
        elif "=" in word:
            name, value = word.split("=", 1)
            out.append((name, value))
        else:
            out.append((word, "y"))
    return tuple(out)


def format_line(symbol: str, value: str) -> str:
    return f"# CONFIG_{symbol} is not set" if value == "n" else f"CONFIG_{symbol}={value}"


# Shared by both roles.  The prerequisites are what the Xen options depend
# on (Kconfig "depends on"), found by merging onto tinyconfig.
_BASE_64 = "64BIT SMP PCI ACPI SYSFS"
# XEN needs PAE on 32-bit x86 and one of a few CPU choices; X86_GENERIC
# (generic x86 support) is the one that does not change the chosen CPU.
_BASE_32 = "HIGHMEM64G X86_PAE X86_GENERIC SMP PCI ACPI SYSFS"
_GUEST = "HYPERVISOR_GUEST PARAVIRT XEN"
_CONSOLE = "TTY HVC_XEN SERIAL_8250 SERIAL_8250_CONSOLE"


def dom0_groups(spec: HostSpec) -> list[Group]:
    storage = storage_lines(spec)
    groups = [
        Group("Prerequisites of the Xen options (on in distribution configs)",
              _lines(f"{_BASE_64} MODULES BLOCK NET INET NETDEVICES X86_MCE "
                     "CPU_FREQ ACPI_PROCESSOR")),
        Group("Xen: the dom0 runs as a PV guest (PVH dom0 and PVHVM/PVH guest support too)",
              _lines(f"{_GUEST} XEN_PV XEN_PVHVM_GUEST XEN_PVH XEN_DOM0")),
        Group("Backends: the block, network and PCI devices dom0 serves to guests",
              _lines("XEN_BACKEND XEN_BLKDEV_BACKEND=m XEN_NETDEV_BACKEND=m "
                     "XEN_PCIDEV_BACKEND=m")),
        Group("Frontends (a dom0 is a Xen guest too; driver domains use them)",
              _lines("XEN_BLKDEV_FRONTEND XEN_NETDEV_FRONTEND")),
        Group("Devices of the toolstack: xenstored, xl, qemu (evtchn, privcmd, grant "
              "devices, xenfs on /proc/xen, /sys/hypervisor, the balloon driver)",
              _lines("XEN_DEV_EVTCHN XENFS XEN_COMPAT_XENFS XEN_PRIVCMD XEN_SYS_HYPERVISOR "
                     "XEN_GNTDEV=m XEN_GRANT_DEV_ALLOC=m XEN_BALLOON")),
        Group("Power management and machine checks through the hypervisor",
              _lines("XEN_ACPI_PROCESSOR=m XEN_MCE_LOG")),
        Group("Consoles: hvc0 (console=hvc0) and the serial port Xen hands over",
              _lines(_CONSOLE)),
        Group("Guest networking: bridges (on 802.1Q VLANs), bridge netfilter, "
              "TUN/TAP for the device models of HVM guests",
              _lines("BRIDGE=m NETFILTER NETFILTER_ADVANCED BRIDGE_NETFILTER=m "
                     "VLAN_8021Q=m TUN=m")),
    ]
    if any(d.remus and d.remus.netbuf for d in spec.domu):
        groups.append(Group("Remus's network buffering ([[domu]] remus): the plug qdisc "
                            "holds a guest's output until its checkpoint is on the backup, "
                            "through ifb devices (remus-netbuf-setup checks the modules)",
                            _lines("NET_SCHED NET_SCH_PLUG=m NET_SCH_INGRESS=m NET_CLS_ACT "
                                   "NET_CLS_U32=m NET_ACT_MIRRED=m IFB=m")))
    if storage:
        groups.append(Group("Storage controllers of the host ([host] storage), built in",
                            storage))
    return groups


def domu_groups(spec: HostSpec) -> list[Group]:
    bits32 = spec.host.arch == "x86"
    guest = (
        f"{_GUEST} XEN_PVHVM_GUEST XEN_PVH !XEN_DOM0 !XEN_BACKEND" if bits32 else
        f"{_GUEST} XEN_PV XEN_PVHVM_GUEST XEN_PVH !XEN_DOM0 !XEN_BACKEND"
    )
    # PCI passthrough into a guest (pcifront) needs Xen PV.
    pcifront = "" if bits32 else "XEN_PCIDEV_FRONTEND "
    groups = [
        Group("Prerequisites of the Xen options (on in distribution configs)"
              + ("; 32-bit Xen guests need PAE" if bits32 else ""),
              _lines(f"{_BASE_32 if bits32 else _BASE_64} BLOCK NET INET NETDEVICES")),
        Group("Xen: PV (64-bit only), PVHVM and PVH guest support; no dom0 or backends"
              if not bits32 else
              "Xen: PVH and PVHVM guest support (32-bit PV is gone since Linux 5.9); "
              "no dom0 or backends",
              _lines(guest)),
        Group("Frontends and the hvc console built in: the guest boots without an "
              "initramfs carrying Xen modules",
              _lines(f"XEN_BLKDEV_FRONTEND XEN_NETDEV_FRONTEND {pcifront}"
                     "XEN_DEV_EVTCHN XEN_BALLOON XEN_SYS_HYPERVISOR HVC_XEN "
                     "HVC_XEN_FRONTEND TTY")),
    ]
    if spec.kernel.domu_monolithic:
        groups.append(Group(
            "Monolithic: no loadable modules in guests ([kernel] domu_monolithic); "
            "merge onto a minimal base, a distribution config's =m options "
            "would end up built in or off",
            _lines("!MODULES")))
    return groups


def storage_lines(spec: HostSpec) -> tuple[Line, ...]:
    lines: list[Line] = []
    for module in spec.host.storage:
        driver = DRIVERS.get(module)
        if driver is None:
            continue
        symbol, _ = driver.symbol(TARGET_KERNEL)
        for name in (*driver.needs, symbol):
            if (name, "y") not in lines:
                lines.append((name, "y"))
    return tuple(lines)


def groups(spec: HostSpec, role: str) -> list[Group]:
    """The groups of the ``role`` fragment; an option is listed once, in
    the first group that needs it."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "dom0" and spec.host.arch != "amd64":
        raise XenmigError(
            f"{spec.where('host', 'arch')}: no dom0 kernel for {spec.host.arch}: Xen PV "
            "needs X86_64 since Linux 5.9; reinstall the host as amd64 (xenmig plan "
            "prints the spec)"
        )
    seen: set[str] = set()
    out = []
    for group in dom0_groups(spec) if role == "dom0" else domu_groups(spec):
        lines = tuple(line for line in group.lines if line[0] not in seen)
        seen.update(name for name, _ in lines)
        if lines:
            out.append(Group(group.why, lines))
    return out


def contributions(spec: HostSpec, role: str, target: str) -> list[Contribution]:
    """The fragment as lines for ``target``, each under its group's reason."""
    return [
        Contribution(target, format_line(*line), group.why)
        for group in groups(spec, role) for line in group.lines
    ]


def fragment_text(spec: HostSpec, role: str) -> str:
    """The fragment as xenmig writes it: a managed block whose first line
    names the host and its spec."""
    return render_block(spec, block_body(contributions(spec, role, role)))


def generic_spec() -> HostSpec:
    """An amd64 host without storage drivers or options: the fragments of
    sys-kernel/xen-sources (kernel/configs/xen-dom0.config, xen-domu.config)."""
    from xenmig.spec.model import BootSection, HostSection, KernelSection, PortageSection
    from xenmig.spec.settings import defaults

    return HostSpec(
        Path("generic"),
        HostSection("generic", "amd64", Version("4.20"), TARGET_KERNEL, None, ()),
        PortageSection(**defaults("portage")),
        KernelSection(**defaults("kernel")),
        BootSection(**defaults("boot")),
    )


def generic_text(role: str) -> str:
    """The host-independent fragment: reasons and lines, no managed block."""
    return block_body(contributions(generic_spec(), role, role))
