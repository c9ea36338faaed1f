"""``xenmig gather HOST[=ADDRESS]... --dir DIR [--gathered G] [--fleet F]``:
writes ``DIR/inventory.yml`` and ``DIR/gather.yml``, the Ansible playbook
that reads what ``xenmig discover`` needs from each host (read-only, no
Python needed there) into ``G/<host>/`` (default ``DIR/gathered``) and
writes each host's spec to ``F/<host>.toml`` (default ``DIR/fleet``),
ready for ``xenmig fleet``.

``xenmig gather --unpack G/HOST`` (what the playbook runs on the
controller) reads the gather script's output on stdin into that tree.
Exit status 0, 2 for bad arguments or a damaged gathered output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from xenmig.errors import UserError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("gather", help="write the Ansible playbook that reads hosts for discover")
    p.add_argument("hosts", nargs="*", metavar="HOST[=ADDRESS]",
                   help="the hosts to read (the name becomes the spec's name; ADDRESS is how "
                        "ssh reaches it)")
    p.add_argument("--dir", type=Path, metavar="DIR", help="where the playbook goes")
    p.add_argument("--gathered", type=Path, metavar="G",
                   help="where each host's files go (default DIR/gathered)")
    p.add_argument("--fleet", type=Path, metavar="F",
                   help="where the discovered specs go (default DIR/fleet)")
    p.add_argument("--unpack", type=Path, metavar="G/HOST",
                   help="(run by the playbook) read the gather output on stdin into G/HOST")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xenmig.fleet.gather import unpack, write_gather

    if args.unpack is not None:
        if args.hosts or args.dir:
            raise UserError("--unpack takes the gather output on stdin and nothing else")
        done = unpack(sys.stdin.read(), args.unpack)
        print(f"{args.unpack}: {done.summary()}")
        return 0
    if not args.hosts or args.dir is None:
        raise UserError("give the hosts to read and --dir for the playbook")
    gathered = args.gathered or args.dir / "gathered"
    fleet = args.fleet or args.dir / "fleet"
    written = write_gather(args.dir, args.hosts, gathered, fleet)
    print(f"xenmig: {', '.join(map(str, written))}: ansible-playbook -i {written[0]} "
          f"{written[1]}", file=sys.stderr)
    return 0
