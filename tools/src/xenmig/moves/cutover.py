"""The cold move of a guest from its old host to its new one, across Xen
generations (``xenmig move``).

The steps, each with what undoes it:

1. **preflight**: the guest runs on the old host and not on the new one;
   its configuration is on the new host (rendered and applied there).
2. **prepare DISK**: the target exists on the new host: a logical volume of
   the source's size is created when missing (``lvcreate``); an image file
   is created sparse by the copy itself.
3. **pre-copy DISK**, while the guest runs: a logical volume through an LVM
   snapshot (``lvcreate -s``, removed afterwards), an image file as it is;
   chunks are compared and only differing ones sent
   (:mod:`xenmig.moves.blockcopy`).  Undo: remove a leftover snapshot.
4. **shutdown** on the old host: ``xm``/``xl shutdown -w`` under a timeout.
   Undo: start it again there (``xm``/``xl create`` of its old file).
5. **sync DISK**: the final copy of what changed since the pre-copy, the
   guest down, verified chunk by chunk.  Undo: as 4.
6. **start** on the new host: ``xl create /etc/xen/GUEST.cfg``.  Undo: ``xl
   destroy`` there, then as 4.
7. **verify**: running on the new host, its console log has output (when
   xenconsoled logs guests), its address answers (``--address``, or the
   ``ip=`` of its first vif).  Undo: as 6.

Dry run by default (the commands are printed).  With ``--run`` each step
runs and is recorded in a state file as running, then done: running it
again resumes at the first step not done, and a step interrupted half-way
is run again (each step can be: a copy sends only what still differs, a
leftover snapshot is removed first).  When a step fails, nothing is
undone automatically (a failure may be transient): the undo of the steps
done is printed, and ``--rollback --run`` does it.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xenmig.errors import UserError, XenmigError
from xenmig.guests.xldisk import parse_disk
from xenmig.moves.blockcopy import CopyFailed, Remote, copy
from xenmig.spec import HostSpec, Version
from xenmig.spec.model import DomuSection

# xend (xm) was the toolstack before Xen 4.1 made xl the default; a host
# still running xend on 4.1-4.4 is given with --old-toolstack xm.
XL_SINCE = Version("4.1")
_LV = re.compile(r"^/dev/(?:mapper/)?([A-Za-z0-9+_.-]+)/([A-Za-z0-9+_.-]+)$")
SNAPSHOT_SUFFIX = "-xenmig-snap"


class StepFailed(XenmigError):
    """A step of a move failed; the message has the command and its output."""


@dataclass(frozen=True)
class Disk:
    vdev: str
    source: str  # path on the old host
    target: str  # path on the new host
    lv: tuple[str, str] | None  # (VG, LV) of the source, when it is a logical volume
    target_lv: tuple[str, str] | None


@dataclass
class Step:
    name: str
    title: str
    commands: list[str]  # what it runs, for the dry run ("old: ...", "new: ...")
    action: Callable[[], str]
    undo: list[str] = field(default_factory=list)


@dataclass
class Move:
    guest: str
    old: Remote
    new: Remote
    toolstack: str
    old_config: str
    new_config: str
    disks: list[Disk]
    address: str | None
    timeout: int
    runner: Callable[[list[str]], str]

    # -- commands ----------------------------------------------------------
    def on_old(self, command: str) -> str:
        return self.runner(self.old.argv(command))

    def on_new(self, command: str) -> str:
        return self.runner(self.new.argv(command))

    def holds(self, remote: Remote, command: str) -> bool:
        """Whether ``command`` succeeds on ``remote`` (a question, not a step:
        its failure is an answer)."""
        try:
            self.runner(remote.argv(command))
        except XenmigError:
            return False
        return True

    def start_old(self) -> str:
        return f"{self.toolstack} create {shlex.quote(self.old_config)}"

    def steps(self) -> list[Step]:
        g = shlex.quote(self.guest)
        old_tool = self.toolstack
        out = [Step("preflight", "the guest runs on the old host, not on the new one",
                    [f"old: {old_tool} list {g}", f"new: ! xl list {g}",
                     f"new: test -f {shlex.quote(self.new_config)}"], self._preflight)]
        for disk in self.disks:
            out.append(Step(f"prepare-{disk.vdev}", f"{disk.target} exists on the new host",
                            self._prepare_commands(disk), functools.partial(self._prepare, disk)))
        for disk in self.disks:
            out.append(Step(f"precopy-{disk.vdev}",
                            f"copy {disk.source} while the guest runs",
                            self._copy_commands(disk, live=True),
                            functools.partial(self._copy, disk, True),
                            [f"old: {self._drop_snapshot(disk)}"] if disk.lv else []))
        restart = [f"old: {self.start_old()}"]
        out.append(Step("shutdown", f"shut {self.guest} down on the old host",
                        [f"old: timeout {self.timeout} {old_tool} shutdown -w {g}"],
                        self._shutdown, restart))
        for disk in self.disks:
            out.append(Step(f"sync-{disk.vdev}", f"final copy of {disk.source}, verified",
                            self._copy_commands(disk, live=False),
                            functools.partial(self._copy, disk, False), restart))
        destroy = [f"new: xl destroy {g}", *restart]
        out.append(Step("start", f"start {self.guest} on the new host",
                        [f"new: xl create {shlex.quote(self.new_config)}"], self._start, destroy))
        checks = [f"new: xl list {g}"]
        if self.address:
            checks.append(f"new: ping -c 3 -W 2 {shlex.quote(self.address)}")
        out.append(Step("verify", "running, console output, address answers", checks,
                        self._verify, destroy))
        return out

    def _prepare_commands(self, disk: Disk) -> list[str]:
        if disk.target_lv:
            vg, lv = disk.target_lv
            return [f"new: lvs {vg}/{lv} || lvcreate -L <size of {disk.source}>b -n {lv} {vg}"]
        return [f"new: the copy creates {disk.target} sparse"]

    def _copy_commands(self, disk: Disk, live: bool) -> list[str]:
        source = disk.source
        out = []
        if live and disk.lv:
            vg, lv = disk.lv
            out.append(f"old: lvcreate -s -n {lv}{SNAPSHOT_SUFFIX} -l 20%ORIGIN {vg}/{lv}")
            source = f"/dev/{vg}/{lv}{SNAPSHOT_SUFFIX}"
        out.append(f"old: md5 per 4 MiB chunk of {source}; new: of {disk.target}; "
                   f"old: dd if={source} ... | new: dd of={disk.target} conv=notrunc "
                   "(differing chunks only, then verified)")
        if live and disk.lv:
            out.append(f"old: {self._drop_snapshot(disk)}")
        return out

    def _drop_snapshot(self, disk: Disk) -> str:
        assert disk.lv
        vg, lv = disk.lv
        return f"lvremove -f {vg}/{lv}{SNAPSHOT_SUFFIX}"

    # -- actions -----------------------------------------------------------
    def _preflight(self) -> str:
        g = shlex.quote(self.guest)
        self.on_old(f"{self.toolstack} list {g} >/dev/null")
        if self.holds(self.new, f"xl list {g} >/dev/null 2>&1"):
            raise StepFailed(f"{self.guest} already runs on {self.new.host}: a guest must "
                             "never run twice (its disks would be written from two hosts)")
        self.on_new(f"test -f {shlex.quote(self.new_config)}")
        return f"{self.guest} runs on {self.old.host}, its configuration is on {self.new.host}"

    def _prepare(self, disk: Disk) -> str:
        if not disk.target_lv:
            return f"{disk.target}: created sparse by the copy when missing"
        vg, lv = disk.target_lv
        size = self.on_old(f"blockdev --getsize64 {shlex.quote(disk.source)}").strip()
        self.on_new(f"lvs {vg}/{lv} >/dev/null 2>&1 || lvcreate -L {size}b -n {lv} {vg}")
        return f"{vg}/{lv}: {size} bytes"

    def _copy(self, disk: Disk, live: bool) -> str:
        source = disk.source
        if live and disk.lv:
            vg, lv = disk.lv
            snap = f"{lv}{SNAPSHOT_SUFFIX}"
            # a snapshot left by an interrupted run goes first
            self.on_old(f"lvs {vg}/{snap} >/dev/null 2>&1 && lvremove -f {vg}/{snap}; "
                        f"lvcreate -s -n {snap} -l 20%ORIGIN {vg}/{lv}")
            source = f"/dev/{vg}/{snap}"
        try:
            report = copy(self.old, source, self.new, disk.target, runner=self.runner)
        except CopyFailed as error:
            raise StepFailed(str(error)) from None
        finally:
            if live and disk.lv:
                self.on_old(self._drop_snapshot(disk))
        return f"{disk.source} -> {disk.target}: {report.describe()}"

    def _shutdown(self) -> str:
        g = shlex.quote(self.guest)
        if not self.holds(self.old, f"{self.toolstack} list {g} >/dev/null 2>&1"):
            return f"{self.guest} is not running on {self.old.host} (already shut down)"
        self.on_old(f"timeout {self.timeout} {self.toolstack} shutdown -w {g}")
        return f"{self.guest} shut down on {self.old.host}"

    def _start(self) -> str:
        self.on_new(f"xl create {shlex.quote(self.new_config)}")
        return f"{self.guest} created on {self.new.host}"

    def _verify(self) -> str:
        g = shlex.quote(self.guest)
        out = [self.on_new(f"xl list {g}").strip().splitlines()[-1]]
        log = f"/var/log/xen/console/guest-{self.guest}.log"
        console = self.on_new(f"if [ -f {shlex.quote(log)} ]; then "
                              f"n=0; while [ ! -s {shlex.quote(log)} ] && [ $n -lt "
                              f"{self.timeout} ]; do sleep 1; n=$((n+1)); done; "
                              f"tail -n 3 {shlex.quote(log)}; else echo '(no console log: "
                              "xenconsoled logs guests with XENCONSOLED_TRACE=guest)'; fi")
        if not console.strip():
            raise StepFailed(f"{log} stayed empty for {self.timeout} s: the guest shows "
                             "no sign of booting")
        out.append("console: " + " | ".join(console.strip().splitlines()))
        if self.address:
            self.on_new(f"n=0; until ping -c 1 -W 2 {shlex.quote(self.address)} >/dev/null; "
                        f"do n=$((n+1)); [ $n -ge {max(self.timeout // 3, 1)} ] && exit 1; "
                        "sleep 1; done")
            out.append(f"{self.address} answers")
        return "; ".join(out)


def plan_move(old: HostSpec, new: HostSpec, guest: str, *, ssh: tuple[str, ...] = ("ssh",),
              toolstack: str | None = None, address: str | None = None, timeout: int = 300,
              runner: Callable[[list[str]], str] | None = None) -> Move:
    from xenmig.moves.blockcopy import run

    old_domu = _domu(old, guest)
    new_domu = _domu(new, guest)
    if toolstack is None:
        toolstack = "xm" if old.host.from_xen and old.host.from_xen < XL_SINCE else "xl"
    old_config = old_domu.adopt.path if old_domu.adopt else f"/etc/xen/{guest}.cfg"
    disks = _disks(old, old_domu, new_domu)
    if address is None:
        address = next((dict(v.options)["ip"] for v in new_domu.vifs
                        if "ip" in dict(v.options)), None)
    return Move(guest, Remote(old.host.address or old.name, ssh),
                Remote(new.host.address or new.name, ssh), toolstack, old_config,
                f"/etc/xen/{guest}.cfg", disks, address, timeout, runner or run)


def _domu(spec: HostSpec, guest: str) -> DomuSection:
    for domu in spec.domu:
        if domu.name == guest:
            return domu
    raise UserError(f"{spec.path}: no [[domu]] named {guest!r} (guests: "
                    f"{', '.join(d.name for d in spec.domu) or 'none'})")


def _disks(old: HostSpec, old_domu: DomuSection, new_domu: DomuSection) -> list[Disk]:
    new_by_vdev = {parse_disk(d).vdev: parse_disk(d) for d in new_domu.disks}
    out = []
    for spec in old_domu.disks:
        disk = parse_disk(spec)
        if disk.devtype == "cdrom" or disk.access == "ro":
            continue  # installation media and read-only disks are not the guest's state
        if disk.format not in ("", "raw"):
            raise UserError(f"{old.path}: [[domu]] {old_domu.name} disk {spec!r}: "
                            f"format={disk.format}: xenmig copies raw disks only")
        if not disk.target.startswith("/"):
            raise UserError(f"{old.path}: [[domu]] {old_domu.name} disk {spec!r}: its target "
                            "is no path on the host (a network disk is not copied)")
        target = new_by_vdev.get(disk.vdev)
        if target is None:
            raise UserError(f"{old.path}: [[domu]] {old_domu.name}: disk {disk.vdev} has no "
                            "disk of the same vdev on the new host's spec")
        out.append(Disk(disk.vdev, disk.target, target.target, _lv(disk.target),
                        _lv(target.target)))
    return out


def _lv(path: str) -> tuple[str, str] | None:
    m = _LV.match(path)
    if not m or m[1] in ("disk", "mapper"):
        return None
    return m[1], m[2]


# -- running, recorded ------------------------------------------------------

class State:
    """A move's progress: {step: "running" | "done"} in a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = {"steps": {}, "log": []}
        if path.exists():
            try:
                self.data = json.loads(path.read_text())
            except ValueError as error:
                raise UserError(f"{path}: not a move state file ({error})") from None

    def status(self, step: str) -> str | None:
        status = self.data["steps"].get(step)
        return str(status) if status else None

    def set(self, step: str, status: str, note: str = "") -> None:
        self.data["steps"][step] = status
        self.data["log"].append({"time": time.time(), "step": step, "status": status,
                                 "note": note})
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(self.data, indent=1) + "\n")
        os.replace(tmp, self.path)


