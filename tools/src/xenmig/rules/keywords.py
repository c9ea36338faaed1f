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

from xenmig.contributions import Contribution
from xenmig.findings import Finding, Level
from xenmig.rules.context import META, Context


class KeywordMissing(Finding):
    """A package of the migration set has no keyword for the host's arch
    at all (it would need ``**``); xenmig never writes ``**``."""

    level = Level.ERROR


class TestingKeywordNeeded(Finding):
    """The package is only in testing (~arch) for the host's arch; its
    version is accepted in package.accept_keywords."""

    level = Level.INFO


class UseChangeFromResolver(Finding):
    """Portage's resolver needed a USE change the routing did not make (a
    USE dependency of the migration set); it is written to package.use."""

    level = Level.INFO


class MigrationSetUnresolvable(Finding):
    """With every contribution in place, portage's resolver still cannot
    install the migration set without further changes (listed)."""

    level = Level.ERROR


def accept_keywords(ctx: Context) -> Iterator[Finding | Contribution]:
    resolution = ctx.view().resolve([META])
    for change in resolution.use_changes:
        yield Contribution("package.use", change, "USE dependencies of the migration set")
        yield UseChangeFromResolver(ctx.host, f"package.use: {change}")
    for change in resolution.keyword_changes:
        atom, keyword = change.split()
        if keyword == "**":
            yield KeywordMissing(ctx.host, f"{atom[1:]} has no keyword for {ctx.arch}")
            continue
        yield Contribution("package.accept_keywords", change, f"testing on {ctx.arch}")
        yield TestingKeywordNeeded(ctx.host, f"{atom[1:]}: {keyword}")


def verify(ctx: Context) -> Iterator[Finding]:
    resolution = ctx.view().resolve([META])
    if not resolution.success:
        still = "; ".join(resolution.changes) or resolution.problems.strip()[-300:]
        yield MigrationSetUnresolvable(ctx.host, f"{META} does not resolve: {still}")
