"""Values in xl's configuration syntax (xl.cfg(5)): the one writer of xl
files' values, for the guests xenmig renders and the configs it converts."""

from __future__ import annotations

from xenmig.errors import UserError

# Backslash escapes xl's parser reads in a quoted string (libxlu).
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
            "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}


def xl_value(value: object, key: str) -> str:
    """``value`` as xl reads it: numbers bare, booleans 1/0, strings quoted
    (double quotes, single ones when the string holds a double quote, and
    backslash escapes when it holds a backslash, both quotes or a control
    character), lists in brackets.  ``key`` names the setting in an error."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        plain = "\\" not in value and value.isprintable()
        if plain and '"' not in value:
            return f'"{value}"'
        if plain and "'" not in value:
            return f"'{value}'"
        return '"' + "".join(_ESCAPES.get(c, c) if c.isprintable() or c in _ESCAPES
                             else f"\\x{ord(c):02x}" for c in value) + '"'
    if isinstance(value, list | tuple):
        return "[ " + ", ".join(xl_value(v, key) for v in value) + " ]"
    raise UserError(f"{key}: no xl form for {value!r}")


def xl_setting(key: str, value: object) -> str:
    """One line of an xl file: ``key = value``."""
    return f"{key} = {xl_value(value, key)}"
