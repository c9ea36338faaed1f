"""Kill -9 during ``xenmig apply``: at every write step of a run that
creates, updates and removes files, the process is SIGKILLed (through the
writer's XENMIG_FAULT_AT hook).  After each crash every file is entirely
old or entirely new, no file portage would read is left behind, and the
next run reports and removes the temp file and reaches the same state as an
uninterrupted run, in one run (a temp file in a guest's directory
included)."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path
from typing import Any

from tests.support.cli import xenmig
from tests.support.realworld import snapshot_files
from tests.support.specs import write_spec

OLD: dict[str, dict[str, Any]] = {"host": {"xen": "4.19"},
       "portage": {"use": ["flask", "pygrub"], "cflags": "-O2 -fstack-protector-all",
                   "no_ssp": ["sys-libs/glibc"]}}
NEW: dict[str, Any] = {"host": {"xen": "4.20", "from_xen": "3.4.4"},
       "portage": {"use": ["flask"], "cflags": "-O2 -march=x86-64-v2 -fstack-protector-strong",
                   "no_ssp": ["sys-libs/glibc", "sys-apps/busybox"]},
       # a bridge: /etc/conf.d/net and the net.xenbr0 links are created too
       "bridge": [{"name": "xenbr0", "ports": ["eth1"]}],
       # a guest: its xl file, autostart link and guest-side inittab (a
       # crash before that file's rename once broke the next run)
       "domu": [{"name": "g1", "type": "pv", "os": "modern", "bridges": ["xenbr0"],
                 "disks": ["phy:/dev/vg0/g1,xvda,w"]}]}
USER_USE = b"# the administrator's own package.use, a single file\r\ndev-vcs/git -perl\n\xff\n"


def prepared(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A root with xenmig's files from OLD applied, and the NEW spec."""
    root = tmp_path / "base"
    etc = root / "etc/portage"
    (etc / "package.mask").mkdir(parents=True)
    (etc / "package.mask/local").write_bytes(b"<sys-kernel/gentoo-sources-6\n")
    (etc / "package.use").write_bytes(USER_USE)
    (etc / "make.conf").write_text('FEATURES="parallel-fetch"\n')
    (tmp_path / "specs-old").mkdir()
    old = write_spec(tmp_path / "specs-old", "crash", **OLD)
    assert xenmig(tmp_path / "cache", "apply", old, "--root", root).returncode == 0
    (tmp_path / "specs-new").mkdir()
    new = write_spec(tmp_path / "specs-new", "crash", **NEW)
    return root, old, new


def test_every_crash_point_leaves_old_or_new_files(tmp_path: Path) -> None:
    base, _, new = prepared(tmp_path)
    before = snapshot_files(base)

    reference = tmp_path / "reference"
    shutil.copytree(base, reference, symlinks=True)
    assert xenmig(tmp_path / "cache", "apply", new, "--root", reference).returncode == 0
    after = snapshot_files(reference)
    changed = {rel for rel in set(before) | set(after) if before.get(rel) != after.get(rel)}
    # the run creates, updates (a block in the user's file included) and removes
    assert {rel for rel in changed if rel not in before}
    assert {rel for rel in changed if rel not in after}
    assert "etc/portage/package.use" in changed

    crashes = guest_temp_crashes = 0
    for step in range(1, 200):
        root = tmp_path / f"crash-{step}"
        shutil.copytree(base, root, symlinks=True)
        proc = xenmig(tmp_path / "cache", "apply", new, "--root", root,
                      env={"XENMIG_FAULT_AT": str(step)})
        if proc.returncode == 0:
            assert snapshot_files(root) == after
            break
        assert proc.returncode == -signal.SIGKILL, proc.stdout
        crashes += 1
        state = snapshot_files(root)
        temps = [rel for rel in state if Path(rel).name.startswith(".xenmig-")]
        guest_temp_crashes += any(t.startswith("etc/xenmig/guests/") for t in temps)
        for rel in set(before) | set(after) | set(state):
            if rel in temps:
                continue
            assert state.get(rel) in (before.get(rel), after.get(rel)), (step, rel)
        # nothing portage reads (non-dot files) beyond the old and new files
        assert set(state) - set(temps) <= set(before) | set(after)

        again = xenmig(tmp_path / "cache", "apply", new, "--root", root)
        assert again.returncode == 0, again.stdout
        assert ("[LeftoverTempFile]" in again.stdout) == bool(temps)
        assert snapshot_files(root) == after, step
        shutil.rmtree(root)
    assert crashes >= 10  # every file operation had crash points
    assert guest_temp_crashes, "no crash left a temp file in a guest's directory"

