"""Shell-syntax configuration files of the host (/etc/conf.d/net,
/etc/default/grub, /etc/rc.conf): their values as bash would set them,
read by :mod:`xenmig.hostfiles.shell`, which never runs anything."""

from __future__ import annotations

import re
from collections.abc import Iterable

from xenmig.findings import Level, Scope, TextFinding
from xenmig.hostfiles.shell import Refusal, ShellValues, read_shell
from xenmig.output.blocks import blanked_block, block_body, render_block
from xenmig.output.contributions import Contribution
from xenmig.spec import HostSpec


class ShellFileRunsCommands(TextFinding):
    """A host file xenmig reads the way bash does (/etc/conf.d/net,
    /etc/default/grub, /etc/rc.conf) has statements that are not plain
    assignments: a command, a redirection, ``source``/``eval``, a function,
    a command substitution, an assignment in front of a command.  xenmig
    never runs them (it parses the file with a bash grammar and evaluates
    the assignments itself), so the values they could set are unknown: the
    message names the first such line and what was not done because of it."""

    level = Level.WARNING


_ASSIGN = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))$')


def assignments(contributions: Iterable[Contribution]) -> dict[str, str]:
    """{variable: value} of xenmig's own ``NAME="value"`` lines."""
    out = {}
    for c in contributions:
        if m := _ASSIGN.match(c.line):
            out[m[1]] = m[2] if m[2] is not None else m[3]
    return out


def refused(refusals: list[Refusal]) -> str:
    """The refused statements, for a message: the first and how many more."""
    more = f" and {len(refusals) - 1} more statement(s)" if len(refusals) > 1 else ""
    return f"{refusals[0]}{more}"


def host_lines(old: bytes) -> bytes:
    """A shared file's own lines, at their line numbers: the block of an
    earlier run emptied."""
    return blanked_block(old)


def host_values(old: bytes) -> ShellValues:
    """The values of a shared file's own lines (xenmig's block removed)."""
    return read_shell(host_lines(old))


def runs_commands(scope: Scope, old: bytes | ShellValues, where: str,
                  consequence: str) -> ShellFileRunsCommands | None:
    """The finding for a host file whose own lines xenmig does not run
    (``consequence`` says what that costs), None when it has none."""
    values = host_values(old) if isinstance(old, bytes) else old
    if not values.refusals:
        return None
    return ShellFileRunsCommands(scope, f"{refused(values.refusals)}: not run, so "
                                 f"{consequence}", where)


def wins_message(name: str, got: str | None, want: str) -> str:
    if got is None:
        return (f"{name}: the host's statements that xenmig does not run may change "
                f"xenmig's {want!r}")
    return f"{name}: the host's value {got!r} wins over xenmig's {want!r}"


def host_wins(spec: HostSpec, old: bytes,
              lines: list[Contribution]) -> list[tuple[str, str]]:
    """(variable, message) for each assignment of xenmig's ``lines`` that
    the host's own lines, read after xenmig's block, change."""
    want = assignments(lines)
    block = render_block(spec, block_body(lines))
    return [(name, wins_message(name, got, want[name]))
            for name, got in overridden(block, old, want)]


def overridden(block: str, old: bytes, want: dict[str, str]) -> list[tuple[str, str | None]]:
    """(variable, the host's value) for each of ``want`` that the host's
    lines, read after the block, change."""
    got = read_shell(block.encode() + host_lines(old))
    return [(name, got.get(name)) for name, value in want.items() if got.get(name) != value]
