"""The one place that writes to a root (the copier and flaggie models).

Everything is computed first (:func:`plan_writes`: old and new content of
each file), reported (create / update / remove / identical, or a diff), and
only then written (:func:`write`).  The contract:

* xenmig changes only its managed block (see :mod:`xenmig.blocks`): in a
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

import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from xenmig.blocks import (
    BEGIN,
    END,
    MAKE_CONF_FILE,
    MANAGED_FILE,
    block_body,
    digest,
    grouped,
    render_block,
)
from xenmig.contributions import (
    DEFAULT_RUNLEVEL,
    END_BLOCK_FILES,
    ENV_NO_COLLISION_PROTECT,
    ENV_NO_SSP,
    GRUB_DEFAULTS,
    GRUB_LEGACY_CONF,
    GUEST_FILES,
    INIT_D,
    KERNEL_CONFIG_D,
    KERNEL_FRAGMENTS,
    MAKE_CONF,
    NET_CONF,
    PACKAGE_TARGETS,
    RC_CONF,
    SHARED_FILES,
    XEN_DIR,
    XEN_EFI_CFG,
    XENDOMAINS_AUTO,
    XL_CONF,
    Contribution,
    Link,
    is_guest_config,
)
from xenmig.errors import XenmigError
from xenmig.findings import Finding, Level
from xenmig.spec import HostSpec

# Targets are relative to etc/portage, or to the root when they start with "/".
TARGETS = (*PACKAGE_TARGETS, ENV_NO_SSP, ENV_NO_COLLISION_PROTECT, MAKE_CONF,
           KERNEL_CONFIG_D, *KERNEL_FRAGMENTS.values(), NET_CONF, GRUB_DEFAULTS, XL_CONF,
           RC_CONF, GRUB_LEGACY_CONF, XEN_EFI_CFG)
TEMP_PREFIX = ".xenmig-"
TEMP_SUFFIX = ".tmp"
_BEGIN_RE = re.compile(r"^# BEGIN xenmig ([0-9a-f]{16}):")
# Fault injection for the crash tests: kill this process at the N-th write
# step (see _checkpoint); unset in normal use.
_FAULT_ENV = "XENMIG_FAULT_AT"


class ManagedBlockEdited(Finding):
    """xenmig's managed block in this file was edited by hand (its digest no
    longer matches).  xenmig leaves the file alone: move the edits out of
    the block (or delete the block) and apply again."""

    level = Level.ERROR


class ForeignFile(Finding):
    """A file with the name xenmig uses exists but was not written by
    xenmig (no managed block); it is left alone."""

    level = Level.ERROR


class UnusableTarget(Finding):
    """A package.* location is neither a file nor a directory (or cannot be
    read); xenmig does not write there."""

    level = Level.ERROR


class LinkConflict(Finding):
    """A link xenmig would create (an init script net.<bridge>, a runlevel
    entry) exists as something else: a file, or a link to another target.
    It is left alone; the message says what is there."""

    level = Level.ERROR


class LeftoverTempFile(Finding):
    """A temp file of an interrupted xenmig run was found (and removed by
    apply); portage ignores dotfiles, so it had no effect."""

    level = Level.WARNING


# What prevents merging xenmig's block into a file, and the finding for it.
NO_END = "managed block without its end line"
EDITED = "managed block edited by hand"
FOREIGN = "file has xenmig's name but no xenmig block"
CONFLICTS: dict[str, type[Finding]] = {
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


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _find_block(lines: list[str]) -> tuple[int, int] | None:
    start = next((i for i, line in enumerate(lines) if line.startswith(BEGIN)), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].rstrip("\r\n") == END), None)
    return None if end is None else (start, end)


def merge_block(old: bytes | None, block: str | None, owned: bool,
                at_end: bool = False) -> bytes | str | None:
    """New content of a file given its old content and xenmig's block (a
    new block goes at the top, or at the end with ``at_end``).

    Returns the new bytes (None: remove the file), or a string naming the
    problem that prevents the merge.
    """
    if old is None:
        return None if block is None else _encode(block)
    lines = _decode(old).splitlines(keepends=True)
    found = _find_block(lines)
    if found is None:
        if lines and any(line.startswith(BEGIN) for line in lines):
            return NO_END
        if owned:
            return FOREIGN
        if block is None:
            return old
        if at_end:
            return old + (b"" if not old or old.endswith(b"\n") else b"\n") + _encode(block)
        return _encode(block) + old
    start, end = found
    match = _BEGIN_RE.match(lines[start])
    body = "".join(lines[start + 1 : end])
    if match is None or match[1] != digest(body):
        return EDITED
    rest = lines[:start] + ([block] if block is not None else []) + lines[end + 1 :]
    text = "".join(rest)
    if owned and not text.strip():
        return None
    return _encode(text)


def _kind(path: Path) -> str:
    """dir, file, other (a device, a fifo, ...), dangling (a link to
    nothing) or missing: one stat (the location of every target is asked
    for on every host)."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "dangling" if os.path.islink(path) else "missing"
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "other"


