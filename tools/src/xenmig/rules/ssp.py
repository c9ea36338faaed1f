"""SSP: packages that must build without stack protection.

The original migration kept a second CFLAGS line without
-fstack-protector-all in make.conf and switched to it by hand to rebuild
glibc.  Here the per-package environment does it: env/xenmig-no-ssp.conf
holds the host's CFLAGS/CXXFLAGS without stack-protector flags and with
-fno-stack-protector (Gentoo's GCC enables -fstack-protector-strong by
default, so dropping the flags alone is not enough), and package.env maps
the no_ssp packages and glibc to it.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.findings import Finding, Level, TextFinding
from xenmig.output.contributions import ENV_NO_SSP, Contribution, package_env_line
from xenmig.rules.context import Context

GLIBC = "sys-libs/glibc"
SSP_FLAGS = ("-fstack-protector", "-fstack-protector-all", "-fstack-protector-strong",
             "-fstack-protector-explicit")


class GlibcFiltersSspItself(TextFinding):
    """glibc's ebuild already filters -fstack-protector* from CFLAGS and
    controls stack protection with its own USE=ssp; the package.env entry
    for sys-libs/glibc is belt-and-braces, kept because the original
    migration's glibc failed with -fstack-protector-all."""

    level = Level.INFO


class NoSspWithoutSspFlags(TextFinding):
    """no_ssp lists packages but the host's CFLAGS/CXXFLAGS carry no
    stack-protector flag: nothing to filter, no env file written."""

    level = Level.INFO


def without_ssp(flags: str) -> str:
    kept = [f for f in flags.split() if f not in SSP_FLAGS and f != "-fno-stack-protector"]
    return " ".join([*kept, "-fno-stack-protector"])


def no_ssp_env(ctx: Context) -> Iterator[Finding | Contribution]:
    portage = ctx.spec.portage
    cflags = portage.cflags or ctx.make_conf.values.get("CFLAGS", "")
    cxxflags = portage.cxxflags or ctx.make_conf.values.get("CXXFLAGS", "") or cflags
    carries_ssp = any(f in SSP_FLAGS for f in (cflags + " " + cxxflags).split())
    if not carries_ssp:
        if portage.no_ssp:
            yield NoSspWithoutSspFlags(
                ctx.scope, "no stack-protector flag in CFLAGS/CXXFLAGS; nothing to filter",
                *ctx.spec.location("portage", "no_ssp"),
            )
        return
    why = "CFLAGS/CXXFLAGS of the host without stack protection"
    yield Contribution(ENV_NO_SSP, f'CFLAGS="{without_ssp(cflags)}"', why)
    yield Contribution(ENV_NO_SSP, f'CXXFLAGS="{without_ssp(cxxflags)}"', why)
    for atom in dict.fromkeys((*portage.no_ssp, GLIBC)):
        yield Contribution(
            "package.env", package_env_line(atom, ENV_NO_SSP), "build without stack protection"
        )
    yield GlibcFiltersSspItself(
        ctx.scope,
        "sys-libs/glibc filters -fstack-protector* itself (USE=ssp); its package.env entry "
        "is belt-and-braces",
        *ctx.spec.location("portage", "cflags"),
    )


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    GlibcFiltersSspItself,
    NoSspWithoutSspFlags,
)
