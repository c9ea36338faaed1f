"""xm configuration -> xl configuration.

What changed between xm (xend) and xl, as applied here:

* ``builder='hvm'`` becomes ``type = "hvm"`` (PV otherwise) and the
  ``kernel = "hvmloader"`` line goes: xl loads hvmloader itself;
  ``device_model`` (qemu-dm, stubdom-dm) and ``opengl`` are gone (xl runs
  upstream qemu);
* vif specs: ``type=ioemu`` is xl's default for HVM and is dropped; a vif
  without ``bridge=`` gets the bridge xend used (``bridge=`` of the
  vif-script/network-script in xend-config.sxp) instead of silently
  landing on xl.conf's default;
* disks: ``phy:hda1`` becomes ``phy:/dev/hda1``; for guests with a current
  kernel (``--os modern``) hd*/sd* become xvd* in disks and ``root``;
  ``nbd:`` disks have no xl equivalent (error);
* the kernel command line: ``dhcp``/``ip``/``netmask``/``gateway``/
  ``hostname``/``nfs_*``, which xm turned into kernel arguments, become
  those arguments in ``extra``; the console follows the guest OS:
  ``console=hvc0`` for current kernels (``xencons=`` dropped), XenLinux-era
  Gentoo guests ``xencons=tty console=tty1``, ClearOS-era ``xencons=ttyS``
  (plus the guest-side inittab line for a getty on ttyS0);
* ``bootloader`` paths become ``pygrub``; PV-GRUB (``kernel =
  "pv-grub.gz"``) is gone from Xen: the guest boots with pygrub;
* ``cpu_cap`` is ``cap``; ``restart`` becomes ``on_reboot``/``on_poweroff``;
  a numeric ``tsc_mode`` becomes its name (xl warns about numbers), and
  0, the default, goes;
* any other key xl does not know is dropped with a note: xl accepts unknown
  keys silently, so keeping them would hide the loss.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import cast

from xenmig.errors import UserError
from xenmig.guests.console import OSES, console_args, inittab_line, is_console_arg
from xenmig.guests.xlcfg import xl_setting
from xenmig.guests.xldisk import parse_disk
from xenmig.guests.xlkeys import XL_KEYS, suggest
from xenmig.hostfiles.xldomain import read_xl_domain
from xenmig.hostfiles.xm import Value, XmConfig, note_line, parse_xm
from xenmig.spec.dump import table_lines, toml_value
from xenmig.spec.load import table_values
from xenmig.spec.model import DomuSection

# The machine os.uname() names for an arch (the xmexample preamble's arch).
MACHINES = {"amd64": "x86_64", "x86": "i686"}

# xm keys whose values are never read: xl has no use for them, so a
# preamble-built value (device_model = '/usr/' + arch_libdir + ...) is not
# evaluated at all.
SKIPPED = {
    "device_model": "xl runs upstream qemu (device_model_version)",
}
# Keys only xm had: a file with one of them is read as xm, not xl.
_XM_ONLY = {"builder", "cpu_cap", "restart", "vcpu_avail", "bootargs", "cdrom", "dhcp",
            "netmask", "gateway", "hostname", "interface", "nfs_server", "nfs_root",
            "vncviewer", "vncconsole", "opengl", "device_model", "ip", "initrd"}
# xm's numeric tsc_mode values, in libxl's order: xl wants the names.
TSC_MODES = ("default", "always_emulate", "native", "native_paravirt")
# xm keys that became kernel arguments (see _ip_argument).
_NETWORK = ("dhcp", "ip", "netmask", "gateway", "hostname", "interface", "nfs_server",
            "nfs_root")
# Dropped with a note (cpu_cap and restart are mapped in convert()).
_GONE = {
    "builder": "became type",
    "device_model": "xl runs upstream qemu (device_model_version)",
    "vncviewer": "xl starts no viewer (xl vncviewer does)",
    "vncconsole": "xl starts no viewer (xl vncviewer does)",
}
Note = Callable[[str, str], None]  # note(key, text)
_VDEV = re.compile(r"\b(?:hd|sd)([a-z]+)(\d*)\b")


@dataclass
class Converted:
    source: str
    kind: str = "xm"  # what the source was: xm or xl
    values: dict[str, Value] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    guest_files: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        out = [f"# xl configuration written by xenmig from {self.source} ({self.kind})"]
        out += [f"# note: {note}" for note in self.notes]
        out += [xl_setting(key, value) for key, value in self.values.items()]
        return "\n".join(out) + "\n"


def convert(config: XmConfig, os_name: str = "modern", bridge: str | None = None,
            sxp: bool = False) -> Converted:
    if os_name not in OSES:
        raise UserError(f"--os {os_name}: one of {', '.join(OSES)}")
    out = Converted(config.name, notes=list(config.notes))
    src = dict(config.values)

    def note(key: str, text: str) -> None:
        line = config.lines.get(key)
        out.notes.append(f"line {line}: {key}: {text}" if line else f"{key}: {text}")

    kind = src.pop("type", None)  # an xl file already, or one half converted
    hvm = kind == "hvm" or is_hvm(src)
    out.values["type"] = "hvm" if hvm else ("pvh" if kind == "pvh" else "pv")
    if hvm:
        out.notes.append("HVM: xm ran qemu-traditional (qemu-dm), xl runs upstream QEMU: the "
                         "guest sees a new chipset, disk controller, NIC and BIOS; install "
                         "Xen's PV drivers in it first (Windows may ask for re-activation)")
    if hvm and str(src.get("kernel", "")).endswith("hvmloader"):
        note("kernel", "hvmloader is loaded by xl itself; line dropped")
        src.pop("kernel")
    modern = os_name == "modern" and not hvm
    for key in ("name", "uuid", "memory", "maxmem", "vcpus", "maxvcpus", "cpus"):
        if key in src:
            out.values[key] = src.pop(key)
    if "vcpu_avail" in src:
        _vcpu_avail(src.pop("vcpu_avail"), out, note)
    if "cpu_cap" in src:
        out.values["cap"] = src.pop("cpu_cap")
    if "bootargs" in src:
        out.values["bootloader_args"] = str(src.pop("bootargs")).split()
        note("bootargs", "became bootloader_args")
    if "cdrom" in src:
        cdrom = str(src.pop("cdrom"))
        src.setdefault("disk", [])
        src["disk"] = [*as_list(src["disk"]),
                       f"format=raw, vdev=hdc, access=ro, devtype=cdrom, target={cdrom}"]
        note("cdrom", "became a cdrom disk on hdc (xm's cdrom= was hdc)")
    _boot(src, out, note)
    extra = _kernel_arguments(src, out, os_name, hvm, note)
    if "root" in src:
        root = str(src.pop("root"))
        out.values["root"] = _xvd(root) if modern else root
    if extra and "cmdline" in src:
        # xl ignores extra (and root) when cmdline is set: the console goes there.
        words = str(src.pop("cmdline")).split()
        out.values["cmdline"] = " ".join([*words, *(w for w in extra.split() if w not in words)])
        note("cmdline", "xl ignores extra when cmdline is set: the console arguments went "
                        "into cmdline")
    elif extra:
        out.values["extra"] = extra
    if "disk" in src:
        out.values["disk"] = [_disk(str(d), modern) for d in as_list(src.pop("disk"))]
    if "vif" in src:
        vifs = [str(v) for v in as_list(src.pop("vif"))]
        if hvm and any("type=ioemu" in v.replace(" ", "") for v in vifs):
            note("vif", "type=ioemu is xl's default for HVM guests; dropped")
        out.values["vif"] = [_vif(v, hvm, bridge) for v in vifs]
        if not bridge and any("bridge=" not in v for v in vifs):
            note("vif", "a vif without bridge= goes to xl.conf's vif.default.bridge " + (
                "(the xend-config.sxp given names no bridge= in its vif-script or "
                "network-script either)" if sxp else
                "(give --sxp to keep xend's default bridge)"))
    number = src.get("tsc_mode")
    if isinstance(number, int) and not isinstance(number, bool):
        del src["tsc_mode"]
        if number == 0:
            note("tsc_mode", "0 is xl's default; dropped")
        elif 0 < number < len(TSC_MODES):
            out.values["tsc_mode"] = TSC_MODES[number]
            note("tsc_mode", f"{number} is {TSC_MODES[number]!r} (xl warns about numbers)")
        else:
            note("tsc_mode", f"{number} is not a TSC mode; dropped")
    if "restart" in src:
        restart = src.pop("restart")
        mapping = {"onreboot": ("restart", "destroy"), "always": ("restart", "restart"),
                   "never": ("destroy", "destroy")}
        if restart in mapping:
            out.values["on_reboot"], out.values["on_poweroff"] = mapping[str(restart)]
        else:
            note("restart", f"{restart!r} has no xl equivalent; dropped")
    for key, value in src.items():
        if key in _GONE:
            note(key, f"{_GONE[key]}; dropped")
        elif key in XL_KEYS:
            out.values[key] = value
        else:
            note(key, f"not an xl setting{suggest(key)} (xl would ignore it silently); "
                      "dropped")
    out.notes.sort(key=note_line)
    return out


def _vcpu_avail(mask: Value, out: Converted, note: Note) -> None:
    """xm's vcpu_avail (a bitmask of the vCPUs online at boot, out of
    vcpus) is xl's vcpus (online) with maxvcpus (all)."""
    if not isinstance(mask, int) or isinstance(mask, bool) or mask <= 0:
        note("vcpu_avail", f"{mask!r} is not a bitmask of vCPUs; dropped")
        return
    online = bin(mask).count("1")
    if mask != (1 << online) - 1:
        note("vcpu_avail", f"{mask:#x}: xl brings the first vCPUs online, not a chosen set; "
                           f"{online} of them are online at boot")
    total = out.values.get("vcpus", online)
    out.values["maxvcpus"] = total
    out.values["vcpus"] = online
    note("vcpu_avail", f"became vcpus = {online} (online at boot), maxvcpus = {total}")


