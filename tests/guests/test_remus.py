"""Remus protection of a guest ([[domu]] remus): what the primary gets (the
service link and its conf.d file, xl.conf's netbuf script, ifb, the dom0
kernel's qdisc options, merged in Debian's 6.12 tree), the disk findings,
and the replication loop the service runs, driven with stand-ins for xl
and ssh: it restarts xl remus, and never leaves two running copies."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.fleet import FLEET
from tests.support.specs import guest_host

FILES = Path(__file__).parents[2] / "app-emulation/xen-migration-tools/files"
LOOP = FILES / "xenmig-remus-loop"


def _spec(tmp_path: Path, remus: str, disks: str = "") -> Path:
    spec = tmp_path / "h1.toml"
    spec.write_text(guest_host("h1", ("xenbr0",)) + "\n[[domu]]\nname = \"dns\"\n"
                    'type = "pvh"\nkernel = "/boot/domu/vmlinuz"\n'
                    'ramdisk = "/boot/domu/initrd"\nbridges = ["xenbr0"]\n'
                    f"{disks}remus = {remus}\n")
    return spec


@pytest.mark.parametrize(("remus", "error"), [
    ('{ backup = "h1", interval = 200 }', "remus backup: h1 is this host"),
    ('{ backup = "h2", interval = 5 }', "a checkpoint interval in ms is an integer from 20"),
    ('{ backup = "h2" }', "must be a table { backup"),
    ('{ backup = "h2", interval = 200, accept_disk_loss = "ok" }', "say in words why"),
    ('{ backup = "h2", interval = 200, colo = true }', "must be a table { backup"),
])
def test_bad_remus_tables_name_the_key(tmp_path: Path, remus: str, error: str) -> None:
    proc = xenmig(tmp_path / "cache", "check", _spec(tmp_path, remus))
    assert proc.returncode == 2 and "[[domu]] #1 (dns)" in proc.stdout and error in proc.stdout, \
        proc.stdout


def test_a_writable_disk_needs_its_loss_accepted(tmp_path: Path) -> None:
    disks = 'disks = ["phy:/dev/vg0/dns,xvda,w"]\n'
    refused = xenmig(tmp_path / "cache", "check", "--json",
                     _spec(tmp_path, '{ backup = "h2", interval = 200 }', disks),
                     merge_stderr=False)
    assert refused.returncode == 1
    assert "RemusDiskUnprotected" in {f["name"] for f in json.loads(refused.stdout)}
    accepted = xenmig(tmp_path / "cache", "check", "--json", _spec(
        tmp_path, '{ backup = "h2", interval = 200, accept_disk_loss = "its disk holds only '
                  'the zone files it reloads at boot" }', disks), merge_stderr=False)
    names = {f["name"]: f["message"] for f in json.loads(accepted.stdout)}
    assert accepted.returncode == 0 and "RemusDiskUnprotected" not in names
    assert "zone files it reloads" in names["RemusDiskLossAccepted"]


def test_the_backup_is_checked_from_its_spec(tmp_path: Path) -> None:
    """h2.toml beside h1.toml: without the guest's bridge it cannot take
    the copy (an error); with it but with 1G for its own 1024 MiB guest
    and the copy, it is short of memory (a warning); without a spec beside,
    nothing is checked (and it says so)."""
    spec = _spec(tmp_path, '{ backup = "h2", interval = 200 }')

    def names() -> dict[str, str]:
        proc = xenmig(tmp_path / "cache", "check", "--json", spec, merge_stderr=False)
        return {f["name"]: f["message"] for f in json.loads(proc.stdout)}

    assert names()["RemusBackupUnchecked"].startswith("h2: no spec ")
    backup = tmp_path / "h2.toml"
    backup.write_text(guest_host("h2", ("dmzbr0",)))
    assert names()["RemusBackupLacksBridge"] == \
        "h2 (h2.toml) has no bridge xenbr0, which dns's vifs are on"
    backup.write_text(guest_host("h2", ("xenbr0",)).replace(
        'kernel = "6.12"', 'kernel = "6.12"\nmemory = "1G"') +
        '[[domu]]\nname = "www"\nkernel = "/boot/domu/vmlinuz"\nmemory = 1024\n'
        'bridges = ["xenbr0"]\n')
    found = names()
    assert "RemusBackupLacksBridge" not in found and "RemusBackupUnchecked" not in found
    assert found["RemusBackupMemoryShort"] == \
        "h2: 1536 MiB (www 1024, dns (copy) 512) > 1024 MiB (1G)"


def test_what_the_primary_gets(tmp_path: Path) -> None:
    proc = xenmig(tmp_path / "cache", "render", FLEET / "xen10.toml", "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stdout
    check = xenmig(tmp_path / "cache", "check", FLEET / "xen10.toml")
    assert "xl remus -i 200 -F -d dns xen11 (service xenmig-remus.dns) [RemusProtected]" \
        in check.stdout
    root = tmp_path / "out/xen10"
    conf = (root / "etc/conf.d/xenmig-remus.dns").read_text()
    for line in ('REMUS_GUEST="dns"', 'REMUS_BACKUP="xen11"', 'REMUS_INTERVAL="200"',
                 'REMUS_OPTS="-F -d"'):
        assert line in conf
    assert os.readlink(root / "etc/init.d/xenmig-remus.dns") == "xenmig-remus"
    assert os.readlink(root / "etc/runlevels/default/xenmig-remus.dns") == \
        "/etc/init.d/xenmig-remus.dns"
    assert 'remus.default.netbufscript="/etc/xen/scripts/remus-netbuf-setup"' in \
        (root / "etc/xen/xl.conf").read_text()
    assert "options ifb numifbs=1" in (root / "etc/modprobe.d/xenmig-ifb.conf").read_text()
    assert "\nifb\n" in (root / "etc/modules-load.d/xenmig-ifb.conf").read_text()


def test_the_netbuf_kernel_options_survive_merge_config(linux_tree: Path,
                                                        tmp_path: Path) -> None:
    from xenmig.kernel import verify

    proc = xenmig(tmp_path / "cache", "kernel", "fragment", FLEET / "xen10.toml",
                  merge_stderr=False)
    assert "CONFIG_NET_SCH_PLUG=m" in proc.stdout and "CONFIG_IFB=m" in proc.stdout
    _, unmet = verify.merge(linux_tree, "defconfig", proc.stdout, "x86_64", tmp_path / "k")
    assert unmet == [], unmet


# -- the replication loop (/usr/libexec/xenmig/remus-loop) -------------------

XL = r"""#!/bin/sh
echo "xl $*" >> "$CALLS"
case "$1" in
  list) [ -e "$STATE/here" ] ;;
  remus) n=$(cat "$STATE/remus-runs" 2>/dev/null || echo 0); echo $((n+1)) > "$STATE/remus-runs"
         # the sending xl dies; the receiver fails over when $STATE/fails-over
         [ -e "$STATE/fails-over" ] && touch "$STATE/there"
         [ "$((n+1))" -ge 2 ] && rm -f "$STATE/here"  # the second time, the guest shuts down
         exit 1 ;;
  destroy) rm -f "$STATE/here" ;;
