"""The one place that writes to a root (the copier and flaggie models).

Everything is computed first (:func:`plan_writes`: old and new content of
each file), reported (create / update / remove / identical, or a diff), and
only then written (:func:`write`).  The contract:

* xenmig changes only its managed block (see :mod:`xenmig.output.blocks`): in a
  package.* directory, the block lives in its own file ``90-xenmig``; in a
  package.* file, the block is inserted at the top and replaced in place
  later; env/xenmig-*.conf files hold the block alone.  Every other byte of
  every file stays as it was (files are handled as bytes, undecodable ones
  included).
* A block edited by hand (its digest does not match) and a foreign file
  with xenmig's name are reported and left alone.
* Writes go to a dot-prefixed temp file in the same directory, are
  fsynced, get the old file's mode and owner, and are renamed over the
  target; portage never reads dotfiles, so a crash leaves nothing portage
  would read.  A temp file left by a crash is reported and removed by the
  next run.  Applying twice changes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from xenmig.errors import XenmigError
from xenmig.findings import Finding, Level, Scope, TextFinding
from xenmig.hostfiles.root import Escape, HostPathError, HostRoot
from xenmig.output.blocks import (
    ANY_BEGIN,
    BEGIN,
    EDITED,
    FOREIGN,
    MAKE_CONF_FILE,
    MANAGED_FILE,
    NO_END,
    Conflict,
    Merged,
    block_body,
    grouped,
    merge_block,
    render_block,
)
from xenmig.output.contributions import (
    DEFAULT_RUNLEVEL,
    GUEST_FILES,
    INIT_D,
    XEN_DIR,
    XENDOMAINS_AUTO,
    Contribution,
    Link,
)
from xenmig.output.targets import (
    END_BLOCK_FILES,
    FIXED,
    Placement,
    is_guest_config,
    is_guest_target,
    root_relative,
    row,
    style_of,
)
from xenmig.spec import HostSpec

# Targets are relative to etc/portage, or to the root when they start with
# "/": the fixed rows of xenmig.output.targets, in their order.
TARGETS = FIXED
TEMP_PREFIX = ".xenmig-"
TEMP_SUFFIX = ".tmp"
_OWNER_RE = re.compile(
    f"^{ANY_BEGIN}[0-9a-f]{{16}}: managed by xenmig for host (\\S+) \\(".encode(), re.MULTILINE)


class ManagedBlockEdited(TextFinding):
    """xenmig's managed block in this file was edited by hand (its digest no
    longer matches).  xenmig leaves the file alone: move the edits out of
    the block (or delete the block) and apply again."""

    level = Level.ERROR


class ForeignFile(TextFinding):
    """A file with the name xenmig uses exists but was not written by
    xenmig (no managed block); it is left alone."""

    level = Level.ERROR


class UnusableTarget(TextFinding):
    """A package.* location is neither a file nor a directory (or cannot be
    read); xenmig does not write there."""

    level = Level.ERROR


class SymlinkEscapesRoot(TextFinding):
    """Under ``--root DIR``, a link on the way to a file xenmig writes points
    out of DIR (an absolute target, or ``..`` above DIR) to a place that
    does not exist inside DIR.  xenmig follows links as the host will (an
    absolute target is taken relative to DIR, as in a chroot) and never
    creates what a link points to, so nothing is written for this host:
    create the target inside DIR, or make the link relative.  The same
    finding (an error at write time) when a link appears in a path after
    xenmig resolved it."""

    level = Level.ERROR


class RootOfAnotherHost(TextFinding):
    """The file holds xenmig's block for another host: two host specs
    name the same root (a copy of a spec not renamed, the wrong --root).
    Left alone, so that the last run does not silently win; when the host
    was renamed on purpose, delete the old blocks and apply again."""

    level = Level.ERROR


class LinkConflict(TextFinding):
    """A link xenmig would create (an init script net.<bridge>, a runlevel
    entry) exists as something else: a file, or a link to another target.
    It is left alone; the message says what is there."""

    level = Level.ERROR


class LeftoverTempFile(TextFinding):
    """A temp file of an interrupted xenmig run was found (and removed by
    apply); portage ignores dotfiles, so it had no effect."""

    level = Level.WARNING


class AdoptedFileChanged(TextFinding):
    """The guest configuration a guest's spec adopts (``[[domu]] adopt``)
    is no longer the file the spec was made from (its SHA-256 differs), or
    a different ``.pre-xenmig`` copy is in the way.  Left alone, so that no
    edit made since is lost: convert the file again (xenmig domu convert
    --format toml) and take the new table into the spec."""

    level = Level.ERROR


# A guest block's record of the configuration it replaces (rules/guests.py
# writes it); the original is kept beside it under this suffix, which
# neither xl (it reads the files it is given) nor xendomains (it reads
# /etc/xen/auto) ever reads.
ADOPTS_RE = re.compile(r"^# adopts (/etc/xen/[^\s/]+) sha256:([0-9a-f]{64})$", re.M)
ORIGINAL_SUFFIX = ".pre-xenmig"


def adopted(block: str | None) -> tuple[str, str] | None:
    """(path, sha256) of the configuration a guest's block adopts."""
    m = ADOPTS_RE.search(block or "")
    return (m[1], m[2]) if m else None


