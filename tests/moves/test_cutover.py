"""``xenmig move``: the cold move of a guest between two prepared roots,
with recording stand-ins for ssh, xm/xl and the LVM tools on PATH and a
real data copy (verified byte for byte), resumed after a failure and after
an interruption, and rolled back."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import produced

MIB = 1024 * 1024

# ssh HOST COMMAND: the command runs locally with the host's absolute paths
# (/dev, /etc, /var, /srv) inside the host's root, and is recorded.
SSH = r"""#!/bin/sh
host=$1; shift
root=$(eval echo "\$ROOT_$host")
[ -n "$root" ] || { echo "ssh: connect to host $host: Connection refused" >&2; exit 255; }
echo "$*" >> "$root/ssh.log"
cmd=$(printf '%s' "$*" | sed -e 's#/dev/null#@NULL@#g' -e "s#/\(dev\|etc\|var\|srv\)/#$root/\1/#g" \
      -e 's#@NULL@#/dev/null#g')
case "$cmd" in *"dd of="*) [ -e "$root/kill-on-write" ] && { rm "$root/kill-on-write"; \
    kill -9 "$PPID"; exit 1; } ;; esac
HOSTROOT=$root exec sh -c "$cmd"
"""
XL = r"""#!/bin/sh
echo "$(basename "$0") $*" >> "$HOSTROOT/calls"
run="$HOSTROOT/running"; mkdir -p "$run"
[ -e "$HOSTROOT/fail-$1" ] && { echo "$1 failed (stand-in)" >&2; exit 1; }
case "$1" in
  list) [ -e "$run/$2" ] || { echo "$2 is not running" >&2; exit 1; }
        echo "Name ID Mem VCPUs State Time(s)"; echo "$2 3 512 1 -b---- 1.5" ;;
  create) n=$(sed -n "s/^name *= *[\"']\(.*\)[\"']/\1/p" "$2" | head -1); touch "$run/$n"
          mkdir -p "$HOSTROOT/var/log/xen/console"
          echo "$n login:" > "$HOSTROOT/var/log/xen/console/guest-$n.log" ;;
  shutdown) [ "$2" = -w ] && shift; rm -f "$run/$2" ;;
  destroy) [ -e "$run/$2" ] || exit 1; rm -f "$run/$2" ;;
esac
"""
LVM = r"""#!/bin/sh
echo "$(basename "$0") $*" >> "$HOSTROOT/calls"
dev="$HOSTROOT/dev"
case "$(basename "$0")" in
  lvs) [ -e "$dev/$1" ] ;;
  lvremove) rm -f "$dev/$2" ;;
  lvcreate) if [ "$1" = -s ]; then cp --sparse=always "$dev/$6" "$dev/${6%/*}/$3"
            else truncate -s "${2%b}" "$dev/$5/$4"; fi ;;
  blockdev) stat -c %s "$2" ;;
  ping) [ -n "$(ls "$HOSTROOT/running")" ] ;;
esac
"""
OLD_CFG = 'name = "web"\nmemory = 256\nbootloader = "/usr/bin/pygrub"\n'
DISKS = '["phy:/dev/vg0/web,xvda,w", "file:/srv/xen/data.img,xvdb,w"]'


def _spec(path: Path, name: str, arch: str, kernel: str, from_xen: str | None,
          adopt: bool) -> Path:
    lines = ["[host]", f'name = "{name}"', f'arch = "{arch}"', 'xen = "4.20"',
             f'kernel = "{kernel}"', *([f'from_xen = "{from_xen}"'] if from_xen else []), "",
             "[[bridge]]", 'name = "xenbr0"', 'ports = ["eth0"]', "",
             "[[domu]]", 'name = "web"', 'type = "pv"', f"disks = {DISKS}",
             "[[domu.vif]]", 'bridge = "xenbr0"', 'mac = "00:16:3e:00:00:42"',
             'ip = "192.0.2.42"']
    if adopt:
        lines.insert(-4, 'adopt = {path = "/etc/xen/web.cfg", sha256 = "' + "0" * 64 + '"}')
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass
class Hosts:
    tmp: Path
    old: Path
    new: Path
    old_spec: Path
    new_spec: Path
    env: dict[str, str]

    def move(self, *args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "xenmig", "move", "web", "--from", str(self.old_spec),
             "--to", str(self.new_spec), "--state", str(self.tmp / "state.json"),
             "--timeout", "5", *args],
            capture_output=True, text=True, env=self.env, check=False, timeout=300)
        produced.scan(proc.stdout)
        return proc

    def calls(self, root: Path) -> str:
        return (root / "calls").read_text() if (root / "calls").exists() else ""


def _disk(path: Path, size: int, seed: int) -> None:
    """An image with data, a run of zeros and a hole."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        out.write(rng.randbytes(3 * MIB))
        out.write(bytes(2 * MIB))
        out.seek(size - MIB)
        out.write(rng.randbytes(MIB))


