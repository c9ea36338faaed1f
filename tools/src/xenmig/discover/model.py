"""What discover found: each value with the place it was read from, the
decisions it took, and what is left to the administrator (TODOs)."""

from __future__ import annotations

import codecs
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xenmig.findings import Finding, Level, Scope, TextFinding
from xenmig.hostfiles.root import MAX_HOST_FILE, HostPathError, HostRoot
from xenmig.hostfiles.shell import ShellValues, read_shell


class DiscoverTodo(TextFinding):
    """discover could not decide a value of the host spec from the host's
    files: the spec has a ``TODO`` comment where it goes.  When the value
    has no safe default, the TODO is the value itself, so that ``check``
    names it until it is settled."""

    level = Level.WARNING


class HostFileNotRead(TextFinding):
    """A file discover reads was not read: not a regular file (a FIFO,
    socket or device would block), over the size limit for host files,
    a link leading out of the root, or a file whose syntax it does not
    accept; the message says which and why.  What it would have said is
    missing from the spec."""

    level = Level.WARNING


@dataclass(frozen=True)
class Found:
    """A value and where it comes from (``etc/make.conf:3``), with a few
    words of explanation; ``todo`` when it is a default discover chose or a
    value it could not decide (the ``value`` is then written as the TODO
    text when None)."""

    value: Any
    source: str | None = None
    note: str = ""
    todo: str | None = None

    def comment(self) -> str:
        parts = []
        if self.todo:
            parts.append(f"TODO: {self.todo}")
        if self.source:
            parts.append(f"from {self.source}")
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


@dataclass
class FoundBridge:
    name: str
    values: dict[str, Found] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)


@dataclass
class FoundGuest:
    name: str
    table: str  # the [[domu]] table, comments included
    source: str
    type: str
    bridges: tuple[str, ...]
    disks: tuple[tuple[str, bool], ...] = ()  # (target, written)


@dataclass
class Discovery:
    """Everything discover found on one host root."""

    root: Path
    label: str  # what findings are about: the root as given
    sections: dict[str, dict[str, Found]] = field(default_factory=dict)
    bridges: list[FoundBridge] = field(default_factory=list)
    guests: list[FoundGuest] = field(default_factory=list)
    # Guests left out of the spec until a TODO is settled: their tables,
    # written commented out.
    parked: list[FoundGuest] = field(default_factory=list)
    # Comment lines for a section (or "" for the top of the file).
    comments: dict[str, list[str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def set(self, section: str, key: str, found: Found) -> None:
        self.sections.setdefault(section, {})[key] = found

    def get(self, section: str, key: str) -> Any:
        found = self.sections.get(section, {}).get(key)
        return None if found is None else found.value

    def comment(self, section: str, text: str) -> None:
        self.comments.setdefault(section, []).append(text)

    def todo(self, section: str, key: str | None, text: str, file: str | None = None,
             value: Any = None, source: str | None = None) -> None:
        """A TODO: a comment in the spec (with ``value`` when it has a
        safe default) and a finding."""
        where = f"[{section}] {key}" if key else f"[{section}]"
        self.findings.append(DiscoverTodo(Scope.for_file(self.label), text, file, where))
        if key is None:
            self.comment(section, f"TODO: {text}")
        else:
            self.set(section, key, Found(value, source, todo=text))

    def not_read(self, rel: str, why: str) -> None:
        self.findings.append(HostFileNotRead(Scope.for_file(self.label), why, rel))


class HostFiles:
    """The host's files under a root, read for discover: every failure to
    read is a finding and an absent value, never an exception; nothing is
    run, nothing written."""

    def __init__(self, root: HostRoot, found: Discovery) -> None:
        self.root = root
        self.found = found
        self._shell: dict[str, ShellValues | None] = {}

    def data(self, rel: str, *, limit: int = MAX_HOST_FILE) -> bytes | None:
        try:
            return self.root.read(rel, limit=limit)
        except HostPathError as error:
            self.found.not_read(rel, error.why)
        except OSError as error:
            self.found.not_read(rel, error.strerror or str(error))
        return None

    def text(self, rel: str) -> str | None:
        """The file decoded; None when it is missing (silently) or not read
        (a finding)."""
        data = self.data(rel)
        return None if data is None else data.decode("utf-8", "replace")

    def gzip_text(self, rel: str) -> str | None:
        """A gzip-compressed file (/proc/config.gz), decompressed up to the
        size limit for host files."""
        data = self.data(rel)
        if data is None:
            return None
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                text = stream.read(MAX_HOST_FILE + 1)
        except (OSError, EOFError) as error:
            self.found.not_read(rel, f"not gzip data ({error})")
            return None
        if len(text) > MAX_HOST_FILE:
            self.found.not_read(rel, "decompresses to more than the size limit for host files")
            return None
        return codecs.decode(text, "utf-8", "replace")

    def shell(self, rel: str) -> ShellValues | None:
        """A shell file (make.conf, conf.d/net, /etc/default/grub) parsed,
        never sourced; a statement that is not a plain assignment makes the
        values it could change unknown (the callers make a TODO of an
        unknown value they need); a command that could set any variable is
        a finding of its own."""
        if rel not in self._shell:
            data = self.data(rel)
            values = None if data is None else read_shell(data)
            if values is not None and values.refusals and values.wild:
                first = values.refusals[0]
                self.found.not_read(rel, f"statements that are not plain assignments were not "
                                         f"run ({first}; {len(values.refusals)} in all): the "
                                         "values they could set are unknown")
            self._shell[rel] = values
        return self._shell[rel]

    def names(self, directory: str) -> list[str]:
        """The entry names of a directory of the host (sorted; none when
        it is missing)."""
        return sorted(e.name for e in self.root.entries(directory))

    def exists(self, rel: str) -> bool:
        return self.root.kind(rel) != "missing"


def at(rel: str, line: int | None) -> str:
    """``rel:line`` (the file alone without a line)."""
    return f"{rel}:{line}" if line else rel


def sources(places: list[str]) -> str:
    """Several ``file:line`` places as one: ``etc/conf.d/net:1,2,3``."""
    lines: dict[str, list[str]] = {}
    for place in dict.fromkeys(places):
        file, _, line = place.partition(":")
        lines.setdefault(file, [])
        if line:
            lines[file].append(line)
    return ", ".join(f"{f}:{','.join(n)}" if n else f for f, n in lines.items())
