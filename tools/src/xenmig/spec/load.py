"""Loading a host spec: TOML -> :class:`HostSpec`, or a :class:`UserError`
naming the file and the key."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

from xenmig.cache import cache_dir, code_identity, store
from xenmig.errors import UserError, shown, shown_name
from xenmig.guests.xldisk import parse_disk
from xenmig.guests.xlkeys import XL_KEYS, series_keys
from xenmig.hostfiles.root import read_file
from xenmig.spec.model import (
    AdoptSection,
    BootSection,
    BridgeSection,
    DomuSection,
    HostSection,
    HostSpec,
    KernelSection,
    PortageSection,
    RemusSection,
    Version,
    VifSection,
    XlTable,
)
from xenmig.spec.settings import (
    ARRAY_SECTIONS,
    GUEST_NAME_RE,
    REQUIRED,
    SECTIONS,
    SETTINGS,
    XEN_SERIAL_ARGS,
)


def _read_bytes(path: Path) -> bytes:
    return read_file(path)


def _parse(path: Path, data: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 text") from error
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path}: not valid TOML: {error}") from error


def table_values(path: Path | str, where: str, section: str,
                 table: dict[str, Any]) -> dict[str, Any]:
    """The parsed settings of one table of ``section`` (``where`` names it)."""
    settings = [s for s in SETTINGS if s.section == section]
    known = {s.key for s in settings}
    for key in table:
        if key not in known:
            raise UserError(f"{path}: {where} {shown_name(key)}: unknown key")
    values: dict[str, Any] = {}
    for setting in settings:
        at = f"{path}: {where} {setting.key}"
        if setting.key not in table:
            if setting.default is REQUIRED:
                raise UserError(f"{at}: missing (required)")
            values[setting.key] = setting.default
            continue
        try:
            values[setting.key] = setting.parse(table[setting.key])
        except ValueError as error:
            raise UserError(f"{at}: {error}") from error
    return values


def _bridges(path: Path, items: Any) -> tuple[BridgeSection, ...]:
    bridges = tuple(
        BridgeSection(**table_values(path, f"[[bridge]] #{n}", "bridge", item))
        for n, item in enumerate(_array(path, "bridge", items), 1)
    )
    names: dict[str, int] = {}
    members: dict[str, str] = {}
    for n, bridge in enumerate(bridges, 1):
        if bridge.name in names:
            raise UserError(f"{path}: [[bridge]] #{n} name: {shown(bridge.name)} is also bridge "
                            f"#{names[bridge.name]}")
        names[bridge.name] = n
        for member in bridge.members:
            if member in members:
                raise UserError(f"{path}: [[bridge]] #{n} ports: {member} is already a port "
                                f"of {members[member]}")
            members[member] = bridge.name
    return bridges


def _array(path: Path, section: str, items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise UserError(f"{path}: {section}: must be an array of tables ([[{section}]])")
    return items


def guest_label(n: int, name: object) -> str:
    """How an error names guest ``n``: ``[[domu]] #2 (web)`` (the name
    only when it is one)."""
    return f"[[domu]] #{n} ({name})" if isinstance(name, str) and \
        GUEST_NAME_RE.fullmatch(name) else f"[[domu]] #{n}"


def _domus(path: Path, items: Any, bridges: tuple[BridgeSection, ...],
           kernel: KernelSection, xen: Version, host: str) -> tuple[DomuSection, ...]:
    tables = _array(path, "domu", items)
    labels = [guest_label(n, item.get("name")) for n, item in enumerate(tables, 1)]
    domus = tuple(DomuSection(**table_values(path, label, "domu", item))
                  for label, item in zip(labels, tables, strict=True))
    names: dict[str, int] = {}
    adopted: dict[str, int] = {}
    known = {b.name for b in bridges}
    for n, domu in enumerate(domus, 1):
        at = f"{path}: {labels[n - 1]}"
        if domu.name in names:
            raise UserError(f"{at} name: {shown(domu.name)} is also guest #{names[domu.name]}")
        names[domu.name] = n
        if domu.bridges and domu.vif:
            raise UserError(f"{at} vif: give the guest's vifs either as bridges or as "
                            "[[domu.vif]] tables, not both")
        for bridge in domu.bridges:
            if bridge not in known:
                raise UserError(f"{at} bridges: {shown(bridge)} is not a [[bridge]] of this host "
                                f"(known: {', '.join(sorted(known)) or 'none'})")
        for k, vif in enumerate(domu.vif, 1):
            if vif.bridge not in known:
                raise UserError(f"{at} vif #{k} bridge: {shown(vif.bridge)} is not a [[bridge]] "
                                f"of this host (known: {', '.join(sorted(known)) or 'none'})")
        if domu.adopt and domu.adopt.path in adopted:
            raise UserError(f"{at} adopt: {domu.adopt.path} is also adopted by guest "
                            f"#{adopted[domu.adopt.path]}")
        if domu.adopt:
            adopted[domu.adopt.path] = n
        if domu.remus and domu.remus.backup == host:
            raise UserError(f"{at} remus backup: {host} is this host; the backup is the host "
                            "that carries on when this one dies")
        series = xen.series()
        for key, _ in domu.xl.items:
            if key not in series_keys(series):
                raise UserError(f"{at} xl {key}: xl of Xen {series} does not read it (since "
                                f"{XL_KEYS[key].since})")
        if domu.type == "hvm":
            if not kernel.hvm_guests:
                raise UserError(f"{at} type: an HVM guest needs [kernel] hvm_guests = true "
                                "(its device model needs TUN/TAP in dom0)")
            for key in ("ramdisk", "args"):
                if getattr(domu, key) and not domu.kernel:
                    raise UserError(f"{at} {key}: an HVM guest without a direct kernel boots "
                                    "from its disks")
        if domu.os != "modern" and domu.type != "pv":
            raise UserError(f"{at} type: {domu.os} guests' kernels run PV only, not "
                            f"{domu.type}")
        if domu.kernel is None:
            if domu.ramdisk:
                raise UserError(f"{at} ramdisk: only with a direct kernel")
            if domu.type == "pvh" and domu.args:
                raise UserError(f"{at} args: GRUB's xen_pvh image takes the arguments from "
                                "the guest's grub.cfg")
            if not domu.disks:
                raise UserError(f"{at} disks: the guest has no kernel and no disk to boot "
                                "from")
    _shared_disks(path, domus, labels)
    return domus


def _shared_disks(path: Path, domus: tuple[DomuSection, ...], labels: list[str]) -> None:
    """A disk written by one guest is used by no other guest of the host:
    xl has no form of xm's w! (a disk written by several guests at once)."""
    users: dict[str, list[tuple[int, bool]]] = {}
    for n, domu in enumerate(domus):
        for disk in domu.disks:
            parsed = parse_disk(disk)
            if parsed.target:
                users.setdefault(parsed.target, []).append((n, parsed.access == "rw"))
    for target, uses in users.items():
        guests = sorted({n for n, _ in uses})
        if len(guests) > 1 and any(writes for _, writes in uses):
            first, second = (domus[n].name for n in guests[:2])
            raise UserError(f"{path}: {labels[guests[1]]} disks: {target} is also a disk of "
                            f"guest {first!r}, and one of {first!r} and {second!r} writes it: "
                            "xl has no shared writable disk (xm's w!); give each its own disk, "
                            "or share a cluster filesystem over the network")


