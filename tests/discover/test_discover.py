"""``xenmig discover``'s readers, one host file at a time, and its
guarantees: nothing on the host is run or written, a file that cannot be
read is a finding (never a hang or a crash), every value names its
source, and what it cannot decide is a TODO the loader names."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import xenmig
from tests.support.discover import HOSTS
from xenmig.discover import Discovery, discover, write_spec
from xenmig.hostfiles.root import MAX_HOST_FILE
from xenmig.spec.load import load_spec


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content.startswith("-> "):
            path.symlink_to(content[3:])
        else:
            path.write_text(content)
    return root


def bridges(found: Discovery) -> list[dict[str, Any]]:
    return [{k: f.value for k, f in b.values.items()} for b in found.bridges]


def boot(found: Discovery) -> dict[str, Any]:
    return {k: f.value for k, f in found.sections.get("boot", {}).items() if f.value is not None}


def names(found: Discovery) -> list[str]:
    return [f.name for f in found.findings]


BASE = {
    "etc/hostname": "xen9.example.org\n",
    "etc/portage/make.conf": 'CHOST="x86_64-pc-linux-gnu"\nCFLAGS="-O2 -pipe"\n',
    ".xenmig/uname-r": "6.6.30-gentoo\n",
}


# -- safety ----------------------------------------------------------------

def test_nothing_is_run_blocked_on_or_written(tmp_path: Path) -> None:
    canary = tmp_path / "ran"
    root = tree(tmp_path / "root", {
        **BASE,
        "etc/conf.d/net": f'bridge_br0="eth0"\nconfig_br0="dhcp"\ntouch {canary}\n'
                          'bridge_br1="eth1"\n',
        "etc/xen/evil.cfg": f"import os\nos.system('touch {canary}')\nname = 'evil'\n",
        "etc/xen/big.cfg": "#" * (MAX_HOST_FILE + 1),
        "etc/make.conf": "-> /etc/shadow",  # a link leaving the root: read inside it
    })
    os.mkfifo(root / "etc/default-grub-fifo")
    (root / "etc/default").mkdir()
    os.rename(root / "etc/default-grub-fifo", root / "etc/default/grub")
    before = sorted((p, p.lstat().st_mtime_ns) for p in root.rglob("*"))
    found = discover(root)
    assert not canary.exists()
    assert sorted((p, p.lstat().st_mtime_ns) for p in root.rglob("*")) == before
    messages = {f.location()[0]: f.describe() for f in found.findings}
    assert "not a regular file" in messages["etc/default/grub"]
    assert "over" in messages["etc/xen/big.cfg"] or "large" in messages["etc/xen/big.cfg"]
    assert "reads configurations without running them" in messages["etc/xen/evil.cfg"]
    assert "not run" in messages["etc/conf.d/net"]
    assert "GuestNotConverted" in names(found)
    # the command could have changed br0's values (not br1's, set after it)
    assert bridges(found) == [{"name": "br1", "ports": ["eth1"]}]


def test_every_value_names_its_source() -> None:
    text = write_spec(discover(HOSTS / "xen01-gentoo-2010"))
    for line in text.splitlines():
        if " = " in line and not line.startswith(("#", "[")) and "=" in line.split("#")[0]:
            key = line.split(" = ", 1)[0]
            if key in ("name", "type", "os", "memory", "vcpus", "kernel", "args", "disks",
                       "adopt", "bridge", "mac", "on_crash", "autostart", "ramdisk"):
                continue  # a guest's settings: its table names the file it adopts
            previous = text.splitlines()[text.splitlines().index(line) - 1]
            assert "# " in line or previous.startswith("# "), line


# -- host, portage, kernel ---------------------------------------------------

def test_portage_host_and_kernel(tmp_path: Path) -> None:
    config = b"# Linux/x86 6.6.30-gentoo Kernel Configuration\nCONFIG_X86_64=y\nCONFIG_XEN=y\n"
    root = tree(tmp_path, {
        **BASE,
        "etc/portage/make.conf": 'CHOST="x86_64-pc-linux-gnu"\nCFLAGS="-O2 -pipe"\n'
                                 'CXXFLAGS="${CFLAGS}"\nUSE="X gtk flask -pulseaudio"\n',
        "etc/portage/package.use/xen": "app-emulation/xen-tools ovmf\n# app-emulation/xen debug\n",
        "proc/config.gz": gzip.compress(config),
        "proc/modules": "megaraid_sas 1 0 - Live 0x0\nbnx2 1 0 - Live 0x0\n",
        "var/db/pkg/app-emulation/xen-4.16.2-r1/SLOT": "0\n",
        "boot/xen-4.14.1.gz": b"",
    })
    found = discover(root)
    host = found.sections["host"]
    assert host["name"].value == "xen9" and host["name"].source == "etc/hostname:1"
    assert host["arch"].value == "amd64" and host["kernel"].value == "6.6.30"
    assert host["from_xen"].value == "4.16.2"  # installed beats an old image in /boot
    assert host["storage"].value == ["megaraid_sas"]
    assert host["storage"].source == "proc/modules:1"
    portage = found.sections["portage"]
    assert "cxxflags" not in portage  # CXXFLAGS="${CFLAGS}": the same
    assert portage["use"].value == ["flask", "ovmf"]
    assert "etc/portage/package.use/xen:1" in str(portage["use"].source)


def test_the_running_xen_beats_what_is_installed(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        **BASE,
        ".xenmig/xl-info": "host : xen9\nxen_major : 4\nxen_minor : 17\nxen_extra : .3\n",
        "var/db/pkg/app-emulation/xen-4.18.0/SLOT": "0\n",
    })
    assert discover(root).get("host", "from_xen") == "4.17.3"


def test_required_values_without_a_safe_default_are_todos_the_loader_names(
        tmp_path: Path) -> None:
    root = tree(tmp_path / "root", {"etc/portage/make.conf": 'CHOST="aarch64-unknown-linux-gnu"\n'})
    spec = tmp_path / "h.toml"
    proc = xenmig(tmp_path / "cache", "discover", root, "--out", spec, "--name", "h1")
    assert proc.returncode == 1
    assert "[host] arch: CHOST aarch64-unknown-linux-gnu is neither amd64 nor x86" in proc.stdout
    assert "the spec does not load until its TODOs are settled" in proc.stdout
    assert 'arch = "TODO: aarch64"' in spec.read_text()
    check = xenmig(tmp_path / "cache", "check", spec)
    assert check.returncode == 2 and "[host] arch: 'TODO: aarch64'" in check.stdout


# -- network -----------------------------------------------------------------

def test_netifrc_old_and_new_forms(tmp_path: Path) -> None:
    root = tree(tmp_path, {**BASE, "etc/conf.d/net": "\n".join([
        'bridge_add_eth0="br0"', 'config_br0="dhcp"', 'bridge_stp_state_br0="1"',
        'config_eth1_7=( "null" )', 'bridge_br1="eth1.7 eth2.7"',
        'config_br1=( "10.0.7.2 netmask 255.255.255.0" "2001:db8::2/64" )',
        'routes_br1=( "default gw 10.0.7.1" "10.9.0.0/16 via 10.0.7.254" )',
        'bridge_br2="eth3.1 eth3.2"', 'config_br2="null"', ""])})
    found = discover(root)
    assert bridges(found) == [
        {"name": "br0", "ports": ["eth0"], "address": ["dhcp"], "stp": True},
        {"name": "br1", "ports": ["eth1", "eth2"], "vlan": 7,
         "address": ["10.0.7.2/24", "2001:db8::2/64"],
         "routes": ["default via 10.0.7.1", "10.9.0.0/16 via 10.0.7.254"]},
    ]
    todo = [f.describe() for f in found.findings if f.name == "DiscoverTodo"]
    assert any("br2" in t and "different VLANs" in t for t in todo), todo


def test_debian_interfaces(tmp_path: Path) -> None:
    root = tree(tmp_path, {**BASE, "etc/network/interfaces": "\n".join([
        "auto lo", "iface lo inet loopback", "auto br0", "iface br0 inet static",
        "    address 192.0.2.5/24", "    gateway 192.0.2.1", "    bridge-ports eth0",
        "    up ip route add 10.0.0.0/8 via 192.0.2.254",
        "iface br1 inet dhcp", "    bridge_ports none", ""])})
    found = discover(root)
    assert bridges(found) == [{"name": "br0", "ports": ["eth0"], "address": ["192.0.2.5/24"],
                               "routes": ["default via 192.0.2.1"]}]
    todo = " ".join(f.describe() for f in found.findings if f.name == "DiscoverTodo")
    assert "up ip route add 10.0.0.0/8" in todo and "br1" in todo and "no port" in todo


# Before Xen 3.2 network-bridge named the bridge xenbr0; since, after the
# interface (eth0, the physical one renamed peth0): the new bridge is xenbr0.
@pytest.mark.parametrize(("xen", "old"), [("3.1.4", "xenbr0"), ("4.1.4", "eth0")])
def test_xend_network_bridge(tmp_path: Path, xen: str, old: str) -> None:
    root = tree(tmp_path, {
        **BASE,
        ".xenmig/xm-info": f"xen_major : {xen[0]}\nxen_minor : {xen[2]}\nxen_extra : .{xen[4]}\n",
        "etc/conf.d/net": 'config_eth0="192.0.2.9/24"\nroutes_eth0="default via 192.0.2.1"\n',
        "etc/xen/xend-config.sxp": "(network-script network-bridge)\n(vif-script vif-bridge)\n",
        "etc/xen/web.cfg": "name='web'\nmemory=256\nbootloader='pygrub'\n"
                           f"vif=['mac=00:16:3e:00:00:09,bridge={old}', 'mac=00:16:3e:00:00:0a']\n",
    })
    found = discover(root)
    assert bridges(found) == [{"name": "xenbr0", "ports": ["eth0"], "address": ["192.0.2.9/24"],
                               "routes": ["default via 192.0.2.1"]}]
    (script,) = [f for f in found.findings if f.name == "XenNetworkScript"]
    assert f"made bridge {old} over eth0 (renamed peth0)" in script.describe()
    (guest,) = found.guests
    assert guest.bridges == ("xenbr0",)
    assert guest.table.count('bridge = "xenbr0"') == 2


# -- boot --------------------------------------------------------------------

@pytest.mark.parametrize(("line", "expected", "todo"), [
    ("dom0_mem=1024M,max:1024M dom0_max_vcpus=2", {"dom0_mem": "1024M", "dom0_max_vcpus": 2,
                                                   "serial": False}, None),
    ("dom0_mem=524288 com1=115200,8n1 console=com1,vga",
     {"dom0_mem": "512M", "serial": True}, None),
    ("dom0_mem=min:512M,max:2G com1=38400,8n1 console=com1 iommu=off",
     {"serial": False, "xen_args": ["com1=38400,8n1", "console=com1", "iommu=off"]},
     "dom0_mem"),
    ("dom0_max_vcpus=1-4 loglvl=all", {"serial": False, "xen_args": ["loglvl=all"]},
     "dom0_max_vcpus"),
])
def test_grub_legacy_xen_line(tmp_path: Path, line: str, expected: dict[str, Any],
                              todo: str | None) -> None:
    root = tree(tmp_path, {**BASE, "boot/grub/menu.lst": (
        "default 1\ntitle Linux\nkernel /vmlinuz root=/dev/sda1\n"
        f"title Xen\nroot (hd0,0)\nkernel /boot/xen-4.4.1.gz {line}\n"
        "module /boot/vmlinuz-3.16.0-4-amd64 root=/dev/sda1 ro\n")})
    found = discover(root)
    assert {k: v for k, v in boot(found).items() if k != "loader"} == expected
    assert found.get("host", "from_xen") == "4.4.1"
    todos = [f.location()[1] for f in found.findings if f.name == "DiscoverTodo"]
    assert todos == ([f"[boot] {todo}"] if todo else [])


def test_xend_memory_settings(tmp_path: Path) -> None:
    sxp = "(dom0-min-mem 2048)\n(enable-dom0-ballooning no)\n(dom0-cpus 2)\n"
    found = discover(tree(tmp_path / "a", {**BASE, "etc/xen/xend-config.sxp": sxp}))
    assert boot(found)["dom0_mem"] == "2048M" and boot(found)["dom0_max_vcpus"] == 2
    assert found.sections["boot"]["dom0_mem"].source == "etc/xen/xend-config.sxp:1"
    ballooned = discover(tree(tmp_path / "b", {**BASE, "etc/xen/xend-config.sxp":
                                               "(dom0-min-mem 196)\n"}))
    assert "dom0_mem" not in {k for k, f in ballooned.sections.get("boot", {}).items()
                              if f.value is not None}
    assert "xend ballooned dom0 down to no less than 196 MiB" in write_spec(ballooned)


# -- guests ------------------------------------------------------------------

def test_guests_autostart_duplicates_and_other_files(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        **BASE,
        "etc/conf.d/net": 'bridge_xenbr0="eth0"\nconfig_xenbr0="dhcp"\n',
        "etc/conf.d/xendomains": 'XENDOMAINS_AUTO=/srv/xen/auto\n',
        "etc/xen/a.cfg": "name='a'\nmemory=128\nvif=['bridge=xenbr0']\n",
        "etc/xen/a-copy.cfg": "name='a'\nmemory=256\n",
        "etc/xen/b": "name='b'\nmemory=128\nbootloader='pygrub'\n",  # no .cfg: still a guest
        "etc/xen/notes.txt": "remember to renew the licence\n",
        "etc/xen/scripts/vif-custom": "#!/bin/sh\n",
        "srv/xen/auto/a.cfg": "-> /etc/xen/a.cfg",
        "srv/xen/auto/c.cfg": "name='c'\nmemory=128\nvif=['bridge=xenbr1']\n",
        "var/lib/xend/domains/0-1/config.sxp": "(domain (name m) (memory 300) (on_xend_start "
        "start) (image (hvm (kernel '') (boot dc) (viridian 1))) (device (vbd (uname "
        "phy:/dev/vg/m) (dev hda:disk) (mode w))) (device (pci (dev (domain 0x0) (bus 0x3) "
        "(slot 0x0) (func 0x1)))))\n",
    })
    found = discover(root)
    assert {g.name: "autostart = false" not in g.table for g in found.guests} == \
        {"a": True, "b": False, "c": True, "m": True}
    managed = next(g for g in found.guests if g.name == "m")
    assert 'type = "hvm"' in managed.table and 'pci = ["0000:03:00.1"]' in managed.table
    assert 'disks = ["phy:/dev/vg/m,hda,w"]' in managed.table and "adopt" not in managed.table
    assert found.get("kernel", "hvm_guests") is True
    todo = " ".join(f.describe() for f in found.findings if f.name == "DiscoverTodo")
    assert "etc/xen/a-copy.cfg (xl): guest a is also etc/xen/a.cfg" in todo
    assert "xenbr1" in todo and "only configuration is this copy" in todo
    skipped = [f.location()[0] for f in found.findings if f.name == "XenFileSkipped"]
    assert skipped == ["etc/xen/notes.txt"]


def test_the_example_hosts_spec_loads_and_checks(tmp_path: Path) -> None:
    spec = tmp_path / "xen01.toml"
    proc = xenmig(tmp_path / "cache", "discover", HOSTS / "xen01-gentoo-2010", "--out", spec,
                  "--json", merge_stderr=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []
    loaded = load_spec(spec)
    assert [b.name for b in loaded.bridge] == ["extbr0", "xenbr0"]
    assert loaded.portage.use == ("flask", "pae", "pygrub", "xsm")
    check = xenmig(tmp_path / "cache", "check", spec, "--json", merge_stderr=False)
    assert {f["name"] for f in json.loads(check.stdout)} == {
        "Dom0Is32Bit", "KernelTooOldForGlibc", "NoUdevForKernel"}


def test_out_never_replaces_other_content(tmp_path: Path) -> None:
    spec = tmp_path / "xen01.toml"
    spec.write_text("# my own spec\n")
    proc = xenmig(tmp_path / "cache", "discover", HOSTS / "xen01-gentoo-2010", "--out", spec)
    assert proc.returncode == 2 and "exists (with other content); give --force" in proc.stdout
    assert spec.read_text() == "# my own spec\n"
    assert xenmig(tmp_path / "cache", "discover", HOSTS / "xen01-gentoo-2010", "--out", spec,
                  "--force").returncode == 0
    assert spec.read_text().startswith("# Host spec discovered by xenmig discover")


def test_without_out_stdout_is_the_spec_alone(tmp_path: Path) -> None:
    import tomllib

    proc = xenmig(tmp_path / "cache", "discover", HOSTS / "vh4-debian-xen41",
                  merge_stderr=False)
    assert proc.returncode == 0
    assert tomllib.loads(proc.stdout)["host"]["name"] == "vh4"
    assert "[HostFileNotRead]" not in proc.stdout and "etc/default/grub" not in proc.stderr
    root = tree(tmp_path / "arm", {"etc/portage/make.conf": 'CHOST="aarch64-unknown-linux-gnu"\n'})
    arm = xenmig(tmp_path / "cache", "discover", root, "--name", "a1", merge_stderr=False)
    assert arm.returncode == 1 and "[DiscoverTodo]" in arm.stderr
    assert tomllib.loads(arm.stdout)["host"]["arch"] == "TODO: aarch64"
