"""The example fleet of examples/fleet and what each host is expected to get."""

from __future__ import annotations

from pathlib import Path

from tests.support.gentoo import REPO_ROOT

FLEET = REPO_ROOT / "examples/fleet"
LEGACY = tuple(f"xen0{n}" for n in range(1, 10))
MODERN = ("xen10", "xen11")


def spec_path(host: str) -> Path:
    return FLEET / f"{host}.toml"