def _adopt(scope: Scope, host: HostRoot, path: Path, old: bytes, digest: str,
           target: str) -> tuple[list[FileChange], list[Finding]]:
    """The copy of an adopted file beside it (``.pre-xenmig``), or why the
    file cannot be adopted."""
    if hashlib.sha256(old).hexdigest() != digest:
        return [], [AdoptedFileChanged(
            scope, f"changed since the spec was made from it (sha256 {digest[:12]}... in the "
            "spec); left alone", str(path))]
    copy = path.with_name(path.name + ORIGINAL_SUFFIX)
    try:
        have = host.read(copy)
    except (HostPathError, OSError) as error:
        return [], [AdoptedFileChanged(scope, f"{copy.name}: cannot be read ({error})",
                                       str(path))]
    if have is None:
        return [FileChange(copy, host.relative(copy), None, old, target=target)], []
    if have != old:
        return [], [AdoptedFileChanged(scope, f"a different {copy.name} is in the way; left "
                                       "alone", str(path))]
    return [], []


# What prevents merging xenmig's block into a file, and the finding for it.
CONFLICTS: dict[str, type[TextFinding]] = {
    NO_END: ManagedBlockEdited, EDITED: ManagedBlockEdited, FOREIGN: ForeignFile,
}


@dataclass(frozen=True)
class FileChange:
    path: Path
    display: str
    old: bytes | None
    new: bytes | None  # None: remove the file
    link: bool = False  # old/new are the targets of a symbolic link
    target: str = ""  # the contribution target the file holds ("" for links)

    @property
    def status(self) -> str:
        if self.old == self.new:
            return "identical"
        if self.old is None:
            return "create"
        return "remove" if self.new is None else "update"

    def diff(self) -> str:
        import difflib

        if self.link:
            if self.new is None:
                return f"unlink {self.display} (-> {(self.old or b'').decode()})\n"
            return f"link {self.display} -> {self.new.decode()}\n"

        def lines(data: bytes | None) -> list[str]:
            return [] if data is None else data.decode("utf-8", "replace").splitlines(True)

        return "".join(difflib.unified_diff(
            lines(self.old), lines(self.new), f"a/{self.display}", f"b/{self.display}"
        ))


def _location(host: HostRoot, target: str) -> tuple[Path | None, bool, str | None]:
    """(file to edit, whether xenmig owns the whole file, problem), links
    followed as the host sees them (:mod:`xenmig.hostfiles.root`; a link that
    leaves the root to nothing is :class:`~xenmig.hostfs.Escape`), by the
    target's placement (:mod:`xenmig.output.targets`)."""
    rel = root_relative(target)
    kind = host.kind(rel)
    dangling = kind == "missing" and host.readlink(rel) is not None
    path = host.resolve(rel, leaving_ok=False)
    if kind == "other":
        host.read(path)  # raises NotRegular: a FIFO, socket or device
    found = row(target)
    placement = found.placement if found is not None else Placement.WHOLE
    if placement is Placement.WHOLE:
        return path, True, None
    if placement in (Placement.TOP, Placement.END):
        if kind in ("file", "missing"):
            return path, False, None
        return None, False, "not a regular file"
    if placement is Placement.MAKE_CONF_DIR:
        if kind == "dir":
            return path / MAKE_CONF_FILE, True, None
        return None, False, "make.conf is not a directory; change it by hand"
    if kind == "dir":
        return path / MANAGED_FILE, True, None
    if kind == "file":
        return path, False, None
    if kind == "other" or dangling:
        return None, False, "neither a file nor a directory"
    return path / MANAGED_FILE, True, None


