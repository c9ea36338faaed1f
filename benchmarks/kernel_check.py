#!/usr/bin/env python3
"""Benchmark: ``xenmig kernel check`` on a typical kernel config.

Prints figures, asserts nothing (the target is in the output: <= 1 s for a
check).  Inputs: Debian's amd64 config (package linux-config-6.12) and,
for --tree, the unpacked linux-source-6.12 (``KSRC``, default: unpack
/usr/src/linux-source-6.12.tar.xz into a temp dir).

    benchmarks/kernel_check.py [KSRC]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 1.0
DEBIAN = Path("/usr/src/linux-config-6.12/config.amd64_none_amd64.xz")
TARBALL = Path("/usr/src/linux-source-6.12.tar.xz")


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}): {proc.stderr}")
    return elapsed


def main() -> None:
    from xenmig.kernel.check import check
    from xenmig.kernel.config import read_config

    work = Path(tempfile.mkdtemp(prefix="xenmig-bench-"))
    config = work / "config-6.12-amd64"
    with config.open("wb") as out:
        subprocess.run(["xz", "-dc", str(DEBIAN)], stdout=out, check=True)
    lines = len(config.read_text().splitlines())

    runs = []
    for _ in range(20):
        start = time.perf_counter()
        check(read_config(config), "dom0")
        runs.append(time.perf_counter() - start)
    in_process = statistics.median(runs)

    env = {**os.environ, "XENMIG_CACHE_DIR": str(work / "cache")}
    cli = [sys.executable, "-m", "xenmig", "kernel", "check", str(config)]
    end_to_end = statistics.median(timed(cli, env) for _ in range(5))

    if len(sys.argv) > 1:
        tree = Path(sys.argv[1])
    else:
        subprocess.run(["tar", "-xf", str(TARBALL), "-C", str(work)], check=True)
        tree = work / "linux-source-6.12"
    cold = timed([*cli, "--tree", str(tree)], env)
    warm = statistics.median(timed([*cli, "--tree", str(tree)], env) for _ in range(3))

    print(f"config: Debian amd64 6.12, {lines} lines")
    print(f"check, in process (parse + rules), median of 20: {in_process * 1000:8.1f} ms")
    print(f"xenmig kernel check, end to end, median of 5:    {end_to_end * 1000:8.1f} ms"
          f"   {verdict(end_to_end)}")
    print(f"  --tree, cold (kconfiglib parses the tree):     {cold * 1000:8.1f} ms")
    print(f"  --tree, warm (cached symbol model), median:    {warm * 1000:8.1f} ms"
          f"   {verdict(warm)}")


def verdict(seconds: float) -> str:
    return f"(target <= {TARGET_S * 1000:.0f} ms: {'met' if seconds <= TARGET_S else 'MISSED'})"


if __name__ == "__main__":
    main()
