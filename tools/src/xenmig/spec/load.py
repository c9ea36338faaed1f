"""Loading a host spec: TOML -> :class:`HostSpec`, or a :class:`UserError`
naming the file and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from xenmig.errors import UserError
from xenmig.spec.model import HostSection, HostSpec, KernelSection, PortageSection
from xenmig.spec.settings import REQUIRED, SECTIONS, SETTINGS


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


def load_spec(path: Path) -> HostSpec:
    raw = _read(path)
    for section in raw:
        if section not in SECTIONS:
            raise UserError(f"{path}: [{section}]: unknown section (known: {', '.join(SECTIONS)})")
        if not isinstance(raw[section], dict):
            raise UserError(f"{path}: {section}: must be a table ([{section}])")
    values: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
    for section in SECTIONS:
        table = raw.get(section, {})
        known = {s.key for s in SETTINGS if s.section == section}
        for key in table:
            if key not in known:
                raise UserError(f"{path}: [{section}] {key}: unknown key")
    for setting in SETTINGS:
        table = raw.get(setting.section, {})
        where = f"{path}: [{setting.section}] {setting.key}"
        if setting.key not in table:
            if setting.default is REQUIRED:
                raise UserError(f"{where}: missing (required)")
            values[setting.section][setting.key] = setting.default
            continue
        try:
            values[setting.section][setting.key] = setting.parse(table[setting.key])
        except ValueError as error:
            raise UserError(f"{where}: {error}") from error
    return HostSpec(
        path, HostSection(**values["host"]), PortageSection(**values["portage"]),
        KernelSection(**values["kernel"]),
    )
