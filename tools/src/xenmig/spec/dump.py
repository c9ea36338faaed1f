"""The one writer of host specs: a :class:`HostSpec` as TOML that
:func:`xenmig.spec.load_spec` reads back to the same spec (``xenmig plan``
prints the derived reinstall spec with it; discover will write specs)."""

from __future__ import annotations

from typing import Any

from xenmig.spec.model import AdoptSection, HostSpec, RemusSection, Version, VifSection, XlTable
from xenmig.spec.settings import ARRAY_SECTIONS, SECTIONS, SETTINGS


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters
    escaped (so no value can close the string or start a new line)."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 0x20 or ord(c) == 0x7F or 0xD800 <= ord(c) <= 0xDFFF:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Version):
        return toml_string(value.text)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, VifSection):
        items = [("bridge", value.bridge), ("mac", value.mac), ("model", value.model),
                 *value.options]
        return _inline([(k, v) for k, v in items if v is not None])
    if isinstance(value, XlTable):
        return _inline(list(value.items))
    if isinstance(value, AdoptSection):
        return _inline([("path", value.path), ("sha256", value.sha256)])
    if isinstance(value, RemusSection):
        return _inline([(k, v) for k, v in (("backup", value.backup), ("interval", value.interval),
                                            ("netbuf", value.netbuf),
                                            ("accept_disk_loss", value.accept_disk_loss))
                        if v is not None])
    raise TypeError(f"no TOML form for {value!r}")


def _inline(items: list[tuple[str, Any]]) -> str:
    """A TOML inline table."""
    def key(name: str) -> str:
        bare = name and all(c.isascii() and (c.isalnum() or c in "_-") for c in name)
        return name if bare else toml_string(name)
    return "{" + ", ".join(f"{key(k)} = {toml_value(v)}" for k, v in items) + "}"


def table_lines(section: str, values: Any) -> list[str]:
    """The settings of one table of ``section`` that differ from their
    defaults, as TOML lines."""
    return [f"{s.key} = {toml_value(getattr(values, s.key))}"
            for s in SETTINGS if s.section == section and getattr(values, s.key) != s.default]


def dump(spec: HostSpec) -> str:
    """``spec`` as host-spec TOML: the settings that differ from their
    defaults (sections without any are left out; required ones always
    differ)."""
    out = []
    for section in SECTIONS:
        items = getattr(spec, section)
        header = f"[[{section}]]" if section in ARRAY_SECTIONS else f"[{section}]"
        for values in items if section in ARRAY_SECTIONS else (items,):
            lines = table_lines(section, values)
            if lines:
                out += [header, *lines, ""]
    return "\n".join(out)
