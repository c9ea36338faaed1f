"""``xenmig regen [--check] [--commit] [--distdir DIR] [--gentoo DIR |
--eclasses DIR] [--repo DIR]``: the overlay's ebuilds, generated files,
Manifests and metadata cache from regen/overlay.toml and regen/templates.

``--check`` writes nothing and exits 1 when the checkout differs from what
regen produces (0 when it does not).  ``--commit`` commits each package's
changes (``cat/pkg: message``).  Bad input (the data file, a DISTDIR file
that does not match its recorded hashes) exits 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from xenmig.errors import UserError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("regen", help="regenerate the overlay from its data and templates "
                                     "(maintainers)")
    p.add_argument("--repo", type=Path, metavar="DIR",
                   help="the repository checkout (default: the one xenmig runs from)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 when the checkout differs")
    p.add_argument("--diff", action="store_true", help="show the differences as a diff")
    p.add_argument("--commit", action="store_true",
                   help="commit each package's changes with gitpython")
    p.add_argument("--distdir", type=Path, metavar="DIR",
                   help="check the distfiles found in DIR against their recorded hashes")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--gentoo", type=Path, metavar="DIR",
                        help="the ::gentoo whose eclasses egencache uses (default: "
                             "$XENMIG_GENTOO_REPO or /var/db/repos/gentoo)")
    source.add_argument("--eclasses", type=Path, metavar="DIR",
                        help="eclasses to add to the embedded snapshot for egencache")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xenmig.gentoo.repos import find_gentoo, find_overlay
    from xenmig.maint import regen

    if args.check and args.commit:
        raise UserError("--check and --commit: choose one")
    repo = (args.repo or find_overlay()).resolve()
    overlay = regen.load(repo)
    if args.distdir is not None:
        problems, checked = regen.verify_distdir(overlay, args.distdir)
        if problems:
            raise UserError("\n".join(problems))
        print(f"{args.distdir}: {len(checked)} distfiles match their recorded hashes"
              + (f" ({', '.join(checked)})" if checked else ""))
    gentoo = args.gentoo
    if gentoo is None and args.eclasses is None:
        gentoo = find_gentoo()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="xenmig-regen-") as tmp:
        master = regen.gentoo_master(Path(tmp), gentoo=gentoo, eclasses=args.eclasses)
        # The committed cache is generated against the eclasses given with
        # --eclasses (the doubles offline); another ::gentoo's eclasses give
        # other checksums, so only the metadata itself is compared then.
        eclass_sums = args.eclasses is not None
        changes = regen.plan(repo, overlay, master, eclass_sums=eclass_sums)
    if not eclass_sums:
        print(f"metadata/md5-cache compared without eclass checksums (eclasses of {gentoo})")
    for change in changes:
        print(f"{change.status:7} {change.path}")
        if args.diff:
            print(change.file_change(repo).diff(), end="")
    if args.check:
        if changes:
            print(f"{len(changes)} files differ from what xenmig regen generates "
                  f"(from {regen.DATA} and {regen.TEMPLATES}); run xenmig regen")
            return 1
        print("the overlay is what xenmig regen generates")
        return 0
    regen.write(repo, changes)
    if args.commit and changes:
        for message in regen.commit(repo, changes):
            print(f"committed: {message}")
    return 0

