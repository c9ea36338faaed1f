"""``xenmig dist --commit REV --version V --out DIR``: build the release
distfile of xen-migration-tools and print its Manifest DIST line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from xenmig.maint.git_view import GitView
from xenmig.maint.release import tools_distfile


def add_parser(sub: Any) -> None:
    p = sub.add_parser("dist", help="build the release tarball of the tools (maintainers)")
    p.add_argument("--commit", required=True, help="release commit")
    p.add_argument("--version", required=True, help="release version, e.g. 0.1.0")
    p.add_argument("--repo", type=Path, default=Path.cwd(), help="git repository (default: .)")
    p.add_argument("--out", type=Path, required=True, help="directory for the tarball")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    distfile = tools_distfile(GitView(args.repo), args.commit, args.version)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / distfile.name).write_bytes(distfile.data)
    print(distfile.manifest_line())
    return 0