def read_source(text: str, name: str, given: dict[str, Value] | None = None,
                arch: str = "amd64") -> tuple[str, XmConfig]:
    """``("xl", settings)`` for a file xl reads as it is (xl syntax, no key
    only xm had), else ``("xm", settings)`` read as an xm config."""
    if not text.strip():
        raise UserError(f"{name}: empty: no guest settings to convert")
    try:
        domain = read_xl_domain(text, name)
    except UserError:
        domain = None
    if domain is not None and not given and domain.entries and _is_xl(domain.values(), text):
        config = XmConfig(name, cast(dict[str, Value], domain.values()), domain.lines())
        if domain.comments:
            config.notes.append(f"{domain.comments} comment lines dropped")
        return "xl", config
    return "xm", parse_xm(text, name, given, machine=MACHINES.get(arch, arch), skip=SKIPPED)


def _is_xl(values: Mapping[str, object], text: str) -> bool:
    """Whether a file in xl's syntax was written for xl: it names its type
    or device model version, or has nothing only xm had (keys, PV-GRUB,
    hvmloader, ioemu vifs, phy: without /dev, a comment naming xm)."""
    if "type" in values or "device_model_version" in values:
        return True
    if values.keys() & _XM_ONLY:
        return False
    kernel = str(values.get("kernel", ""))
    if kernel.endswith("hvmloader") or kernel.split("/")[-1].startswith("pv-grub"):
        return False
    vifs = [str(v) for v in as_list(values.get("vif", []))]  # type: ignore[arg-type]
    disks = [str(d) for d in as_list(values.get("disk", []))]  # type: ignore[arg-type]
    if any("ioemu" in v or "netfront" in v for v in vifs) or \
            any(re.match(r"\s*phy:(?!/)", d) for d in disks):
        return False
    return not re.search(r"^\s*#.*\b(xm create|xend)\b", text, re.M)


