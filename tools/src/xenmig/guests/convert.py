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
from collections.abc import Callable
from dataclasses import dataclass, field

from xenmig.errors import UserError
from xenmig.guests.console import OSES, console_args, inittab_line, is_console_arg
from xenmig.guests.xlcfg import xl_setting
from xenmig.hostfiles.xm import Value, XmConfig

# Keys xl(1) reads with the same meaning as xm (xl.cfg(5)).
XL_KEYS = {
    "name", "uuid", "memory", "maxmem", "vcpus", "maxvcpus", "cpus", "cpu_weight", "cap",
    "kernel", "ramdisk", "extra", "root", "cmdline", "bootloader", "bootloader_args",
    "disk", "vif", "pci", "vfb", "vtpm", "on_poweroff", "on_reboot", "on_crash",
    "localtime", "rtc_timeoffset", "sdl", "vnc", "vnclisten", "vncdisplay", "vncunused",
    "vncpasswd", "keymap", "stdvga", "serial", "boot", "acpi", "apic", "pae", "hpet",
    "usb", "usbdevice", "soundhw", "tsc_mode", "nographic", "videoram", "viridian",
    "nestedhvm", "timer_mode", "shadow_memory", "pool", "type", "device_model_version",
}
# xm's numeric tsc_mode values, in libxl's order: xl wants the names.
TSC_MODES = ("default", "always_emulate", "native", "native_paravirt")
# xm keys that became kernel arguments (see _ip_argument).
_NETWORK = ("dhcp", "ip", "netmask", "gateway", "hostname", "interface", "nfs_server",
            "nfs_root")
# Dropped with a note (cpu_cap and restart are mapped in convert()).
_GONE = {
    "builder": "became type",
    "device_model": "xl runs upstream qemu (device_model_version)",
    "opengl": "gone with qemu-traditional's SDL OpenGL",
}
Note = Callable[[str, str], None]  # note(key, text)
_VDEV = re.compile(r"\b(?:hd|sd)([a-z]+)(\d*)\b")


@dataclass
class Converted:
    source: str
    values: dict[str, Value] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    guest_files: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        out = [f"# xl configuration converted by xenmig from {self.source} (xm)"]
        out += [f"# note: {note}" for note in self.notes]
        out += [xl_setting(key, value) for key, value in self.values.items()]
        return "\n".join(out) + "\n"


def convert(config: XmConfig, os_name: str = "modern", bridge: str | None = None) -> Converted:
    if os_name not in OSES:
        raise UserError(f"--os {os_name}: one of {', '.join(OSES)}")
    out = Converted(config.name, notes=list(config.notes))
    src = dict(config.values)

    def note(key: str, text: str) -> None:
        line = config.lines.get(key)
        out.notes.append(f"line {line}: {key}: {text}" if line else f"{key}: {text}")

    kind = src.pop("type", None)  # an xl file already, or one half converted
    hvm = kind == "hvm" or src.get("builder") == "hvm" or \
        str(src.get("kernel", "")).endswith("hvmloader")
    out.values["type"] = "hvm" if hvm else ("pvh" if kind == "pvh" else "pv")
    if hvm and "kernel" in src:
        note("kernel", "hvmloader is loaded by xl itself; line dropped")
        src.pop("kernel")
    modern = os_name == "modern" and not hvm
    for key in ("name", "uuid", "memory", "maxmem", "vcpus", "maxvcpus", "cpus"):
        if key in src:
            out.values[key] = src.pop(key)
    if "cpu_cap" in src:
        out.values["cap"] = src.pop("cpu_cap")
    _boot(src, out, note)
    extra = _kernel_arguments(src, out, os_name, hvm, note)
    if "root" in src:
        root = str(src.pop("root"))
        out.values["root"] = _xvd(root) if modern else root
    if extra:
        out.values["extra"] = extra
    if "disk" in src:
        out.values["disk"] = [_disk(str(d), modern) for d in _list(src.pop("disk"))]
    if "vif" in src:
        vifs = [str(v) for v in _list(src.pop("vif"))]
        if hvm and any("type=ioemu" in v.replace(" ", "") for v in vifs):
            note("vif", "type=ioemu is xl's default for HVM guests; dropped")
        out.values["vif"] = [_vif(v, hvm, bridge) for v in vifs]
        if not bridge and any("bridge=" not in v for v in vifs):
            note("vif", "a vif without bridge= goes to xl.conf's vif.default.bridge "
                        "(give --sxp to keep xend's default bridge)")
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
        if key in XL_KEYS:
            out.values[key] = value
        elif key in _GONE:
            note(key, f"{_GONE[key]}; dropped")
        else:
            note(key, "not an xl setting (xl would ignore it silently); dropped")
    return out


def _list(value: Value) -> list[Value]:
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
    keys = [p.split("=", 1)[0] for p in items]
    if hvm:
        items = [p for p in items if p.replace(" ", "") != "type=ioemu"]
    if "bridge" not in keys and bridge:
        items.append(f"bridge={bridge}")
    return ", ".join(items)
