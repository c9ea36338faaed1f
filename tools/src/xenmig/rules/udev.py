"""udev (and glibc) against the dom0 kernel.

udev comes from sys-apps/systemd-utils[udev] through virtual/udev;
sys-fs/udev is gone from ::gentoo.  The minimum kernels systemd requires,
from its README "REQUIREMENTS" and NEWS:

* systemd <= 257: Linux >= 3.15 ("minimum baseline"; README up to v257);
* systemd 258 and 259: Linux >= 5.4 (commit 16ac586e "Bump minimum kernel
  baseline to 5.4, recommended version to 5.7", released in v258);
* systemd >= 260: Linux >= 5.10 (NEWS of v260: "baseline 5.4 -> 5.10,
  recommended baseline 5.7 -> 5.14").

glibc needs Linux >= 3.2 since glibc 2.26 (its NEWS: "The minimum Linux
kernel version that this version of the GNU C Library can be used with is
3.2"), so a 2.6 dom0 cannot even run today's userland.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.findings import Finding, Level, TextFinding
from xenmig.gentoo import depstring
from xenmig.output.contributions import Contribution
from xenmig.rules.context import META, Context
from xenmig.spec import Version

PROVIDER = "sys-apps/systemd-utils"
# (first systemd release, minimum kernel from that release on), newest first.
SYSTEMD_MIN_KERNEL: tuple[tuple[int, Version], ...] = (
    (260, Version("5.10")),
    (258, Version("5.4")),
    (0, Version("3.15")),
)
GLIBC_MIN_KERNEL = Version("3.2")


class KernelTooOldForGlibc(TextFinding):
    """The dom0 kernel is older than Linux 3.2, the minimum of every glibc
    since 2.26: today's userland cannot run on it.  The original migration
    kept its dom0s on 2.6.18 because the 2.6.29-2.6.34 kernels panicked with
    megaraid; such hosts are reinstalled as amd64 with a current kernel."""

    level = Level.ERROR


class NoUdevForKernel(TextFinding):
    """No udev provider in the repositories supports the dom0 kernel.

    The original migration masked ``>sys-fs/udev-124-r2`` for its 2.6.18
    dom0.  sys-fs/udev is gone; udev comes from sys-apps/systemd-utils,
    and the releases that would still run on this kernel are not in the
    repositories (checked with portage: the mask below the first release
    that needs a newer kernel leaves no installable virtual/udev provider).
    Reinstall with a kernel >= 5.10 (or >= 5.4 with old-lts-kernel).
    """

    level = Level.ERROR


class UdevPinned(TextFinding):
    """The dom0 kernel needs an older udev: the newer releases of
    sys-apps/systemd-utils are masked in package.mask and the meta-package's
    old-lts-kernel flag is set; portage still finds an installable provider
    of virtual/udev.  Drop the pin when the dom0 kernel is upgraded."""

    level = Level.INFO


def newest_release_for(kernel: Version) -> int | None:
    """The first systemd release that no longer supports ``kernel`` (None:
    every release does); -1 when no release supports it."""
    limit = None
    for first_release, minimum in SYSTEMD_MIN_KERNEL:
        if kernel >= minimum:
            return limit
        limit = first_release
    return -1


def check_kernel(ctx: Context) -> Iterator[Finding]:
    kernel = ctx.spec.host.kernel
    where = ctx.spec.location("host", "kernel")
    if kernel < GLIBC_MIN_KERNEL:
        yield KernelTooOldForGlibc(
            ctx.scope, f"dom0 kernel {kernel} < 3.2: no current glibc runs on it; reinstall", *where
        )
    if newest_release_for(kernel) == -1:
        yield NoUdevForKernel(
            ctx.scope,
            f"dom0 kernel {kernel} < 3.15: no systemd/udev release supports it; reinstall",
            *where,
        )


def pin_udev(ctx: Context) -> Iterator[Finding | Contribution]:
    kernel = ctx.spec.host.kernel
    first_unsupported = newest_release_for(kernel)
    if first_unsupported is None or first_unsupported == -1:
        return
    mask = f">={PROVIDER}-{first_unsupported}"
    why = f"udev: systemd-utils >= {first_unsupported} needs a newer kernel than {kernel}"
    pin = (
        Contribution("package.mask", mask, why),
        Contribution("package.use", f"{META} old-lts-kernel", why),
    )
    resolution = ctx.resolve(("virtual/udev",), pin)
    provider = next(
        (cpv for cpv in resolution.merge_list if cpv.startswith(PROVIDER + "-")), None
    )
    if not resolution.success or provider is None:
        yield NoUdevForKernel(
            ctx.scope,
            f"with {mask} masked for kernel {kernel}, no installable virtual/udev provider "
            "is left; reinstall with a newer kernel",
            *ctx.spec.location("host", "kernel"),
        )
        return
    yield from pin
    _, version = depstring.split_pf(provider.split("::")[0].split("/")[1])
    yield UdevPinned(
        ctx.scope, f"kernel {kernel}: {mask} masked, udev from {PROVIDER}-{version}",
        *ctx.spec.location("host", "kernel"),
    )


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    KernelTooOldForGlibc,
    NoUdevForKernel,
    UdevPinned,
)
