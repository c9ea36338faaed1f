"""xl's global configuration (/etc/xen/xl.conf): ``key = value`` lines
with their line numbers.  Pure: text in, typed data out."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SETTING = re.compile(r"""^\s*([A-Za-z0-9_.]+)\s*=\s*("[^"]*"|'[^']*'|[^#\s]*)""")


@dataclass(frozen=True)
class XlSetting:
    value: str
    line: int


def xl_setting(line: str) -> tuple[str | None, str]:
    """(key, value) of one ``key = "value"  # comment`` line; (None, "")
    for anything else."""
    m = _SETTING.match(line)
    if m is None:
        return None, ""
    return m[1], m[2].strip("'\"")


def read_xl_conf(text: str) -> dict[str, XlSetting]:
    """Each key's last setting (xl reads the file top to bottom)."""
    found: dict[str, XlSetting] = {}
    for number, line in enumerate(text.splitlines(), 1):
        key, value = xl_setting(line)
        if key:
            found[key] = XlSetting(value, number)
    return found