def convert_xl(config: XmConfig) -> Converted:
    """An xl file as xenmig writes it: every key xl knows kept as it is
    (normalised: one setting per line, comments dropped), keys xl does not
    know dropped with a note (xl ignores them silently), disks checked."""
    out = Converted(config.name, "xl", notes=list(config.notes))
    for key, value in config.values.items():
        line = config.lines.get(key)
        where = f"line {line}: {key}" if line else key
        if key not in XL_KEYS:
            out.notes.append(f"{where}: not an xl setting{suggest(key)} (xl ignores it); "
                             "dropped")
            continue
        if key == "disk":
            for disk in as_list(value):
                try:
                    parse_disk(str(disk))
                except ValueError as error:
                    raise UserError(f"{config.name}:{line}: disk {disk!r}: {error}") from None
        out.values[key] = value
    out.notes.sort(key=note_line)
    return out


def is_hvm(values: Mapping[str, object]) -> bool:
    """Whether an xm or xl guest's settings make it HVM."""
    return values.get("type") == "hvm" or values.get("builder") == "hvm" or \
        str(values.get("kernel", "")).endswith("hvmloader")


def vif_settings(spec: object) -> dict[str, str]:
    """{key: value} of one vif specification ("mac=...,bridge=...")."""
    return {k.strip(): v.strip() for item in str(spec).split(",") if "=" in item
            for k, v in [item.split("=", 1)]}


