"""``xenmig move GUEST --from OLD.toml --to NEW.toml [--run] [--state FILE]
[--rollback] [--address IP] [--old-toolstack xm|xl] [--timeout S] [--ssh CMD]``:
the cold move of a guest from its old host to its new one
(:mod:`xenmig.moves.cutover`).

Without ``--run`` the steps and their commands are printed and nothing
runs.  With ``--run`` the steps not done yet run, recorded in the state
file (default ``./xenmig-move-GUEST.json``): run it again to resume.
``--rollback --run`` undoes what was done (the guest runs again on the
old host).  Hosts are reached as their spec's ``[host] address`` (else
its name).  Exit status 0 when the move (or the rollback) is complete, 1
when a step failed, 2 for bad input.
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any

from xenmig.errors import UserError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("move", help="move a guest from its old host to its new one (cold)")
    p.add_argument("guest", metavar="GUEST")
    p.add_argument("--from", dest="old", type=Path, required=True, metavar="OLD.toml",
                   help="the spec of the host the guest runs on")
    p.add_argument("--to", dest="new", type=Path, required=True, metavar="NEW.toml",
                   help="the spec of the host it moves to (rendered and applied there)")
    p.add_argument("--run", action="store_true", help="run the steps (default: print them)")
    p.add_argument("--rollback", action="store_true",
                   help="undo what the state file says was done (with --run: do it)")
    p.add_argument("--state", type=Path, metavar="FILE",
                   help="the state file (default ./xenmig-move-GUEST.json)")
    p.add_argument("--address", help="an address of the guest that answers ping once it runs "
                                     "(default: the ip= of its first vif that has one)")
    p.add_argument("--old-toolstack", choices=("xm", "xl"),
                   help="xm or xl on the old host (default: xm before Xen 4.1)")
    p.add_argument("--timeout", type=int, default=300, metavar="S",
                   help="seconds for the shutdown and the checks (default 300)")
    p.add_argument("--ssh", default="ssh", metavar="CMD",
                   help="how hosts are reached (default: ssh), e.g. 'ssh -p 2222'")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xenmig.moves.cutover import State, execute, plan_move, rollback, rollback_commands
    from xenmig.spec import load_spec

    if args.timeout < 1:
        raise UserError(f"--timeout {args.timeout}: at least 1 second")
    old, new = load_spec(args.old), load_spec(args.new)
    if old.name == new.name and old.path == new.path:
        raise UserError("--from and --to name the same spec")
    move = plan_move(old, new, args.guest, ssh=tuple(shlex.split(args.ssh)),
                     toolstack=args.old_toolstack, address=args.address, timeout=args.timeout)
    state = State(args.state or Path(f"xenmig-move-{args.guest}.json"))
    if args.rollback:
        steps = [s for s in move.steps() if state.status(s.name)]
        if not args.run:
            for command in rollback_commands(steps) or ["(nothing to undo)"]:
                print(command)
            return 0
        return rollback(move, state, print)
    if not args.run:
        print(f"# xenmig move {move.guest}: {move.old.host} ({move.toolstack}) -> "
              f"{move.new.host} (xl); dry run, nothing runs without --run")
        for n, step in enumerate(move.steps(), 1):
            status = state.status(step.name)
            print(f"{n}. {step.name}: {step.title}" + (f" [{status}]" if status else ""))
            for command in step.commands:
                print(f"     {command}")
            if step.undo:
                print(f"     undo: {'; '.join(step.undo)}")
        return 0
    return execute(move, state, print)
