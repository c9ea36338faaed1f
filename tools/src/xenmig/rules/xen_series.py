"""The target Xen series: available, and newer series masked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenmig.findings import Finding, Level, TextFinding
from xenmig.gentoo import depstring
from xenmig.output.contributions import Contribution
from xenmig.rules.context import Context
from xenmig.rules.use import XEN, XEN_TOOLS
from xenmig.spec import Version


class XenSeriesUnavailable(TextFinding):
    """The repositories have no app-emulation/xen of the target series."""

    level = Level.ERROR


class XenSeriesPinned(TextFinding):
    """Newer Xen series than the target are masked in package.mask (for
    app-emulation/xen and xen-tools, which move in lockstep)."""

    level = Level.INFO


def _series(cpv: str) -> Version | None:
    """The X.Y series of a cpv (None for live versions)."""
    version = depstring.split_pf(cpv.split("/", 1)[1])[1]
    match = re.match(r"^(\d+)\.(\d+)", version)
    return Version(f"{match[1]}.{match[2]}") if match else None


def pin_series(ctx: Context) -> Iterator[Finding | Contribution]:
    target = ctx.spec.host.xen
    series = target.series()
    versions = [v for v in map(_series, ctx.match_all(XEN)) if v is not None]
    if not any(v.series() == series for v in versions):
        available = ", ".join(sorted({v.series() for v in versions})) or "none"
        yield XenSeriesUnavailable(
            ctx.scope, f"no {XEN} {series}.x in the repositories (available: {available})",
            *ctx.spec.location("host", "xen"),
        )
        return
    newer = sorted({v for v in versions if v > Version(series)})
    if not newer:
        return
    first = newer[0].series()
    why = f"target Xen {series}: newer series masked"
    for cp in (XEN, XEN_TOOLS):
        yield Contribution("package.mask", f">={cp}-{first}_alpha", why)
    yield XenSeriesPinned(
        ctx.scope, f"{XEN} and xen-tools >= {first} masked (target {series})",
        *ctx.spec.location("host", "xen"),
    )


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    XenSeriesPinned,
    XenSeriesUnavailable,
)
