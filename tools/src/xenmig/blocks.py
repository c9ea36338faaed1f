"""From contributions to file contents (pure: no I/O).

Every file xenmig writes holds one managed block::

    # BEGIN xenmig <digest>: managed by xenmig for host <host> (<spec>); ...
    # <why>
    <line>
    # END xenmig

The digest covers the block's body, so that a later run can tell a block
edited by hand (left alone, reported) from one xenmig wrote.  In a package.*
directory xenmig's file is named :data:`MANAGED_FILE`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from xenmig.contributions import Contribution
from xenmig.spec import HostSpec

# Sorts before "zz-autounmask" (where emerge --autounmask-write appends when
# it is the last file) and before letters, so the administrator's own files,
# read later, take precedence over xenmig's defaults.
MANAGED_FILE = "90-xenmig"
# In a make.conf directory the opposite holds: xenmig's file carries changes
# the host needs, so it is read last.
MAKE_CONF_FILE = "zz-xenmig"
BEGIN = "# BEGIN xenmig "
END = "# END xenmig"


def digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def block_body(contributions: Iterable[Contribution]) -> str:
    """The body of a block: lines grouped under their reason, in rule order."""
    groups: dict[str, list[str]] = {}
    for c in contributions:
        lines = groups.setdefault(c.why, [])
        if c.line not in lines:
            lines.append(c.line)
    return "".join(
        f"# {why}\n" + "".join(f"{line}\n" for line in lines) for why, lines in groups.items()
    )


def render_block(spec: HostSpec, body: str) -> str:
    return (f"{BEGIN}{digest(body)}: managed by xenmig for host {spec.name} "
            f"({spec.path.name}); edit the host spec, not this block\n{body}{END}\n")


def grouped(contributions: Iterable[Contribution]) -> dict[str, list[Contribution]]:
    targets: dict[str, list[Contribution]] = {}
    for c in contributions:
        targets.setdefault(c.target, []).append(c)
    return targets
