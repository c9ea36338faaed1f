"""Portage's answers, shared between hosts and remembered between runs.

What the rules ask portage is a pure function of its inputs: which
versions of a package the repositories hold, a package's metadata, and what
the resolver decides for a set of atoms on a configuration root (profile,
make.conf settings, the files of ``etc/portage``).  :class:`Answers` keys
every question by those inputs:

* hosts whose portage inputs are equal share one resolver run, so the cost
  of a fleet grows with its distinct portage configurations, not its hosts;
* answers are kept on disk under ``<cache>/answers/<repositories>/``, where
  ``<repositories>`` is :func:`repos_fingerprint`: the repositories' files
  (see :func:`_repo_lines` for a synced ::gentoo, which is not walked),
  portage's identity, xenmig's code and :data:`SCHEMA`;
* each stored answer names its key and the packages it consulted with the
  identity of their files in the synced repositories, checked again when it
  is recalled (what the fingerprint of a synced tree cannot see).

Portage gets an environment built by xenmig (:func:`portage_env`), so the
caller's shell is never an input.

The cache is disposable: it is written without fsync (a torn entry is
ignored and recomputed) and fingerprints unused for :data:`KEEP_DAYS` are
removed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from xenmig import __version__, cache
from xenmig.gentoo import depstring
from xenmig.gentoo.portage_view import PortageView, Repo, Resolution, portage_identity

# Bump when the meaning of a stored answer changes (Resolution's fields, the
# way it is extracted from portage's depgraph).
SCHEMA = 2
KEEP_DAYS = 30
SYNCED_MIN_ENTRIES = 100
# Never part of a repository's identity.
_IGNORED_DIRS = {".git", "distfiles", "packages", "__pycache__"}


@dataclass(frozen=True)
class ViewInputs:
    """Everything a resolver run reads besides the repositories: the
    profile (``repo:path``), the make.conf settings that change decisions,
    and the files of ``etc/portage`` (relative path, content)."""

    profile: str
    settings: tuple[tuple[str, str], ...]
    files: tuple[tuple[str, bytes], ...]

    @classmethod
    def of(cls, profile: str, settings: Mapping[str, str],
           files: Mapping[str, bytes]) -> ViewInputs:
        return cls(profile, tuple(sorted(settings.items())), tuple(sorted(files.items())))

    def digest(self) -> str:
        h = hashlib.sha256()
        h.update(self.profile.encode() + b"\0")
        for key, value in self.settings:
            h.update(f"{key}={value}".encode() + b"\0")
        for path, data in self.files:
            h.update(path.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
        return h.hexdigest()


def repos_fingerprint(repos: Sequence[Repo]) -> str:
    """Identity of the repositories' contents: every file's relative path,
    size, mtime, ctime and inode (a copy that keeps size and mtime, ``cp
    -p``, ``rsync -t``, still gets a new ctime), with portage's version,
    xenmig's code and SCHEMA."""
    h = hashlib.sha256(f"{SCHEMA}\0{__version__}\0{portage_identity()}\0".encode())
    h.update(cache.code_identity())
    for repo in repos:
        h.update(f"repo {repo.name} {repo.location} {' '.join(repo.masters)}\0".encode())
        for line in _repo_lines(repo.location):
            h.update(line)
    return h.hexdigest()


def is_synced(top: Path) -> bool:
    """A synced ::gentoo: many top-level entries and the stamp that emerge
    --sync and emerge-webrsync write.  Walking its ~170,000 files would cost
    about a second per command, so it is known by other means."""
    try:
        return (top / "metadata/timestamp.chk").is_file() and \
            len(os.listdir(top)) > SYNCED_MIN_ENTRIES
    except OSError:
        return False


def _repo_lines(top: Path) -> list[bytes]:
    """A repository's identity: every file (:func:`_stat_lines`), or for a
    synced one what covers its state without a walk:

    * ``metadata/timestamp.chk`` and the signed top-level ``Manifest`` (its
      hash covers every category's Manifest), which a sync rewrites;
    * in a git checkout, the commit of HEAD and the identity of every file
      git reports as changed (``git status``): local edits, ``git checkout
      -- path``, ``git stash``;
    * every file of ``profiles/`` (the profile chain, package.mask, the
      use.mask files) and ``eclass/``, walked like a small repository.

    What this cannot see, an edit of a package's files in an rsync tree
    without a sync, is caught per answer: each records the packages it
    consulted and is checked again when recalled (:class:`Answers`)."""
    if not is_synced(top):
        return sorted(_stat_lines(top))
    lines = [b"synced\0"]
    for name in ("metadata/timestamp.chk", "Manifest"):
        try:
            lines.append(name.encode() + b"\0" + hashlib.sha256(
                (top / name).read_bytes()).hexdigest().encode() + b"\n")
        except OSError:
            lines.append(name.encode() + b"\0missing\n")
    lines += _git_lines(top)
    for sub in ("profiles", "eclass"):
        lines += sorted(b"%s/%s" % (sub.encode(), line) for line in _stat_lines(top / sub))
    return lines


