"""GRUB legacy's menu (/boot/grub/grub.conf, menu.lst), read as GRUB reads
it: global settings before the first ``title``, then entries, each command
with its arguments and line number.  Pure: text in, typed data out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A command and its arguments are separated by blanks or "=".
_LINE = re.compile(r"^([a-z]+)(?:[\s=]+(.*))?$")


@dataclass(frozen=True)
class MenuEntry:
    """One ``title`` entry: its commands ({command: arguments}, the first
    of each; ``module`` lines as module1, module2, ...) and where it starts."""

    title: str
    line: int
    commands: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LegacyMenu:
    settings: dict[str, str]
    entries: tuple[MenuEntry, ...]
    # the line of each global setting
    setting_lines: dict[str, int]


def read_legacy_menu(text: str) -> LegacyMenu:
    settings: dict[str, str] = {}
    lines: dict[str, int] = {}
    entries: list[MenuEntry] = []
    for number, raw in enumerate(text.splitlines(), 1):
        m = _LINE.match(raw.strip())
        if m is None:  # blank lines and comments
            continue
        command, rest = m[1], (m[2] or "").strip()
        if command == "title":
            entries.append(MenuEntry(rest, number))
        elif not entries:
            settings.setdefault(command, rest)
            lines.setdefault(command, number)
        elif command == "module":
            commands = entries[-1].commands
            commands[f"module{sum(k.startswith('module') for k in commands) + 1}"] = rest
        else:
            entries[-1].commands.setdefault(command, rest)
    return LegacyMenu(settings, tuple(entries), lines)
