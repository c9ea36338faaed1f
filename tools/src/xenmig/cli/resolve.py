"""``xenmig resolve``: what portage would merge for the migration set.

Until the host-spec generator exists this is the main job: the merge list of
the meta-package under the xen-dom0 profile, against ::gentoo or the
embedded snapshot, with the keyword/USE changes still needed.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from xenmig.cli.common import add_config_root, repositories
from xenmig.gentoo.portage_view import PortageView, Resolution

DEFAULT_ATOM = "app-emulation/xen-migration-meta"
DEFAULT_PROFILE = "xen-migration:xen-dom0/amd64/23.0"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("resolve", help="print portage's merge list for the migration set")
    p.add_argument("atoms", nargs="*", default=[DEFAULT_ATOM], help=f"(default: {DEFAULT_ATOM})")
    p.add_argument(
        "--profile",
        help=f"repo:path of the profile (default: the config root's, else {DEFAULT_PROFILE})",
    )
    add_config_root(p)
    p.set_defaults(func=run)


def format_resolution(resolution: Resolution, source: str) -> str:
    lines = [f"# repositories: {source}", "merge list:"]
    lines += [f"  {cpv}" for cpv in resolution.merge_list]
    if resolution.changes:
        lines.append("changes still needed (package.accept_keywords / package.use):")
        lines += [f"  {change}" for change in resolution.changes]
    else:
        lines.append("no keyword or USE changes needed")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    repos = repositories(args)
    source = repos.source
    with tempfile.TemporaryDirectory(prefix="xenmig-resolve-") as tmp:
        profile = args.profile or repos.profile or DEFAULT_PROFILE
        view = PortageView(Path(tmp), repos.repos, profile)
        resolution = view.resolve(args.atoms)
    if not resolution.merge_list:
        print(resolution.problems)
        print("xenmig: no solution")
        return 1
    print(format_resolution(resolution, source))
    return 0
