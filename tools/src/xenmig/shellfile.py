"""Shell-syntax configuration files of the host (/etc/conf.d/net,
/etc/default/grub): read the way their users read them, by bash."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterable

from xenmig.contributions import Contribution

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


def sourced(text: bytes, names: Iterable[str]) -> dict[str, str | None]:
    """The values of ``names`` after bash sources ``text`` (None: unset)."""
    names = list(names)
    with tempfile.NamedTemporaryFile(prefix="xenmig-sh-") as f:
        f.write(text)
        f.flush()
        proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", _SCRIPT, "_", f.name,
                               *names], capture_output=True, check=False, timeout=30)
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


def overridden(block: str, old: bytes, want: dict[str, str]) -> list[tuple[str, str | None]]:
    """(variable, the host's value) for each of ``want`` that the host's
    lines, read after the block, change."""
    got = sourced(block.encode() + host_lines(old), want)
    return [(name, got[name]) for name, value in want.items() if got[name] != value]
