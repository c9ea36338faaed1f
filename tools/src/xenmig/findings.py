"""Findings: what the rules say about a host, as typed results.

Each finding is a small class whose docstring is its user documentation and
whose class name is the stable id used in JSON output and tests (the
pkgcheck model).  Rules yield findings; they never print.

A finding concerns a :class:`Scope`: a host, a guest on a host, a cluster
of hosts, or a file read before any spec exists (a kernel .config, an old
host's xm config).  Most findings carry a message written by the rule
(:class:`TextFinding`); a finding may instead carry structured fields and
compute its message (:meth:`Finding.describe`), so that its JSON carries
the data as well as the words.
"""

from __future__ import annotations

import dataclasses
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


@dataclass(frozen=True)
class Scope:
    """What a finding is about.

    ``kind`` is ``host``, ``guest``, ``cluster`` or ``file``; ``name`` the
    host, guest, cluster or the file's path; ``host`` the host a guest is
    on; ``members`` a cluster's hosts.
    """

    kind: str
    name: str
    host: str | None = None
    members: tuple[str, ...] = ()

    @classmethod
    def for_host(cls, name: str) -> Scope:
        return cls("host", name)

    @classmethod
    def for_guest(cls, host: str, guest: str) -> Scope:
        return cls("guest", guest, host=host)

    @classmethod
    def for_cluster(cls, name: str, members: Iterable[str]) -> Scope:
        return cls("cluster", name, members=tuple(members))

    @classmethod
    def for_file(cls, path: str) -> Scope:
        return cls("file", path)

    @property
    def label(self) -> str:
        """What a line of text starts with: the host (a guest's host), the
        cluster with its hosts, or the file."""
        if self.kind == "guest":
            return str(self.host)
        if self.kind == "cluster":
            return f"cluster {self.name} ({', '.join(self.members)})"
        return self.name

    @property
    def detail(self) -> str:
        """What follows the level: the guest a finding is about."""
        return f"guest {self.name}: " if self.kind == "guest" else ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"scope": self.kind}
        if self.kind == "guest":
            data.update(host=self.host, guest=self.name)
        elif self.kind == "cluster":
            data.update(cluster=self.name, hosts=list(self.members))
        else:
            data[self.kind if self.kind == "host" else "path"] = self.name
        return data


# Every finding class, by name: each subclass registers itself where it is
# defined (the reference page imports the whole package to see them all).
REGISTRY: dict[str, type[Finding]] = {}
# Called with every finding made (the tests use it to see which classes
# their cases produce); empty in normal use.
OBSERVERS: list[Callable[[Finding], None]] = []

# The fields every finding has; any others are a finding's structured data.
_COMMON = frozenset({"scope", "message", "file", "key"})


@dataclass(frozen=True)
class Finding:
    """Base class; subclasses set ``level``, document themselves, and either
    take a message (:class:`TextFinding`) or compute it from their fields
    (override :meth:`describe`, and :meth:`location` when the finding points
    at a file and key)."""

    level: ClassVar[Level] = Level.INFO

    scope: Scope

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__name__ in REGISTRY and REGISTRY[cls.__name__] is not cls:
            raise TypeError(f"two finding classes named {cls.__name__}: "
                            f"{REGISTRY[cls.__name__].__module__}, {cls.__module__}")
        if cls.__name__ != "TextFinding":
            REGISTRY[cls.__name__] = cls

    def __post_init__(self) -> None:
        for observe in OBSERVERS:
            observe(self)

    @property
    def name(self) -> str:
        return type(self).__name__

    def describe(self) -> str:
        """The message, in words."""
        raise NotImplementedError(f"{self.name} computes no message")

    def location(self) -> tuple[str | None, str | None]:
        """The file and key the finding points at (either may be None)."""
        return None, None

    def data(self) -> dict[str, Any]:
        """The structured fields beyond scope, message and location."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)
                if f.name not in _COMMON}

    def as_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"name": self.name, "level": str(self.level)}
        result.update(self.scope.as_json())
        result["message"] = self.describe()
        file, key = self.location()
        if file is not None:
            result["file"] = file
        if key is not None:
            result["key"] = key
        if data := self.data():
            result["data"] = data
        return result

    def __str__(self) -> str:
        file, key = self.location()
        where = self.scope.detail
        where += f"{file}: " if file and file != self.scope.label else ""
        where += f"{key}: " if key else ""
        return f"{self.scope.label}: {self.level}: {where}{self.describe()} [{self.name}]"


@dataclass(frozen=True)
class TextFinding(Finding):
    """A finding whose message the rule writes."""

    message: str
    file: str | None = None
    key: str | None = None

    def describe(self) -> str:
        return self.message

    def location(self) -> tuple[str | None, str | None]:
        return self.file, self.key


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding is an error: nothing may be written then."""
    return any(f.level is Level.ERROR for f in findings)


def exit_status(findings: Iterable[Finding]) -> int:
    """0 without errors, 1 with error findings (bad input exits 2 earlier)."""
    return 1 if has_errors(findings) else 0
