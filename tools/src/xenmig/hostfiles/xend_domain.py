"""A domain xend manages (``xm new``, ``xm vm-create``): its
``/var/lib/xend/domains/<uuid>/config.sxp``, the S-expression xend wrote
with ``XendConfig.to_sxp`` (the ``xm list -l`` form)::

    (domain (name web) (memory 512) (vcpus 1) (on_xend_start start)
        (image (linux (kernel /boot/vmlinuz) (args 'root=/dev/xvda1 ro')))
        (device (vbd (uname phy:/dev/vg0/web) (dev xvda:disk) (mode w)))
        (device (vif (mac 00:16:3e:00:00:01) (bridge xenbr0))))

read as the settings an xm configuration of the same guest has, so that
``convert`` treats both alike.  Pure: text in, values out.
"""

from __future__ import annotations

from xenmig.errors import UserError
from xenmig.hostfiles.sxp import Sexp, parse_sxp
from xenmig.hostfiles.xm import Value, XmConfig

# Top-level domain entries that are xm keys of the same name and meaning.
_SAME = ("name", "uuid", "memory", "maxmem", "vcpus", "on_poweroff", "on_reboot",
         "on_crash", "bootloader", "bootloader_args", "cpus", "cpu_weight", "cpu_cap",
         "shadow_memory", "description")
# image entries of HVM guests that are xm keys (and xl keys) of that name.
_HVM_KEYS = ("boot", "serial", "stdvga", "usb", "usbdevice", "vnc", "vncunused",
             "vnclisten", "vncdisplay", "sdl", "nographic", "viridian", "videoram",
             "soundhw", "keymap", "tsc_mode", "acpi", "apic", "pae", "hpet", "hap",
             "localtime", "nestedhvm", "xen_platform_pci", "timer_mode", "rtc_timeoffset")


def _atom(item: Sexp) -> str | None:
    return item if isinstance(item, str) else None


def _entries(expr: list[Sexp]) -> dict[str, list[Sexp]]:
    """{key: the rest of the first (key ...) child}."""
    out: dict[str, list[Sexp]] = {}
    for child in expr[1:]:
        if isinstance(child, list) and child and isinstance(child[0], str):
            out.setdefault(child[0], child[1:])
    return out


def _scalar(rest: list[Sexp]) -> Value:
    text = " ".join(w for w in rest if isinstance(w, str))
    if text.lstrip("-").isdigit():
        return int(text)
    return text


def read_xend_domain(text: str, name: str) -> XmConfig:
    """The guest of a xend-managed ``config.sxp`` as xm settings; ``name``
    names the file in errors and in the settings' notes."""
    top = parse_sxp(text, name)
    domain = next((e for e, _ in top if isinstance(e, list) and e and e[0] == "domain"), None)
    if domain is None or not isinstance(domain, list):
        raise UserError(f"{name}: no (domain ...) expression: not a xend domain configuration")
    line = next(n for e, n in top if e is domain)
    config = XmConfig(name)
    entries = _entries(domain)
    for key in _SAME:
        if key in entries:
            value = _scalar(entries[key])
            if value not in ("", None) and not (key == "cpus" and "(" in str(entries[key])):
                config.values[key] = value
                config.lines[key] = line
    image = entries.get("image") or []
    kind = next((c for c in image if isinstance(c, list) and c and c[0] in ("linux", "hvm")),
                None)
    if isinstance(kind, list):
        settings = _entries(kind)
        if kind[0] == "hvm":
            config.values["builder"] = "hvm"
            for key in _HVM_KEYS:
                if key in settings and _scalar(settings[key]) != "":
                    config.values[key] = _scalar(settings[key])
        else:
            for key in ("kernel", "ramdisk", "root"):
                value = _scalar(settings.get(key, []))
                if value:
                    config.values[key] = value
            args = _scalar(settings.get("args", []))
            if args:
                config.values["extra"] = args
    disks: list[Value] = []
    vifs: list[Value] = []
    pcis: list[Value] = []
    for child in domain[1:]:
        if not (isinstance(child, list) and child and child[0] == "device" and len(child) > 1
                and isinstance(child[1], list) and child[1]):
            continue
        dev = child[1]
        settings = _entries(dev)
        kind_name = _atom(dev[0])
        if kind_name in ("vbd", "tap", "tap2"):
            uname = str(_scalar(settings.get("uname", [])))
            vdev = str(_scalar(settings.get("dev", []))).removesuffix(":disk")
            mode = str(_scalar(settings.get("mode", []))) or "r"
            if vdev:
                disks.append(f"{uname},{vdev},{mode}")
        elif kind_name == "vif":
            items = [f"{k}={_scalar(settings[k])}" for k in ("mac", "bridge", "model", "script",
                                                             "vifname", "ip", "rate")
                     if k in settings and _scalar(settings[k]) != ""]
            if str(_scalar(settings.get("type", []))) == "ioemu":
                items.append("type=ioemu")
            vifs.append(",".join(items))
        elif kind_name == "pci":
            for slot in dev[1:]:
                if isinstance(slot, list) and slot and slot[0] == "dev":
                    f = {k: str(_scalar(v)) for k, v in _entries(slot).items()}
                    if {"domain", "bus", "slot", "func"} <= f.keys():
                        pcis.append("{:04x}:{:02x}:{:02x}.{:x}".format(
                            *(int(f[k], 16) for k in ("domain", "bus", "slot", "func"))))
        elif kind_name == "vfb":
            fields = [f"{k}={_scalar(v)}" for k, v in settings.items()
                     if k in ("type", "vnclisten", "vncunused", "vncdisplay", "keymap")
                     and _scalar(v) != ""]
            config.values.setdefault("vfb", [])
            vfb = config.values["vfb"]
            assert isinstance(vfb, list)
            vfb.append(",".join(fields))
    for key, devices in (("disk", disks), ("vif", vifs), ("pci", pcis)):
        if devices:
            config.values[key] = list(devices)
            config.lines[key] = line
    config.notes.append("a xend-managed domain (xm new): no file in /etc/xen; xl "
                        "creates it from the file xenmig writes")
    return config


def autostarted(text: str, name: str) -> bool:
    """Whether xend started the managed domain at its own start
    (``on_xend_start start``, or ``auto_power_on``)."""
    top = parse_sxp(text, name)
    for expr, _ in top:
        if isinstance(expr, list) and expr and expr[0] == "domain":
            entries = _entries(expr)
            return _scalar(entries.get("on_xend_start", [])) == "start" or \
                _scalar(entries.get("auto_power_on", [])) in ("True", "1", 1)
    return False
