"""``xenmig apply SPEC --root DIR [--dry-run] [--diff] [--check]``.

Merges the host's generated configuration into the tree under DIR (``/``
on the host itself), changing nothing but xenmig's managed blocks and
files.  Error findings (including a hand-edited managed block) stop it
before anything is written.  ``--check`` exits 1 when changes are pending.
Planning and writing hold the root's lock (an exclusive flock(2) on DIR
itself): one apply at a time per root.
"""

from __future__ import annotations

import argparse
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xenmig.cli.common import add_config_root, load_specs, print_findings, repositories
from xenmig.gentoo.repos import RepoSet
from xenmig.host import assess
from xenmig.output.writer import report, root_lock, write
from xenmig.spec import HostSpec


def add_parser(sub: Any) -> None:
    p = sub.add_parser("apply", help="merge a host's configuration into a root")
    p.add_argument("spec", type=Path, metavar="SPEC")
    p.add_argument("--root", type=Path, required=True, metavar="DIR",
                   help="the host's root directory (/ on the host itself)")
    p.add_argument("--dry-run", action="store_true", help="report what would change")
    p.add_argument("--diff", action="store_true", help="show the changes as a diff")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 when changes are pending, 0 when none")
    add_config_root(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    (spec,) = load_specs([args.spec])
    repos = repositories(args)
    if args.dry_run or args.check:
        return _apply(args, spec, repos)
    with root_lock(args.root):
        return _apply(args, spec, repos)


def _apply(args: argparse.Namespace, spec: HostSpec, repos: RepoSet) -> int:
    assessment = assess(spec, repos, args.root)
    print_findings(assessment.findings)
    if assessment.blocked:
        print(f"{spec.name}: nothing written (error findings)")
        return 1
    if args.diff:
        for change in assessment.pending:
            print(change.diff(), end="")
    for line in report(assessment.changes):
        print(line)
    if args.check:
        return 1 if assessment.pending else 0
    if not args.dry_run:
        write(assessment.changes, args.root, checkpoint=crash_test_checkpoint())
    return 0


def crash_test_checkpoint() -> Callable[[], None]:
    """The crash tests' hook (tests/writer/test_crash.py): with
    XENMIG_FAULT_AT=N, the process kills itself at the N-th step of the
    write.  Read once here; the writer only calls what it is given."""
    at = os.environ.get("XENMIG_FAULT_AT")
    if at is None:
        return lambda: None
    steps = iter(range(1, int(at) + 1))

    def checkpoint() -> None:
        if next(steps, None) == int(at):
            os.kill(os.getpid(), signal.SIGKILL)

    return checkpoint
