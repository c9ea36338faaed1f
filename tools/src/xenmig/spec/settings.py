"""The table of host-spec settings: one entry per key.

Parsers receive the raw TOML value and raise :class:`ValueError` with a
short reason; the loader adds the file, section and key.  Values that end up
in file names or in portage configuration lines are checked strictly: no
newlines, comment characters, shell metacharacters or path components.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xenmig.errors import shown, shown_name
from xenmig.gentoo import depstring
from xenmig.guests.console import OSES
from xenmig.guests.xldisk import parse_disk
from xenmig.guests.xlkeys import VIF_KEYS, XL_KEYS, check_value, suggest
from xenmig.spec.model import AdoptSection, RemusSection, Version, VifSection, XlTable

REQUIRED = object()

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_FLAG_RE = re.compile(r"^-?[A-Za-z0-9][A-Za-z0-9+_@-]*$")
_MODULE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# A compiler flag: starts with "-", then characters that never need quoting.
_CFLAG_RE = re.compile(r"^-[A-Za-z0-9_=.,+:/-]+$")
_CHOST_RE = re.compile(r"^[a-z0-9_]+(-[a-z0-9_.]+){2,3}$")
# A package atom as the user configuration files take it (PMS names:
# category and package names never start with "-", "." or "+"); no
# blockers, wildcards or USE dependencies.
_ATOM_RE = re.compile(
    r"^(?:[<>]=?|=|~)?"
    r"[A-Za-z0-9_][A-Za-z0-9+_.-]*/[A-Za-z0-9_][A-Za-z0-9+_-]*"
    r"(?:-[0-9][A-Za-z0-9._-]*\*?)?"
    r"(?::[A-Za-z0-9_][A-Za-z0-9+_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9+_.-]*)?)?"
    r"(?:::[A-Za-z0-9_][A-Za-z0-9_-]*)?$"
)
ARCHES = ("amd64", "x86")
# A bridge's name becomes part of netifrc variable names (config_<name>).
_BRIDGE_RE = re.compile(r"^[a-z][a-z0-9_]{0,14}$")
# Network interface names: at most 15 characters (IFNAMSIZ), no "/" or
# whitespace; PCIe names are mixed case (enP3p49s0).
_IFNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$")
_ROUTE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .:/_-]*$")
# Paths of files on dom0 (kernels, images): absolute, no "..", no trailing
# "/", nothing that needs quoting in an xl configuration.
_PATH_RE = re.compile(r"^(?!.*\.\.)/[A-Za-z0-9_.+@/-]*(?<!/)$")
_MEMORY_RE = re.compile(r"^[1-9][0-9]{0,6}[MG]$")
# One kernel argument (root=/dev/xvda1, ro, ip=...:eth0:off).
_ARG_RE = re.compile(r"^[A-Za-z0-9_.,:=/@+-]+$")
# xl's disk specification (xl-disk-configuration(5)), positional form:
# target,vdev,access with an optional format= / phy: / file: prefix;
# comma-separated key=value items are allowed too.
_DISK_RE = re.compile(r"^[A-Za-z0-9_.:=/@+-]*(,[A-Za-z0-9_.:=/@+-]*)*$")
GUEST_TYPES = ("pv", "pvh", "hvm")
LOADERS = ("grub2", "grub-legacy")
FIRMWARES = ("bios", "uefi")
_EFI_FILE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Setting:
    section: str
    key: str
    parse: Callable[[Any], Any]
    default: Any
    help: str
    example: str


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    return value


def _string_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    return list(value)


def _matching(value: Any, pattern: re.Pattern[str], reason: str) -> str:
    """A string matching ``pattern`` (else "'x': <reason>")."""
    text = _string(value)
    if not pattern.fullmatch(text):
        raise ValueError(f"{shown(text)}: {reason}")
    return text


def _each(value: Any, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    """A list of strings, each matching ``pattern`` (else "'x': not <what>")."""
    return tuple(_matching(item, pattern, f"not {what}") for item in _string_list(value))


def _integer(value: Any, low: int, high: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{shown(value)}: {what} is an integer from {low} to {high}")
    return value


# A DNS name, an IPv4 or an IPv6 address (how ssh reaches a host).
_HOST_ADDRESS_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9][A-Za-z0-9.:-]*$")


def parse_host_address(value: Any) -> str:
    return _matching(value, _HOST_ADDRESS_RE, "a DNS name or an IP address")


def parse_name(value: Any) -> str:
    return _matching(value, _NAME_RE, "must match [a-z0-9][a-z0-9-]{0,62} (it names files)")


# A guest's name as xl knows it (xl console NAME, /etc/xen/NAME.cfg): kept
# as the old host had it, uppercase and dots included, as long as it is a
# plain file name.
GUEST_NAME_RE = re.compile(r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.+-]{0,62}(?<!\.)$")


def parse_guest_name(value: Any) -> str:
    return _matching(value, GUEST_NAME_RE, "must match [A-Za-z0-9][A-Za-z0-9_.+-]{0,62} "
                                           "without '..' (it names files)")


def _choice(value: Any, choices: tuple[str, ...] | dict[str, str]) -> str:
    text = _string(value)
    if text not in choices:
        raise ValueError(f"{shown(text)}: must be one of {', '.join(choices)}")
    return text


def parse_arch(value: Any) -> str:
    return _choice(value, ARCHES)


def parse_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {type(value).__name__}")
    return value


def parse_bridge_name(value: Any) -> str:
    return _matching(value, _BRIDGE_RE, "must match [a-z][a-z0-9_]{0,14} (it names netifrc "
                     "variables and net.<name>)")


def parse_ports(value: Any) -> tuple[str, ...]:
    names = _string_list(value)
    if not names:
        raise ValueError("a bridge needs at least one port")
    for name in names:
        if not _IFNAME_RE.fullmatch(name) or ".." in name:
            raise ValueError(f"{shown(name)}: not a network interface name")
    if len(set(names)) != len(names):
        raise ValueError("a port is listed twice")
    return tuple(names)


def parse_vlan(value: Any) -> int:
    return _integer(value, 1, 4094, "a VLAN id")


def parse_addresses(value: Any) -> tuple[str, ...]:
    import ipaddress

    out = []
    texts = _string_list(value)
    if "dhcp" in texts:
        if len(texts) > 1:
            raise ValueError("dhcp is the bridge's only address (netifrc config_BRIDGE=\"dhcp\")")
        return ("dhcp",)
    for text in texts:
        try:
            if "/" not in text:
                raise ValueError
            out.append(str(ipaddress.ip_interface(text)))
        except ValueError:
            raise ValueError(f"{shown(text)}: not an address with prefix length, like "
                             "192.0.2.10/24") from None
    return tuple(out)


# One Xen command-line option (xen-command-line(7)): name, or name=value
# with the characters Xen's option values use.
_XEN_ARG_RE = re.compile(r"^[a-z][a-z0-9_.-]*(=[A-Za-z0-9_.,:+/-]+)?$")
# The options xenmig writes from other settings.
XEN_ARGS_FROM_SETTINGS = {"dom0_mem": "[boot] dom0_mem",
                          "dom0_max_vcpus": "[boot] dom0_max_vcpus"}
# Written by [boot] serial = true (give them in xen_args with serial = false).
XEN_SERIAL_ARGS = ("com1", "console")


def parse_xen_args(value: Any) -> tuple[str, ...]:
    args = _each(value, _XEN_ARG_RE, "a Xen option like iommu=no-igfx or smt=off")
    seen: set[str] = set()
    for arg in args:
        name = arg.split("=", 1)[0]
        if name in XEN_ARGS_FROM_SETTINGS:
            raise ValueError(f"{shown(arg)}: {name} is written from "
                             f"{XEN_ARGS_FROM_SETTINGS[name]}")
        if name in seen:
            raise ValueError(f"{shown(arg)}: {name} given twice")
        seen.add(name)
    return args


def parse_routes(value: Any) -> tuple[str, ...]:
    return _each(value, _ROUTE_RE, "a route like 'default via 192.0.2.1'")


def parse_memory(value: Any) -> str:
    return _matching(value, _MEMORY_RE, "a size like 4096M or 4G")


def parse_vcpus(value: Any) -> int:
    return _integer(value, 1, 512, "a vCPU count")


def parse_guest_type(value: Any) -> str:
    return _choice(value, GUEST_TYPES)


def parse_guest_os(value: Any) -> str:
    return _choice(value, OSES)


def parse_guest_memory(value: Any) -> int:
    return _integer(value, 32, 4 * 1024 * 1024, "memory in MiB")


def parse_path(value: Any) -> str:
    return _matching(value, _PATH_RE,
                     "not an absolute path to a file (no '..', spaces or quotes)")


def parse_kernel_args(value: Any) -> tuple[str, ...]:
    return _each(value, _ARG_RE, "a kernel argument (no spaces or quotes)")


def parse_guest_bridges(value: Any) -> tuple[str, ...]:
    return tuple(parse_bridge_name(name) for name in _string_list(value))


def parse_disks(value: Any) -> tuple[str, ...]:
    """xl disk specifications, checked by xl-disk-configuration(5)'s grammar
    (:mod:`xenmig.guests.xldisk`); a target with blanks or commas is written
    ``target=...`` last, as the man page asks."""
    disks = tuple(_string_list(value))
    for disk in disks:
        if ".." in disk:
            raise ValueError(f"{shown(disk)}: '..' in a disk path")
        if disk != disk.strip():
            raise ValueError(f"{shown(disk)}: blanks at the start or the end")
        head, named, _ = disk.partition("target=")
        head = re.sub(r"(^|,)\s+", r"\1", head.rstrip(", \t") if named else disk)
        if (head and not _DISK_RE.fullmatch(head)) or \
                any(c in disk for c in "\"'\\") or not disk.isprintable():
            raise ValueError(f"{shown(disk)}: not an xl disk like 'phy:/dev/vg0/www,xvda,w' "
                             "(a target with blanks goes last, as target=PATH)")
        try:
            parse_disk(disk)
        except ValueError as error:
            raise ValueError(f"{shown(disk)}: {error} (xl-disk-configuration(5))") from None
    return disks


_MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
_VIF_VALUE_RE = re.compile(r"^[A-Za-z0-9_.:/@+ -]*$")


def _vif(item: Any, n: int) -> VifSection:
    if not isinstance(item, dict):
        raise ValueError(f"vif #{n}: must be a table ([[domu.vif]])")
    for key, value in item.items():
        if key not in VIF_KEYS:
            raise ValueError(f"vif #{n} {shown_name(key)}: not a vif setting "
                             f"(xl-network-configuration(5): {', '.join(VIF_KEYS)})")
        if not isinstance(value, str) or not _VIF_VALUE_RE.fullmatch(value):
            raise ValueError(f"vif #{n} {key}: {shown(value)}: expected a string without "
                             "commas, quotes or '='")
    if "bridge" not in item:
        raise ValueError(f"vif #{n} bridge: missing (required: a [[bridge]] of this host)")
    mac = item.get("mac")
    if mac is not None:
        mac = mac.lower()
        if not _MAC_RE.fullmatch(mac) or int(mac[:2], 16) & 1:
            raise ValueError(f"vif #{n} mac: {shown(item['mac'])}: not a unicast MAC like "
                             "00:16:3e:12:34:56")
    options = tuple((k, v) for k, v in item.items() if k not in ("bridge", "mac", "model"))
    return VifSection(parse_bridge_name(item["bridge"]), mac, item.get("model"), options)


def parse_vifs(value: Any) -> tuple[VifSection, ...]:
    if not isinstance(value, list):
        raise ValueError("must be an array of tables ([[domu.vif]])")
    return tuple(_vif(item, n) for n, item in enumerate(value, 1))


# xl keys the guest's typed settings write: given there, not in [domu.xl].
XL_FROM_SETTINGS = {
    "name": "name", "type": "type", "builder": "type", "memory": "memory", "vcpus": "vcpus",
    "kernel": "kernel", "ramdisk": "ramdisk", "extra": "args", "cmdline": "args",
    "root": "args", "bootloader": "kernel", "vif": "vif or bridges", "disk": "disks",
}


_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
# A reason given in words (it ends up in a comment of a generated file).
_REASON_RE = re.compile(r"^[^\"'\\\n\r`$]{10,300}$")
# A guest configuration on the host xenmig may adopt: a file in /etc/xen.
_ADOPT_PATH_RE = re.compile(r"^/etc/xen/(?!auto/)[A-Za-z0-9_.+@-]+(?<!\.pre-xenmig)$")


def parse_adopt(value: Any) -> AdoptSection:
    if not isinstance(value, dict) or set(value) != {"path", "sha256"}:
        raise ValueError("must be a table { path = \"/etc/xen/NAME.cfg\", sha256 = \"...\" } "
                         "(xenmig domu convert --format toml writes it)")
    path = _matching(value["path"], _ADOPT_PATH_RE, "not a guest configuration in /etc/xen")
    digest = _matching(value["sha256"], _SHA256_RE, "not a SHA-256 (64 hex digits)")
    return AdoptSection(path, digest)


def parse_remus(value: Any) -> RemusSection:
    known = {"backup", "interval", "netbuf", "accept_disk_loss"}
    if not isinstance(value, dict) or not {"backup", "interval"} <= set(value) \
            or set(value) - known:
        raise ValueError("must be a table { backup = \"HOST\", interval = MS } with "
                         "optional netbuf = true|false, accept_disk_loss = \"why\"")
    backup = parse_name(value["backup"])
    interval = _integer(value["interval"], 20, 60000, "a checkpoint interval in ms")
    netbuf = parse_bool(value.get("netbuf", True))
    loss = value.get("accept_disk_loss")
    if loss is not None and (not isinstance(loss, str) or len(loss.strip()) < 10):
        raise ValueError("accept_disk_loss: say in words why losing the guest's disk writes "
                         "after the last checkpoint is acceptable (at least a sentence)")
    if loss is not None:
        loss = _matching(loss, _REASON_RE, "plain words (no quotes, backslashes or newlines)")
    return RemusSection(backup, interval, netbuf, loss)


def parse_xl(value: Any) -> XlTable:
    """A guest's further xl.cfg(5) settings, each checked against xl's key
    table: TOML booleans become xl's 1/0."""
    if not isinstance(value, dict):
        raise ValueError("must be a table ([domu.xl]) of xl.cfg(5) settings")
    items = []
    for key, raw in value.items():
        xl = XL_KEYS.get(key)
        if xl is None:
            raise ValueError(f"{shown_name(key)}: not an xl.cfg(5) setting{suggest(key)}")
        if key in XL_FROM_SETTINGS:
            raise ValueError(f"{key}: set by the guest's {XL_FROM_SETTINGS[key]} setting")
        item = _xl_plain(raw, key)
        if why := check_value(xl, item):
            raise ValueError(f"{key}: {why}")
        items.append((key, item))
    return XlTable(tuple(items))


