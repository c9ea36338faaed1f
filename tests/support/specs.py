"""Writing host specs for tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xenmig.spec.dump import toml_string

BASE: dict[str, dict[str, Any]] = {
    "host": {"name": "t1", "arch": "amd64", "xen": "4.20", "kernel": "6.12"},
    "portage": {},
}


def _value(value: Any) -> str:
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):  # an inline table
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def _key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)
    return key if bare else _value(key)


def toml(data: dict[str, Any]) -> str:
    """TOML of {section: table}; a list of tables is an array of tables."""
    out = []
    for section, table in data.items():
        if isinstance(table, list):
            for item in table:
                out.append(f"[[{_key(section)}]]")
                out += [f"{_key(key)} = {_value(value)}" for key, value in item.items()]
            continue
        out.append(f"[{_key(section)}]")
        out += [f"{_key(key)} = {_value(value)}" for key, value in table.items()]
    return "\n".join(out) + "\n"


def write_spec(directory: Path, name: str = "t1", **sections: Any) -> Path:
    """A spec from BASE with ``sections`` merged in (None values removed); a
    list value is an array of tables ([[bridge]])."""
    data: dict[str, Any] = {section: dict(table) for section, table in BASE.items()}
    data["host"]["name"] = name
    for section, table in sections.items():
        if isinstance(table, list):
            data[section] = table
            continue
        merged = {**data.get(section, {}), **table}
        data[section] = {k: v for k, v in merged.items() if v is not None}
    path = directory / f"{name}.toml"
    path.write_text(toml(data), encoding="utf-8")
    return path


def guest_host(name: str, bridges: tuple[str, ...], xen: str = "4.20") -> str:
    """The TOML of a host for guests (HVM allowed) with one bridge per name
    (port eth0, eth1, ...), for [[domu]] tables to follow."""
    return toml({
        "host": {"name": name, "arch": "amd64", "xen": xen, "kernel": "6.12"},
        "portage": {},
        "kernel": {"hvm_guests": True},
        "bridge": [{"name": bridge, "ports": [f"eth{n}"]} for n, bridge in enumerate(bridges)],
    }) + "\n"
