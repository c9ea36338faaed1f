"""[[domu]] specs -> /etc/xen/<name>.cfg, autostart links and guest-side
files; stable MACs; guests and MACs unique across the fleet."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, cast

import pytest

from tests.support.cli import xenmig
from tests.support.specs import write_spec
from xenmig.errors import UserError
from xenmig.gentoo.answers import Answers
from xenmig.gentoo.repos import RepoSet
from xenmig.output.contributions import Contribution
from xenmig.rules import guests
from xenmig.rules.context import Context
from xenmig.spec import load_spec
from xenmig.spec import model as spec_model
from xenmig.spec.load import check_fleet

BRIDGES = [
    {"name": "extbr0", "ports": ["eth0"]},
    {"name": "xenbr0", "ports": ["eth1"], "address": ["192.0.2.11/24"]},
]
ROUTER = {"name": "router", "type": "pv", "kernel": "/boot/domu/vmlinuz", "memory": 256,
          "args": ["root=/dev/xvda1", "ro"], "bridges": ["extbr0", "xenbr0"],
          "disks": ["phy:/dev/vg0/router,xvda1,w"]}
CLEAROS = {"name": "gateway", "type": "pv", "os": "clearos", "bridges": ["xenbr0"],
           "disks": ["phy:/dev/vg0/gateway,xvda,w"], "autostart": False}
_XL_LINE = re.compile(r'^([a-z_]+) = (".*"|\[ .* \]|\d+)$')


def xl_values(path: Path) -> dict[str, Any]:
    """The settings of a generated xl configuration (comments skipped)."""
    values: dict[str, Any] = {}
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            continue
        m = _XL_LINE.match(line)
        assert m, f"{path}: not an xl setting: {line!r}"
        raw = m[2]
        if raw.startswith("["):
            values[m[1]] = re.findall(r'"([^"]*)"', raw)
        elif raw.startswith('"'):
            values[m[1]] = raw[1:-1]
        else:
            values[m[1]] = int(raw)
    return values


def spec_with(tmp_path: Path, *domus: dict[str, Any], name: str = "g1",
              **sections: Any) -> Path:
    return write_spec(tmp_path, name, bridge=BRIDGES, domu=list(domus), **sections)


def test_router_config(tmp_path: Path) -> None:
    spec = spec_with(tmp_path, ROUTER, CLEAROS)
    proc = xenmig(tmp_path / "cache", "render", spec, "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stdout
    etc = tmp_path / "out/g1/etc"
    cfg = etc / "xen/router.cfg"
    assert cfg.read_text().splitlines()[0].startswith("# BEGIN xenmig ")
    assert "for host g1 (g1.toml)" in cfg.read_text().splitlines()[0]
    macs = load_spec(spec).domu[0].macs
    assert xl_values(cfg) == {
        "name": "router", "type": "pv", "memory": 256, "vcpus": 1,
        "kernel": "/boot/domu/vmlinuz", "extra": "root=/dev/xvda1 ro console=hvc0",
        "vif": [f"mac={macs[0]},bridge=extbr0", f"mac={macs[1]},bridge=xenbr0"],
        "disk": ["phy:/dev/vg0/router,xvda1,w"],
    }
    assert os.readlink(etc / "xen/auto/router.cfg") == "/etc/xen/router.cfg"
    assert "h0:12345:respawn:/sbin/agetty -L 115200 hvc0 vt100" in \
        (etc / "xenmig/guests/router/inittab").read_text().splitlines()
    gateway = xl_values(etc / "xen/gateway.cfg")
    assert gateway["bootloader"] == "pygrub" and gateway["extra"] == "xencons=ttyS"
    assert not (etc / "xen/auto/gateway.cfg").exists()  # autostart = false
    assert "s0:12345:respawn:/sbin/mingetty ttyS0" in \
        (etc / "xenmig/guests/gateway/inittab").read_text().splitlines()


@pytest.mark.parametrize(("domu", "expected"), [
    ({"name": "old", "type": "pv", "os": "xenlinux", "disks": ["phy:/dev/vg/old,xvda,w"]},
     {"bootloader": "pygrub", "extra": "xencons=tty console=tty1"}),
    ({"name": "pvh", "disks": ["phy:/dev/vg/pvh,xvda,w"]},
     {"type": "pvh", "kernel": "/var/lib/xen/boot/grub-i386-xen_pvh.bin"}),
    ({"name": "win", "type": "hvm", "disks": ["phy:/dev/vg/win,hda,w"]},
     {"type": "hvm", "serial": "pty"}),
])
def test_boot_and_console_by_type(tmp_path: Path, domu: dict[str, Any],
                                  expected: dict[str, Any]) -> None:
    spec = load_spec(spec_with(tmp_path, domu, kernel={"hvm_guests": True}))
    ctx = Context(spec, cast(RepoSet, None), cast(Answers, None))  # the rule asks no portage
    results = list(guests.domus(ctx))
    contributions = [r for r in results if isinstance(r, Contribution)]
    cfg = tmp_path / "guest.cfg"
    cfg.write_text("".join(f"{c.line}\n" for c in contributions
                           if c.target == f"/etc/xen/{domu['name']}.cfg"))
    values = xl_values(cfg)
    assert expected.items() <= values.items()
    if values["type"] != "pv":
        assert "extra" not in values and "bootloader" not in values
    pvh_grub = [r for r in results if isinstance(r, guests.PvhGrubImage)]
    assert bool(pvh_grub) == (values["type"] == "pvh")
    assert (Contribution("package.use", "sys-boot/grub grub_platforms_xen-pvh",
                         "GRUB's xen_pvh platform boots PVH guests") in contributions) == \
        (values["type"] == "pvh")


def test_macs_are_stable_and_from_the_name_only(tmp_path: Path) -> None:
    one = load_spec(spec_with(tmp_path, ROUTER, name="a1"))
    other = load_spec(spec_with(tmp_path, {**ROUTER, "bridges": ["xenbr0", "extbr0"]},
                                name="b1"))
    assert one.domu[0].macs == other.domu[0].macs
    assert len(set(one.domu[0].macs)) == 2
    assert all(re.fullmatch(r"00:16:3e(:[0-9a-f]{2}){3}", mac) for mac in one.domu[0].macs)


@pytest.mark.parametrize(("domu", "message"), [
    ({**ROUTER, "bridges": ["dmzbr0"]},
     "[[domu]] #1 bridges: 'dmzbr0' is not a [[bridge]] of this host"),
    ({"name": "w", "type": "hvm", "disks": ["phy:/dev/vg/w,hda,w"]},
     "[[domu]] #1 type: an HVM guest needs [kernel] hvm_guests = true"),
    ({"name": "o", "type": "pvh", "os": "xenlinux", "disks": ["phy:/dev/vg/o,xvda,w"]},
     "[[domu]] #1 type: xenlinux guests' kernels run PV only"),
    ({"name": "n", "type": "pv"}, "[[domu]] #1 disks: the guest has no kernel and no disk"),
    ({"name": "r", "ramdisk": "/boot/i", "disks": ["phy:/dev/vg/r,xvda,w"]},
     "[[domu]] #1 ramdisk: only with a direct kernel"),
    ({**ROUTER, "disks": ["phy:/dev/vg0/x y,xvda,w"]}, "[[domu]] #1 disks: 'phy:/dev/vg0/x y"),
    ({**ROUTER, "kernel": "boot/vmlinuz"}, "[[domu]] #1 kernel: 'boot/vmlinuz': not an "
     "absolute path"),
    ({**ROUTER, "args": ['root="/dev/xvda1"']}, "[[domu]] #1 args:"),
    ({**ROUTER, "memory": "512M"}, "[[domu]] #1 memory:"),
    ({**ROUTER, "colour": "red"}, "[[domu]] #1 colour: unknown key"),
])
def test_bad_guests_name_file_and_key(tmp_path: Path, domu: dict[str, Any],
                                      message: str) -> None:
    spec = spec_with(tmp_path, domu)
    with pytest.raises(UserError) as error:
        load_spec(spec)
    message = message.replace("[[domu]] #1", f"[[domu]] #1 ({domu['name']})")
    assert str(error.value).startswith(f"{spec}: {message}")


def test_guest_twice_on_a_host(tmp_path: Path) -> None:
    spec = spec_with(tmp_path, ROUTER, ROUTER)
    with pytest.raises(UserError,
                       match=r"\[\[domu\]\] #2 \(router\) name: 'router' is also guest #1"):
        load_spec(spec)


def test_guest_on_two_hosts_is_refused_fleet_wide(tmp_path: Path) -> None:
    first = spec_with(tmp_path, ROUTER, name="a1")
    second = spec_with(tmp_path, ROUTER, name="b1")
    proc = xenmig(tmp_path / "cache", "check", first, second)
    assert proc.returncode == 2
    assert (f"{second}: [[domu]] #1 (router) name: 'router' is also a guest in {first}"
            in proc.stdout)


def test_mac_collision_is_refused_fleet_wide(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    specs = [load_spec(spec_with(tmp_path, {**ROUTER, "name": n}, name=f"h{n}"))
             for n in ("one", "two")]
    monkeypatch.setattr(spec_model, "guest_mac", lambda guest, index: f"00:16:3e:00:00:0{index}")
    with pytest.raises(UserError, match="its MAC 00:16:3e:00:00:00 is also the MAC of guest "
                                        "'one'"):
        check_fleet(specs)


def test_a_guest_that_leaves_the_spec_is_removed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    cache = tmp_path / "cache"
    spec = spec_with(tmp_path, ROUTER, CLEAROS)
    assert xenmig(cache, "apply", spec, "--root", root).returncode == 0
    assert (root / "etc/xen/auto/router.cfg").is_symlink()
    (root / "etc/xen/mine.cfg").write_text('name = "mine"\n')  # the administrator's own
    spec = spec_with(tmp_path, CLEAROS)  # the router moved to another host
    proc = xenmig(cache, "apply", spec, "--root", root, "--diff")
    assert proc.returncode == 0, proc.stdout
    assert "unlink etc/xen/auto/router.cfg (-> /etc/xen/router.cfg)" in proc.stdout
    assert not (root / "etc/xen/router.cfg").exists()
    assert not (root / "etc/xen/auto/router.cfg").is_symlink()
    assert not (root / "etc/xenmig/guests/router/inittab").exists()
    assert (root / "etc/xen/gateway.cfg").is_file()
    assert (root / "etc/xen/mine.cfg").read_text() == 'name = "mine"\n'
    # a stale configuration edited by hand is reported and kept
    gateway = root / "etc/xen/gateway.cfg"
    gateway.write_text(gateway.read_text().replace("memory = 512", "memory = 768"))
    proc = xenmig(cache, "apply", spec_with(tmp_path), "--root", root)
    assert proc.returncode == 1, proc.stdout
    assert "[ManagedBlockEdited]" in proc.stdout and "gateway.cfg" in proc.stdout
    assert "memory = 768" in gateway.read_text()


def test_a_guest_finding_is_about_the_guest_and_carries_its_data(tmp_path: Path) -> None:
    """PvhGrubImage concerns a guest, not the host: JSON names host and
    guest and carries the image as data; the text names the guest once."""
    pvh = {"name": "web", "type": "pvh", "bridges": ["xenbr0"],
           "disks": ["phy:/dev/vg0/web,xvda,w"]}
    spec = spec_with(tmp_path, pvh)
    cache = tmp_path / "cache"
    proc = xenmig(cache, "check", "--json", spec, merge_stderr=False)
    found = [f for f in json.loads(proc.stdout) if f["name"] == "PvhGrubImage"]
    assert found == [{
        "name": "PvhGrubImage", "level": "info", "scope": "guest", "host": "g1", "guest": "web",
        "message": f"boots {guests.PVH_GRUB}: make it with grub-mkimage -O i386-xen_pvh",
        "file": "/etc/xen/web.cfg", "key": "kernel",
        "data": {"image": guests.PVH_GRUB, "config": "/etc/xen/web.cfg"},
    }]
    text = xenmig(cache, "check", spec).stdout
    assert (f"g1: info: guest web: /etc/xen/web.cfg: kernel: boots {guests.PVH_GRUB}: "
            "make it with grub-mkimage -O i386-xen_pvh [PvhGrubImage]") in text


def test_plan_and_render_of_hvm_guests_mention_no_inittab(tmp_path: Path) -> None:
    spec = spec_with(tmp_path, {"name": "win", "type": "hvm", "disks": ["phy:/dev/vg/w,hda,w"]},
                     kernel={"hvm_guests": True})
    plan = xenmig(tmp_path / "cache", "plan", spec)
    assert plan.returncode == 0 and "xl create /etc/xen/win.cfg" in plan.stdout, plan.stdout
    assert "inittab" not in plan.stdout
    out = tmp_path / "out"
    assert xenmig(tmp_path / "cache", "render", spec, "--out", out).returncode == 0
    assert not list(out.rglob("inittab"))