esac
"""
SSH = r"""#!/bin/sh
host=$1; shift
echo "ssh $host $*" >> "$CALLS"
[ "$*" = "xl list dns" ] && [ -e "$STATE/there" ]
"""


def _loop(tmp_path: Path, *, fails_over: bool, running: bool = True) -> tuple[int, str, Path]:
    bin_dir, state = tmp_path / "bin", tmp_path / "state"
    bin_dir.mkdir()
    state.mkdir()
    for name, text in (("xl", XL), ("ssh", SSH)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    if running:
        (state / "here").touch()
    if fails_over:
        (state / "fails-over").touch()
    calls = tmp_path / "calls"
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", STATE=str(state),
               CALLS=str(calls), RECEIVER_SETTLE="0", REMUS_SSH="ssh")
    proc = subprocess.run(["sh", str(LOOP), "dns", "xen11", "200", "-F", "-d"], env=env,
                          capture_output=True, text=True, check=False, timeout=60)
    return proc.returncode, proc.stdout + (calls.read_text() if calls.exists() else ""), state


def test_the_sender_killed_while_the_primary_lives_leaves_one_copy(tmp_path: Path) -> None:
    code, out, state = _loop(tmp_path, fails_over=True)
    assert code == 0, out
    assert out.splitlines().count("xl remus -i 200 -F -d dns xen11") == 1  # not restarted
    assert "runs on xen11 (it failed over): destroying the copy here" in out
    assert not (state / "here").exists() and (state / "there").exists()  # one copy: xen11's


def test_replication_is_restarted_while_the_guest_runs_nowhere_else(tmp_path: Path) -> None:
    code, out, state = _loop(tmp_path, fails_over=False)
    assert code == 0, out
    assert out.splitlines().count("xl remus -i 200 -F -d dns xen11") == 2  # restarted once
    assert "does not run here: nothing to protect" in out
    assert not (state / "there").exists()


def test_nothing_runs_for_a_guest_that_is_not_here(tmp_path: Path) -> None:
    code, out, _ = _loop(tmp_path, fails_over=False, running=False)
    assert code == 0 and "xl remus" not in out and "nothing to protect" in out


def test_the_service_scripts_parse() -> None:
    for script in (LOOP, FILES / "xenmig-remus.initd"):
        assert subprocess.run(["sh", "-n", str(script)], check=False).returncode == 0, script
    assert "need xendomains" in (FILES / "xenmig-remus.initd").read_text()
