"""``xenmig reference``: print the host-spec reference (docs/host-spec.md)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from xenmig.maint.reference import host_spec_reference


def add_parser(sub: Any) -> None:
    p = sub.add_parser("reference", help="print the host-spec reference page (Markdown)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(host_spec_reference())
    return 0
