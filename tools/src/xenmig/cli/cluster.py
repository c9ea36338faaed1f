"""``xenmig cluster check CLUSTER.toml``, ``xenmig cluster render
CLUSTER.toml --out DIR`` and ``xenmig cluster plan CLUSTER.toml``: a
cluster of the fleet's hosts (``plan``: its bootstrap, step by step, for a
maintenance window; :mod:`xenmig.cluster.bootstrap`).

The member specs are read from the fleet directory (``--fleet``, default
the directory above ``clusters/``), one ``<member>.toml`` each.  ``render``
writes, for each member, ``DIR/<member>/etc/corosync/corosync.conf``, the
DRBD resource ``etc/drbd.d/<guest>.res`` and the xl configuration
``etc/xenmig/cluster/<guest>.cfg`` of each guest it may run, and the CIB
``etc/xenmig/cluster/<cluster>.cib.xml``.  Exit status 0, 1 with error
findings (nothing is written), 2 for bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from xenmig.cli.common import print_findings, print_json
from xenmig.errors import UserError
from xenmig.findings import Level, exit_status, has_errors
from xenmig.spec import HostSpec


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
    from xenmig.cluster.model import load_cluster
    from xenmig.cluster.render import render_cluster
    from xenmig.spec import load_spec

    fleet = args.fleet or args.cluster.resolve().parent.parent
    specs: dict[str, HostSpec] = {}

    def homes(members: tuple[str, ...]) -> dict[str, str]:
        for member in members:
            path = fleet / f"{member}.toml"
            if not path.is_file():
                raise UserError(f"{args.cluster}: [cluster] members: {member}: no spec {path}")
            specs[member] = load_spec(path)
        return {d.name: name for name, spec in specs.items() for d in spec.domu}

    cluster = load_cluster(args.cluster, homes)
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
        for member, files in render_cluster(cluster, specs).items():
            for rel, text in files.items():
                path = args.out / member / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
                if not args.json:
                    print(f"{member}: {rel}")
    return exit_status(findings)
