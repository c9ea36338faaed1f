"""Release distfiles of xen-migration-tools, byte-for-byte reproducible.

The distfile of version V is a plain tar of ``tools/`` at the release commit
under ``xen-migration-tools-V/``: entries sorted, owner 0:0, modes 0644/0755,
every mtime the commit time, no compression (so the bytes do not depend on a
compressor's version).  Anyone can rebuild it from the repository and check
it against the DIST line of the Manifest.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from dataclasses import dataclass

from xenmig.maint.git_view import GitView

PACKAGE = "xen-migration-tools"
SUBDIR = "tools"


@dataclass(frozen=True)
class Distfile:
    name: str
    data: bytes

    def manifest_line(self) -> str:
        """The Manifest DIST line with ::gentoo's hashes (BLAKE2B SHA512)."""
        blake = hashlib.blake2b(self.data).hexdigest()
        sha = hashlib.sha512(self.data).hexdigest()
        return f"DIST {self.name} {len(self.data)} BLAKE2B {blake} SHA512 {sha}"


def _info(name: str, mtime: int, *, size: int = 0, mode: int = 0o644) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, mode, mtime
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def tools_distfile(git: GitView, commit: str, version: str) -> Distfile:
    prefix = f"{PACKAGE}-{version}"
    mtime = git.commit_time(commit)
    files = list(git.files(commit, SUBDIR))
    dirs = sorted({p for f in files for p in _parents(f.path)})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        tar.addfile(_dir(prefix, mtime))
        for directory in dirs:
            tar.addfile(_dir(f"{prefix}/{directory}", mtime))
        for item in files:
            mode = 0o755 if item.executable else 0o644
            info = _info(f"{prefix}/{item.path}", mtime, size=len(item.data), mode=mode)
            tar.addfile(info, io.BytesIO(item.data))
    return Distfile(f"{prefix}.tar", buffer.getvalue())


def _dir(name: str, mtime: int) -> tarfile.TarInfo:
    info = _info(name, mtime, mode=0o755)
    info.type = tarfile.DIRTYPE
    return info


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]
