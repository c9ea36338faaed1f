"""The host's files under ``--root DIR``, seen as the host sees them.

xenmig runs as root on trees it does not own (a mounted disk of an old
host, a new host's tree before its first boot, a copy): every path it
reads or writes below DIR is resolved here, never by the kernel alone.

* **chroot semantics.**  Links are followed in this module, component by
  component: an absolute target is taken relative to DIR, and ``..``
  stops at DIR, exactly as inside ``chroot DIR``.  Nothing outside DIR is
  ever read or written.  With ``--root /`` this is what the kernel does.
* **A link that leaves.**  A link whose target, as written, is outside DIR
  (absolute, or ``..`` above DIR) is followed to its place inside DIR
  when that exists; when it does not, xenmig would have to create what
  the link points to, and the host would see something else than a copy
  of DIR shows: :class:`Escape`, and the caller writes nothing.
* **No link swapped in.**  Files are opened through directory file
  descriptors, every component with ``O_NOFOLLOW``: a link put in place of
  a directory after the path was resolved makes the open fail instead of
  redirecting it.  Files are created with ``O_CREAT | O_EXCL |
  O_NOFOLLOW`` and renamed within their directory's descriptor.
* **Nothing blocks, nothing explodes.**  Only regular files are read
  (opened with ``O_NONBLOCK``, then checked with fstat: a FIFO, socket or
  device is :class:`NotRegular`), and none larger than
  :data:`MAX_HOST_FILE` (:class:`TooLarge`).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

# The largest host file xenmig reads (make.conf, conf.d/net, grub files,
# package.* files, guest configurations): the real ones are kilobytes.
MAX_HOST_FILE = 4 * 1024 * 1024
# As the kernel's MAXSYMLINKS.
_MAX_LINKS = 40
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# Directories portage's recursive reading skips (portage.const.VCS_DIRS).
_VCS_DIRS = frozenset({"CVS", "RCS", "SCCS", ".bzr", ".git", ".hg", ".svn"})


class HostPathError(Exception):
    """A host path xenmig does not read or write (the message says why)."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path
        self.why = why


class Escape(HostPathError):
    """A link leads out of the root (or was swapped in after resolution)."""


class NotRegular(HostPathError):
    """A FIFO, socket, device (or directory) where a file is read."""


class TooLarge(HostPathError):
    """A host file over :data:`MAX_HOST_FILE`."""


class LinkLoop(HostPathError):
    """Too many levels of links."""


