"""``xenmig discover ROOT [--out FILE] [--name NAME] [--address ADDRESS] [--json]``: the host
spec of the host under ROOT (a live /, a mounted disk, a gathered tree),
every value commented with the file and line it comes from.

Without ``--out`` the spec goes to stdout and the findings to stderr.
``--out`` never replaces a file with other content (``--force`` does,
keeping nothing).  Exit status 0; 1 with error findings or while the
spec does not load yet (a TODO without a safe default: the message names
it); 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from xenmig.cli.common import print_findings, print_json
from xenmig.errors import UserError
from xenmig.findings import exit_status


def add_parser(sub: Any) -> None:
    p = sub.add_parser("discover", help="write the host spec of an existing host from its files")
    p.add_argument("root", type=Path, metavar="ROOT",
                   help="the host's root: /, a mounted disk, or a tree xenmig gather collected")
    p.add_argument("--out", type=Path, metavar="FILE", help="write the spec here (not stdout)")
    p.add_argument("--name", help="the host's name (default: its /etc/hostname)")
    p.add_argument("--address", metavar="ADDRESS",
                   help="how ssh reaches the host ([host] address; gather passes its inventory's)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing --out file with other content")
    p.add_argument("--json", action="store_true",
                   help="print the findings as JSON on stdout (needs --out)")
    p.set_defaults(func=run)


def loads(text: str, name: str) -> str | None:
    """None when ``text`` loads as a host spec, else the loader's error."""
    from xenmig.spec.load import load_text

    try:
        load_text(Path(name), text.encode())
    except UserError as error:
        return str(error)
    return None


def run(args: argparse.Namespace) -> int:
    from xenmig.discover import discover, write_spec

    if args.json and not args.out:
        raise UserError("--json prints the findings on stdout: give --out for the spec")
    found = discover(args.root, args.name)
    if args.address:
        from xenmig.discover.model import Found
        from xenmig.spec.settings import parse_host_address

        try:
            address = parse_host_address(args.address)
        except ValueError as error:
            raise UserError(f"--address {args.address}: {error}") from None
        found.set("host", "address", Found(address, None, "given with --address"))
    text = write_spec(found)
    problem = loads(text, args.out.name if args.out else "discovered.toml")
    if args.out:
        _write(args.out, text, args.force)
    else:
        sys.stdout.write(text)
    if args.json:
        print_json([f.as_json() for f in found.findings])
    else:  # on stderr when the spec is on stdout
        print_findings(found.findings, file=None if args.out else sys.stderr)
    if problem:
        print(f"xenmig: the spec does not load until its TODOs are settled: {problem}",
              file=sys.stderr)
        return 1
    return exit_status(found.findings)


def _write(path: Path, text: str, force: bool) -> None:
    if path.exists() and not force:
        if path.is_file() and path.read_text(errors="replace") == text:
            return
        raise UserError(f"{path}: exists (with other content); give --force to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
