"""Keywords: what portage's resolver still needs for the migration set.

The resolver runs on the meta-package (it pulls the tools, xen, xen-tools,
a kernel and the USE-required dependencies) under the host's profile, with
the USE, mask and env contributions of the other rules in place.  The
keyword changes it asks for are written to package.accept_keywords, except
missing keywords (``**``): a package without a keyword for the arch is not
available there, which is an error, not something to paper over.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.findings import Finding, Level, TextFinding
from xenmig.gentoo import depstring
from xenmig.output.contributions import Contribution
from xenmig.rules.context import META, Context


class KeywordMissing(TextFinding):
    """A package of the migration set has no keyword for the host's arch
    at all (it would need ``**``); xenmig never writes ``**``."""

    level = Level.ERROR


class TestingKeywordNeeded(TextFinding):
    """The package is only in testing (~arch) for the host's arch; its
    version is accepted in package.accept_keywords."""

    level = Level.INFO


class UseChangeFromResolver(TextFinding):
    """Portage's resolver needed a USE change the routing did not make (a
    USE dependency of the migration set, often against a flag the host's own
    configuration turns off); it is written to package.use, for the package
    rather than the version so that it survives upgrades."""

    level = Level.INFO


class MigrationSetUnresolvable(TextFinding):
    """With every contribution in place, portage's resolver still cannot
    install the migration set (portage's own explanation is in the
    message), even without the host's own package.* configuration."""

    level = Level.ERROR


class HostConfigBlocksResolution(TextFinding):
    """xenmig's contributions resolve the migration set on their own, but
    together with the host's own package.* configuration portage finds no
    solution in one go (e.g. xen-tools[system-qemu] and qemu[xen] form a
    build cycle that needs two emerge runs).  xenmig still writes its part;
    the message has portage's explanation and suggested way out."""

    level = Level.WARNING


def summary(problems: str, limit: int = 12) -> str:
    """The end of portage's explanation, on one line per sentence."""
    lines = [line.strip() for line in problems.splitlines() if line.strip()]
    return " / ".join(lines[-limit:])


def accept_keywords(ctx: Context, contributions: tuple[Contribution, ...]
                    ) -> Iterator[Finding | Contribution]:
    """The USE and keyword changes portage's resolver still needs with
    ``contributions`` (every earlier rule's) in place."""
    resolution = ctx.resolve((META,), contributions)
    for change in resolution.use_changes:
        atom, flags = change.split(" ", 1)
        line = f"{depstring.atom_cp(atom)} {flags}"
        yield Contribution("package.use", line, "USE dependencies of the migration set")
        yield UseChangeFromResolver(ctx.scope, f"package.use: {line} (needed by {atom[1:]})")
    for change in resolution.keyword_changes:
        atom, keyword = change.split()
        if keyword == "**":
            yield KeywordMissing(ctx.scope, f"{atom[1:]} has no keyword for {ctx.arch}")
            continue
        yield Contribution("package.accept_keywords", change, f"testing on {ctx.arch}")
        yield TestingKeywordNeeded(ctx.scope, f"{atom[1:]}: {keyword}")


def verify(ctx: Context, contributions: tuple[Contribution, ...]) -> Iterator[Finding]:
    """Whether the migration set resolves with every contribution in place."""
    resolution = ctx.resolve((META,), contributions)
    if resolution.success:
        return
    if ctx.root is not None and ctx.resolve((META,), contributions, host_config=False).success:
        if resolution.changes:
            why = (f"it still needs {'; '.join(resolution.changes)}, which the host's own "
                   "files (read after xenmig's) override")
        else:
            why = summary(resolution.problems)
        yield HostConfigBlocksResolution(
            ctx.scope, f"with the host's package.* files, {META} does not resolve: {why}",
            str(ctx.root / "etc/portage"),
        )
        return
    still = "; ".join(resolution.changes) or summary(resolution.problems)
    yield MigrationSetUnresolvable(ctx.scope, f"{META} does not resolve: {still}")


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    HostConfigBlocksResolution,
    KeywordMissing,
    MigrationSetUnresolvable,
    TestingKeywordNeeded,
    UseChangeFromResolver,
)