def as_list(value: Value) -> list[Value]:
    """A value xl takes as one item or a list, as a list."""
    return value if isinstance(value, list) else [value]


def _boot(src: dict[str, Value], out: Converted, note: Note) -> None:
    kernel = src.get("kernel")
    if isinstance(kernel, str) and kernel.split("/")[-1].startswith("pv-grub"):
        src.pop("kernel")
        src.pop("extra", None)
        out.values["bootloader"] = "pygrub"
        note("kernel", "PV-GRUB is gone from Xen; the guest boots with pygrub (its "
                       "menu.lst or grub.cfg); a PVH guest can boot GRUB's xen_pvh image")
    elif "bootloader" in src:
        loader = str(src.pop("bootloader"))
        out.values["bootloader"] = "pygrub" if loader.endswith("pygrub") else loader
        if loader != out.values["bootloader"]:
            note("bootloader", f"{loader} is now found by xl as pygrub")
    for key in ("bootloader_args", "kernel", "ramdisk"):
        if key in src:
            out.values[key] = src.pop(key)


def _kernel_arguments(src: dict[str, Value], out: Converted, os_name: str, hvm: bool,
                      note: Note) -> str:
    words = str(src.pop("extra", "")).split()
    network = {k: str(src.pop(k)) for k in _NETWORK if k in src}
    if network:
        autoconf = "dhcp" if network.get("dhcp") == "dhcp" else "off"
        ip = ":".join([network.get("ip", ""), network.get("nfs_server", ""),
                       network.get("gateway", ""), network.get("netmask", ""),
                       network.get("hostname", ""), network.get("interface", "eth0"),
                       autoconf])
        words.append(f"ip={ip}")
        if "nfs_root" in network:
            words += ["root=/dev/nfs", f"nfsroot={network.get('nfs_server', '')}:"
                      f"{network['nfs_root']}"]
        note(next(iter(network)), f"{', '.join(network)} became kernel arguments (ip=...)")
    if hvm:
        return " ".join(words)
    words = [w for w in words if not is_console_arg(w)] + list(console_args(os_name))
    getty = inittab_line(os_name)
    if os_name == "clearos" and getty:
        out.guest_files["/etc/inittab"] = getty
        out.notes.append(f"guest: add '{getty}' to the guest's /etc/inittab")
    return " ".join(words)


def _xvd(text: str) -> str:
    return _VDEV.sub(lambda m: f"xvd{m[1]}{m[2]}", text)


def _disk(spec: str, modern: bool) -> str:
    if re.search(r",\s*(w!|!)\s*$", spec):
        raise UserError(f"disk {spec!r}: w! (a disk written by several guests at once) has "
                        "no xl form; give each guest its own disk, or a cluster filesystem")
    parts = [p.strip() for p in spec.split(",")]
    target = parts[0]
    if target.startswith(("nbd:", "tap:", "tap2:")) and not target.startswith(("tap:aio:",
                                                                                "tap2:aio:")):
        raise UserError(f"disk {spec!r}: {target.split(':')[0]}: has no xl equivalent; "
                        "export the storage to dom0 (phy: or file:) first")
    if target.startswith("phy:") and not target[4:].startswith("/"):
        parts[0] = f"phy:/dev/{target[4:]}"
    if target.startswith(("tap:aio:", "tap2:aio:")):
        parts[0] = "file:" + target.split(":", 2)[2]
    if modern and len(parts) > 1:
        parts[1] = _xvd(parts[1])
    return ",".join(parts)


