"""Where the tools keep derived, disposable data (never user data)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
from pathlib import Path

from xenmig import __version__


def cache_dir() -> Path:
    """``$XENMIG_CACHE_DIR``, else ``$XDG_CACHE_HOME/xenmig``, else ``~/.cache/xenmig``."""
    explicit = os.environ.get("XENMIG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xenmig"


@functools.cache
def code_identity() -> bytes:
    """Which xenmig this is: its version and the identity (path, size,
    mtime, ctime, inode) of each of its modules.  Part of the key of every
    cache entry that xenmig's code computes (parsed specs, portage's
    answers, make.conf values, replicas): an edited module, in a checkout,
    an editable install or the live ebuild, is another xenmig."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for module in sorted(package.rglob("*.py")):
        st = module.stat()
        h.update(f"{module}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0"
                 f"{st.st_ino}\0".encode())
    return h.digest()


_warned: set[str] = set()


def unusable(path: Path, error: OSError) -> None:
    """Say once per process that the cache cannot be used (xenmig goes on
    without it: a missing cache only costs time)."""
    if str(path) not in _warned:
        _warned.add(str(path))
        print(f"xenmig: {path}: cache not used: {error.strerror or error}", file=sys.stderr)


def store(path: Path, data: bytes) -> None:
    """Write a cache entry: replaced atomically (a reader sees the old entry
    or the new one, never a part), without fsync (a torn entry after a crash
    is recomputed by its reader), and silently not at all when it cannot be
    written (a missing cache only costs time)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
