"""The only module that imports gitpython: the questions the tools ask git."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xenmig.errors import XenmigError, maint_module


@dataclass(frozen=True)
class TreeFile:
    path: str  # relative to the subtree asked for
    executable: bool
    data: bytes


class GitView:
    def __init__(self, path: Path) -> None:
        git = maint_module("git")

        try:
            self._repo = git.Repo(path)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as error:
            raise XenmigError(f"{path}: not a git repository") from error

    def has_commit(self, rev: str) -> bool:
        git = maint_module("git")

        try:
            self._repo.commit(rev)
        except (git.BadName, ValueError):
            return False
        return True

    def commit_time(self, rev: str) -> int:
        return int(self._repo.commit(rev).committed_date)

    def files(self, rev: str, subdir: str) -> Iterator[TreeFile]:
        """Regular files of ``subdir`` at ``rev``, sorted by path."""
        git = maint_module("git")

        try:
            tree = self._repo.commit(rev).tree / subdir
        except (git.BadName, ValueError, KeyError) as error:
            raise XenmigError(f"{rev}:{subdir}: not in the repository") from error
        blobs = [item for item in tree.traverse() if isinstance(item, git.Blob)]
        for blob in sorted(blobs, key=lambda b: str(b.path)):
            path = str(blob.path)
            if blob.mode == 0o120000:
                raise XenmigError(f"{rev}:{path}: symlinks are not released")
            yield TreeFile(
                path=path[len(subdir) + 1 :],
                executable=bool(blob.mode & 0o111),
                data=blob.data_stream.read(),
            )

    def has_staged_changes(self) -> bool:
        """Whether the index differs from HEAD."""
        if not self._repo.head.is_valid():
            return bool(self._repo.index.entries)
        return bool(self._repo.index.diff("HEAD"))

    def commit_paths(self, paths: list[str], message: str) -> str:
        """Commit the working tree's state of ``paths`` (added, changed or
        removed) and nothing else; returns the new commit's hash."""
        present = [p for p in paths if (Path(self._repo.working_dir) / p).exists()]
        gone = [p for p in paths if p not in present]
        if present:
            self._repo.index.add(present)
        if gone:
            self._repo.index.remove(gone, working_tree=False)
        return str(self._repo.index.commit(message).hexsha)