def execute(move: Move, state: State, say: Callable[[str], None]) -> int:
    """Run the steps not done yet; 0 when the move is complete, 1 when a
    step failed (its undo is printed)."""
    done: list[Step] = []
    for step in move.steps():
        if state.status(step.name) == "done":
            say(f"= {step.name}: done before")
            done.append(step)
            continue
        again = " (again: it was interrupted)" if state.status(step.name) == "running" else ""
        say(f"> {step.name}: {step.title}{again}")
        state.set(step.name, "running")
        try:
            note = step.action()
        except XenmigError as error:
            state.set(step.name, "failed", str(error))
            say(f"! {step.name} failed: {error}")
            undo = rollback_commands([*done, step])
            if undo:
                say("  to undo (xenmig move ... --rollback --run):")
                for command in undo:
                    say(f"    {command}")
            return 1
        state.set(step.name, "done", note)
        say(f"  {note}")
        done.append(step)
    say(f"{move.guest} moved to {move.new.host}")
    return 0


def rollback_commands(steps: Iterable[Step]) -> list[str]:
    """The undo of ``steps`` (the last one's covers what came before)."""
    for step in reversed(list(steps)):
        if step.undo:
            return list(step.undo)
    return []


def rollback(move: Move, state: State, say: Callable[[str], None]) -> int:
    steps = [s for s in move.steps() if state.status(s.name) in ("done", "running", "failed")]
    commands = rollback_commands(steps)
    if not commands:
        say("nothing to undo")
        return 0
    for command in commands:
        where, _, text = command.partition(": ")
        say(f"> {command}")
        try:
            (move.on_old if where == "old" else move.on_new)(text)
        except XenmigError as error:
            if text.startswith(("xl destroy", "lvremove")):
                say(f"  ({error}; nothing to undo there)")
                continue
            say(f"! {error}")
            return 1
    state.set("rollback", "done")
    return 0
