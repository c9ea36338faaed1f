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
from functools import cache
from pathlib import Path

import jinja2

from xenmig.contributions import MAKE_CONF, PACKAGE_TARGETS, Contribution
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


@cache
def templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("xenmig", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )


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
    return templates().get_template("block.j2").render(
        digest=digest(body), host=spec.name, spec=spec.path.name, body=body
    )


def grouped(contributions: Iterable[Contribution]) -> dict[str, list[Contribution]]:
    targets: dict[str, list[Contribution]] = {}
    for c in contributions:
        targets.setdefault(c.target, []).append(c)
    return targets


def fresh_path(target: str) -> str:
    """Where a target goes in a freshly rendered tree (relative to etc/portage)."""
    if target == MAKE_CONF:
        return str(Path(target) / MAKE_CONF_FILE)
    return str(Path(target) / MANAGED_FILE) if target in PACKAGE_TARGETS else target


def render_targets(spec: HostSpec, contributions: Iterable[Contribution]) -> dict[str, str]:
    """{path relative to etc/portage: content} for a fresh tree."""
    return {
        fresh_path(target): render_block(spec, block_body(items))
        for target, items in grouped(contributions).items()
    }