def is_temp(name: str) -> bool:
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def _guest_files(host: HostRoot) -> list[Path]:
    """The guest configurations and guest-side files on the host (temp
    files of an interrupted run are not guest files)."""
    configs = [Path(e.path) for e in host.entries(XEN_DIR.lstrip("/"))
               if e.name.endswith(".cfg") and not is_temp(e.name)]
    sides = [Path(f.path) for d in host.entries(GUEST_FILES.lstrip("/"))
             if d.is_dir(follow_symlinks=False) for f in host.entries(d.path)
             if not is_temp(f.name)]
    return sorted(configs + sides)


def _stale_guest_targets(host_name: str, host: HostRoot, wanted: set[str]) -> list[str]:
    """Guest files xenmig wrote for this host whose guest left its spec
    (moved to another host, or gone): removed unless edited by hand, so
    that xendomains does not start a guest on two hosts."""
    mark = f": managed by xenmig for host {host_name} ("
    stale = []
    for path in _guest_files(host):
        target = "/" + host.relative(path)
        if target in wanted or not is_guest_target(target) or path.is_symlink():
            continue
        try:
            data = host.read(path)
        except (HostPathError, OSError):
            continue
        first = (data or b"").split(b"\n", 1)[0].decode("utf-8", "replace")
        if first.startswith(BEGIN) and mark in first:
            stale.append(target)
    return stale


# The directories xenmig writes to (relative to the root), where a crash
# can leave a temp file; guests' directories come on top.
def _temp_dirs() -> tuple[str, ...]:
    """Each target's directory, and the directory a package.* or make.conf
    directory is (its own file goes inside)."""
    dirs = ["etc/portage"]
    for t in TARGETS:
        rel = root_relative(t)
        dirs.append(os.path.dirname(rel))
        found = row(t)
        if found and found.placement in (Placement.PACKAGE, Placement.MAKE_CONF_DIR):
            dirs.append(rel)
    dirs += [INIT_D.lstrip("/"), DEFAULT_RUNLEVEL.lstrip("/"), XENDOMAINS_AUTO.lstrip("/")]
    return tuple(dict.fromkeys(dirs))


_TEMP_DIRS = _temp_dirs()


def _temp_pid(name: str) -> int | None:
    """The process a temp file ``.xenmig-NAME.PID.tmp`` belongs to."""
    pid = name[: -len(TEMP_SUFFIX)].rsplit(".", 1)[-1]
    return int(pid) if pid.isdigit() else None


def _alive(pid: int | None) -> bool:
    """Whether another live process has that PID (its temp files are its own)."""
    if pid is None or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leftover_temps(root: Path | HostRoot) -> list[Path]:
    """Temp files of interrupted runs: those of a live process (another
    run writing there now) are not leftovers."""
    host = root if isinstance(root, HostRoot) else HostRoot.of(root)
    # /etc/xen is among the target directories; each guest's own comes on top
    guest_dirs = [host.relative(d.path) for d in host.entries(GUEST_FILES.lstrip("/"))
                  if d.is_dir(follow_symlinks=False)]
    return sorted(
        Path(e.path) for directory in dict.fromkeys([*_TEMP_DIRS, *guest_dirs])
        for e in host.entries(directory)
        if is_temp(e.name) and not _alive(_temp_pid(e.name))
    )


def escaping_targets(scope: Scope, root: Path) -> list[Finding]:
    """SymlinkEscapesRoot for every place xenmig may write under ``root``
    (its files, the directories of its links and guests) that a link
    leads out of the root: checked before the rules ask portage (the
    resolver's copy of etc/portage is written to the same places)."""
    host = HostRoot.of(root)
    places = [root_relative(t) for t in TARGETS]
    places += [d.lstrip("/") for d in (INIT_D, DEFAULT_RUNLEVEL, XENDOMAINS_AUTO, XEN_DIR,
                                        GUEST_FILES)]
    found: list[Finding] = []
    for place in places:
        try:
            host.resolve(place, leaving_ok=False)
        except Escape as error:
            if all(f.location()[0] != error.path for f in found):
                found.append(_problem(scope, error))
        except HostPathError:
            continue  # a loop: the writer reports it where it matters
    return found


