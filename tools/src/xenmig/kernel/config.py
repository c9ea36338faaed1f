"""A kernel ``.config`` as data.

Symbols are looked up by exact name, so ``CONFIG_KVM_XEN``,
``CONFIG_NETXEN_NIC`` or ``CONFIG_MMC_SDHCI_XENON`` never count as Xen.  A
symbol is ``"y"``, ``"m"``, a string/number value, ``"n"`` (written as ``# CONFIG_X is not
set``) or absent (not visible in that configuration); both of the latter
mean the option is off, but :meth:`KernelConfig.state` keeps them apart for
messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from xenmig.errors import UserError
from xenmig.hostfiles.root import read_file
from xenmig.spec import Version

_SET_RE = re.compile(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$")
_UNSET_RE = re.compile(r"^# CONFIG_([A-Za-z0-9_]+) is not set$")
# "# Linux/x86 6.12.0 Kernel Configuration" (2.6.3x and later) or
# "# Linux kernel version: 2.6.18-xen" (older make config headers).
_HEADER_RE = re.compile(
    r"^# Linux(?:/(?P<arch>\S+))?(?: kernel version:)? "
    r"(?P<version>\d+\.\d+(?:\.\d+)?)(?P<local>\S*)"
)


@dataclass(frozen=True)
class KernelConfig:
    path: Path
    values: dict[str, str]
    version: Version
    release: str  # the full version string of the header, e.g. 2.6.18-xen
    header_arch: str | None

    def get(self, name: str) -> str | None:
        """The value of CONFIG_<name> (``"n"`` when not set), None when absent."""
        return self.values.get(name)

    def on(self, name: str) -> bool:
        """Built in or a module."""
        return self.values.get(name, "n") in ("y", "m")

    def builtin(self, name: str) -> bool:
        return self.values.get(name) == "y"

    def state(self, name: str) -> str:
        """For messages: ``CONFIG_X=y``, ``CONFIG_X is not set`` or ``CONFIG_X absent``."""
        value = self.values.get(name)
        if value is None:
            return f"CONFIG_{name} absent"
        if value == "n":
            return f"CONFIG_{name} is not set"
        return f"CONFIG_{name}={value}"

    @property
    def arch(self) -> str:
        """x86_64, x86 (32-bit), arm64 or what the header says."""
        if self.builtin("X86_64"):
            return "x86_64"
        if self.builtin("X86_32"):
            return "x86"
        if self.builtin("ARM64"):
            return "arm64"
        if self.builtin("X86"):  # 2.6.18-era headers: X86 and not 64BIT
            return "x86_64" if self.builtin("64BIT") else "x86"
        return self.header_arch or "unknown"

    @property
    def xenlinux(self) -> bool:
        """A legacy XenLinux tree (2.6.18-xen, the 2.6.3x-xen forward ports)
        rather than mainline pvops Xen support.  Mainline 2.6.37-3.x kernels
        carry XEN_PRIVILEGED_GUEST too (next to XEN_DOM0): what tells them
        apart is a symbol only XenLinux has, or XEN_PRIVILEGED_GUEST without
        any of pvops' own (XenLinux cannot be built with paravirt_ops)."""
        if any(name in self.values for name in XENLINUX_ONLY):
            return True
        return "XEN_PRIVILEGED_GUEST" in self.values and \
            not any(name in self.values for name in PVOPS_ONLY)


# Symbols of XenLinux trees that mainline never had (linux-2.6.18-xen's
# drivers/xen/Kconfig and its forward ports).
XENLINUX_ONLY = ("XEN_COMPAT", "XEN_INTERFACE_VERSION", "XEN_UNPRIVILEGED_GUEST", "XEN_SYSFS",
                 "XEN_NETDEV_LOOPBACK", "XEN_DISABLE_SERIAL")
# Symbols of mainline's paravirt_ops Xen support (PARAVIRT and PARAVIRT_GUEST
# since 2.6.23, XEN_PVHVM since 2.6.36, XEN_DOM0 since 2.6.37).
PVOPS_ONLY = ("PARAVIRT", "PARAVIRT_GUEST", "XEN_PVHVM", "XEN_DOM0")


def parse_config(text: str, path: Path, version: Version | None = None) -> KernelConfig:
    """Parse ``text`` (the content of ``path``); ``version`` overrides the
    header's (for files whose header was stripped)."""
    values: dict[str, str] = {}
    found_version: Version | None = None
    release = ""
    header_arch: str | None = None
    for line in text.splitlines():
        line = line.rstrip("\r")
        if m := _SET_RE.match(line):
            value = m[2]
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            values[m[1]] = value
        elif m := _UNSET_RE.match(line):
            values[m[1]] = "n"
        elif found_version is None and (m := _HEADER_RE.match(line)):
            found_version = Version(m["version"])
            release = m["version"] + m["local"]
            header_arch = m["arch"]
    if not values:
        raise UserError(f"{path}: not a kernel configuration (no CONFIG_ lines)")
    if version is None:
        if found_version is None:
            raise UserError(
                f"{path}: no kernel version in the header (a '# Linux/<arch> <version> "
                "Kernel Configuration' line); pass --kernel VERSION"
            )
        version = found_version
    return KernelConfig(path, values, version, release or str(version), header_arch)


def read_config(path: Path, version: Version | None = None) -> KernelConfig:
    data = read_file(path)
    return parse_config(data.decode("utf-8", "replace"), path, version)
