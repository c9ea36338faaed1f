"""Errors of the tools.

Findings about the user's data are results, not exceptions; exceptions are
for the cases where the tools cannot go on.  All of them derive from
:class:`XenmigError`, which the CLI turns into a one-line message and an exit
status instead of a traceback.
"""

from __future__ import annotations

from typing import Any


class XenmigError(Exception):
    """A failure the CLI reports as ``xenmig: <message>`` and exit status 1."""

    exit_status = 1


class UserError(XenmigError):
    """Bad input: the message names the file and the key; exit status 2."""

    exit_status = 2


class ToolError(XenmigError):
    """An external tool (portage, egencache, make, ...) failed."""


# How much of a value an error message shows.
SHOWN = 120


def shown(value: object) -> str:
    """``repr(value)``, cut to its start and its length when long: a 1 MB
    value in a spec gives a one-line error, not a 2 MB one."""
    text = repr(value)
    if len(text) <= SHOWN:
        return text
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return f"{text[:SHOWN]}...{size}"


def shown_name(name: str) -> str:
    """A key or section name as written, or :func:`shown` when long."""
    return name if len(name) <= SHOWN else shown(name)


def cut(message: str, limit: int = 2000) -> str:
    """A whole message cut to ``limit`` characters (the last guard, in the CLI)."""
    if len(message) <= limit:
        return message
    return f"{message[:limit]}... ({len(message)} characters in all)"


def maint_module(name: str) -> Any:
    """``import name`` for the maintainers' tools (jinja2, git): they come
    with the ``maint`` extra, not on a dom0; without them, a clear error."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise XenmigError(
            f"{name} is missing: the maintainers' tools need it (pip install "
            "'xen-migration-tools[maint]', or USE=maint on app-emulation/xen-migration-tools)"
        ) from error
