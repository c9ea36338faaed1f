"""Rules: one module per topic of the migration.

A rule is a function ``rule(ctx) -> Iterator[Finding | Contribution]``.
:func:`evaluate` runs them in order: the checks that decide whether the host
can be migrated in place, the rules that only read the spec, then the ones
that ask portage's resolver with the contributions made so far.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from xenmig.findings import Finding, has_errors
from xenmig.output.contributions import Contribution, Link
from xenmig.output.writer import SymlinkEscapesRoot, UnusableTarget, escaping_targets
from xenmig.rules.context import Context


@dataclass
class Evaluation:
    findings: list[Finding] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """True when the host cannot be migrated in place (error findings)."""
        return has_errors(self.findings)

    _seen: set[Contribution | Link] = field(default_factory=set)

    def take(self, results: Iterable[Finding | Contribution | Link]) -> None:
        for result in results:
            if isinstance(result, Finding):
                self.findings.append(result)
            elif result not in self._seen:
                self._seen.add(result)
                if isinstance(result, Link):
                    self.links.append(result)
                else:
                    self.contributions.append(result)


def check_root(ctx: Context) -> Iterator[Finding]:
    """Links under the root that lead xenmig's writes out of it
    (:func:`xenmig.output.writer.escaping_targets`)."""
    if ctx.root is not None:
        yield from escaping_targets(ctx.scope, ctx.root)


# The findings this module yields (check_root's).
FINDINGS: tuple[type[Finding], ...] = (SymlinkEscapesRoot, UnusableTarget)

Rule = Callable[..., Iterable[Finding | Contribution | Link]]


class UndeclaredFinding(TypeError):
    """A rule yielded a finding its module does not list in ``FINDINGS``:
    a defect of xenmig, not of the host."""


def checked(rule: Rule, ctx: Context, *args: object) -> Iterator[Finding | Contribution | Link]:
    """``rule(ctx, *args)``, each finding checked against its module's ``FINDINGS``
    (so that the reference page says which module reports what, and a test
    that a finding is produced means the declared rule produced it)."""
    declared = sys.modules[rule.__module__].FINDINGS
    for result in rule(ctx, *args):
        if isinstance(result, Finding) and type(result) not in declared:
            raise UndeclaredFinding(f"{rule.__module__}.{rule.__qualname__} yielded "
                                    f"{result.name}, which its module's FINDINGS does not list")
        yield result


def evaluate(ctx: Context) -> Evaluation:
    from xenmig.rules import (
        arch,
        boot,
        cluster,
        guests,
        kernel,
        keywords,
        makeconf,
        network,
        remus,
        ssp,
        udev,
        upgrade,
        use,
        xen_options,
        xen_series,
    )

    evaluation = Evaluation()

    def run(*rules: Rule) -> None:
        for rule in rules:
            evaluation.take(checked(rule, ctx))

    # Can the host be migrated in place at all?
    run(arch.check_arch, check_root, makeconf.check_make_conf, makeconf.check_host_config,
        udev.check_kernel)
    if evaluation.blocked:
        return evaluation
    run(xen_series.pin_series, use.route_flags, ssp.no_ssp_env, udev.pin_udev,
        upgrade.collision_protect)
    if evaluation.blocked:
        return evaluation
    run(kernel.fragments, network.bridges, network.links, network.hotplug, boot.grub,
        boot.xen_efi, boot.xl_conf, xen_options.check_options, guests.domus, remus.remus,
        cluster.cluster)
    # The resolver is asked with what the rules above contributed.
    evaluation.take(checked(keywords.accept_keywords, ctx, tuple(evaluation.contributions)))
    evaluation.take(checked(keywords.verify, ctx, tuple(evaluation.contributions)))
    run(makeconf.refused_host_files)
    return evaluation
