#!/usr/bin/env python3
"""Benchmark: what keeping the answer cache truthful costs.

Prints figures, asserts nothing.  On a copy of the embedded snapshot made to
look like a synced ::gentoo (more than a hundred top-level entries,
metadata/timestamp.chk, a Manifest, git), it times:

1. the repositories' fingerprint: the full walk of a small repository and
   the synced tree's stamp, Manifest, ``git status`` and walk of profiles/
   and eclass/;
2. recalling answers from disk with the per-answer check of the packages
   they consulted, against the same recall without it: the difference is
   what the check costs, per answer and for the 225 resolver runs of the
   fleet benchmark's 1,000 hosts.

    benchmarks/cache_revalidation.py [--recalls N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def main() -> None:
    from xenmig.gentoo import repos
    from xenmig.gentoo.answers import SYNCED_MIN_ENTRIES, Answers, ViewInputs, repos_fingerprint
    from xenmig.gentoo.portage_view import Repo
    from xenmig.rules.context import DOM0_PROFILES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recalls", type=int, default=50)
    args = parser.parse_args()
    rs = repos.snapshot_repo_set(repos.find_overlay(), today=repos.snapshot_date())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        gentoo = work / "gentoo"
        shutil.copytree(rs.gentoo.location, gentoo, symlinks=True)
        for n in range(SYNCED_MIN_ENTRIES):
            (gentoo / f"zz-{n}").mkdir()
        (gentoo / "Manifest").write_text("MANIFEST profiles/Manifest.gz 1\n")
        (gentoo / "eclass").mkdir()
        subprocess.run(["git", "-C", str(gentoo), "init", "-q"], check=True)
        subprocess.run(["git", "-C", str(gentoo), "add", "-A"], check=True)
        subprocess.run(["git", "-C", str(gentoo), "-c", "user.name=b", "-c", "user.email=b@b",
                        "commit", "-qm", "s"], check=True)
        synced = [Repo("gentoo", gentoo), rs.overlay]
        walked = list(rs.repos)

        def fingerprint(repo_list: list[Repo]) -> float:
            start = time.perf_counter()
            repos_fingerprint(repo_list)
            return time.perf_counter() - start

        entries = sum(1 for _ in rs.gentoo.location.rglob("*"))
        print(f"fingerprint, the embedded snapshot walked ({entries} entries): "
              f"{fingerprint(walked) * 1000:.1f} ms")
        print(f"fingerprint, the same tree synced-looking and a git checkout: "
              f"{fingerprint(synced) * 1000:.1f} ms")

        inputs = ViewInputs.of(DOM0_PROFILES["amd64"], {}, {
            "package.accept_keywords/90-xenmig": b"app-emulation/xen-migration-meta ~amd64\n"})
        atoms = ("app-emulation/xen-migration-meta",)
        store = work / "answers"
        with Answers(synced, store) as cold:
            resolution = cold.resolve(inputs, atoms)
        hot = json.loads(next(store.rglob("*.json")).read_text())["hot"]
        print(f"a resolution of the meta-package ({len(resolution.merge_list)} packages "
              f"merged) consulted {len(hot)} packages")
        start = time.perf_counter()
        for _ in range(args.recalls):
            with Answers(synced, store) as warm:
                warm.resolve(inputs, atoms)
        recall = (time.perf_counter() - start) / args.recalls
        start = time.perf_counter()
        for _ in range(args.recalls):
            with Answers(synced, store) as fresh:  # a new process lists again
                assert fresh._stamps(hot) == hot
        check = (time.perf_counter() - start) / args.recalls
        print(f"recall of that answer from disk: {recall * 1000:.2f} ms, of which the check "
              f"of the consulted packages {check * 1000:.2f} ms; for the 225 resolver runs "
              f"of the fleet benchmark's 1,000 hosts: {check * 225:.2f} s")


if __name__ == "__main__":
    main()
