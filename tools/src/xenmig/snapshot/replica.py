"""Writing replica ebuild repositories from md5-cache entries.

A replica ebuild carries the metadata of the original (EAPI, SLOT, KEYWORDS,
IUSE, REQUIRED_USE, LICENSE, dependencies, ...) as plain variables and
inherits nothing, so portage and pkgcheck can evaluate it without the
eclasses.  It is not buildable: SRC_URI is left out and pkg_setup dies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from xenmig.gentoo import depstring
from xenmig.snapshot.md5cache import CacheEntry

# Variables written to a replica, in the devmanual's order.
REPLICA_KEYS = (
    "DESCRIPTION",
    "HOMEPAGE",
    "LICENSE",
    "SLOT",
    "KEYWORDS",
    "IUSE",
    "REQUIRED_USE",
    "RESTRICT",
    "PROPERTIES",
    "RDEPEND",
    "DEPEND",
    "BDEPEND",
    "PDEPEND",
    "IDEPEND",
)
DEPEND_KEYS = frozenset({"RDEPEND", "DEPEND", "BDEPEND", "PDEPEND", "IDEPEND"})


def _quote(value: str) -> str:
    for char in ("\\", '"', "$", "`"):
        value = value.replace(char, "\\" + char)
    return f'"{value}"'


def replica_ebuild(
    entry: CacheEntry, header: str, keep: Callable[[str], bool] | None = None
) -> str:
    """The text of the replica ebuild for ``entry``.

    With ``keep``, dependency atoms that ``keep`` rejects are pruned
    (see :func:`xenmig.depstring.prune`).
    """
    lines = [header.rstrip("\n"), "", f"EAPI={entry.get('EAPI')}", ""]
    for key in REPLICA_KEYS:
        value = entry.get(key)
        if key in DEPEND_KEYS and value and keep is not None:
            value = depstring.render(depstring.prune(depstring.parse(value), keep))
        if value:
            lines.append(f"{key}={_quote(value)}")
    lines += [
        "",
        "pkg_setup() {",
        '\tdie "${CATEGORY}/${PF} is a metadata replica and cannot be built"',
        "}",
        "",
    ]
    return "\n".join(lines)


def write_packages(
    entries: Iterable[CacheEntry],
    repo: Path,
    header: Callable[[CacheEntry], str],
    keep: Callable[[str], bool] | None = None,
) -> list[str]:
    """Write one replica ebuild per entry under ``repo``; return the cpvs."""
    written = []
    for entry in entries:
        pn, _ = depstring.split_pf(entry.pf)
        path = repo / entry.category / pn / f"{entry.pf}.ebuild"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(replica_ebuild(entry, header(entry), keep), encoding="utf-8")
        written.append(entry.cpv)
    return written