def _location(root: Path, target: str) -> tuple[Path | None, bool, str | None]:
    """(file to edit, whether xenmig owns the whole file, problem)."""
    if target.startswith("/"):
        path = root / target.lstrip("/")
        if target not in SHARED_FILES:
            return path, True, None
        kind = _kind(path)
        if kind == "file":
            return path.resolve(), False, None
        if kind in ("missing", "dangling"):
            return path, False, None
        return None, False, "not a regular file"
    path = root / "etc/portage" / target
    if target == MAKE_CONF:
        if _kind(path) == "dir":
            return path.resolve() / MAKE_CONF_FILE, True, None
        return None, False, "make.conf is not a directory; change it by hand"
    if target not in PACKAGE_TARGETS:
        return path, True, None
    kind = _kind(path)
    if kind == "dir":
        return path.resolve() / MANAGED_FILE, True, None
    if kind == "file":
        return path.resolve(), False, None
    if kind in ("other", "dangling"):
        return None, False, "neither a file nor a directory"
    return path / MANAGED_FILE, True, None


def is_guest_target(target: str) -> bool:
    """A guest configuration or a guest-side file (xenmig's guest targets)."""
    return is_guest_config(target) or target.startswith(f"{GUEST_FILES}/")


def _entries(directory: str | Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            return list(entries)
    except OSError:  # missing, or not a directory
        return []


def _guest_files(root: Path) -> list[Path]:
    """The guest configurations and guest-side files on the host."""
    configs = [Path(e.path) for e in _entries(root / XEN_DIR.lstrip("/"))
               if e.name.endswith(".cfg")]
    sides = [Path(f.path) for d in _entries(root / GUEST_FILES.lstrip("/"))
             if d.is_dir(follow_symlinks=False) for f in _entries(Path(d.path))]
    return sorted(configs + sides)


def _stale_guest_targets(host: str, root: Path, wanted: set[str]) -> list[str]:
    """Guest files xenmig wrote for this host whose guest left its spec
    (moved to another host, or gone): removed unless edited by hand, so
    that xendomains does not start a guest on two hosts."""
    mark = f": managed by xenmig for host {host} ("
    stale = []
    for path in _guest_files(root):
        target = "/" + str(path.relative_to(root))
        if target in wanted or not is_guest_target(target) or not path.is_file() \
                or path.is_symlink():
            continue
        try:
            with path.open("rb") as handle:
                first = handle.readline().decode("utf-8", "replace")
        except OSError:
            continue
        if first.startswith(BEGIN) and mark in first:
            stale.append(target)
    return stale


# The directories xenmig writes to (relative to the root), where a crash
# can leave a temp file; guests' directories come on top.
_TEMP_DIRS = tuple(dict.fromkeys([
    "etc/portage", "etc/portage/env", f"etc/portage/{MAKE_CONF}",
    *(f"etc/portage/{t}" for t in PACKAGE_TARGETS),
    *(os.path.dirname(t.lstrip("/")) for t in TARGETS if t.startswith("/")),
    INIT_D.lstrip("/"), DEFAULT_RUNLEVEL.lstrip("/"), XENDOMAINS_AUTO.lstrip("/"),
]))


def leftover_temps(root: Path) -> list[Path]:
    top = str(root)
    dirs = [os.path.join(top, d) for d in _TEMP_DIRS]
    dirs += [str(p.parent) for p in _guest_files(root)]
    return sorted(
        Path(e.path) for directory in dict.fromkeys(dirs) for e in _entries(directory)
        if e.name.startswith(TEMP_PREFIX) and e.name.endswith(TEMP_SUFFIX)
    )


def plan_links(host: str, root: Path,
               links: Iterable[Link]) -> tuple[list[FileChange], list[Finding]]:
    """Links are created, never replaced or removed: a symbolic link carries
    no mark of who made it, so one that exists is the administrator's."""
    changes: list[FileChange] = []
    findings: list[Finding] = []
    for link in links:
        path = root / link.path.lstrip("/")
        display = link.path.lstrip("/")
        want = link.target.encode()
        if path.is_symlink():
            have = os.readlink(path).encode()
            if have != want:
                findings.append(LinkConflict(host, f"links to {have.decode()!r}, not "
                                             f"{link.target!r}; left alone", str(path)))
                continue
            changes.append(FileChange(path, display, have, want, link=True))
        elif path.exists():
            findings.append(LinkConflict(host, f"is not a link (xenmig would link it to "
                                         f"{link.target!r}); left alone", str(path)))
        else:
            changes.append(FileChange(path, display, None, want, link=True))
    return changes, findings


def plan_writes(
    spec: HostSpec, root: Path, contributions: Iterable[Contribution],
    links: Iterable[Link] = (), *, report_temps: bool = True,
) -> tuple[list[FileChange], list[Finding]]:
    """What writing the contributions to ``root`` changes (and, unless
    ``report_temps`` is false, the temp files of an interrupted run)."""
    blocks = {
        t: render_block(spec, block_body(items)) for t, items in grouped(contributions).items()
    }
    return plan_blocks(spec.name, root, blocks, links, report_temps=report_temps)


def plan_blocks(
    host: str, root: Path, blocks: Mapping[str, str], links: Iterable[Link] = (), *,
    report_temps: bool = True,
) -> tuple[list[FileChange], list[Finding]]:
    """What writing xenmig's ``blocks`` ({target: block}) for ``host`` to
    ``root`` changes: :func:`plan_writes` with the blocks rendered."""
    changes: list[FileChange] = []
    findings: list[Finding] = [
        LeftoverTempFile(host, "temp file of an interrupted run", str(p))
        for p in (leftover_temps(root) if report_temps else ())
    ]
    guest_targets = sorted(t for t in blocks if is_guest_target(t))
    stale = _stale_guest_targets(host, root, set(guest_targets))
    gone: list[str] = []  # stale guest configurations that are removed
    for target in (*TARGETS, *guest_targets, *stale):
        block = blocks.get(target)
        path, owned, problem = _location(root, target)
        display = target.lstrip("/") if target.startswith("/") else f"etc/portage/{target}"
        if path is None:
            if block is not None:
                findings.append(UnusableTarget(host, problem or "unusable", display))
            continue
        try:
            old = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            old = None
        except OSError as error:
            findings.append(UnusableTarget(host, f"cannot read: {error.strerror}", str(path)))
            continue
        new = merge_block(old, block, owned, at_end=target in END_BLOCK_FILES)
        if isinstance(new, str):
            findings.append(CONFLICTS[new](host, f"{new}; left alone", str(path)))
            continue
        if old is None and new is None:
            continue
        if new is None and target in stale and is_guest_config(target):
            gone.append(target)
        try:
            shown = str(path.relative_to(root))
        except ValueError:  # a link to a file elsewhere
            shown = str(path)
        changes.append(FileChange(path, shown, old, new, target=target))
    link_changes, link_findings = plan_links(host, root, links)
    # The autostart links of guests whose configuration goes away.
    for target in gone:
        auto = root / XENDOMAINS_AUTO.lstrip("/") / Path(target).name
        if auto.is_symlink() and (have := os.readlink(auto)) == target:
            link_changes.append(FileChange(auto, str(auto.relative_to(root)), have.encode(),
                                           None, link=True))
    return changes + link_changes, findings + link_findings


_steps = 0


def _checkpoint() -> None:
    """Crash-test hook: SIGKILL ourselves at the step named by XENMIG_FAULT_AT."""
    global _steps
    target = os.environ.get(_FAULT_ENV)
    if target is None:
        return
    _steps += 1
    if _steps == int(target):
        os.kill(os.getpid(), 9)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _makedirs(directory: Path, made: set[Path]) -> None:
    if directory not in made:
        directory.mkdir(parents=True, exist_ok=True)
        made.add(directory)


def _write_atomically(path: Path, data: bytes, fsync: bool, made: set[Path]) -> None:
    directory = path.parent
    _makedirs(directory, made)
    try:
        st: os.stat_result | None = path.stat()
    except FileNotFoundError:
        st = None
    temp = directory / f"{TEMP_PREFIX}{path.name}.{os.getpid()}{TEMP_SUFFIX}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        _checkpoint()
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
            _checkpoint()
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
        temp.unlink(missing_ok=True)
        raise
    os.close(fd)
    _checkpoint()
    os.replace(temp, path)
    _checkpoint()
    if fsync:
        _fsync_dir(directory)


def _link_atomically(path: Path, target: str, fsync: bool, made: set[Path]) -> None:
    _makedirs(path.parent, made)
    temp = path.parent / f"{TEMP_PREFIX}{path.name}.{os.getpid()}{TEMP_SUFFIX}"
    temp.unlink(missing_ok=True)
    os.symlink(target, temp)
    _checkpoint()
    os.replace(temp, path)
    _checkpoint()
    if fsync:
        _fsync_dir(path.parent)


def write(changes: Iterable[FileChange], root: Path, *, fsync: bool = True) -> None:
    """Carry the changes out (and remove temps of interrupted runs).

    Each file is replaced atomically; when one cannot be written, the error
    names it, the files before it are new and the ones after it old.
    Without ``fsync`` (a staging tree, synced once by the caller), a file
    that does not exist yet is created in place, without a temp file.
    """
    for temp in leftover_temps(root):
        try:
            temp.unlink(missing_ok=True)
        except OSError as error:
            raise XenmigError(f"{temp}: cannot remove: {error.strerror}") from error
    made: set[Path] = set()  # directories known to exist
    for change in changes:
        if change.status == "identical":
            continue
        try:
            if change.link and change.new is not None:
                _link_atomically(change.path, change.new.decode(), fsync, made)
            elif change.new is None:
                change.path.unlink()
                _checkpoint()
                if fsync:
                    _fsync_dir(change.path.parent)
            elif change.old is None and not fsync:
                _makedirs(change.path.parent, made)
                fd = os.open(change.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                             0o644)
                os.fchmod(fd, 0o644)  # whatever the umask, as _write_atomically
                with os.fdopen(fd, "wb") as handle:
                    handle.write(change.new)
            else:
                _write_atomically(change.path, change.new, fsync, made)
        except OSError as error:
            raise XenmigError(
                f"{change.path}: cannot write: {error.strerror or error}"
            ) from error


def report(changes: Iterable[FileChange]) -> Iterator[str]:
    for change in changes:
        yield f"{change.status:9} {change.display}"
