"""Command line: ``xenmig <subcommand>``; one module per subcommand."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from xenmig import __version__
from xenmig.errors import XenmigError, cut

# One module per subcommand, in the order of --help.
SUBCOMMANDS = ("discover", "gather", "check", "plan", "render", "apply", "fleet", "move",
               "cluster", "kernel", "domu", "resolve", "reference", "snapshot", "dist", "regen")


def parser(only: Sequence[str] = SUBCOMMANDS) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="xenmig", description="Migrate Gentoo Xen hosts reproducibly."
    )
    top.add_argument("--version", action="version", version=f"xenmig {__version__}")
    sub = top.add_subparsers(dest="command", required=True)
    for name in only:
        importlib.import_module(f"xenmig.cli.{name}").add_parser(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Only the subcommand that runs is imported (start-up time counts for
    # apply on a host); without one, all are, for --help and the errors.
    first = next((a for a in argv if not a.startswith("-")), None)
    args = parser((first,) if first in SUBCOMMANDS else SUBCOMMANDS).parse_args(argv)
    try:
        status: int = args.func(args)
    except XenmigError as error:
        print(f"xenmig: {cut(str(error))}", file=sys.stderr)
        return error.exit_status
    except BrokenPipeError:
        # the reader went away (xenmig plan | head): no traceback, and no
        # second error when Python flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status
