"""Copying a guest's disk from one host to another over ssh, in chunks,
sending only the chunks that differ.

Both hosts need nothing but a POSIX sh, ``dd``, ``md5sum``, ``stat`` (or
``blockdev`` for a block device) and ``truncate``: what a 2010 dom0 has.
Each side lists an MD5 per 4 MiB chunk; the controller compares the lists
and pipes each run of differing chunks from ``dd`` on the source to ``dd``
on the target (``conv=notrunc``).  So a second copy after a first one
(the final sync after the pre-copy) sends only what the guest wrote in
between; a copy interrupted half-way resumes where the chunks differ; a
new image file on the target is created sparse (``truncate``) and a chunk
of zeros that is zeros on both sides is never written; and the checksum
lists compared at the end verify the copy.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xenmig.errors import XenmigError

CHUNK = 4 * 1024 * 1024


class CopyFailed(XenmigError):
    """A command of a disk copy failed (the message has its stderr)."""


@dataclass(frozen=True)
class Remote:
    """A host reached with ``ssh`` (any command line: ``ssh -p 2222``)."""

    host: str
    ssh: tuple[str, ...] = ("ssh",)

    def argv(self, command: str) -> list[str]:
        return [*self.ssh, self.host, command]


Runner = Callable[[list[str]], str]


def run(argv: list[str]) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise CopyFailed(f"{shlex.join(argv)}: exit {proc.returncode}: "
                         f"{proc.stderr.strip()[-400:]}")
    return proc.stdout


def size_command(path: str) -> str:
    q = shlex.quote(path)
    return f"if [ -b {q} ]; then blockdev --getsize64 {q}; else stat -c %s {q}; fi"


def sums_command(path: str, chunks: int) -> str:
    """The remote loop printing one MD5 per chunk (of an absent or short
    target: the MD5 of what is there, the empty input's)."""
    q = shlex.quote(path)
    return (f"n=0; while [ $n -lt {chunks} ]; do dd if={q} bs={CHUNK} skip=$n count=1 "
            f"2>/dev/null | md5sum | cut -c1-32; n=$((n+1)); done")


def runs(differing: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive chunk numbers as (first, count) runs."""
    out: list[tuple[int, int]] = []
    for n in differing:
        if out and out[-1][0] + out[-1][1] == n:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((n, 1))
    return out


@dataclass
class CopyReport:
    size: int
    chunks: int
    sent: int  # chunks sent

    def describe(self) -> str:
        return (f"{self.size} bytes, {self.chunks} chunks of {CHUNK // 1024 // 1024} MiB, "
                f"{self.sent} sent")


def copy(source: Remote, src: str, target: Remote, dst: str, *, runner: Runner = run,
         pipe: Callable[[list[str], list[str]], None] | None = None) -> CopyReport:
    """``src`` on ``source`` to ``dst`` on ``target``, differing chunks
    only, verified by the checksums afterwards."""
    size = int(runner(source.argv(size_command(src))).strip() or "0")
    chunks = (size + CHUNK - 1) // CHUNK
    q = shlex.quote(dst)
    # a new image file is made sparse and of the right size; a block
    # device must exist and be large enough (its LV is created beforehand)
    runner(target.argv(f"if [ -b {q} ]; then [ $(blockdev --getsize64 {q}) -ge {size} ] || "
                       f"{{ echo '{dst}: smaller than {size} bytes' >&2; exit 1; }}; "
                       f"else [ -e {q} ] || truncate -s {size} {q}; fi"))
    before = _sums(runner, source, src, chunks)
    after = _sums(runner, target, dst, chunks)
    differing = [n for n in range(chunks) if before[n] != after[n]]
    for first, count in runs(differing):
        reader = source.argv(f"dd if={shlex.quote(src)} bs={CHUNK} skip={first} "
                             f"count={count} 2>/dev/null")
        # no count= on the writer: reads from a pipe come back short, and
        # dd counts those as blocks; it writes what it gets until the end
        writer = target.argv(f"dd of={q} bs={CHUNK} seek={first} conv=notrunc 2>/dev/null")
        (pipe or _pipe)(reader, writer)
    if differing:
        after = _sums(runner, target, dst, chunks)
        wrong = [n for n in range(chunks) if before[n] != after[n]]
        if wrong:
            raise CopyFailed(f"{dst}: {len(wrong)} chunks differ from {src} after the copy "
                             f"(first: chunk {wrong[0]})")
    return CopyReport(size, chunks, len(differing))


def _sums(runner: Runner, remote: Remote, path: str, chunks: int) -> list[str]:
    sums = runner(remote.argv(sums_command(path, chunks))).split()
    if len(sums) != chunks:
        raise CopyFailed(f"{remote.host}:{path}: {len(sums)} checksums for {chunks} chunks")
    return sums


def _pipe(reader: list[str], writer: list[str]) -> None:
    first = subprocess.Popen(reader, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    second = subprocess.Popen(writer, stdin=first.stdout, stderr=subprocess.PIPE)
    assert first.stdout is not None and first.stderr is not None and second.stderr is not None
    first.stdout.close()  # the writer holds the pipe now
    second_err = second.stderr.read()
    second.wait()
    first_err = first.stderr.read()
    first.wait()
    for argv, proc, err in ((reader, first, first_err), (writer, second, second_err)):
        if proc.returncode != 0:
            raise CopyFailed(f"{shlex.join(argv)}: exit {proc.returncode}: "
                             f"{err.decode(errors='replace').strip()[-400:]}")
