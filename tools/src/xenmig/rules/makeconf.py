"""The host's make.conf, as portage reads it: what must change there.

xenmig never edits make.conf text.  A change it needs is written as a
managed file inside make.conf when that is a directory (portage reads the
files there in order; xenmig's ``zz-xenmig`` comes last so that the change
takes effect), and reported for the administrator otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.findings import Finding, Level, TextFinding
from xenmig.output.contributions import MAKE_CONF, Contribution
from xenmig.rules.context import Context


class GlobalCollisionProtectOff(TextFinding):
    """make.conf disables collision-protect for every package, as the
    original migration did for its Xen 3.x upgrade.  xenmig scopes that to
    the Xen packages (package.env) when upgrading from Xen 3.x; remove
    ``-collision-protect`` from FEATURES in make.conf (a single file, which
    xenmig does not edit)."""

    level = Level.WARNING


class CollisionProtectReenabled(TextFinding):
    """make.conf (a directory) disables collision-protect for every
    package; xenmig re-enables it in make.conf/zz-xenmig, read after the
    administrator's files (FEATURES is incremental)."""

    level = Level.INFO


class MakeConfUnreadable(TextFinding):
    """portage could not read the host's make.conf (the message has
    portage's reason); xenmig went on without it."""

    level = Level.WARNING


class HostFileRefused(TextFinding):
    """A host file that portage reads (make.conf, the package.* files) was
    not read by xenmig: not a regular file (a FIFO, socket or device would
    block or never end), over xenmig's size limit for host files (4 MiB),
    or links in a loop.  xenmig cannot know what portage decides with it,
    so nothing is written for the host; the message names the file."""

    level = Level.ERROR


class DeprecatedPackageKeywords(TextFinding):
    """The host has /etc/portage/package.keywords, the name portage
    deprecated for package.accept_keywords.  Portage still reads both;
    xenmig writes package.accept_keywords and leaves package.keywords alone
    (rename it when convenient)."""

    level = Level.INFO


def refused_host_files(ctx: Context) -> Iterator[Finding]:
    """The package.* files xenmig did not read (found while evaluating)."""
    for error in ctx.refused:
        yield HostFileRefused(ctx.scope, error.why, error.path)


def check_host_config(ctx: Context) -> Iterator[Finding]:
    if ctx.host_root is None:
        return
    old = "etc/portage/package.keywords"
    if ctx.host_root.kind(old) != "missing":
        yield DeprecatedPackageKeywords(
            ctx.scope, "package.keywords is deprecated; xenmig writes package.accept_keywords",
            str(ctx.host_root.top / old),
        )


def _collision_protect_off(features: str) -> bool:
    state = None
    for token in features.split():
        if token in ("collision-protect", "-collision-protect", "-*"):
            state = token
    return state in ("-collision-protect", "-*")


def check_make_conf(ctx: Context) -> Iterator[Finding | Contribution]:
    path = ctx.make_conf_path
    if path is None:
        return
    if ctx.make_conf.error:
        kind = HostFileRefused if ctx.make_conf.refused else MakeConfUnreadable
        yield kind(ctx.scope, ctx.make_conf.error, path)
        return
    if not _collision_protect_off(ctx.make_conf.values.get("FEATURES", "")):
        return
    assert ctx.host_root is not None
    if ctx.host_root.kind(f"etc/portage/{MAKE_CONF}") == "dir":
        yield Contribution(
            MAKE_CONF, 'FEATURES="${FEATURES} collision-protect"',
            "collision-protect is scoped to the Xen packages (package.env), not global",
        )
        yield CollisionProtectReenabled(
            ctx.scope, "FEATURES: collision-protect re-enabled in make.conf/zz-xenmig", path,
            "FEATURES",
        )
        return
    yield GlobalCollisionProtectOff(
        ctx.scope, "FEATURES has -collision-protect for every package; remove it", path,
        "FEATURES",
    )


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    CollisionProtectReenabled,
    DeprecatedPackageKeywords,
    GlobalCollisionProtectOff,
    HostFileRefused,
    MakeConfUnreadable,
)