@dataclass(frozen=True)
class HostRoot:
    """DIR, the root every host path is relative to."""

    top: Path

    @classmethod
    def of(cls, root: Path) -> HostRoot:
        return cls(Path(os.path.realpath(root)))

    def relative(self, path: Path | str) -> str:
        """``path`` (absolute under the root, or root-relative) relative to it."""
        text = str(path)
        top = str(self.top)
        if text == top:
            return ""
        if text.startswith(top.rstrip("/") + "/"):
            return text[len(top.rstrip("/")) + 1:]
        return text.lstrip("/")

    def resolve(self, target: Path | str, *, leaving_ok: bool = True) -> Path:
        """Where ``target`` (root-relative, or absolute under the root) is,
        links followed with chroot semantics: an absolute path under the
        root without links (missing components are kept as they are).

        With ``leaving_ok`` false, a link whose target as written leaves the
        root and whose place inside the root does not exist is
        :class:`Escape` (the caller would have to create it)."""
        done: list[str] = []
        todo = [p for p in self.relative(target).split("/") if p not in ("", ".")]
        todo.reverse()
        links = 0
        while todo:
            part = todo.pop()
            if part == "..":
                if done:
                    done.pop()
                continue
            here = os.path.join(self.top, *done, part)
            try:
                st = os.lstat(here)
            except (FileNotFoundError, NotADirectoryError):
                done.append(part)
                done.extend(reversed(todo))
                return self.top.joinpath(*done)
            if not stat.S_ISLNK(st.st_mode):
                done.append(part)
                continue
            links += 1
            if links > _MAX_LINKS:
                raise LinkLoop(self._show(done, part), "too many levels of links")
            link = os.readlink(here)
            leaves = link.startswith("/") or _climbs(done, link)
            base: list[str] = [] if link.startswith("/") else list(done)
            new = self._chase(base, link)
            if leaves and not leaving_ok and not os.path.lexists(self.top.joinpath(*new)):
                raise Escape(self._show(done, part),
                             f"a link to {link}, outside the root; its place in the root "
                             f"({self.relative(self.top.joinpath(*new)) or '/'}) does not "
                             "exist, and xenmig does not create what a link points to")
            done = []
            todo.extend(reversed([p for p in new if p not in ("", ".")]))
        return self.top.joinpath(*done)

    def _chase(self, base: list[str], link: str) -> list[str]:
        parts = list(base)
        for p in link.split("/"):
            if p in ("", "."):
                continue
            if p == "..":
                if parts:
                    parts.pop()
            else:
                parts.append(p)
        return parts

    def _show(self, done: list[str], part: str) -> str:
        return str(self.top.joinpath(*done, part))

    # -- reading ------------------------------------------------------
    def read(self, target: Path | str, *, limit: int = MAX_HOST_FILE) -> bytes | None:
        """The bytes of a regular file (links followed in the root); None
        when there is none.  A FIFO, socket or device is :class:`NotRegular`,
        a file over ``limit`` :class:`TooLarge`; nothing ever blocks."""
        path = self.resolve(target)
        shown = str(path)
        try:
            with self.directory(path.parent) as dirfd:
                fd = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK |
                             os.O_CLOEXEC | os.O_NOCTTY, dir_fd=dirfd)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise Escape(shown, "a link appeared after the path was resolved") from error
            raise
        return _read_regular(fd, shown, limit)

    def kind(self, target: Path | str) -> str:
        """dir, file, other (a FIFO, socket or device) or missing, of
        ``target`` with its links followed (a link whose place in the root
        does not exist is missing)."""
        path = self.resolve(target)
        try:
            mode = os.lstat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return "missing"
        if stat.S_ISDIR(mode):
            return "dir"
        return "file" if stat.S_ISREG(mode) else "other"

    def _unfollowed(self, target: Path | str) -> Path:
        """``target`` with its parent directories resolved, its last
        component as it is (a link not followed)."""
        return self.resolve(Path(self.relative(target)).parent) / Path(str(target)).name

    def lexists(self, target: Path | str) -> bool:
        """Whether the last component exists (a link counts, followed or not)."""
        return os.path.lexists(self._unfollowed(target))

    def readlink(self, target: Path | str) -> str | None:
        """The target of a link (its parent directories resolved), None
        when it is not a link."""
        try:
            return os.readlink(self._unfollowed(target))
        except OSError:
            return None

    def entries(self, target: Path | str) -> list[os.DirEntry[str]]:
        """The entries of a directory (none when it is missing or not one)."""
        try:
            with os.scandir(self.resolve(target)) as found:
                return list(found)
        except OSError:
            return []

    def config_files(self, target: Path | str) -> list[tuple[str, Path]]:
        """The files portage reads for a configuration path that may be a
        file or a directory (make.conf, package.*), in its order: the
        directory read recursively and sorted, without dotfiles, ``*~``
        and VCS directories, regular files only, as
        ``portage.util._recursive_file_list`` lists them; links followed in
        the root, each directory once (a link loop ends).  Each file comes
        with its name below ``target`` ("" for ``target`` itself)."""
        found: list[tuple[str, Path]] = []
        seen: set[tuple[int, int]] = set()

        def visit(name: str, path: Path) -> None:
            try:
                st = os.stat(path)
            except OSError:
                return
            if stat.S_ISREG(st.st_mode):
                found.append((name, path))
            elif stat.S_ISDIR(st.st_mode) and (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                for entry in sorted(e.name for e in self.entries(path)):
                    if not (entry.startswith(".") or entry.endswith("~") or entry in _VCS_DIRS):
                        visit(f"{name}/{entry}" if name else entry,
                              self.resolve(path / entry))

        visit("", self.resolve(target))
        return found

    # -- directories for writing ---------------------------------------
    @contextmanager
    def directory(self, path: Path, *, create: bool = False) -> Iterator[int]:
        """A descriptor of ``path`` (absolute under the root, without links)
        opened one component at a time with O_NOFOLLOW; with ``create``
        missing directories are made (mode 0755).  A link met on the way
        (swapped in after :meth:`resolve`) is :class:`Escape`."""
        fd = os.open(self.top, _DIR_FLAGS)
        try:
            for part in [p for p in self.relative(path).split("/") if p]:
                try:
                    new = os.open(part, _DIR_FLAGS, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        raise
                    with suppress(FileExistsError):
                        os.mkdir(part, 0o755, dir_fd=fd)
                    new = os.open(part, _DIR_FLAGS, dir_fd=fd)
                except OSError as error:
                    if error.errno in (errno.ELOOP, errno.ENOTDIR) and stat.S_ISLNK(
                            os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode):
                        raise Escape(str(path), f"{part} is a link now; it was not when "
                                     "xenmig resolved the path: nothing written") from error
                    raise
                os.close(fd)
                fd = new
            yield fd
        finally:
            os.close(fd)


def read_file(path: Path, *, limit: int = MAX_HOST_FILE) -> bytes:
    """A file the user named (a spec, an xm config, a kernel config): only
    a regular file of at most ``limit`` bytes, opened without blocking.
    Errors are :class:`~xenmig.errors.UserError` naming the file."""
    from xenmig.errors import UserError

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
        return _read_regular(fd, str(path), limit)
    except HostPathError as error:
        raise UserError(f"{path}: cannot read: {error.why}") from error
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror}") from error


def _read_regular(fd: int, shown: str, limit: int) -> bytes:
    """The bytes of the open file ``fd`` (closed here): only a regular file
    (:class:`NotRegular`) of at most ``limit`` bytes (:class:`TooLarge`)."""
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise NotRegular(shown, f"not a regular file ({_kind(st.st_mode)}); "
                         "xenmig reads only regular files")
    with os.fdopen(fd, "rb") as handle:
        if st.st_size > limit:
            raise TooLarge(shown, f"{st.st_size} bytes, over xenmig's limit of {limit} "
                           "for a host file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(shown, f"over xenmig's limit of {limit} bytes for a host file")
    return data


def _climbs(done: list[str], link: str) -> bool:
    """Whether a relative link in the directory ``done`` climbs above the root."""
    depth = len(done)
    for p in link.split("/"):
        if p == "..":
            depth -= 1
            if depth < 0:
                return True
        elif p not in ("", "."):
            depth += 1
    return False


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a file"
