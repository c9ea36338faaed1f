"""The kernel fragments of a host (see :mod:`xenmig.kernel.fragments`).

The dom0 fragment goes to /etc/kernel/config.d, where kernel-build.eclass
(gentoo-kernel and the other dist-kernels) merges it into the kernel it
builds, and with the domU fragment to /etc/xenmig/kernel for xen-sources
users and for building guest kernels.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.findings import Finding
from xenmig.kernel.check import StorageDriverUnknown, unknown_driver
from xenmig.kernel.drivers import DRIVERS
from xenmig.kernel.fragments import contributions
from xenmig.output.contributions import KERNEL_CONFIG_D, KERNEL_FRAGMENTS, Contribution
from xenmig.rules.context import Context


def fragments(ctx: Context) -> Iterator[Finding | Contribution]:
    spec = ctx.spec
    for module in spec.host.storage:
        if module not in DRIVERS:
            yield unknown_driver(spec, module, ", left out of the dom0 fragment")
    dom0 = contributions(spec, "dom0", KERNEL_CONFIG_D)
    yield from dom0
    yield from (Contribution(KERNEL_FRAGMENTS["dom0"], c.line, c.why) for c in dom0)
    yield from contributions(spec, "domu", KERNEL_FRAGMENTS["domu"])


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    StorageDriverUnknown,
)