def _problem(scope: Scope, error: HostPathError) -> Finding:
    if isinstance(error, Escape):
        return SymlinkEscapesRoot(scope, error.why, error.path)
    return UnusableTarget(scope, error.why, error.path)


def plan_links(scope: Scope, root: Path | HostRoot,
               links: Iterable[Link]) -> tuple[list[FileChange], list[Finding]]:
    """Links are created, never replaced or removed: a symbolic link carries
    no mark of who made it, so one that exists is the administrator's."""
    host = root if isinstance(root, HostRoot) else HostRoot.of(root)
    changes: list[FileChange] = []
    findings: list[Finding] = []
    for link in links:
        rel = link.path.lstrip("/")
        try:
            path = host.resolve(os.path.dirname(rel), leaving_ok=False) / os.path.basename(rel)
        except HostPathError as error:
            findings.append(_problem(scope, error))
            continue
        want = link.target.encode()
        have_link = host.readlink(path)
        if have_link is not None:
            have = have_link.encode()
            if have != want:
                findings.append(LinkConflict(scope, f"links to {have.decode()!r}, not "
                                             f"{link.target!r}; left alone", str(path)))
                continue
            changes.append(FileChange(path, rel, have, want, link=True))
        elif os.path.lexists(path):
            findings.append(LinkConflict(scope, f"is not a link (xenmig would link it to "
                                         f"{link.target!r}); left alone", str(path)))
        else:
            changes.append(FileChange(path, rel, None, want, link=True))
    return changes, findings


def plan_writes(
    spec: HostSpec, root: Path, contributions: Iterable[Contribution],
    links: Iterable[Link] = (), *, report_temps: bool = True, evaluation: bool = False,
) -> tuple[list[FileChange], list[Finding]]:
    """What writing the contributions to ``root`` changes (and, unless
    ``report_temps`` is false, the temp files of an interrupted run).
    ``evaluation``: a copy for the resolver, written for no host in
    particular (the blocks of the root's own host are replaced)."""
    blocks = {
        t: render_block(spec, block_body(items, style := style_of(t)), style)
        for t, items in grouped(contributions).items()
    }
    return plan_blocks(spec.name, root, blocks, links, report_temps=report_temps,
                       evaluation=evaluation)


def plan_blocks(
    host_name: str, root: Path, blocks: Mapping[str, str], links: Iterable[Link] = (), *,
    report_temps: bool = True, evaluation: bool = False,
) -> tuple[list[FileChange], list[Finding]]:
    """What writing xenmig's ``blocks`` ({target: block}) for ``host_name``
    to ``root`` changes: :func:`plan_writes` with the blocks rendered.
    Every path is resolved as the host sees it (:mod:`xenmig.hostfiles.root`)."""
    host = HostRoot.of(root)
    scope = Scope.for_host(host_name)
    changes: list[FileChange] = []
    findings: list[Finding] = [
        LeftoverTempFile(scope, "temp file of an interrupted run", str(p))
        for p in (leftover_temps(host) if report_temps else ())
    ]
    guest_targets = sorted(t for t in blocks if is_guest_target(t))
    stale = _stale_guest_targets(host_name, host, set(guest_targets))
    gone: list[str] = []  # stale guest configurations that are removed
    for target in (*TARGETS, *guest_targets, *stale):
        block = blocks.get(target)
        display = root_relative(target)
        try:
            path, owned, problem = _location(host, target)
            old = host.read(path) if path is not None else None
        except HostPathError as error:
            if block is not None:
                findings.append(_problem(scope, error))
            continue
        except OSError as error:
            findings.append(UnusableTarget(scope, f"cannot read: {error.strerror}",
                                           display))
            continue
        if path is None:
            if block is not None:
                findings.append(UnusableTarget(scope, problem or "unusable", display))
            continue
        owner = _OWNER_RE.search(old) if old else None
        if owner and owner[1].decode("utf-8", "replace") != host_name and not evaluation:
            findings.append(RootOfAnotherHost(
                scope, f"xenmig's block here is host {owner[1].decode('utf-8', 'replace')}"
                f"'s, not {host_name}'s; left alone", str(path)))
            continue
        merged = merge_block(old, block, owned, at_end=target in END_BLOCK_FILES)
        adopt = adopted(block) if is_guest_config(target) else None
        if isinstance(merged, Conflict) and merged.problem == FOREIGN and old is not None \
                and block is not None and adopt is not None and adopt[0] == target:
            kept, problems = _adopt(scope, host, path, old, adopt[1], target)
            findings += problems
            if problems:
                continue
            changes += kept
            merged = Merged(block.encode())
        if isinstance(merged, Conflict):
            findings.append(CONFLICTS[merged.problem](scope, f"{merged.problem}; left alone",
                                                      str(path)))
            continue
        new = merged.content
        if old is None and new is None:
            continue
        if new is None and target in stale and is_guest_config(target):
            gone.append(target)
        changes.append(FileChange(path, host.relative(path), old, new, target=target))
    # Adopted configurations at another path than the guest's (xm hosts'
    # /etc/xen/web01): kept as .pre-xenmig and taken away, with their
    # autostart link, so that nothing starts the guest twice.
    for target in guest_targets:
        adopt = adopted(blocks.get(target))
        if adopt is None or adopt[0] == target:
            continue
        try:
            path = host.resolve(adopt[0].lstrip("/"), leaving_ok=False)
            old = host.read(path)
        except HostPathError as error:
            findings.append(_problem(scope, error))
            continue
        if old is None:
            continue  # adopted by an earlier run
        kept, problems = _adopt(scope, host, path, old, adopt[1], target)
        findings += problems
        if not problems:
            changes += [*kept, FileChange(path, host.relative(path), old, None, target=target)]
            gone.append(adopt[0])
    link_changes, link_findings = plan_links(scope, host, links)
    # The autostart links of guests whose configuration goes away.
    for target in gone:
        auto = host.resolve(XENDOMAINS_AUTO.lstrip("/")) / Path(target).name
        if (have := host.readlink(auto)) == target:
            link_changes.append(FileChange(auto, host.relative(auto), have.encode(),
                                           None, link=True))
    return changes + link_changes, findings + link_findings


