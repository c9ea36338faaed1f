"""Loading a host spec: TOML -> :class:`HostSpec`, or a :class:`UserError`
naming the file and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from xenmig.errors import UserError
from xenmig.spec.model import (
    BootSection,
    BridgeSection,
    HostSection,
    HostSpec,
    KernelSection,
    PortageSection,
)
from xenmig.spec.settings import ARRAY_SECTIONS, REQUIRED, SECTIONS, SETTINGS


def _read(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror}") from error
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 text") from error
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path}: not valid TOML: {error}") from error


def _table(path: Path, where: str, section: str, table: dict[str, Any]) -> dict[str, Any]:
    """The parsed settings of one table of ``section`` (``where`` names it)."""
    settings = [s for s in SETTINGS if s.section == section]
    known = {s.key for s in settings}
    for key in table:
        if key not in known:
            raise UserError(f"{path}: {where} {key}: unknown key")
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
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise UserError(f"{path}: bridge: must be an array of tables ([[bridge]])")
    bridges = tuple(
        BridgeSection(**_table(path, f"[[bridge]] #{n}", "bridge", item))
        for n, item in enumerate(items, 1)
    )
    names: dict[str, int] = {}
    members: dict[str, str] = {}
    for n, bridge in enumerate(bridges, 1):
        if bridge.name in names:
            raise UserError(f"{path}: [[bridge]] #{n} name: {bridge.name!r} is also bridge "
                            f"#{names[bridge.name]}")
        names[bridge.name] = n
        for member in bridge.members:
            if member in members:
                raise UserError(f"{path}: [[bridge]] #{n} ports: {member} is already a port "
                                f"of {members[member]}")
            members[member] = bridge.name
    return bridges


def load_spec(path: Path) -> HostSpec:
    raw = _read(path)
    for section in raw:
        if section not in SECTIONS:
            raise UserError(f"{path}: [{section}]: unknown section (known: {', '.join(SECTIONS)})")
        if section not in ARRAY_SECTIONS and not isinstance(raw[section], dict):
            raise UserError(f"{path}: {section}: must be a table ([{section}])")
    values = {
        section: _table(path, f"[{section}]", section, raw.get(section, {}))
        for section in SECTIONS if section not in ARRAY_SECTIONS
    }
    return HostSpec(
        path, HostSection(**values["host"]), PortageSection(**values["portage"]),
        KernelSection(**values["kernel"]), BootSection(**values["boot"]),
        _bridges(path, raw.get("bridge", [])),
    )
