"""A fleet rendered into a staging directory: every host's tree under
``OUT/<host>``, with portage's answers shared between hosts.

Hosts are spread over worker processes by a scheduling signature (the
parts of the spec that shape the portage configuration), so that hosts
which are likely to share resolver runs land in the same worker; the
sharing itself is exact (:mod:`xenmig.gentoo.answers` keys every answer by its
inputs), the signature only avoids computing one answer in two workers.

Staging is not the live system: files are written without a per-file
fsync and the whole tree is synced once at the end (``apply`` on a live
root keeps fsync + rename per file).
"""

from __future__ import annotations

import multiprocessing
import queue
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from xenmig.findings import Level
from xenmig.gentoo.answers import Answers
from xenmig.gentoo.repos import RepoSet
from xenmig.host import assess
from xenmig.output.writer import sync_tree, write
from xenmig.spec import HostSpec

RENDERED, BLOCKED, FAILED = "rendered", "blocked", "failed"


@dataclass
class HostResult:
    host: str
    spec: str
    status: str
    findings: list[dict[str, Any]] = field(default_factory=list)
    # create / update / remove / identical -> number of files (links included)
    files: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f["level"] == str(level))

    @property
    def changed(self) -> int:
        return sum(n for status, n in self.files.items() if status != "identical")

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FleetResult:
    hosts: list[HostResult]
    seconds: float
    # answers: computed (portage was run), shared, remembered (disk)
    answers: dict[str, int]
    configurations: int

    @property
    def status(self) -> int:
        return 0 if all(h.status == RENDERED for h in self.hosts) else 1

    def totals(self) -> dict[str, int]:
        """Hosts per status, findings per level, files changed."""
        statuses = Counter(h.status for h in self.hosts)
        return {
            "hosts": len(self.hosts),
            **{s: statuses.get(s, 0) for s in (RENDERED, BLOCKED, FAILED)},
            **{str(level): sum(h.count(level) for h in self.hosts) for level in Level},
            "files_changed": sum(h.changed for h in self.hosts),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "hosts": [h.as_json() for h in self.hosts],
            "totals": self.totals(),
            "portage": {"configurations": self.configurations, "answers": self.answers},
            "seconds": round(self.seconds, 3),
        }


def render_host(spec: HostSpec, repos: RepoSet, answers: Answers, out: Path) -> HostResult:
    """One host's tree under ``out/<host>`` (nothing for a blocked host)."""
    root = out / spec.name
    try:
        assessment = assess(spec, repos, root, answers)
        result = HostResult(spec.name, str(spec.path), RENDERED,
                            [f.as_json() for f in assessment.findings])
        if assessment.blocked:
            result.status = BLOCKED
            return result
        write(assessment.changes, root, fsync=False)
        result.files = dict(Counter(c.status for c in assessment.changes))
        return result
    except Exception as error:  # one broken host does not stop the fleet
        return HostResult(spec.name, str(spec.path), FAILED,
                          error=f"{type(error).__name__}: {error}")


def signature(spec: HostSpec) -> tuple[Any, ...]:
    """What shapes a host's portage configuration, as far as the spec
    tells (a scheduling hint only; see the module docstring)."""
    return (spec.host.arch, spec.host.xen, spec.host.kernel, spec.host.from_xen,
            spec.portage, spec.kernel, spec.boot.firmware, spec.boot.loader,
            tuple(sorted({(d.type, d.kernel is None) for d in spec.domu})))


def partition(specs: Sequence[HostSpec], jobs: int) -> list[list[int]]:
    """Indices of ``specs`` per worker: hosts of one signature together,
    signatures spread so that every worker gets about as many of them
    (the resolver runs) and then as many hosts."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for index, spec in enumerate(specs):
        groups.setdefault(signature(spec), []).append(index)
    workers: list[list[int]] = [[] for _ in range(max(1, jobs))]
    load = [(0, 0)] * len(workers)
    for members in sorted(groups.values(), key=len, reverse=True):
        least = min(range(len(workers)), key=lambda w: load[w])
        workers[least].extend(members)
        load[least] = (load[least][0] + 1, load[least][1] + len(members))
    return [w for w in workers if w]


def _worker(specs: Sequence[HostSpec], indices: list[int], repos: RepoSet, out: Path,
            results: Any) -> None:
    try:
        with Answers(repos.repos) as answers:
            for index in indices:
                results.put(("host", index, render_host(specs[index], repos, answers, out)))
            results.put(("answers", dict(answers.counts), sorted(answers.configurations)))
    except BaseException:
        results.put(("crash", traceback.format_exc()))
        raise


def render_fleet(
    specs: Sequence[HostSpec], repos: RepoSet, out: Path, *, jobs: int = 1,
    progress: Callable[[HostResult, int], None] | None = None,
) -> FleetResult:
    """Render every host into ``out/<host>``; ``progress(result, done)``
    is called in the calling process as hosts finish."""
    start = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    results: list[HostResult | None] = [None] * len(specs)
    counts: Counter[str] = Counter()
    configurations: set[str] = set()
    for done, (index, result) in enumerate(
        _run(specs, repos, out, jobs, counts, configurations), 1
    ):
        results[index] = result
        if progress is not None:
            progress(result, done)
    if any(r is not None and r.files for r in results):
        sync_tree(out)  # the one sync of the staging tree
    hosts = [r for r in results if r is not None]
    return FleetResult(hosts, time.monotonic() - start, dict(counts), len(configurations))


def _run(specs: Sequence[HostSpec], repos: RepoSet, out: Path, jobs: int,
         counts: Counter[str], configurations: set[str]) -> Iterator[tuple[int, HostResult]]:
    parts = partition(specs, jobs)
    if len(parts) <= 1:
        with Answers(repos.repos) as answers:
            for index in range(len(specs)):
                yield index, render_host(specs[index], repos, answers, out)
            counts.update(answers.counts)
            configurations.update(answers.configurations)
        return
    # fork: the workers inherit the loaded specs and the imported modules
    context = multiprocessing.get_context("fork")
    channel = context.Queue()
    workers = [context.Process(target=_worker, args=(specs, part, repos, out, channel))
               for part in parts]
    for process in workers:
        process.start()
    try:
        finished = 0
        while finished < len(workers):
            try:
                message = channel.get(timeout=1)
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in workers):
                    raise RuntimeError("a fleet worker died") from None
                continue
            if message[0] == "host":
                yield message[1], message[2]
            elif message[0] == "answers":
                counts.update(message[1])
                configurations.update(message[2])
                finished += 1
            else:
                raise RuntimeError(f"a fleet worker failed:\n{message[1]}")
    finally:
        for process in workers:
            if process.is_alive() and process.exitcode is None:
                process.join(timeout=5)
            if process.is_alive():
                process.kill()