@pytest.fixture
def hosts(tmp_path: Path) -> Hosts:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in {"ssh": SSH, "xl": XL, "xm": XL, **dict.fromkeys(
            ("lvs", "lvcreate", "lvremove", "blockdev", "ping"), LVM)}.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    old, new = tmp_path / "old", tmp_path / "new"
    _disk(old / "dev/vg0/web", 21 * MIB, 1)
    _disk(old / "srv/xen/data.img", 9 * MIB + 123, 2)
    (new / "dev/vg0").mkdir(parents=True)
    (new / "srv/xen").mkdir(parents=True)
    for root in (old, new):
        (root / "etc/xen").mkdir(parents=True)
        (root / "etc/xen/web.cfg").write_text(OLD_CFG)
        (root / "running").mkdir()
    (old / "running/web").touch()  # the guest runs on the old host
    old_spec = _spec(tmp_path / "xen01.toml", "xen01", "x86", "2.6.18", "3.2.1", True)
    new_spec = _spec(tmp_path / "xen01-amd64.toml", "xen01n", "amd64", "6.12", None, False)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", ROOT_xen01=str(old),
               ROOT_xen01n=str(new))
    return Hosts(tmp_path, old, new, old_spec, new_spec, env)


def _same(a: Path, b: Path) -> bool:
    return a.read_bytes() == b.read_bytes()


def test_dry_run_prints_every_step_and_runs_nothing(hosts: Hosts) -> None:
    proc = hosts.move()
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "xen01 (xm) -> xen01n (xl); dry run" in out
    for text in ("old: lvcreate -s -n web-xenmig-snap -l 20%ORIGIN vg0/web",
                 "old: timeout 5 xm shutdown -w web", "new: xl create /etc/xen/web.cfg",
                 "new: ping -c 3 -W 2 192.0.2.42", "undo: old: xm create /etc/xen/web.cfg",
                 "new: lvs vg0/web || lvcreate"):
        assert text in out, out
    assert not (hosts.old / "ssh.log").exists() and not (hosts.new / "ssh.log").exists()


def test_a_move_resumed_after_a_failure_copies_only_what_changed(hosts: Hosts) -> None:
    (hosts.old / "fail-shutdown").touch()  # the old host refuses the shutdown once
    first = hosts.move("--run")
    assert first.returncode == 1, first.stdout
    assert "! shutdown failed" in first.stdout and "old: xm create /etc/xen/web.cfg" in first.stdout
    state = json.loads((hosts.tmp / "state.json").read_text())["steps"]
    assert state["precopy-xvda"] == "done" and state["shutdown"] == "failed"
    assert "lvremove -f vg0/web-xenmig-snap" in hosts.calls(hosts.old)
    assert not (hosts.old / "dev/vg0/web-xenmig-snap").exists()
    assert _same(hosts.old / "dev/vg0/web", hosts.new / "dev/vg0/web")
    # the guest writes 2.5 MiB across two chunks before it is shut down
    with (hosts.old / "dev/vg0/web").open("r+b") as image:
        image.seek(6 * MIB)
        image.write(b"\x5a" * (5 * MIB // 2))
    (hosts.old / "fail-shutdown").unlink()
    second = hosts.move("--run")
    assert second.returncode == 0, second.stdout
    assert "= precopy-xvda: done before" in second.stdout
    assert "/dev/vg0/web -> /dev/vg0/web: 22020096 bytes, 6 chunks of 4 MiB, 2 sent" \
        in second.stdout
    for disk in ("dev/vg0/web", "srv/xen/data.img"):
        assert _same(hosts.old / disk, hosts.new / disk), disk
    # sparse: the image's hole stayed a hole on the new host
    assert os.stat(hosts.new / "srv/xen/data.img").st_blocks * 512 < 9 * MIB
    assert (hosts.new / "running/web").exists() and not (hosts.old / "running/web").exists()
    assert "xm shutdown -w web" in hosts.calls(hosts.old)
    assert "web moved to xen01n" in second.stdout and "192.0.2.42 answers" in second.stdout


def test_an_interrupted_copy_is_resumed(hosts: Hosts) -> None:
    (hosts.new / "kill-on-write").touch()  # xenmig killed in the middle of a copy
    first = hosts.move("--run")
    assert first.returncode != 0
    state = json.loads((hosts.tmp / "state.json").read_text())["steps"]
    assert state["precopy-xvda"] == "running"
    second = hosts.move("--run")
    assert second.returncode == 0, second.stdout
    assert "> precopy-xvda: copy /dev/vg0/web while the guest runs (again: it was " \
           "interrupted)" in second.stdout
    for disk in ("dev/vg0/web", "srv/xen/data.img"):
        assert _same(hosts.old / disk, hosts.new / disk), disk
    third = hosts.move("--run")  # done: nothing runs again
    assert third.returncode == 0 and third.stdout.count("done before") == 10


def test_a_failed_start_is_rolled_back_to_the_old_host(hosts: Hosts) -> None:
    (hosts.new / "fail-create").touch()
    failed = hosts.move("--run")
    assert failed.returncode == 1 and "! start failed" in failed.stdout
    assert not (hosts.old / "running/web").exists()
    shown = hosts.move("--rollback")
    assert shown.stdout.splitlines() == ["new: xl destroy web", "old: xm create /etc/xen/web.cfg"]
    undone = hosts.move("--rollback", "--run")
    assert undone.returncode == 0, undone.stdout
    assert (hosts.old / "running/web").exists() and not (hosts.new / "running/web").exists()


def test_the_guest_never_runs_twice(hosts: Hosts) -> None:
    (hosts.new / "running/web").touch()
    proc = hosts.move("--run")
    assert proc.returncode == 1
    assert "web already runs on xen01n: a guest must never run twice" in proc.stdout
    assert "shutdown" not in hosts.calls(hosts.old)
