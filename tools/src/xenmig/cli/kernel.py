"""``xenmig kernel``: configuration fragments and a .config checker.

``xenmig kernel fragment SPEC [--role dom0|domu] [--verify TREE [--base B]]``
prints the fragment (the text render/apply write); with ``--verify`` it
also merges it onto BASE (defconfig, tinyconfig or a .config) of the
kernel tree TREE with the kernel's merge_config.sh and olddefconfig and
fails, explaining why, when a line does not survive.

``xenmig kernel check CONFIG [--spec SPEC] [--role R] [--kernel V] [--tree
TREE] [--json]`` reports what the .config lacks; ``--tree`` adds the
unmet Kconfig dependencies of each option found off.

Exit status as for ``xenmig check``: 0 without error findings, 1 with
(or with lines that did not survive), 2 for bad input.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from xenmig.cli.common import print_findings, print_json
from xenmig.errors import UserError
from xenmig.findings import TextFinding, exit_status
from xenmig.kernel import verify
from xenmig.kernel.check import check
from xenmig.kernel.config import KernelConfig, read_config
from xenmig.kernel.fragments import ROLES, fragment_text, generic_spec, generic_text
from xenmig.kernel.model import load_model
from xenmig.spec import Version, load_spec


def add_parser(sub: Any) -> None:
    p = sub.add_parser("kernel", help="kernel configuration fragments and a .config checker")
    ksub = p.add_subparsers(dest="kernel_command", required=True)

    f = ksub.add_parser("fragment", help="print the dom0 or domU fragment of a host spec")
    f.add_argument("spec", type=Path, metavar="SPEC", nargs="?")
    f.add_argument("--generic", action="store_true",
                   help="the host-independent fragment (no storage drivers; what "
                        "sys-kernel/xen-sources ships in kernel/configs) instead of a spec's")
    f.add_argument("--role", choices=ROLES, default="dom0")
    f.add_argument("--verify", type=Path, metavar="TREE",
                   help="merge the fragment onto --base of this kernel tree and check that "
                        "every line survives make olddefconfig")
    f.add_argument("--base", default="defconfig",
                   help="defconfig, tinyconfig, allnoconfig or a .config file "
                        "(default: defconfig)")
    f.add_argument("--arch", default=None,
                   help="kernel ARCH for --verify (default: x86_64, i386 for x86 hosts)")
    f.set_defaults(func=run_fragment)

    c = ksub.add_parser("check", help="report what a kernel .config lacks for its Xen role")
    c.add_argument("config", type=Path, metavar="CONFIG")
    c.add_argument("--spec", type=Path, metavar="SPEC",
                   help="also check the host's storage drivers and guest options")
    c.add_argument("--role", choices=ROLES, default="dom0")
    c.add_argument("--kernel", metavar="VERSION",
                   help="kernel version, for a .config without its header")
    c.add_argument("--tree", type=Path, metavar="TREE",
                   help="kernel tree of the config: explain why options are off")
    c.add_argument("--json", action="store_true", help="print the findings as JSON")
    c.set_defaults(func=run_check)


def run_fragment(args: argparse.Namespace) -> int:
    if args.generic == (args.spec is not None):
        raise UserError("kernel fragment: give either SPEC or --generic")
    if args.generic:
        spec = generic_spec()
        text = generic_text(args.role)
    else:
        spec = load_spec(args.spec)
        text = fragment_text(spec, args.role)
    sys.stdout.write(text)
    if args.verify is None:
        return 0
    arch = args.arch or ("i386" if spec.host.arch == "x86" else "x86_64")
    config, unmet = verify.merge(args.verify, args.base, text, arch)
    print(f"# verified on {args.verify} ({args.base}, ARCH={arch}): {config}", file=sys.stderr)
    for item in unmet:
        print(f"xenmig: did not survive olddefconfig: {item}", file=sys.stderr)
    return 1 if unmet else 0


def run_check(args: argparse.Namespace) -> int:
    spec = load_spec(args.spec) if args.spec else None
    try:
        version = Version(args.kernel) if args.kernel else None
    except ValueError as error:
        raise UserError(f"--kernel: {error}") from error
    config = read_config(args.config, version)
    findings = check(config, args.role, spec)
    if args.tree is not None:
        findings = _explained(findings, config, args.tree)
    if args.json:
        print_json([f.as_json() for f in findings])
    else:
        print_findings(findings)
        if not findings:
            kind = "XenLinux" if config.xenlinux else "Linux"
            print(f"{config.path}: {args.role}, {kind} {config.release}: no findings")
    return exit_status(findings)


def _explained(findings: list[TextFinding], config: KernelConfig, tree: Path) -> list[TextFinding]:
    values = config.values
    model = load_model(tree, "i386" if config.arch == "x86" else config.arch)
    if Version(model.version).series() != config.version.series():
        print(f"xenmig: warning: {tree} is Linux {model.version}, {config.path} is "
              f"{config.release}: the explanations are those of the tree", file=sys.stderr)
    out = []
    for f in findings:
        symbol = (f.key or "").removeprefix("CONFIG_")
        if f.key and f.key.startswith("CONFIG_") and values.get(symbol, "n") == "n":
            why = model.explain(values, symbol, "y")
            f = dataclasses.replace(f, message=f"{f.message} (why: {why})")
        out.append(f)
    return out
