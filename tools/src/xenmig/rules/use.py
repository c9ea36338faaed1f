"""USE: route the host's Xen-stack flags to the packages that have them."""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.findings import Finding, Level, TextFinding
from xenmig.gentoo import depstring
from xenmig.output.contributions import Contribution
from xenmig.rules.context import META, Context

XEN = "app-emulation/xen"
XEN_TOOLS = "app-emulation/xen-tools"
# The packages a Xen-stack flag is looked for in (their highest version's IUSE).
ROUTED_PACKAGES = (
    META, XEN, XEN_TOOLS, "app-emulation/xen-migration-tools", "app-emulation/qemu",
    "sys-boot/grub", "sys-kernel/xen-sources", "sys-kernel/gentoo-kernel",
)
# Flags of the original migration that no package has any more: what took
# over their job, and the flag (on which package) that does it now, if any.
REPLACED: dict[str, tuple[str, tuple[str, str] | None]] = {
    "pae": (
        "the hypervisor is 64-bit only; PAE is a kernel option (CONFIG_X86_PAE) of 32-bit "
        "x86 guests, set by the guest kernel fragments",
        None,
    ),
    "xsm": (
        "USE=flask on app-emulation/xen builds the hypervisor with CONFIG_XSM=y",
        (XEN, "flask"),
    ),
}


class FlagReplaced(TextFinding):
    """A USE flag of the original migration no longer exists; the message
    says what replaced it and where that is handled (pae: kernel config of
    32-bit guests; xsm: USE=flask on app-emulation/xen)."""

    level = Level.INFO


class FlagNotInXenStack(TextFinding):
    """No package of the Xen stack has this flag; it is not written to
    package.use (set it in make.conf if other packages need it)."""

    level = Level.INFO


class RequiredUseAdded(TextFinding):
    """A flag was added because REQUIRED_USE of the package demands it
    (e.g. pygrub? ( python ) on app-emulation/xen-tools)."""

    level = Level.INFO


def _closure(enabled: set[str], required_use: str) -> set[str]:
    """Flags ``flag? ( a b )`` groups add, to a fixpoint (plain flags only)."""
    nodes = depstring.parse(required_use)
    added: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in nodes:
            if isinstance(node, depstring.Group) and node.kind.endswith("?"):
                flag = node.kind[:-1]
                if flag.startswith("!") or flag not in enabled | added:
                    continue
                for child in node.children:
                    if isinstance(child, str) and not child.startswith("!") and (
                        child not in enabled | added
                    ):
                        added.add(child)
                        changed = True
    return added


def route_flags(ctx: Context) -> Iterator[Finding | Contribution]:
    spec = ctx.spec
    where = spec.location("portage", "use")
    iuse: dict[str, set[str]] = {}
    required: dict[str, str] = {}
    for cp in ROUTED_PACKAGES:
        meta = ctx.metadata(cp, ("IUSE", "REQUIRED_USE"))
        if meta is not None:
            iuse[cp] = {f.lstrip("+-") for f in meta["IUSE"].split()}
            required[cp] = meta["REQUIRED_USE"]
    wanted: dict[str, list[str]] = {}
    for token in spec.portage.use:
        flag = token.lstrip("-")
        if flag in REPLACED:
            reason, replacement = REPLACED[flag]
            yield FlagReplaced(ctx.scope, f"{flag}: gone; {reason}", *where)
            if replacement and not token.startswith("-"):
                wanted.setdefault(replacement[0], []).append(replacement[1])
            continue
        owners = [cp for cp in ROUTED_PACKAGES if flag in iuse.get(cp, ())]
        if not owners:
            yield FlagNotInXenStack(ctx.scope, f"{flag}: no package of the Xen stack has it",
                                    *where)
        for cp in owners:
            wanted.setdefault(cp, []).append(token)
    for cp in ROUTED_PACKAGES:
        flags = list(dict.fromkeys(wanted.get(cp, [])))
        if not flags:
            continue
        enabled = {f for f in flags if not f.startswith("-")}
        for extra in sorted(_closure(enabled, required.get(cp, ""))):
            if extra in iuse.get(cp, ()) and f"-{extra}" not in flags:
                flags.append(extra)
                yield RequiredUseAdded(
                    ctx.scope, f"{cp}: {extra} added (REQUIRED_USE of {cp})", *where
                )
        yield Contribution("package.use", f"{cp} {' '.join(flags)}", "USE of the Xen stack")


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    FlagNotInXenStack,
    FlagReplaced,
    RequiredUseAdded,
)
