#!/usr/bin/env python3
"""Benchmark: ``xenmig discover`` of the example old hosts, many times over.

Prints figures, asserts nothing.  The example old-host trees of the
original migration (tests/data/hosts: a 2010 Gentoo x86 dom0 with Xen
3.2.1 and a Debian Xen 4.1 host with six guests) are copied COPIES times
(default 1,000) into a temporary directory, then discovered one after the
other in this one process (what ``xenmig gather`` does for a fleet), and
the spec of each is written: it prints the time per host of each kind and
in all.

    benchmarks/discover.py [--copies 1000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

HOSTS = Path(__file__).parents[1] / "tests/data/hosts"


def main() -> None:
    from xenmig.discover import discover, write_spec

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1000,
                        help="copies of each example host (default: %(default)s)")
    args = parser.parse_args()
    kinds = sorted(p.name for p in HOSTS.iterdir() if p.is_dir())
    with tempfile.TemporaryDirectory(prefix="xenmig-bench-") as tmp:
        roots = []
        for kind in kinds:
            for n in range(args.copies):
                dest = Path(tmp) / f"{kind}-{n}"
                shutil.copytree(HOSTS / kind, dest, symlinks=True)
                roots.append((kind, dest))
        write_spec(discover(roots[0][1]))  # imports, grammar and snapshot caches warm
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        start = time.perf_counter()
        for kind, root in roots:
            began = time.perf_counter()
            text = write_spec(discover(root))
            times[kind].append(time.perf_counter() - began)
            assert "[[domu]]" in text
        total = time.perf_counter() - start
    print(f"xenmig discover, {args.copies} copies of each example host, one process:")
    for kind in kinds:
        values = times[kind]
        print(f"  {kind:24s} {len(values):5d} hosts  median {statistics.median(values) * 1000:6.1f}"
              f" ms  max {max(values) * 1000:6.1f} ms  total {sum(values):6.1f} s")
    print(f"  all                      {len(roots):5d} hosts  {total:6.1f} s  "
          f"({total / len(roots) * 1000:.1f} ms per host)")


if __name__ == "__main__":
    main()
