"""xl disk specifications (xl-disk-configuration(5)), checked by its
grammar as libxl's disk parser applies it: named parameters and flags,
positional parameters (target, format, vdev, access) in order, ``target=``
last taking the rest of the string, and xend's deprecated
``[format:]target,vdev[:devtype],access`` form.  Pure: a string in, the
disk's parameters out, or ValueError saying what xl would refuse."""

from __future__ import annotations

import re
from dataclasses import dataclass

FORMATS = ("raw", "qcow", "qcow2", "vhd", "qed")
ACCESS = {"r": "ro", "ro": "ro", "w": "rw", "rw": "rw"}
NAMED = ("format", "vdev", "access", "devtype", "backend", "backendtype", "script",
         "specification", "colo-host", "colo-port", "colo-export", "active-disk", "hidden-disk")
FLAGS = ("cdrom", "direct-io-safe", "discard", "no-discard", "trusted", "untrusted", "colo")
# Deprecated prefixes of the target (xend's "phy:/dev/...", "tap:aio:/img").
_PREFIXES = ("aio", "tap", "tap2", "file", "phy", *FORMATS)
_VDEV = re.compile(r"^(?:(?:xvd|hd|sd)[a-z]+[0-9]*|d[0-9]+(?:p[0-9]+)?)$")


@dataclass(frozen=True)
class Disk:
    target: str
    vdev: str
    access: str  # "rw" or "ro"
    format: str = ""
    devtype: str = ""
    options: tuple[str, ...] = ()  # the other named parameters and flags, as written
    deprecated: bool = False


def parse_disk(spec: str) -> Disk:
    text = spec
    target_named: str | None = None
    m = re.search(r"(?:^|,)\s*target=", text)
    if m:
        target_named = text[m.end():]
        text = text[:m.start()]
    values: dict[str, str] = {}
    options: list[str] = []
    positional: list[str] = []
    deprecated = False
    for raw in text.split(",") if text.strip() or target_named is None else []:
        token = raw.lstrip()
        key, sep, value = token.partition("=")
        if sep:
            if key not in NAMED:
                raise ValueError(f"{token}: not a disk parameter (xl-disk-configuration(5))")
            if key in values:
                raise ValueError(f"{key}: given twice")
            values[key] = value
            if key not in ("format", "vdev", "access", "devtype"):
                options.append(token)
        elif token in FLAGS:
            if token == "cdrom":
                values["devtype"] = "cdrom"
            else:
                options.append(token)
        else:
            positional.append(token)
    slots = ["target", "format", "vdev", "access"]
    if positional:
        first = positional[0]
        head, colon, rest = first.partition(":")
        if colon and head in _PREFIXES and not first.startswith("/"):
            deprecated = True
            prefix = first
            while True:  # tap:aio:qcow:/img
                head, colon, rest = prefix.partition(":")
                if not colon or head not in _PREFIXES:
                    break
                if head in FORMATS:
                    values.setdefault("format", head)
                prefix = rest
            positional[0] = prefix
            slots = ["target", "vdev", "access"]
    if len(positional) > 1 and ":" in positional[1] and not deprecated:
        deprecated = True  # ",hdc:cdrom,r": xend's vdev:devtype after the target
        slots = ["target", "vdev", "access"]
    if len(positional) > len(slots):
        raise ValueError(f"{positional[len(slots)]!r}: too many positional parameters "
                         "(target, format, vdev, access)")
    for slot, token in zip(slots, positional, strict=False):
        if slot in values and token:
            raise ValueError(f"{slot}: given twice")
        if slot == "vdev" and deprecated and ":" in token:
            token, _, devtype = token.partition(":")
            values["devtype"] = devtype
        if token or slot not in values:
            values[slot] = token
    if target_named is not None:
        if values.get("target"):
            raise ValueError("target: given twice")
        values["target"] = target_named
    fmt = values.get("format", "")
    if fmt and fmt not in FORMATS:
        raise ValueError(f"format={fmt}: one of {', '.join(FORMATS)}")
    vdev = values.get("vdev", "")
    if not vdev:
        raise ValueError("no vdev (the guest's device name, e.g. xvda)")
    if not _VDEV.match(vdev):
        raise ValueError(f"vdev={vdev}: not a virtual device name like xvda, hdc or sda1")
    devtype = values.get("devtype", "")
    if devtype and devtype != "cdrom":
        raise ValueError(f"devtype={devtype}: only cdrom")
    access = values.get("access", "")
    if access and access not in ACCESS:
        raise ValueError(f"access={access}: one of ro, r, rw, w"
                         + (" (xm's w!, a disk written by several guests at once, has no "
                            "xl form)"
                            if access in ("w!", "!") else ""))
    target = values.get("target", "")
    if not target and devtype != "cdrom":
        raise ValueError("no target (a device or image path)")
    return Disk(target, vdev, ACCESS.get(access, "ro" if devtype == "cdrom" else "rw"), fmt,
                devtype, tuple(options), deprecated)
