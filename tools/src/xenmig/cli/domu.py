"""``xenmig domu convert OLD.cfg [--os NAME] [--sxp xend-config.sxp] [--var K=V]
[--arch ARCH]``: a guest configuration as xl configuration on stdout; what
changed is in its ``# note:`` lines.  An xl file passes through with every
key xl knows; an xm file is converted.  Neither is run (see
:mod:`xenmig.hostfiles.xm`).  Exit status 0, or 2 for input that cannot be
read or converted (the message names the file and the line).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

from xenmig.errors import UserError
from xenmig.guests.console import OSES
from xenmig.guests.convert import MACHINES, as_domu_table, convert, convert_xl, read_source
from xenmig.hostfiles.root import read_file
from xenmig.hostfiles.sxp import default_bridge, read_sxp
from xenmig.hostfiles.xm import Value


def add_parser(sub: Any) -> None:
    p = sub.add_parser("domu", help="guest configurations")
    dsub = p.add_subparsers(dest="domu_command", required=True)
    c = dsub.add_parser("convert", help="convert an xm (xend) guest configuration to xl")
    c.add_argument("config", type=Path, metavar="OLD.cfg")
    c.add_argument("--os", default="modern", choices=sorted(OSES),
                   help="the guest's OS, for its console: " + "; ".join(
                       f"{k}: {v}" for k, v in OSES.items()))
    c.add_argument("--sxp", type=Path, metavar="FILE",
                   help="the host's xend-config.sxp (the default bridge of vifs)")
    c.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                   help="value of an xm_vars variable (as given to xm create)")
    c.add_argument("--format", default="xl", choices=("xl", "toml"),
                   help="xl: the xl configuration; toml: a [[domu]] table for the host spec "
                        "(with adopt: the file's path and SHA-256)")
    c.add_argument("--adopt", metavar="PATH",
                   help="toml: where the file is on the host (default: OLD.cfg itself when it "
                        "is in /etc/xen); its sha256 is OLD.cfg's")
    c.add_argument("--arch", default="amd64", choices=sorted(MACHINES),
                   help="the target host's architecture: what os.uname()[4] in the "
                        "xmexample preamble stands for (default amd64: x86_64)")
    c.set_defaults(func=run_convert)


def _given(pairs: list[str]) -> dict[str, Value]:
    given: dict[str, Value] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.isidentifier():
            raise UserError(f"--var {pair}: expected NAME=VALUE")
        given[name] = int(text) if text.lstrip("-").isdigit() else text
    return given


def run_convert(args: argparse.Namespace) -> int:
    data = read_file(args.config)
    text = data.decode("utf-8", "replace")
    kind, config = read_source(text, str(args.config), _given(args.var), args.arch)
    sxp = read_file(args.sxp).decode("utf-8", "replace") if args.sxp else None
    bridge = default_bridge(read_sxp(sxp, str(args.sxp))) if sxp is not None else None
    try:
        converted = convert_xl(config) if kind == "xl" else \
            convert(config, args.os, bridge, sxp=sxp is not None)
    except UserError as error:
        if str(error).startswith(f"{args.config}:"):
            raise
        raise UserError(f"{args.config}: {error}") from None
    if args.format == "xl":
        sys.stdout.write(converted.text())
        return 0
    where = args.adopt or (str(args.config) if str(args.config).startswith("/etc/xen/") else None)
    adopt = (where, hashlib.sha256(data).hexdigest()) if where else None
    sys.stdout.write(as_domu_table(converted, args.os, adopt, bridge))
    return 0