Checkpoint = Callable[[], None]


def _no_checkpoint() -> None:
    """Between two steps of a write, in normal use: nothing."""


class _Directories:
    """Descriptors of the directories one :func:`write` writes in, opened
    once each without following links (:meth:`HostRoot.directory`)."""

    def __init__(self, host: HostRoot, stack: contextlib.ExitStack) -> None:
        self.host = host
        self.stack = stack
        self.fds: dict[Path, int] = {}

    def fd(self, directory: Path, *, create: bool = True) -> int:
        if directory not in self.fds:
            self.fds[directory] = self.stack.enter_context(
                self.host.directory(directory, create=create))
        return self.fds[directory]

    def verify(self, directories: Iterable[Path]) -> None:
        """Open the directories that exist before anything is written: a
        link swapped into one of them fails the whole write, not half."""
        for directory in directories:
            with contextlib.suppress(FileNotFoundError):
                self.fd(directory, create=False)


def _temp_name(name: str) -> str:
    return f"{TEMP_PREFIX}{name}.{os.getpid()}{TEMP_SUFFIX}"


def _write_atomically(dirfd: int, name: str, data: bytes, fsync: bool,
                      checkpoint: Checkpoint) -> None:
    try:
        st: os.stat_result | None = os.stat(name, dir_fd=dirfd, follow_symlinks=False)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise Escape(name, "is a link now; it was not when xenmig resolved the path")
    temp = _temp_name(name)
    with contextlib.suppress(FileNotFoundError):  # ours, from a dead process of our PID
        os.unlink(temp, dir_fd=dirfd)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o600, dir_fd=dirfd)
    try:
        checkpoint()
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
            checkpoint()
        if st is not None:
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            if os.geteuid() == 0:
                os.fchown(fd, st.st_uid, st.st_gid)
        else:
            os.fchmod(fd, 0o644)
        if fsync:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=dirfd)
        raise
    os.close(fd)
    checkpoint()
    os.replace(temp, name, src_dir_fd=dirfd, dst_dir_fd=dirfd)
    checkpoint()
    if fsync:
        os.fsync(dirfd)


def _link_atomically(dirfd: int, name: str, target: str, fsync: bool,
                     checkpoint: Checkpoint) -> None:
    temp = _temp_name(name)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp, dir_fd=dirfd)
    os.symlink(target, temp, dir_fd=dirfd)
    checkpoint()
    os.replace(temp, name, src_dir_fd=dirfd, dst_dir_fd=dirfd)
    checkpoint()
    if fsync:
        os.fsync(dirfd)


