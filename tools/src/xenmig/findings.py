"""Findings: what the rules say about a host, as typed results.

Each finding is a small class whose docstring is its user documentation and
whose class name is the stable id used in JSON output and tests (the
pkgcheck model).  Rules yield findings; they never print.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar


class Level(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    """Base class; subclasses set ``level`` and document themselves."""

    level: ClassVar[Level] = Level.INFO

    host: str
    message: str
    file: str | None = None
    key: str | None = None

    @property
    def name(self) -> str:
        return type(self).__name__

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name, "level": str(self.level), "host": self.host, "message": self.message,
        }
        if self.file is not None:
            data["file"] = self.file
        if self.key is not None:
            data["key"] = self.key
        return data

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        where += f"{self.key}: " if self.key else ""
        return f"{self.host}: {self.level}: {where}{self.message} [{self.name}]"


def exit_status(findings: list[Finding]) -> int:
    """0 without errors, 1 with error findings (bad input exits 2 earlier)."""
    return 1 if any(f.level is Level.ERROR for f in findings) else 0


def all_finding_classes() -> list[type[Finding]]:
    """Every finding class of the rules (for the reference documentation)."""
    import importlib
    import pkgutil

    import xenmig.rules

    # Importing the modules defines their finding classes.
    for module in pkgutil.iter_modules(xenmig.rules.__path__, "xenmig.rules."):
        importlib.import_module(module.name)
    importlib.import_module("xenmig.writer")
    importlib.import_module("xenmig.kernel.check")
    found: list[type[Finding]] = []
    todo = list(Finding.__subclasses__())
    while todo:
        cls = todo.pop(0)
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: c.__name__)
