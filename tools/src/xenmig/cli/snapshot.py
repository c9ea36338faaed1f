"""``xenmig snapshot --from DIR [--from DIR ...] --out DIR``: build the
embedded ::gentoo snapshot from md5-cache entries and profile files."""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from xenmig.gentoo.portage_view import PortageView, Repo
from xenmig.maint.snapshot import PROFILES, build


def add_parser(sub: Any) -> None:
    p = sub.add_parser("snapshot", help="build the embedded ::gentoo snapshot")
    p.add_argument(
        "--from", dest="sources", action="append", type=Path, required=True,
        help="input directory (md5-cache/, profiles/, metadata/); repeatable",
    )
    p.add_argument("--out", type=Path, required=True, help="output repository directory")
    p.add_argument(
        "--date", type=dt.date.fromisoformat, default=dt.date.today(),
        help="snapshot date, YYYY-MM-DD (default: today)",
    )
    p.add_argument(
        "--extra-license", dest="licenses", action="append", default=[], metavar="NAME",
        help="also write a licenses/NAME placeholder (names the overlay uses); repeatable",
    )
    p.add_argument("--no-cache", action="store_true", help="skip egencache (faster)")
    p.set_defaults(func=run)


def regen_metadata(repo: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="xenmig-snapshot-") as tmp:
        view = PortageView(Path(tmp), [Repo("gentoo", repo)], f"gentoo:{PROFILES[0][1]}")
        view.regen_metadata("gentoo")


def run(args: argparse.Namespace) -> int:
    report = build(
        args.sources, args.out, args.date,
        None if args.no_cache else regen_metadata, args.licenses,
    )
    print(
        f"{args.out}: {len(report.packages)} packages, {report.profile_files} profile files, "
        f"{report.licenses} license placeholders"
    )
    return 0
