"""Command line: ``xenmig <subcommand>``; one module per subcommand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from xenmig import __version__
from xenmig.cli import (
    apply,
    check,
    dist,
    domu,
    kernel,
    plan,
    reference,
    render,
    resolve,
    snapshot,
)
from xenmig.errors import XenmigError

SUBCOMMANDS = (check, plan, render, apply, kernel, domu, resolve, reference, snapshot, dist)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="xenmig", description="Migrate Gentoo Xen hosts reproducibly."
    )
    top.add_argument("--version", action="version", version=f"xenmig {__version__}")
    sub = top.add_subparsers(dest="command", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status: int = args.func(args)
    except XenmigError as error:
        print(f"xenmig: {error}", file=sys.stderr)
        return error.exit_status
    return status
