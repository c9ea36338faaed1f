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


def store(path: Path, data: bytes) -> None:
    """Write a cache entry: replaced atomically (a reader sees the old entry
    or the new one, never a part), without fsync (a torn entry after a crash
    is recomputed by its reader), and silently not at all when it cannot be
    written (a missing cache only costs time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError:
        pass
