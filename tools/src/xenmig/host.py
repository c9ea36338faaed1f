"""One host from spec to files: evaluate the rules, then plan the writes.

The CLI commands are thin layers over :func:`assess`: ``check`` prints the
findings, ``render`` and ``apply`` carry out the planned changes, ``plan``
turns the findings into migration steps.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from xenmig.cluster.membership import Membership
from xenmig.findings import Finding, has_errors
from xenmig.gentoo.answers import Answers
from xenmig.gentoo.portage_view import MakeConf, read_make_conf
from xenmig.gentoo.repos import RepoSet
from xenmig.output.writer import FileChange, plan_writes
from xenmig.rules import Evaluation, evaluate
from xenmig.rules.context import Context
from xenmig.spec import HostSpec


@dataclass
class Assessment:
    spec: HostSpec
    evaluation: Evaluation
    changes: list[FileChange] = field(default_factory=list)
    write_findings: list[Finding] = field(default_factory=list)
    # The clusters the host is a member of, as the evaluation read them.
    clusters: list[Membership] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.evaluation.findings + self.write_findings

    @property
    def blocked(self) -> bool:
        """Error findings: nothing may be written for this host."""
        return has_errors(self.findings)

    @property
    def pending(self) -> list[FileChange]:
        return [c for c in self.changes if c.status != "identical"]


def assess(
    spec: HostSpec, repos: RepoSet, root: Path | None = None, answers: Answers | None = None
) -> Assessment:
    """Evaluate ``spec`` (against the host's configuration under ``root``
    when given) and plan the writes into ``root``.  Hosts assessed with
    the same ``answers`` share portage's answers (see :mod:`xenmig.gentoo.answers`);
    without, the assessment has its own (still remembered on disk)."""
    make_conf = read_make_conf(root) if root is not None else MakeConf({}, ())
    with contextlib.ExitStack() as stack:
        if answers is None:
            answers = stack.enter_context(Answers(repos.repos))
        ctx = Context(spec, repos, answers, root, make_conf)
        evaluation = evaluate(ctx)
    assessment = Assessment(spec, evaluation, clusters=ctx.clusters[0])
    if root is not None and not evaluation.blocked:
        assessment.changes, assessment.write_findings = plan_writes(
            spec, root, evaluation.contributions, evaluation.links
        )
    return assessment
