"""Reading generated shell-syntax files back the way their users do."""

from __future__ import annotations

import subprocess
from pathlib import Path


def bash_values(path: Path, *names: str) -> dict[str, str]:
    """The variables among ``names`` that are set after bash sources
    ``path``, as netifrc and grub-mkconfig read their files (``bash -n``
    first: the file must parse)."""
    subprocess.run(["bash", "-n", str(path)], check=True)
    script = ('source "$1"; shift; '
              'for v; do [[ -v $v ]] && printf "%s=%s\\0" "$v" "${!v}"; done; true')
    out = subprocess.run(["bash", "-c", script, "_", str(path), *names],
                         capture_output=True, text=True, check=True).stdout
    return dict(item.split("=", 1) for item in out.split("\0") if item)
