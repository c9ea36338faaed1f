#!/usr/bin/env python3
"""Benchmark: reading host shell files is linear, and big files cost nothing.

Prints figures, asserts nothing.  For conf.d/net-like text of 1, 4, 16 and
100 MB (assignments, arrays, expansions and comments) it times the parser
(:func:`xenmig.hostfiles.shell.read_shell`, tree-sitter-bash plus the
evaluation) and prints the cost per MB: a linear scan keeps it flat (the
scanner it replaced sliced the text at every line: 1 MB 0.6 s, 4 MB 5.7 s,
100 MB about an hour).  Then it times what xenmig does with such a file on a
host: :meth:`HostRoot.read` refuses anything over MAX_HOST_FILE at once.

    benchmarks/hostfiles.py [--sizes 1,4,16,100]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

UNIT = (b"# a comment line, as netifrc's examples have many\n"
        b'config_eth0="192.0.2.1/24 brd 192.0.2.255"\n'
        b'bridge_br0=( "eth0" "eth1" )\n'
        b'routes_br0="default via ${config_eth0%%/*}"\n'
        b'rc_net_br0_need="net.eth0"\n'
        b'A="${config_eth0} x"\n')


def main() -> None:
    from xenmig.hostfiles.root import MAX_HOST_FILE, HostRoot, TooLarge
    from xenmig.hostfiles.shell import read_shell

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4,16,100", help="sizes in MB (default: %(default)s)")
    args = parser.parse_args()
    read_shell(UNIT)  # load the grammar once
    print("read_shell (tree-sitter-bash parse + evaluation), conf.d/net-like text:")
    for mb in (int(s) for s in args.sizes.split(",")):
        text = UNIT * (mb * 1024 * 1024 // len(UNIT))
        start = time.perf_counter()
        values = read_shell(text)
        elapsed = time.perf_counter() - start
        print(f"  {mb:4d} MB  {elapsed:7.2f} s  {elapsed / mb:5.2f} s/MB  "
              f"({len(values.refusals)} refused statements)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "etc/conf.d").mkdir(parents=True)
        with open(root / "etc/conf.d/net", "wb") as handle:
            handle.truncate(100 * 1024 * 1024)  # 100 MB (sparse)
        start = time.perf_counter()
        try:
            HostRoot.of(root).read("etc/conf.d/net")
            outcome = "read (unexpected)"
        except TooLarge as error:
            outcome = f"refused: {error.why}"
        elapsed = time.perf_counter() - start
    print(f"a 100 MB /etc/conf.d/net on a host (limit {MAX_HOST_FILE} bytes): "
          f"{elapsed * 1000:.2f} ms, {outcome}")


if __name__ == "__main__":
    main()
