"""``xenmig check SPEC... [--root DIR] [--json]``: the findings of hosts.

Exit status: 0 without error findings, 1 with, 2 for bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from xenmig.cli.common import add_config_root, load_specs, print_findings, print_json, repositories
from xenmig.findings import exit_status
from xenmig.gentoo.answers import Answers
from xenmig.host import assess


def add_parser(sub: Any) -> None:
    p = sub.add_parser("check", help="report the findings of host specs")
    p.add_argument("specs", nargs="+", type=Path, metavar="SPEC")
    p.add_argument("--root", type=Path, metavar="DIR",
                   help="also check against the host's configuration under DIR")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    add_config_root(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    specs = load_specs(args.specs)
    repos = repositories(args)
    findings = []
    with Answers(repos.repos) as answers:  # shared by the hosts
        for spec in specs:
            findings += assess(spec, repos, args.root, answers).findings
    # a cluster's findings come with each of its members: once
    findings = list(dict.fromkeys(findings))
    if args.json:
        print_json([f.as_json() for f in findings])
    else:
        print_findings(findings)
    return exit_status(findings)
