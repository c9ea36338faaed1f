"""In-place upgrades from a Xen 3.x-era install."""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.findings import Finding, Level, TextFinding
from xenmig.output.contributions import ENV_NO_COLLISION_PROTECT, Contribution, package_env_line
from xenmig.rules.context import Context

XEN_PACKAGES = ("app-emulation/xen", "app-emulation/xen-tools")


class CollisionProtectScoped(TextFinding):
    """Collision protection is off for the Xen packages only.

    The original migration set FEATURES="-collision-protect" in make.conf
    because portage saw every Xen file in /boot as a collision when
    upgrading from Xen 3.x.  xenmig scopes that to app-emulation/xen and
    xen-tools through package.env.  Remove the two package.env lines (apply
    a spec without from_xen) once the upgrade is done."""

    level = Level.INFO


def collision_protect(ctx: Context) -> Iterator[Finding | Contribution]:
    from_xen = ctx.spec.host.from_xen
    if from_xen is None or from_xen.parts[0] != 3:
        return
    why = f"upgrade from Xen {from_xen}: files of the old Xen collide in /boot"
    yield Contribution(
        ENV_NO_COLLISION_PROTECT, 'FEATURES="-collision-protect -protect-owned"', why
    )
    for atom in XEN_PACKAGES:
        yield Contribution("package.env", package_env_line(atom, ENV_NO_COLLISION_PROTECT), why)
    yield CollisionProtectScoped(
        ctx.scope,
        "collision-protect is off for app-emulation/xen and xen-tools only; remove that "
        "once the upgrade is done (drop from_xen from the spec and apply)",
        *ctx.spec.location("host", "from_xen"),
    )


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    CollisionProtectScoped,
)