def check_fleet(specs: list[HostSpec]) -> None:
    """What must hold across hosts: a guest is defined once, and its MACs
    (derived from its name) are unique on the fleet's networks."""
    guests: dict[str, HostSpec] = {}
    macs: dict[str, tuple[HostSpec, str]] = {}
    for spec in specs:
        for n, domu in enumerate(spec.domu, 1):
            at = f"{spec.path}: {guest_label(n, domu.name)}"
            if domu.name in guests and guests[domu.name] is not spec:
                raise UserError(f"{at} name: {shown(domu.name)} is also a guest in "
                                f"{guests[domu.name].path} (a guest lives on one host)")
            guests[domu.name] = spec
            for mac in domu.macs:
                other = macs.get(mac)
                if other and other[1] != domu.name:
                    raise UserError(f"{at} name: its MAC {mac} is also the MAC of guest "
                                    f"{other[1]!r} ({other[0].path}); rename one of them")
                macs[mac] = (spec, domu.name)


def load_spec(path: Path) -> HostSpec:
    """The spec in ``path``.  A spec parsed before from the same bytes at
    the same path, by the same code, is taken from the cache, stored as
    JSON data (a fleet's thousand specs: 0.6 s to parse and check, 0.2 s
    from the cache)."""
    data = _read_bytes(path)
    key = hashlib.sha256(code_identity() + str(path).encode() + b"\0" + data).hexdigest()
    memo = cache_dir() / "specs" / key[:2] / f"{key}.json"
    try:
        spec = _decode(json.loads(memo.read_bytes()))
        if isinstance(spec, HostSpec) and spec.path == path:
            return spec
    except (OSError, ValueError, TypeError, KeyError):
        pass  # missing, torn or of another shape: parse again
    spec = _load(path, data)
    store(memo, json.dumps(_encode(spec), separators=(",", ":")).encode())
    return spec