def _xl_plain(value: Any, key: str) -> Any:
    """A TOML value as an xl value: booleans 1/0, lists as tuples."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return tuple(_xl_plain(v, key) for v in value)
    if isinstance(value, str) and not value.isprintable():
        raise ValueError(f"{key}: {shown(value)}: control characters")
    if isinstance(value, int | str):
        return value
    raise ValueError(f"{key}: {type(value).__name__} is no xl value")


def parse_loader(value: Any) -> str:
    return _choice(value, LOADERS)


def parse_firmware(value: Any) -> str:
    return _choice(value, FIRMWARES)


def parse_efi_file(value: Any) -> str:
    return _matching(value, _EFI_FILE_RE, "a file name next to xen.efi (letters, digits, . _ -)")


def parse_version(value: Any) -> Version:
    return Version(_string(value))


def parse_optional_version(value: Any) -> Version | None:
    return parse_version(value)


def parse_modules(value: Any) -> tuple[str, ...]:
    return _each(value, _MODULE_RE, "a kernel module name")


def parse_cflags(value: Any) -> str:
    text = _string(value)
    tokens = [token for token in text.split(" ") if token]
    if not tokens:
        raise ValueError("empty")
    for token in tokens:
        if not _CFLAG_RE.fullmatch(token) or ".." in token:
            raise ValueError(
                f"{shown(token)}: not a compiler flag (no quotes, $, ;, .., tabs or newlines)"
            )
    return " ".join(tokens)


def parse_chost(value: Any) -> str:
    return _matching(value, _CHOST_RE, "not a target triplet like x86_64-pc-linux-gnu")


def parse_flags(value: Any) -> tuple[str, ...]:
    return _each(value, _FLAG_RE, "a USE flag")


def parse_atoms(value: Any) -> tuple[str, ...]:
    atoms = _string_list(value)
    for atom in atoms:
        if not _ATOM_RE.fullmatch(atom) or "/../" in f"/{atom}/":
            raise ValueError(f"{shown(atom)}: not a package atom")
        try:
            depstring.atom_cp(atom)
        except depstring.DepSyntaxError as error:
            raise ValueError(f"{shown(atom)}: not a package atom") from error
    return tuple(atoms)


SETTINGS: tuple[Setting, ...] = (
    Setting("host", "name", parse_name, REQUIRED,
            "Host name; names the files xenmig writes for the host.", '"xen01"'),
    Setting("host", "arch", parse_arch, REQUIRED,
            "Portage ARCH of the dom0 today: amd64 or x86 (x86 hosts are reinstalled as amd64).",
            '"amd64"'),
    Setting("host", "xen", parse_version, REQUIRED,
            "Target Xen series, e.g. 4.19 or 4.20.", '"4.20"'),
    Setting("host", "kernel", parse_version, REQUIRED,
            "Version of the dom0 kernel today (\"6.12\", or legacy \"2.6.18\").", '"6.12"'),
    Setting("host", "from_xen", parse_optional_version, None,
            "The Xen version being replaced (enables the in-place upgrade decisions).", '"4.17.3"'),
    Setting("host", "storage", parse_modules, (),
            "Kernel drivers of the storage controllers.", '["megaraid_sas"]'),
    Setting("host", "address", parse_host_address, None,
            "How Ansible and ssh reach the host, a DNS name or an IP address: the inventories "
            "of fleet --ansible give it as ansible_host (xenmig gather writes it from "
            "HOST=ADDRESS).", '"xen01.example.org"'),
    Setting("host", "memory", parse_memory, None,
            "The host's RAM, e.g. 64G: xenmig cluster check adds up what a cluster member "
            "must hold when its peer fails (dom0 and every guest that may run there) and "
            "says when it does not fit.", '"64G"'),
    Setting("portage", "cflags", parse_cflags, None,
            "CFLAGS of the host (default: read from its make.conf when applying).",
            '"-O2 -pipe -fstack-protector-all"'),
    Setting("portage", "cxxflags", parse_cflags, None,
            "CXXFLAGS of the host (default: cflags).", '"-O2 -pipe"'),
    Setting("portage", "chost", parse_chost, None,
            "CHOST of the installed system.", '"x86_64-pc-linux-gnu"'),
    Setting("portage", "use", parse_flags, (),
            "USE flags the host had globally for the Xen stack; xenmig routes each to "
            "the packages that have it.", '["flask", "pygrub"]'),
    Setting("portage", "no_ssp", parse_atoms, (),
            "Packages to build without stack protection.", '["sys-libs/glibc"]'),
    Setting("kernel", "domu_monolithic", parse_bool, False,
            "Guest kernels without loadable modules (the original migration's choice: "
            "nothing to install or update inside the guests).", "true"),
    Setting("kernel", "hvm_guests", parse_bool, False,
            "The host runs HVM guests: their device models need TUN/TAP in dom0.", "true"),
    Setting("boot", "dom0_mem", parse_memory, None,
            "Fixed dom0 memory (Xen's dom0_mem=SIZE,max:SIZE; xl's autoballoon off).",
            '"4096M"'),
    Setting("boot", "dom0_max_vcpus", parse_vcpus, None,
            "vCPUs of dom0 (Xen's dom0_max_vcpus).", "2"),
    Setting("boot", "serial", parse_bool, True,
            "Xen and dom0 on the serial console (com1 115200 8n1), as well as VGA.", "false"),
    Setting("boot", "xen_args", parse_xen_args, (),
            "Further options of Xen's command line (xen-command-line(7)), each checked on "
            "its own: nothing of the old host's Xen line is lost.",
            '["iommu=no-igfx", "ucode=scan", "smt=off"]'),
    Setting("boot", "loader", parse_loader, "grub2",
            "grub2 (/etc/default/grub for grub-mkconfig) or grub-legacy (a Xen entry and "
            "a non-Xen fallback appended to /boot/grub/grub.conf).", '"grub-legacy"'),
    Setting("boot", "firmware", parse_firmware, "bios",
            "uefi: Xen is built with USE=uefi, and xen.efi gets its xen.cfg (the same "
            "command lines) for booting Xen straight from the firmware.", '"uefi"'),
    Setting("boot", "efi_kernel", parse_efi_file, "vmlinuz",
            "UEFI: dom0's kernel, copied next to xen.efi.", '"vmlinuz-6.12.58-gentoo"'),
    Setting("boot", "efi_ramdisk", parse_efi_file, None,
            "UEFI: dom0's initramfs next to xen.efi, when it uses one.",
            '"initramfs-6.12.58-gentoo.img"'),
    Setting("bridge", "name", parse_bridge_name, REQUIRED,
            "Name of a bridge guests' vifs attach to ([[bridge]], one table per bridge).",
            '"extbr0"'),
    Setting("bridge", "ports", parse_ports, REQUIRED,
            "The host's interfaces in the bridge (they get no address of their own).",
            '["eth0"]'),
    Setting("bridge", "vlan", parse_vlan, None,
            "802.1Q VLAN id: the bridge's ports are PORT.VLAN on the trunk.", "10"),
    Setting("bridge", "address", parse_addresses, (),
            "dom0's addresses on the bridge, or [\"dhcp\"] (dom0 asks a DHCP server: "
            "config_BRIDGE=\"dhcp\"); none keeps dom0 off that network "
            "(config_BRIDGE=\"null\").", '["192.0.2.10/24"]'),
    Setting("bridge", "routes", parse_routes, (),
            "Routes through the bridge.", '["default via 192.0.2.1"]'),
    Setting("bridge", "stp", parse_bool, False,
            "Spanning tree on the bridge (off: no forwarding delay when a vif joins).",
            "true"),
    Setting("domu", "name", parse_guest_name, REQUIRED,
            "Name of a guest ([[domu]], one table per guest): /etc/xen/NAME.cfg; its MACs "
            "are derived from it, so guest names are unique across the fleet.", '"router"'),
    Setting("domu", "type", parse_guest_type, "pvh",
            "pv, pvh or hvm (HVM needs [kernel] hvm_guests).", '"pv"'),
    Setting("domu", "os", parse_guest_os, "modern",
            "The guest's kernel era, which decides its console: modern (console=hvc0), "
            "xenlinux (2.6.18-xen Gentoo: xencons=tty console=tty1) or clearos "
            "(xencons=ttyS, getty on ttyS0).", '"xenlinux"'),
    Setting("domu", "memory", parse_guest_memory, 512, "Memory in MiB.", "1024"),
    Setting("domu", "vcpus", parse_vcpus, 1, "Virtual CPUs.", "2"),
    Setting("domu", "kernel", parse_path, None,
            "A kernel on dom0 to boot directly (PV, PVH); without it PV guests boot with "
            "pygrub and PVH guests with GRUB's xen_pvh image.", '"/boot/domu/vmlinuz"'),
    Setting("domu", "ramdisk", parse_path, None,
            "The initramfs for a direct kernel.", '"/boot/domu/initramfs"'),
    Setting("domu", "args", parse_kernel_args, (),
            "Arguments for a direct kernel besides the console (which os decides).",
            '["root=/dev/xvda1", "ro"]'),
    Setting("domu", "bridges", parse_guest_bridges, (),
            "One vif per [[bridge]] named, in order; each gets a MAC 00:16:3e:xx:xx:xx "
            "derived from the guest's name and the vif's position.", '["extbr0", "xenbr0"]'),
    Setting("domu", "vif", parse_vifs, (),
            "The guest's vifs as tables ([[domu.vif]], instead of bridges): bridge (a "
            "[[bridge]]), mac (kept; without one the MAC is derived as for bridges), model "
            "(the NIC the guest sees, e.g. e1000), and any other key of "
            "xl-network-configuration(5): rate, ip, vifname, script, type, ...",
            '[{ bridge = "xenbr0", mac = "00:16:3e:5a:01:02", model = "e1000" }]'),
    Setting("domu", "disks", parse_disks, (),
            "xl disk specifications (xl-disk-configuration(5)).",
            '["phy:/dev/vg0/router,xvda,w"]'),
    Setting("domu", "autostart", parse_bool, True,
            "Started at boot by xendomains (a link in /etc/xen/auto).", "false"),
    Setting("domu", "xl", parse_xl, XlTable(),
            "Any further xl.cfg(5) settings ([domu.xl]), written as given: bios, viridian, "
            "vnc, vnclisten, usbdevice, boot, hap, cpuid, pci, on_crash, ... Each key is "
            "checked against xl's keys for the target Xen series; the keys the other "
            "settings write (name, type, memory, vcpus, kernel, ramdisk, extra, disk, vif) "
            "are not taken here.", '{ bios = "ovmf", viridian = true, vnc = 1 }'),
    Setting("domu", "adopt", parse_adopt, None,
            "The guest's existing configuration on the host that this table was made "
            "from (path and SHA-256 of its content; xenmig domu convert --format toml "
            "writes it): apply replaces that file only while its content is unchanged, "
            "and keeps it as PATH.pre-xenmig (a name xl and xendomains never read); "
            "changes to its MACs, NIC models, firmware or device model are reported.",
            '{ path = "/etc/xen/web.cfg", sha256 = "9f86d0...0f00a08" }'),
    Setting("domu", "remus", parse_remus, None,
            "Remus protection: xl remus checkpoints the running guest to the backup host "
            "every interval ms, and the backup carries on from the last checkpoint when "
            "this host dies (service xenmig-remus.NAME, after xendomains). netbuf (default "
            "true) holds the guest's network output until its checkpoint is on the backup. "
            "Disk writes are not replicated (mainline DRBD has no Remus protocol): a guest "
            "with a writable disk needs accept_disk_loss, saying why losing its writes "
            "since the last checkpoint is fine (a router running from RAM).",
            '{ backup = "xen11", interval = 200, accept_disk_loss = "stateless router" }'),
)
SECTIONS = tuple(dict.fromkeys(s.section for s in SETTINGS))
# Sections written as arrays of tables ([[bridge]]): any number of items.
ARRAY_SECTIONS = ("bridge", "domu")


def defaults(section: str) -> dict[str, Any]:
    """The default of every setting of ``section`` (the table is the one
    place defaults are written)."""
    values = {s.key: s.default for s in SETTINGS if s.section == section}
    if any(v is REQUIRED for v in values.values()):
        raise ValueError(f"[{section}] has required settings: no defaults for it")
    return values
