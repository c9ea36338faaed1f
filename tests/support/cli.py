"""Running the real ``xenmig`` command line in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import produced
from tests.support.gentoo import REPO_ROOT


def xenmig(
    cache: Path, *args: str | Path, merge_stderr: bool = True, env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m xenmig ARGS`` on the embedded default (no configured
    ::gentoo), with a private cache directory."""
    environ = {
        k: v for k, v in os.environ.items()
        if k not in ("PORTAGE_OVERRIDE_EPREFIX", "XENMIG_GENTOO_REPO", "XENMIG_OVERLAY")
    }
    environ.update(XENMIG_CACHE_DIR=str(cache), **(env or {}))
    proc = subprocess.run(
        [sys.executable, "-m", "xenmig", *map(str, args)], env=environ, cwd=REPO_ROOT,
        text=True, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE, check=False,
        timeout=timeout,
    )
    produced.scan(proc.stdout)
    return proc