def load_text(path: Path, data: bytes) -> HostSpec:
    """A spec from its bytes, as :func:`load_spec` checks it (``path`` names
    it in errors), without the cache: a spec not yet written anywhere."""
    return _load(path, data)


# The classes a cached spec is made of: the only ones its data may name.
_CLASSES = {cls.__name__: cls for cls in (
    HostSpec, HostSection, PortageSection, KernelSection, BootSection, BridgeSection,
    DomuSection, VifSection, XlTable, AdoptSection, RemusSection, Version)}


def _encode(value: Any) -> Any:
    if isinstance(value, Path):
        return {"__path__": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"__type__": type(value).__name__,
                **{f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if not isinstance(value, dict):
        return value
    if set(value) == {"__path__"}:
        return Path(value["__path__"])
    cls = _CLASSES[value["__type__"]]
    return cls(**{k: _decode(v) for k, v in value.items() if k != "__type__"})


def _load(path: Path, data: bytes) -> HostSpec:
    raw = _parse(path, data)
    for section in raw:
        if section not in SECTIONS:
            raise UserError(f"{path}: [{shown_name(section)}]: unknown section "
                            f"(known: {', '.join(SECTIONS)})")
        if section not in ARRAY_SECTIONS and not isinstance(raw[section], dict):
            raise UserError(f"{path}: {section}: must be a table ([{section}])")
    values = {
        section: table_values(path, f"[{section}]", section, raw.get(section, {}))
        for section in SECTIONS if section not in ARRAY_SECTIONS
    }
    kernel = KernelSection(**values["kernel"])
    boot = BootSection(**values["boot"])
    if boot.serial and (own := [a for a in boot.xen_args
                                if a.split("=", 1)[0] in XEN_SERIAL_ARGS]):
        raise UserError(f"{path}: [boot] xen_args: {shown(own[0])}: written from [boot] serial "
                        "= true (set serial = false to give Xen's console yourself)")
    if boot.loader == "grub-legacy" and boot.firmware == "uefi":
        raise UserError(f"{path}: [boot] firmware: GRUB legacy does not boot UEFI hosts; "
                        'use loader = "grub2"')
    bridges = _bridges(path, raw.get("bridge", []))
    return HostSpec(
        path, HostSection(**values["host"]), PortageSection(**values["portage"]),
        kernel, boot, bridges,
        _domus(path, raw.get("domu", []), bridges, kernel, values["host"]["xen"],
               values["host"]["name"]),
    )
