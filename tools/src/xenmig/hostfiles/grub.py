"""GRUB's host files.  GRUB legacy's menu (/boot/grub/grub.conf, menu.lst),
read as GRUB reads it: global settings before the first ``title``, then
entries, each command with its arguments and line number.  GRUB 2's
/etc/default/grub, read as bash would assign it (never run).  Pure: text in,
typed data out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from xenmig.hostfiles.shell import ShellValues, read_shell

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


@dataclass(frozen=True)
class GrubSetting:
    """A variable of /etc/default/grub: its value as bash assigns it (""
    unset, None unknown: a statement xenmig did not run may have changed
    it) and the line that last set it (None: never set)."""

    value: str | None
    line: int | None


@dataclass(frozen=True)
class GrubDefaults:
    """What xenmig builds on in /etc/default/grub: dom0's own kernel
    arguments and the distributor that names GRUB's entries.  ``shell`` is
    the whole file's reading (what it refused, every variable)."""

    linux: GrubSetting
    linux_default: GrubSetting
    distributor: GrubSetting
    shell: ShellValues

    # The variables, by field.
    NAMES: ClassVar[dict[str, str]] = {
        "linux": "GRUB_CMDLINE_LINUX", "linux_default": "GRUB_CMDLINE_LINUX_DEFAULT",
        "distributor": "GRUB_DISTRIBUTOR",
    }

    def unknown(self) -> list[str]:
        """The variables whose value is unknown."""
        return [name for attr, name in self.NAMES.items() if getattr(self, attr).value is None]


def read_grub_defaults(data: bytes) -> GrubDefaults:
    """/etc/default/grub, parsed as bash would assign it, never run."""
    shell = read_shell(data)

    def setting(name: str) -> GrubSetting:
        return GrubSetting(shell.get(name), shell.lines.get(name))

    names = GrubDefaults.NAMES
    return GrubDefaults(setting(names["linux"]), setting(names["linux_default"]),
                        setting(names["distributor"]), shell)
