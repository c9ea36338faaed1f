"""Which repositories the tools evaluate, and how.

* With ``--config-root DIR``: the repositories of DIR's repos.conf and its
  selected profile, as portage.config reads them; without: the system's
  (``/``) when it has a ::gentoo.  ``$XENMIG_GENTOO_REPO`` names a ::gentoo
  checkout explicitly and wins over both.
* Otherwise the embedded snapshot, with a warning when it is older than
  :data:`SNAPSHOT_MAX_AGE`.
* ``xen-migration``: the configuration root's, else ``$XENMIG_OVERLAY``,
  else the repository this package was installed from (a checkout), else
  /var/db/repos/xen-migration.

The overlay's ebuilds inherit ::gentoo eclasses, which the snapshot does not
carry.  Over the snapshot, the overlay is therefore evaluated through a
replica built from its committed ``metadata/md5-cache`` (the same replica
writer as the snapshot's), together with its profiles and layout.conf.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from xenmig.cache import cache_dir, code_identity, unusable
from xenmig.errors import UserError, XenmigError
from xenmig.gentoo.portage_view import Repo, read_config_root
from xenmig.snapshot import replica
from xenmig.snapshot.md5cache import iter_entries

OVERLAY_NAME = "xen-migration"
SNAPSHOT = Path(__file__).parents[1] / "snapshot" / "data" / "gentoo"
# The snapshot is data from Gentoo's repository at one point in time; past
# this age, KEYWORDS and versions it reports have likely moved on.
SNAPSHOT_MAX_AGE = dt.timedelta(days=180)
_SYSTEM_GENTOO = Path("/var/db/repos/gentoo")
_SYSTEM_OVERLAY = Path("/var/db/repos") / OVERLAY_NAME
_SYSTEM_CONFIG = Path("/etc/portage")


@dataclass(frozen=True)
class RepoSet:
    gentoo: Repo
    overlay: Repo
    uses_snapshot: bool
    warnings: tuple[str, ...] = ()
    # further repositories of a configuration root, and its selected profile
    others: tuple[Repo, ...] = ()
    profile: str | None = None

    @property
    def repos(self) -> tuple[Repo, ...]:
        return (self.gentoo, self.overlay, *self.others)

    @property
    def source(self) -> str:
        if self.uses_snapshot:
            return f"embedded ::gentoo snapshot of {snapshot_date().isoformat()}"
        return str(self.gentoo.location)


def _repo_name(path: Path) -> str:
    try:
        return (path / "profiles/repo_name").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def snapshot_date(snapshot: Path = SNAPSHOT) -> dt.date:
    stamp = (snapshot / "metadata/timestamp.chk").read_text(encoding="utf-8").strip()
    return dt.datetime.strptime(stamp, "%a, %d %b %Y %H:%M:%S %z").date()


def snapshot_age_warning(today: dt.date, snapshot: Path = SNAPSHOT) -> str | None:
    date = snapshot_date(snapshot)
    if today - date > SNAPSHOT_MAX_AGE:
        return (
            f"the embedded ::gentoo snapshot is from {date.isoformat()}, "
            f"older than {SNAPSHOT_MAX_AGE.days} days: configure ::gentoo "
            "(XENMIG_GENTOO_REPO) or regenerate the snapshot"
        )
    return None


def find_overlay() -> Path:
    explicit = os.environ.get("XENMIG_OVERLAY")
    candidates = [Path(explicit)] if explicit else []
    # tools/src/xenmig/gentoo/repos.py in a checkout of the repository
    parents = Path(__file__).resolve().parents
    if len(parents) > 4:
        candidates.append(parents[4])
    candidates.append(_SYSTEM_OVERLAY)
    for path in candidates:
        if _repo_name(path) == OVERLAY_NAME:
            return path
    raise XenmigError(
        f"no {OVERLAY_NAME} repository found (tried {', '.join(map(str, candidates))}); "
        "set XENMIG_OVERLAY"
    )


def find_gentoo() -> Path | None:
    """A configured ::gentoo with its eclasses, or None."""
    explicit = os.environ.get("XENMIG_GENTOO_REPO")
    path = Path(explicit) if explicit else _SYSTEM_GENTOO
    if _repo_name(path) == "gentoo" and (path / "eclass").is_dir():
        return path
    if explicit:
        raise XenmigError(f"XENMIG_GENTOO_REPO={explicit}: not a ::gentoo repository")
    return None


# Written last into a replica: a directory without it is not one.
_COMPLETE = ".xenmig-complete"


def overlay_replica(overlay: Path, into: Path) -> Path:
    """A replica of ``overlay`` (from its md5-cache) under ``into``, reused
    while the cache, profiles, layout.conf and xenmig's code are unchanged.

    Safe when several processes build it at once: each writes a private
    staging directory, marks it complete last and renames it onto the
    target; a target that exists already is another process's success."""
    cache = overlay / "metadata/md5-cache"
    if not cache.is_dir():
        raise XenmigError(f"{cache}: missing; regenerate it with egencache")
    parts = [cache, overlay / "profiles", overlay / "metadata/layout.conf"]
    digest = hashlib.sha256(code_identity())
    for base in parts:
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in files:
            if path.is_file():
                digest.update(str(path.relative_to(overlay)).encode() + b"\0")
                digest.update(path.read_bytes())
    target = into / f"overlay-{digest.hexdigest()[:16]}"
    if (target / _COMPLETE).is_file():
        return target
    try:
        into.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=into))
    except OSError as error:  # an unusable cache: a replica for this process
        unusable(into, error)
        private = Path(tempfile.mkdtemp(prefix="xenmig-replica-"))
        atexit.register(shutil.rmtree, private, ignore_errors=True)
        _write_replica(overlay, cache, private)
        return private
    try:
        _write_replica(overlay, cache, staging)
        (staging / _COMPLETE).write_text("complete\n", encoding="utf-8")
        staging.rename(target)
    except OSError:
        if (target / _COMPLETE).is_file():  # another process's success
            shutil.rmtree(staging, ignore_errors=True)
            return target
        if not (staging / _COMPLETE).is_file():
            shutil.rmtree(staging, ignore_errors=True)
            raise
        # something else holds the name (never a replica of this code,
        # which renames only complete ones): this process uses its own
        atexit.register(shutil.rmtree, staging, ignore_errors=True)
        return staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _write_replica(overlay: Path, cache: Path, staging: Path) -> None:
    shutil.copytree(overlay / "profiles", staging / "profiles")
    (staging / "metadata").mkdir()
    shutil.copyfile(overlay / "metadata/layout.conf", staging / "metadata/layout.conf")
    header = "# Replica of {cpv} from the xen-migration md5-cache (xenmig repos)."
    replica.write_packages(iter_entries(cache), staging, lambda e: header.format(cpv=e.cpv))


