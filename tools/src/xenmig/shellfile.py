"""Shell-syntax configuration files of the host (/etc/conf.d/net,
/etc/default/grub): read the way their users read them, by bash."""

from __future__ import annotations

import re
from collections.abc import Iterable

from xenmig.blocks import block_body, render_block
from xenmig.contributions import Contribution
from xenmig.findings import Finding, Level
from xenmig.spec import HostSpec


class ShellFileRunsCommands(Finding):
    """A host file xenmig reads the way bash does (/etc/conf.d/net,
    /etc/default/grub) contains commands: command substitution, a pipe or
    a line that is not an assignment.  xenmig never runs them, so it cannot
    read the file's values: the message names the command and what was not
    done because of it."""

    level = Level.WARNING

_ASSIGN = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))$')
_SCRIPT = ('source "$1" >/dev/null 2>&1; shift; for v; do '
           'if [[ -v $v ]]; then printf "%s=%s\\0" "$v" "${!v}"; fi; done')


def assignments(contributions: Iterable[Contribution]) -> dict[str, str]:
    """{variable: value} of the ``NAME="value"`` lines."""
    out = {}
    for c in contributions:
        if m := _ASSIGN.match(c.line):
            out[m[1]] = m[2] if m[2] is not None else m[3]
    return out


_NAME = re.compile(r"(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\+?=")


def commands(text: bytes) -> str | None:
    """The first thing in ``text`` that would run a command when sourced
    (command substitution, process substitution, or a line that is not an
    assignment), None for a file of plain assignments and comments."""
    source = text.decode("utf-8", "replace")
    quote = ""
    at_start = True
    i = 0
    while i < len(source):
        ch = source[i]
        if at_start and not quote:
            rest = source[i:].split("\n", 1)[0]
            stripped = rest.lstrip()
            if stripped and not stripped.startswith("#") and not _NAME.match(stripped):
                return stripped
            if stripped.startswith("#"):
                i += len(rest)
                continue
            at_start = False
        if ch == "\\" and quote != "'":
            i += 2
            continue
        if quote == "'":
            quote = "" if ch == "'" else quote
        elif ch in "'\"" and quote in ("", ch):
            quote = "" if quote else ch
        elif ch == "`" or (ch in "$<>" and source[i + 1:i + 2] == "(") or (
                ch in ";&|" and not quote):  # substitution, or a second command
            return source[i:].split("\n", 1)[0]
        elif ch == "#" and not quote and (i == 0 or source[i - 1] in " \t"):
            i = source.find("\n", i)
            if i < 0:
                break
            continue
        if ch == "\n" and not quote:
            at_start = True
        i += 1
    return None


def inert(text: bytes) -> bool:
    """Whether sourcing ``text`` can do nothing: blank lines and comments."""
    return all(not line.strip() or line.lstrip().startswith(b"#")
               for line in text.splitlines())


def sourced(text: bytes, names: Iterable[str]) -> dict[str, str | None]:
    """The values of ``names`` after bash sources ``text`` (None: unset).
    Only for text without commands (see :func:`commands`); bash runs with an
    empty environment."""
    names = list(names)
    if commands(text) is not None:
        raise ValueError("the text runs commands; it is not sourced")
    if inert(text):
        return dict.fromkeys(names)
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(prefix="xenmig-sh-") as f:
        f.write(text)
        f.flush()
        proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", _SCRIPT, "_", f.name,
                               *names], capture_output=True, check=False, timeout=30,
                              env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    found: dict[str, str | None] = dict.fromkeys(names)
    for item in proc.stdout.decode("utf-8", "replace").split("\0"):
        if "=" in item:
            name, value = item.split("=", 1)
            found[name] = value
    return found


def host_lines(old: bytes) -> bytes:
    """A shared file's own lines: the block of an earlier run removed."""
    from xenmig.writer import merge_block

    merged = merge_block(old, None, owned=False)
    return merged if isinstance(merged, bytes) else old


def runs_commands(host: str, old: bytes, where: str,
                  consequence: str) -> ShellFileRunsCommands | None:
    """The finding for a host file whose own lines run a command (xenmig
    then reads nothing from it: ``consequence`` says what that costs)."""
    found = commands(host_lines(old))
    if found is None:
        return None
    return ShellFileRunsCommands(host, f"{found!r}: not run, so {consequence}", where)


def wins_message(name: str, got: str | None, want: str) -> str:
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
    own = host_lines(old)
    if inert(own):
        return []  # xenmig's block alone sets exactly what it wants
    got = sourced(block.encode() + own, want)
    return [(name, got[name]) for name, value in want.items() if got[name] != value]
