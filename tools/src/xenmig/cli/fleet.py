"""``xenmig fleet DIR --out DIR [--jobs N] [--json]``: render every spec of
a fleet directory into ``OUT/<host>``.

A progress bar on a terminal (a line per host otherwise) goes to stderr;
the summary table (or, with ``--json``, the summary as JSON) to stdout.
Exit status: 0 when every host was rendered, 1 when one was blocked (error
findings; see ``xenmig plan``) or failed, 2 for bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from xenmig.cli.common import add_config_root, load_specs, print_json, repositories
from xenmig.errors import UserError
from xenmig.findings import Level


def add_parser(sub: Any) -> None:
    p = sub.add_parser("fleet", help="render every host spec of a directory into OUT/<host>")
    p.add_argument("fleet", type=Path, metavar="DIR", help="directory of host specs (*.toml)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="worker processes (default: the number of CPUs)")
    p.add_argument("--json", action="store_true",
                   help="print the summary as JSON (one line: pipe it to jq for people)")
    p.add_argument("--ansible", type=Path, metavar="DIR",
                   help="also write an Ansible inventory and playbook deploying the rendered "
                        "trees to DIR")
    add_config_root(p)
    p.set_defaults(func=run)


def fleet_specs(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise UserError(f"{directory}: not a directory of host specs")
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise UserError(f"{directory}: no host specs (*.toml)")
    return paths


def run(args: argparse.Namespace) -> int:
    from xenmig.fleet.run import render_fleet

    if args.jobs < 1:
        raise UserError(f"--jobs {args.jobs}: must be at least 1")
    specs = load_specs(fleet_specs(args.fleet))
    repos = repositories(args)
    progress = Progress(len(specs), sys.stderr)
    result = render_fleet(specs, repos, args.out, jobs=args.jobs, progress=progress.update)
    progress.close()
    if args.ansible is not None:
        from xenmig.fleet.playbook import write_ansible
        from xenmig.fleet.run import RENDERED

        rendered = [h.host for h in result.hosts if h.status == RENDERED]
        blocked = [h.host for h in result.hosts if h.status != RENDERED]
        addresses = {s.name: s.host.address for s in specs if s.host.address}
        written = write_ansible(args.ansible, args.out, rendered, blocked, addresses)
        print(f"xenmig: {len(written)} files for Ansible in {args.ansible}: "
              f"ansible-playbook -i {args.ansible / 'inventory.yml'} "
              f"{args.ansible / 'playbook.yml'} --check --diff", file=sys.stderr)
    if args.json:
        print_json(result.as_json(), compact=True)
    else:
        print_table(result, args.out)
    return result.status


class Progress:
    """A bar redrawn in place on a terminal; a line per host otherwise."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream = total, stream
        self.tty = stream.isatty()

    def update(self, host: Any, done: int) -> None:
        if self.tty:
            width = 30
            filled = width * done // self.total
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] "
                              f"{done}/{self.total} {host.host[:30]:<30}")
        else:
            self.stream.write(f"[{done}/{self.total}] {host.host}: {host.status}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def print_table(result: Any, out: Path) -> None:
    from xenmig.fleet.run import RENDERED

    header = ("HOST", "STATUS", "ERRORS", "WARNINGS", "INFOS", "FILES", "CHANGED")
    rows = [
        (h.host, h.status, h.count(Level.ERROR), h.count(Level.WARNING), h.count(Level.INFO),
         sum(h.files.values()), h.changed)
        for h in result.hosts
    ]
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(str(cell).ljust(w) if i < 2 else str(cell).rjust(w)
                        for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip())
    for host in result.hosts:
        if host.error:
            print(f"{host.host}: failed: {host.error}")
    totals, answers = result.totals(), result.answers
    print(f"{totals['hosts']} hosts: {totals[RENDERED]} rendered into {out}, "
          f"{totals['blocked']} blocked (see xenmig plan), {totals['failed']} failed; "
          f"{totals['files_changed']} files changed")
    print(f"portage: {result.configurations} distinct configurations; "
          f"{answers.get('computed', 0)} answers computed, {answers.get('shared', 0)} shared "
          f"between hosts, {answers.get('remembered', 0)} remembered from earlier runs; "
          f"{result.seconds:.2f} s")
