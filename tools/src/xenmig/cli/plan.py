"""``xenmig plan SPEC... [--json]``: the ordered migration steps of hosts."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from xenmig.cli.common import add_config_root, load_specs, print_json, repositories
from xenmig.gentoo.answers import Answers
from xenmig.host import assess
from xenmig.steps import format_plan, plan_host, reinstall_spec


def add_parser(sub: Any) -> None:
    p = sub.add_parser("plan", help="print the migration steps of hosts")
    p.add_argument("specs", nargs="+", type=Path, metavar="SPEC")
    p.add_argument("--json", action="store_true", help="print the plans as JSON")
    add_config_root(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    specs = load_specs(args.specs)
    repos = repositories(args)
    plans = []
    status = 0
    with Answers(repos.repos) as answers:  # shared by the hosts
        for spec in specs:
            old = assess(spec, repos, answers=answers)
            new = assess(reinstall_spec(spec), repos, answers=answers) if old.blocked else None
            if new is not None and new.blocked:
                status = 1  # not even the reinstalled host works: see its findings
            plans.append(plan_host(old, new))
    if args.json:
        print_json([p.as_json() for p in plans])
    else:
        print("\n\n".join(format_plan(p) for p in plans))
    return status
