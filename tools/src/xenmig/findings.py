"""Findings: what the rules say about a host, as typed results.

Each finding is a small class whose docstring is its user documentation and
whose class name is the stable id used in JSON output and tests (the
pkgcheck model).  Rules yield findings; they never print.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar


class Level(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()


# Every finding class, by name: each subclass registers itself where it is
# defined (the reference page imports the whole package to see them all).
REGISTRY: dict[str, type[Finding]] = {}
# Called with every finding made (the tests use it to see which classes
# their cases produce); empty in normal use.
OBSERVERS: list[Callable[[Finding], None]] = []


@dataclass(frozen=True)
class Finding:
    """Base class; subclasses set ``level`` and document themselves."""

    level: ClassVar[Level] = Level.INFO

    host: str
    message: str
    file: str | None = None
    key: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__name__ in REGISTRY and REGISTRY[cls.__name__] is not cls:
            raise TypeError(f"two finding classes named {cls.__name__}: "
                            f"{REGISTRY[cls.__name__].__module__}, {cls.__module__}")
        REGISTRY[cls.__name__] = cls

    def __post_init__(self) -> None:
        for observe in OBSERVERS:
            observe(self)

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


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding is an error: nothing may be written then."""
    return any(f.level is Level.ERROR for f in findings)


def exit_status(findings: list[Finding]) -> int:
    """0 without errors, 1 with error findings (bad input exits 2 earlier)."""
    return 1 if has_errors(findings) else 0