def snapshot_repo_set(
    overlay: Path, today: dt.date | None = None, notes: tuple[str, ...] = ()
) -> RepoSet:
    """The embedded snapshot with the overlay replica of ``overlay``."""
    warning = snapshot_age_warning(today or dt.date.today())
    replica_dir = overlay_replica(overlay, cache_dir() / "replicas")
    return RepoSet(
        Repo("gentoo", SNAPSHOT),
        Repo(OVERLAY_NAME, replica_dir, ("gentoo",)),
        True,
        notes + ((warning,) if warning else ()),
    )


def repo_set(config_root: Path | None = None, today: dt.date | None = None) -> RepoSet:
    """The repositories (and profile) to evaluate.

    With ``config_root`` (``--config-root``), its repos.conf and make.profile
    as portage reads them; without, the system's (``/``) when it has a
    ::gentoo, else the embedded snapshot.  ``$XENMIG_GENTOO_REPO`` names a
    ::gentoo checkout explicitly (it wins over both).
    """
    if config_root is not None and not (config_root / "etc/portage").is_dir():
        raise UserError(f"--config-root {config_root}: no etc/portage there")
    explicit = find_gentoo() if os.environ.get("XENMIG_GENTOO_REPO") else None
    if explicit is not None:
        overlay = Repo(OVERLAY_NAME, find_overlay(), ("gentoo",))
        return RepoSet(Repo("gentoo", explicit), overlay, False)
    if config_root is None and _SYSTEM_CONFIG.is_dir() and find_gentoo() is not None:
        config_root = Path("/")
    if config_root is None:
        return snapshot_repo_set(find_overlay(), today, ())
    config = read_config_root(config_root)
    by_name = {repo.name: repo for repo in config.repos}
    notes = tuple(f"{config_root}: {problem}" for problem in config.problems)
    gentoo = by_name.get("gentoo")
    if gentoo is None or not (gentoo.location / "eclass").is_dir():
        notes += (f"{config_root}: no usable ::gentoo configured; using the embedded snapshot",)
        return snapshot_repo_set(find_overlay(), today, notes)
    overlay = by_name.get(OVERLAY_NAME) or Repo(OVERLAY_NAME, find_overlay(), ("gentoo",))
    others = tuple(r for r in config.repos if r.name not in ("gentoo", OVERLAY_NAME))
    return RepoSet(gentoo, overlay, False, notes, others, config.profile)
