"""``xenmig render SPEC... --out DIR``: each host's generated files under
``DIR/<host>/etc/portage``.

Hosts with error findings get no files (their findings are printed; see
``xenmig plan``); the exit status is then 1.  DIR is a staging tree: files
are written without a per-file fsync and synced once at the end (``apply``
on a live root keeps fsync + rename per file).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from xenmig.cli.common import add_config_root, load_specs, print_findings, repositories
from xenmig.findings import Level
from xenmig.gentoo.answers import Answers
from xenmig.host import assess
from xenmig.output.writer import report, sync_tree, write


def add_parser(sub: Any) -> None:
    p = sub.add_parser("render", help="write each host's generated files under DIR/<host>")
    p.add_argument("specs", nargs="+", type=Path, metavar="SPEC")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    add_config_root(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    specs = load_specs(args.specs)
    repos = repositories(args)
    status, written = 0, False
    with Answers(repos.repos) as answers:  # shared by the hosts
        for spec in specs:
            root = args.out / spec.name
            assessment = assess(spec, repos, root, answers)
            print_findings(assessment.findings, minimum=Level.WARNING)
            if assessment.blocked:
                print(f"{spec.name}: not rendered (error findings; see xenmig plan {spec.path})")
                status = 1
                continue
            write(assessment.changes, root, fsync=False)
            written = written or bool(assessment.pending)
            for line in report(assessment.changes):
                print(f"{spec.name}: {line}")
    if written:
        sync_tree(args.out)
    return status
