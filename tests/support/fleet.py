"""The example fleet of examples/fleet and what each host is expected to get."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.gentoo import REPO_ROOT

FLEET = REPO_ROOT / "examples/fleet"
LEGACY = tuple(f"xen0{n}" for n in range(1, 10))
MODERN = ("xen10", "xen11")


def spec_path(host: str) -> Path:
    return FLEET / f"{host}.toml"


def tree(root: Path) -> dict[str, bytes]:
    """Every file (content) and link (b"-> target") under ``root``."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(root))] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            found[str(path.relative_to(root))] = path.read_bytes()
    return found
