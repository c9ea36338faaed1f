"""``xenmig cluster check CLUSTER.toml``, ``xenmig cluster render
CLUSTER.toml --out DIR`` and ``xenmig cluster plan CLUSTER.toml``: a
cluster of the fleet's hosts (``plan``: its bootstrap, step by step, for a
maintenance window; :mod:`xenmig.cluster.bootstrap`).

The member specs are read from the fleet directory (``--fleet``, default
the directory above ``clusters/``), one ``<member>.toml`` each.  ``render``
writes, for each member, ``DIR/<member>/etc/corosync/corosync.conf``, the
DRBD resource ``etc/drbd.d/<guest>.res`` and the xl configuration
``etc/xenmig/cluster/<guest>.cfg`` of each guest it may run, and the CIB
``etc/xenmig/cluster/<cluster>.cib.xml``, each as xenmig's managed block
(XML comments in the CIB), the same files the member's own ``render``
writes (it reads the cluster files beside its spec).  Exit status 0, 1
with error findings (nothing is written), 2 for bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from xenmig.cli.common import print_findings, print_json
from xenmig.findings import Level, exit_status, has_errors


def add_parser(sub: Any) -> None:
    p = sub.add_parser("cluster", help="a Pacemaker/DRBD cluster of the fleet's hosts")
    csub = p.add_subparsers(dest="cluster_command", required=True)
    for name, text in (("check", "report the findings of a cluster"),
                       ("render", "write each member's cluster files under DIR/<member>"),
                       ("plan", "print the cluster's bootstrap, step by step")):
        c = csub.add_parser(name, help=text)
        c.add_argument("cluster", type=Path, metavar="CLUSTER.toml")
        c.add_argument("--fleet", type=Path, metavar="DIR",
                       help="the directory of the member specs (default: above clusters/)")
        c.add_argument("--json", action="store_true", help="findings as JSON")
        if name == "render":
            c.add_argument("--out", type=Path, required=True, metavar="DIR")
        c.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xenmig.cluster.check import check_cluster
    from xenmig.cluster.membership import load_with_members

    fleet = args.fleet or args.cluster.resolve().parent.parent
    membership = load_with_members(args.cluster, fleet)
    cluster, specs = membership.cluster, membership.specs
    findings = list(check_cluster(cluster, specs))
    if args.cluster_command == "plan":
        from xenmig.cluster.bootstrap import bootstrap

        steps = bootstrap(cluster, specs)
        if args.json:
            print_json([s.as_json() for s in steps])
        else:
            print(f"# the bootstrap of cluster {cluster.name}: once, in a maintenance window")
            for n, step in enumerate(steps, 1):
                print(f"{n}. {step.title}")
                for command in step.commands:
                    print(f"     {command}")
            print_findings([f for f in findings if f.level >= Level.WARNING])
        return exit_status(findings)
    if args.json:
        print_json([f.as_json() for f in findings])
    else:
        print_findings(findings)
    if args.cluster_command == "render" and not has_errors(findings):
        from xenmig.output.writer import plan_writes, report, write
        from xenmig.rules.cluster import member_contributions

        for member in cluster.members:
            # the member's cluster files as its own render writes them
            # (managed blocks); nothing else under DIR/<member> is touched
            contributions = member_contributions(membership, member)
            ours = {c.target for c in contributions}
            root = args.out / member
            root.mkdir(parents=True, exist_ok=True)
            changes, problems = plan_writes(specs[member], root, contributions,
                                            report_temps=False)
            if problems:
                print_findings(problems)
                return exit_status(problems)
            changes = [c for c in changes if c.target in ours]
            write(changes, root)
            if not args.json:
                for line in report(changes):
                    print(f"{member}: {line}")
    return exit_status(findings)
