"""Reading md5-cache entries (``metadata/md5-cache/<category>/<PF>``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xenmig.errors import UserError


@dataclass(frozen=True)
class CacheEntry:
    """One md5-cache entry: ``cpv`` is ``category/PF``; ``keys`` are the
    ``KEY=value`` lines exactly as stored."""

    cpv: str
    keys: dict[str, str]
    source: Path

    @property
    def category(self) -> str:
        return self.cpv.split("/", 1)[0]

    @property
    def pf(self) -> str:
        return self.cpv.split("/", 1)[1]

    def get(self, key: str) -> str:
        return self.keys.get(key, "")


def read_entry(path: Path, cpv: str) -> CacheEntry:
    keys: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line:
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise UserError(f"{path}:{number}: not a KEY=value line: {line!r}")
        keys[key] = value
    if "EAPI" not in keys:
        raise UserError(f"{path}: EAPI: missing (not an md5-cache entry?)")
    return CacheEntry(cpv, keys, path)


def iter_entries(cache_dir: Path) -> Iterator[CacheEntry]:
    """Entries of a ``metadata/md5-cache`` style directory, sorted by cpv."""
    for path in sorted(cache_dir.glob("*/*")):
        if path.is_file() and not path.name.startswith("."):
            yield read_entry(path, f"{path.parent.name}/{path.name}")
