"""Rules: one module per topic of the migration.

A rule is a function ``rule(ctx) -> Iterator[Finding | Contribution]``.
:func:`evaluate` runs them in order: the checks that decide whether the host
can be migrated in place, the rules that only read the spec, then the ones
that ask portage's resolver with the contributions made so far.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from xenmig.findings import Finding, has_errors
from xenmig.output.contributions import Contribution, Link
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
    (:func:`xenmig.writer.escaping_targets`)."""
    if ctx.root is not None:
        from xenmig.output.writer import escaping_targets

        yield from escaping_targets(ctx.host, ctx.root)


def evaluate(ctx: Context) -> Evaluation:
    from xenmig.rules import (
        arch,
        boot,
        guests,
        kernel,
        keywords,
        makeconf,
        network,
        ssp,
        udev,
        upgrade,
        use,
        xen_series,
    )

    evaluation = Evaluation()
    # Can the host be migrated in place at all?
    for rule in (arch.check_arch, check_root, makeconf.check_make_conf,
                 makeconf.check_host_config, udev.check_kernel):
        evaluation.take(rule(ctx))
    if evaluation.blocked:
        return evaluation
    for rule in (xen_series.pin_series, use.route_flags, ssp.no_ssp_env, udev.pin_udev,
                 upgrade.collision_protect):
        evaluation.take(rule(ctx))
    if evaluation.blocked:
        return evaluation
    evaluation.take(kernel.fragments(ctx))
    evaluation.take(network.bridges(ctx))
    evaluation.take(network.links(ctx))
    evaluation.take(network.hotplug(ctx))
    evaluation.take(boot.grub(ctx))
    evaluation.take(boot.xen_efi(ctx))
    evaluation.take(boot.xl_conf(ctx))
    evaluation.take(guests.domus(ctx))
    evaluation.take(keywords.accept_keywords(ctx, tuple(evaluation.contributions)))
    evaluation.take(keywords.verify(ctx, tuple(evaluation.contributions)))
    evaluation.take(makeconf.refused_host_files(ctx))
    return evaluation