def _create_in_place(dirfd: int, name: str, data: bytes) -> None:
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o644, dir_fd=dirfd)
    os.fchmod(fd, 0o644)  # whatever the umask, as _write_atomically
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def write(changes: Iterable[FileChange], root: Path, *, fsync: bool = True,
          checkpoint: Checkpoint = _no_checkpoint) -> None:
    """Carry the changes out (and remove temps of interrupted runs).

    Each file is replaced atomically, within its directory's descriptor
    (:mod:`xenmig.hostfiles.root`: no link is followed); when one cannot be
    written, the error names it, the files before it are new and the ones
    after it old.  Without ``fsync`` (a staging tree, synced once by the
    caller), a file that does not exist yet is created in place, without
    a temp file.  ``checkpoint`` is called between the steps (the crash
    tests kill the process there).
    """
    host = HostRoot.of(root)
    pending = [c for c in changes if c.status != "identical"]
    if pending:
        try:
            host.top.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise XenmigError(f"{host.top}: cannot create: {error.strerror}") from error
    with contextlib.ExitStack() as stack:
        dirs = _Directories(host, stack)
        try:
            dirs.verify(dict.fromkeys(c.path.parent for c in pending))
        except Escape as error:
            raise XenmigError(f"{error}; nothing written") from error
        for temp in leftover_temps(host):
            try:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp.name, dir_fd=dirs.fd(temp.parent, create=False))
            except (OSError, HostPathError) as error:
                raise XenmigError(f"{temp}: cannot remove: {error}") from error
        for change in pending:
            name = change.path.name
            try:
                dirfd = dirs.fd(change.path.parent)
                if change.link and change.new is not None:
                    _link_atomically(dirfd, name, change.new.decode(), fsync, checkpoint)
                elif change.new is None:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(name, dir_fd=dirfd)
                    checkpoint()
                    if fsync:
                        os.fsync(dirfd)
                elif change.old is None and not fsync:
                    _create_in_place(dirfd, name, change.new)
                else:
                    _write_atomically(dirfd, name, change.new, fsync, checkpoint)
            except HostPathError as error:
                raise XenmigError(f"{change.path}: {error.why}") from error
            except OSError as error:
                raise XenmigError(
                    f"{change.path}: cannot write: {error.strerror or error}"
                ) from error


@contextlib.contextmanager
def root_lock(root: Path) -> Iterator[None]:
    """One apply at a time per root: an exclusive flock(2) on the root
    directory itself, held while planning and writing and released when
    the process ends, however it ends.  Nothing is created for it, so a
    run that writes nothing leaves the tree as it was.  A second apply
    stops with a message naming the holder (from /proc/locks)."""
    import fcntl

    top = Path(os.path.realpath(root))
    try:
        top.mkdir(parents=True, exist_ok=True)
        fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise XenmigError(f"{top}: cannot lock: {error.strerror}") from error
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise XenmigError(f"{top}: another xenmig run (pid {_lock_holder(fd)}) is "
                              "applying to this root; nothing written: try again when it "
                              "has finished") from None
        yield
    finally:
        os.close(fd)


def _lock_holder(fd: int) -> str:
    """The PID holding a flock on ``fd``'s inode, from /proc/locks."""
    st = os.fstat(fd)
    inode = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            for line in locks:
                fields = line.split()
                if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == inode:
                    return fields[4]
    except OSError:
        pass
    return "?"


def sync_tree(directory: Path) -> None:
    """Flush the file system holding ``directory`` (syncfs(2): not every
    file system of the machine, as sync(2) would): a staging tree written
    with ``fsync=False`` is synced once, at the end."""
    import ctypes

    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.syncfs(fd) != 0:
            os.sync()
    except (OSError, AttributeError):
        os.sync()
    finally:
        os.close(fd)


def report(changes: Iterable[FileChange]) -> Iterator[str]:
    for change in changes:
        yield f"{change.status:9} {change.display}"


# The findings this module yields.
FINDINGS: tuple[type[Finding], ...] = (
    AdoptedFileChanged,
    ForeignFile,
    LeftoverTempFile,
    LinkConflict,
    ManagedBlockEdited,
    RootOfAnotherHost,
    SymlinkEscapesRoot,
    UnusableTarget,
)
