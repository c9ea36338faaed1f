"""Where the tools keep derived, disposable data (never user data)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``$XENMIG_CACHE_DIR``, else ``$XDG_CACHE_HOME/xenmig``, else ``~/.cache/xenmig``."""
    explicit = os.environ.get("XENMIG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xenmig"