def _git_lines(top: Path) -> list[bytes]:
    """HEAD and the changed files of a git checkout (none elsewhere)."""
    if not (top / ".git").exists():
        return []
    import subprocess

    def git(*args: str) -> str:
        proc = subprocess.run(["git", "-C", str(top), *args], capture_output=True, text=True,
                              check=False, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                                "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
        return proc.stdout if proc.returncode == 0 else f"git failed: {proc.returncode}"

    lines = [b"git HEAD\0" + git("rev-parse", "HEAD").encode()]
    for entry in git("status", "--porcelain=v1", "-z", "--untracked-files=all").split("\0"):
        if not entry:
            continue
        lines.append(b"git dirty\0" + entry.encode() + b"\0" + _identity(top / entry[3:]))
    return lines


def _identity(path: Path) -> bytes:
    try:
        return _stat_identity(os.stat(path))
    except OSError:
        return b"missing\n"


def _stat_identity(st: os.stat_result) -> bytes:
    """Size, mtime, ctime and inode of a file: ctime cannot be set back, so
    a copy that keeps size and mtime (cp -p, tar, rsync -t) is still seen."""
    return f"{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\n".encode()


def _stat_lines(top: Path) -> Iterable[bytes]:
    stack = [str(top)]
    base = len(str(top)) + 1
    while stack:
        directory = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir():
                    # distfiles, packages, .git: only at the top of a repository
                    if directory != str(top) or entry.name not in _IGNORED_DIRS:
                        stack.append(entry.path)
                    continue
                st = entry.stat()
            except OSError:
                continue
            yield entry.path[base:].encode() + b"\0" + _stat_identity(st)


class Answers:
    """Portage's answers for one set of repositories.

    ``store``: where answers are remembered (default ``<cache>/answers``;
    None keeps them in memory only).  Views for resolver runs are written
    under a private temporary directory, removed by :meth:`close`.
    """

    def __init__(self, repos: Sequence[Repo], store: Path | bool | None = True) -> None:
        self.repos = tuple(repos)
        self._memory: dict[str, Any] = {}
        # the evaluation configurations computed so far (see Context.view_inputs)
        self.inputs: dict[Any, ViewInputs] = {}
        self._fingerprint: str | None = None
        self._store_base = (cache.cache_dir() / "answers") if store is True else (store or None)
        self._workdir: Any = None  # a tempfile.TemporaryDirectory, made when needed
        self._query_view: PortageView | None = None
        self._listings: dict[Path, list[str]] = {}
        # computed: portage was asked; shared: answered from memory (another
        # host asked first); remembered: answered from the disk store.
        self.counts: Counter[str] = Counter()
        # the distinct configurations resolved on, by their digest
        self.configurations: set[str] = set()

    # -- the questions -----------------------------------------------------

    def match_all(self, atom: str, profile: str) -> tuple[str, ...]:
        """Every version matching ``atom`` in the repositories (masked or not)."""
        key = _key("match-all", atom)
        found = self._recall(key, _is_match_all)
        if found is None:
            found = self._remember(key, list(self._query(profile).match_all(atom)),
                                   {depstring.atom_cp(atom)})
        return tuple(found)

    def metadata(self, atom: str, keys: Sequence[str], profile: str) -> dict[str, str] | None:
        """``keys`` of the best version matching ``atom`` (masked or not)."""
        key = _key("metadata", atom, *keys)
        found = self._recall(key, _is_metadata)
        if found is None:
            found = self._remember(key, {"value": self._query(profile).metadata(atom, keys)},
                                   {depstring.atom_cp(atom)})
        value: dict[str, str] | None = found["value"]
        return value

    def resolve(self, inputs: ViewInputs, atoms: Sequence[str]) -> Resolution:
        """Portage's resolution of ``atoms`` on the configuration ``inputs``."""
        digest = inputs.digest()
        self.configurations.add(digest)
        key = _key("resolve", digest, *atoms)
        found = self._recall(key, _is_resolution)
        if found is None:
            view = self._view(inputs, digest)
            resolution = view.resolve(list(atoms))
            consulted = {depstring.atom_cp(a) for a in atoms}
            if self._synced:
                consulted |= {_cpv_cp(cpv) for cpv in resolution.merge_list}
                consulted |= view.dependency_cps(resolution.merge_list)
            found = self._remember(key, asdict(resolution), consulted)
        fields: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in found.items()
        }
        return Resolution(**fields)

    # -- the machinery -----------------------------------------------------

    @functools.cached_property
    def _synced(self) -> tuple[Path, ...]:
        """The repositories known without a walk (see :func:`_repo_lines`)."""
        return tuple(r.location for r in self.repos if is_synced(r.location))

    def _stamps(self, cps: Iterable[str]) -> dict[str, str]:
        """{cat/pkg: identity of its files in the synced repositories}: the
        ebuild directory and the md5-cache entries of each package."""
        if not self._synced:
            return {}
        return {cp: self._stamp(cp) for cp in sorted(set(cps)) if cp.count("/") == 1}

    def _stamp(self, cp: str) -> str:
        category, name = cp.split("/")
        h = hashlib.sha256()
        for top in self._synced:
            for entry in sorted(_entries(top / category / name), key=lambda e: e.name):
                h.update(entry.name.encode() + b"\0" + _identity(Path(entry.path)))
            cache_dir = top / "metadata/md5-cache" / category
            for pf in self._listing(cache_dir):
                if not pf.startswith(f"{name}-"):  # most of a category: cheap to skip
                    continue
                with contextlib.suppress(depstring.DepSyntaxError):
                    if depstring.split_pf(pf)[0] == name:
                        h.update(pf.encode() + b"\0" + _identity(cache_dir / pf))
        return h.hexdigest()[:24]

    def _listing(self, directory: Path) -> list[str]:
        """A directory's names, listed once per instance (a category's
        md5-cache has thousands)."""
        if directory not in self._listings:
            self._listings[directory] = sorted(e.name for e in _entries(directory))
        return self._listings[directory]

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = repos_fingerprint(self.repos)
        return self._fingerprint

    @property
    def store(self) -> Path | None:
        if self._store_base is None:
            return None
        return self._store_base / self.fingerprint[:24]

    def _recall(self, key: str, valid: Callable[[Any], bool]) -> Any:
        if key in self._memory:
            self.counts["shared"] += 1
            return self._memory[key]
        store = self.store
        if store is not None:
            try:
                entry = json.loads((store / key[:2] / f"{key}.json").read_bytes())
            except (OSError, ValueError):
                return None
            # An entry names its key: anything else (another shape, written
            # by other code, damaged) is a miss.
            if not isinstance(entry, dict) or entry.get("key") != key or \
                    not valid(entry.get("value")):
                return None
            hot = entry.get("hot", {})
            if not isinstance(hot, dict) or hot != self._stamps(hot):
                return None  # a package it consulted changed in a synced tree
            value = entry["value"]
            self._memory[key] = value
            self.counts["remembered"] += 1
            return value
        return None

    def _remember(self, key: str, value: Any, consulted: Iterable[str] = ()) -> Any:
        self.counts["computed"] += 1
        self._memory[key] = value
        store = self.store
        if store is not None:
            entry = {"key": key, "value": value, "hot": self._stamps(consulted)}
            cache.store(store / key[:2] / f"{key}.json", json.dumps(entry).encode())
            self._prune()
        return value

    def _prune(self) -> None:
        """Once per process: drop fingerprints unused for KEEP_DAYS."""
        if self.counts["computed"] != 1 or self._store_base is None:
            return
        store = self.store
        assert store is not None
        cutoff = time.time() - KEEP_DAYS * 86400
        try:
            os.utime(store)
            old = [p for p in self._store_base.iterdir()
                   if p.is_dir() and p != store and p.stat().st_mtime < cutoff]
        except OSError:
            return
        for path in old:
            shutil.rmtree(path, ignore_errors=True)

    def _work(self) -> Path:
        if self._workdir is None:
            import tempfile

            self._workdir = tempfile.TemporaryDirectory(prefix="xenmig-views-")
        return Path(self._workdir.name)

    def _query(self, profile: str) -> PortageView:
        """The view for questions that do not depend on configuration."""
        if self._query_view is None:
            self._query_view = PortageView(self._work() / "query", self.repos, profile)
        return self._query_view

    def _view(self, inputs: ViewInputs, digest: str) -> PortageView:
        root = self._work() / f"view-{digest[:16]}"
        for path, data in inputs.files:
            target = root / "etc/portage" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return PortageView(root, self.repos, inputs.profile, dict(inputs.settings))

    def close(self) -> None:
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None
            self._query_view = None

    def __enter__(self) -> Answers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as found:
            return list(found)
    except OSError:
        return []


def _cpv_cp(cpv: str) -> str:
    """``cat/pkg`` of ``cat/pkg-ver`` or ``cat/pkg-ver::repo``."""
    category, _, pf = cpv.split("::")[0].partition("/")
    try:
        return f"{category}/{depstring.split_pf(pf)[0]}"
    except depstring.DepSyntaxError:
        return cpv


def _is_match_all(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_metadata(value: Any) -> bool:
    if not isinstance(value, dict) or set(value) != {"value"}:
        return False
    inner = value["value"]
    return inner is None or (isinstance(inner, dict) and
                             all(isinstance(v, str) for v in inner.values()))


_RESOLUTION_FIELDS = {f.name for f in fields(Resolution)}


def _is_resolution(value: Any) -> bool:
    if not isinstance(value, dict) or set(value) != _RESOLUTION_FIELDS:
        return False
    return (isinstance(value["success"], bool) and isinstance(value["problems"], str)
            and all(_is_match_all(v) for k, v in value.items()
                    if k not in ("success", "problems")))


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