def _vif(spec: str, hvm: bool, bridge: str | None) -> str:
    items = [p.strip() for p in spec.split(",") if p.strip()]
    # xm's netfront is xl's vif (a PV interface only).
    items = ["type=vif" if p.replace(" ", "") == "type=netfront" else p for p in items]
    keys = [p.split("=", 1)[0] for p in items]
    if hvm:
        items = [p for p in items if p.replace(" ", "") != "type=ioemu"]
    if "bridge" not in keys and bridge:
        items.append(f"bridge={bridge}")
    return ", ".join(items)


def as_domu_table(converted: Converted, os_name: str, adopt: tuple[str, str] | None,
                  bridge: str | None = None, *, autostart: bool = True) -> str:
    """The converted guest as a ``[[domu]]`` table of a host spec (every
    value checked as the spec loader checks it): the typed settings xenmig
    reasons about, vifs as ``[[domu.vif]]``, everything else in
    ``[domu.xl]``, and ``adopt`` (path, SHA-256) of the file it came from."""
    values = dict(converted.values)
    builder = values.pop("builder", None)  # xl still reads xm's builder (deprecated)
    kind = values.pop("type", "hvm" if builder == "hvm" else "pv")  # xl's default on x86
    table: dict[str, object] = {"name": values.pop("name", None), "type": kind}
    if os_name != "modern":
        table["os"] = os_name
    if "memory" not in values:
        raise UserError(f"{converted.source}: memory: the file sets none (xl then takes "
                        "libxl's built-in default); add memory = MiB to it and convert again")
    for key in ("memory", "vcpus", "kernel", "ramdisk"):
        if key in values:
            value = values.pop(key)
            if key in ("memory", "vcpus") and isinstance(value, str) \
                    and value.strip().isdigit():  # xl reads '2048' as 2048
                value = int(value)
            table[key] = value
    args = []
    for key in ("root", "extra", "cmdline"):
        if key in values:
            text = str(values.pop(key))
            words = (f"root={text}" if key == "root" else text).split()
            args += [w for w in words if not is_console_arg(w) and w not in args]
    if args:
        table["args"] = args
    if kind != "hvm" and console_args(os_name):
        converted.notes.append(f"the spec's os ({os_name}) puts "
                               f"{' '.join(console_args(os_name))} on the kernel line")
    if str(values.get("bootloader", "")).rsplit("/", 1)[-1] == "pygrub":
        if values["bootloader"] != "pygrub":
            converted.notes.append(f"bootloader {values['bootloader']}: xl finds pygrub itself")
        del values["bootloader"]  # a PV guest without kernel boots with pygrub
    if "disk" in values:
        table["disks"] = [str(d) for d in as_list(values.pop("disk"))]
    vifs = []
    for n, spec in enumerate(as_list(values.pop("vif", [])), 1):
        items = vif_settings(spec)
        if "bridge" not in items:
            if not bridge:
                raise UserError(f"{converted.source}: vif #{n} {spec!r}: no bridge= (give --sxp, "
                                "whose default bridge it used)")
            items["bridge"] = bridge
        vifs.append(items)
    if vifs:
        table["vif"] = vifs
    if values:
        table["xl"] = values
    if not autostart:
        table["autostart"] = False
    if adopt:
        table["adopt"] = {"path": adopt[0], "sha256": adopt[1]}
    parsed = table_values(converted.source, "[[domu]]", "domu", table)
    lines = [f"# {note}" for note in converted.notes]
    lines += ["[[domu]]", *(line for line in table_lines("domu", DomuSection(**parsed))
                           if not line.startswith(("vif =", "xl =")))]
    domu = DomuSection(**parsed)
    for vif in domu.vif:
        lines += ["", "[[domu.vif]]", f"bridge = {toml_value(vif.bridge)}"]
        lines += [f"{k} = {toml_value(v)}" for k, v in
                  (("mac", vif.mac), ("model", vif.model), *vif.options) if v is not None]
    if domu.xl.items:
        lines += ["", "[domu.xl]", *(f"{_toml_key(k)} = {toml_value(v)}"
                                     for k, v in domu.xl.items)]
    return "\n".join(lines) + "\n"


def _toml_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else f'"{name}"'
