"""The frozen model of a host spec."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import total_ordering
from pathlib import Path
from typing import Any

_VERSION_RE = re.compile(r"^\d+(\.\d+){1,3}$")


@total_ordering
@dataclass(frozen=True)
class Version:
    """A dotted version such as ``2.6.18`` or ``4.19`` (kernels, Xen)."""

    text: str

    def __post_init__(self) -> None:
        if not _VERSION_RE.fullmatch(self.text):
            raise ValueError(f"not a version like 6.12 or 2.6.18: {self.text!r}")

    @property
    def parts(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.text.split("."))

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self.parts < other.parts

    def at_least(self, *parts: int) -> bool:
        return self.parts >= parts

    def series(self) -> str:
        return ".".join(self.text.split(".")[:2])

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class HostSection:
    name: str
    arch: str
    xen: Version
    kernel: Version
    from_xen: Version | None
    storage: tuple[str, ...]
    address: str | None = None
    memory: str | None = None  # the host's RAM ("64G"), for what its guests may need


def mib(size: str) -> int:
    """A size of the spec ("4096M", "4G") in MiB."""
    return int(size[:-1]) * (1024 if size.endswith("G") else 1)


def memory_short(spec: HostSpec, extra: Iterable[tuple[str, int]],
                 skip: Collection[str] = ()) -> str | None:
    """When the host cannot hold dom0's fixed memory, the guests it starts
    at boot (but those in ``skip``) and the ``extra`` (name, MiB): the sum
    with its parts against its RAM; None when it can, or when the spec does
    not give its RAM (``[host] memory``)."""
    if spec.host.memory is None:
        return None
    boot = spec.boot
    parts = [(f"dom0 {boot.dom0_mem}", mib(boot.dom0_mem))] if boot.dom0_mem else []
    parts += [(d.name, d.memory) for d in spec.domu if d.autostart and d.name not in skip]
    parts += extra
    need, have = sum(m for _, m in parts), mib(spec.host.memory)
    if need <= have:
        return None
    return (f"{need} MiB ({', '.join(f'{n} {m}' for n, m in parts)}) > {have} MiB "
            f"({spec.host.memory})")


@dataclass(frozen=True)
class PortageSection:
    cflags: str | None
    cxxflags: str | None
    chost: str | None
    use: tuple[str, ...]
    no_ssp: tuple[str, ...]


@dataclass(frozen=True)
class KernelSection:
    domu_monolithic: bool
    hvm_guests: bool


@dataclass(frozen=True)
class BootSection:
    dom0_mem: str | None
    dom0_max_vcpus: int | None
    serial: bool
    loader: str
    firmware: str
    efi_kernel: str
    efi_ramdisk: str | None
    xen_args: tuple[str, ...] = ()


@dataclass(frozen=True)
class BridgeSection:
    name: str
    ports: tuple[str, ...]
    vlan: int | None
    address: tuple[str, ...]
    routes: tuple[str, ...]
    stp: bool

    @property
    def members(self) -> tuple[str, ...]:
        """The interfaces in the bridge: the ports, or their VLAN
        interfaces ``<port>.<vlan>``."""
        return tuple(f"{p}.{self.vlan}" if self.vlan else p for p in self.ports)


# Xen's OUI: the MACs xl itself makes up start with it too.
XEN_OUI = "00:16:3e"


def guest_mac(guest: str, index: int) -> str:
    """The MAC of vif ``index`` of guest ``guest``: Xen's OUI and three
    bytes of a hash of the two, so a guest keeps its MACs on any host."""
    tail = hashlib.sha256(f"xenmig-vif:{guest}:{index}".encode()).digest()[:3]
    return XEN_OUI + "".join(f":{b:02x}" for b in tail)


@dataclass(frozen=True)
class VifSection:
    """One of a guest's network interfaces (``[[domu.vif]]``,
    xl-network-configuration(5)): the bridge it is on, the MAC it keeps
    (None: derived from the guest's name) and the NIC model the guest sees;
    ``options`` are its other xl settings (rate, ip, vifname, script, ...)
    as written."""

    bridge: str
    mac: str | None = None
    model: str | None = None
    options: tuple[tuple[str, str], ...] = ()

    def spec(self, mac: str) -> str:
        """The vif as xl reads it."""
        items = [("mac", mac), ("bridge", self.bridge)]
        if self.model:
            items.append(("model", self.model))
        return ",".join(f"{k}={v}" for k, v in (*items, *self.options))


@dataclass(frozen=True)
class XlTable:
    """A guest's further xl settings (``[domu.xl]``), in the order given:
    each key is one of xl.cfg(5) (:mod:`xenmig.guests.xlkeys`), written to
    the guest's configuration as it is."""

    items: tuple[tuple[str, Any], ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.items).get(key, default)


@dataclass(frozen=True)
class AdoptSection:
    """The guest configuration a guest was made from (``adopt``): the file
    on the host and the SHA-256 of its content.  apply replaces it only
    while its content is still that, keeping it as ``PATH.pre-xenmig``."""

    path: str
    sha256: str


@dataclass(frozen=True)
class RemusSection:
    """Remus protection of a guest (``remus``): the backup host, the
    checkpoint interval in ms, network buffering, and why disk writes
    since the last checkpoint may be lost (None: not accepted)."""

    backup: str
    interval: int
    netbuf: bool = True
    accept_disk_loss: str | None = None


@dataclass(frozen=True)
class DomuSection:
    name: str
    type: str
    os: str
    memory: int
    vcpus: int
    kernel: str | None
    ramdisk: str | None
    args: tuple[str, ...]
    bridges: tuple[str, ...]
    disks: tuple[str, ...]
    autostart: bool
    vif: tuple[VifSection, ...] = ()
    xl: XlTable = XlTable()
    adopt: AdoptSection | None = None
    remus: RemusSection | None = None

    @property
    def vifs(self) -> tuple[VifSection, ...]:
        """The guest's interfaces: its ``[[domu.vif]]`` tables, or one per
        bridge of the short ``bridges`` form."""
        return self.vif or tuple(VifSection(bridge) for bridge in self.bridges)

    @property
    def macs(self) -> tuple[str, ...]:
        """Each vif's MAC: the one the spec gives, else derived from the
        guest's name and the vif's position."""
        return tuple(v.mac or guest_mac(self.name, i) for i, v in enumerate(self.vifs))


@dataclass(frozen=True)
class HostSpec:
    path: Path
    host: HostSection
    portage: PortageSection
    kernel: KernelSection
    boot: BootSection
    bridge: tuple[BridgeSection, ...] = ()
    domu: tuple[DomuSection, ...] = ()

    @property
    def name(self) -> str:
        return self.host.name

    def location(self, section: str, key: str) -> tuple[str, str]:
        """(file, key) of a setting, as findings name them:
        (``hosts/xen01.toml``, ``[portage] cflags``)."""
        return str(self.path), f"[{section}] {key}"

    def where(self, section: str, key: str | None = None) -> str:
        """``hosts/xen01.toml: [portage] cflags`` for messages."""
        return f"{self.path}: [{section}]" + (f" {key}" if key else "")
