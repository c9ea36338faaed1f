"""Debian's linux-source-6.12 as a real kernel tree for patch and Kconfig checks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

DEBIAN_TARBALL = Path("/usr/src/linux-source-6.12.tar.xz")


def unpack_debian_tree(dest: Path) -> Path:
    if not DEBIAN_TARBALL.is_file():
        pytest.skip(f"{DEBIAN_TARBALL} missing: install Debian's linux-source-6.12")
    subprocess.run(["tar", "-xf", str(DEBIAN_TARBALL), "-C", str(dest)], check=True)
    return dest / "linux-source-6.12"


DEBIAN_CONFIGS = Path("/usr/src/linux-config-6.12")


def debian_config(flavour: str, dest: Path) -> Path:
    """Debian's own kernel config of a linux-image flavour (package
    linux-config-6.12), e.g. ``amd64_none_amd64``."""
    packed = DEBIAN_CONFIGS / f"config.{flavour}.xz"
    if not packed.is_file():
        pytest.skip(f"{packed} missing: install Debian's linux-config-6.12")
    target = dest / f"config-{flavour}"
    with target.open("wb") as out:
        subprocess.run(["xz", "-dc", str(packed)], stdout=out, check=True)
    return target
