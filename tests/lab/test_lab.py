"""The lab: what xenmig generates, on real Xen booted under QEMU.

One boot (module fixture) of Debian's Xen 4.17 with:

* Xen's command line and dom0's arguments as generated in
  /etc/default/grub for examples/lab/xen-lab.toml
  (GRUB_CMDLINE_XEN_DEFAULT, GRUB_CMDLINE_LINUX_XEN_REPLACE);
* a dom0 kernel from tinyconfig + the generated dom0 fragment +
  tests/lab/dom0-lab.config (boot basics, the toolstack's system calls);
* in dom0: the bridges of the generated /etc/conf.d/net (read by bash,
  created with busybox ip/brctl), the generated xl.conf, ``xl -N create``
  of every generated guest configuration of the example fleet and the
  lab host, and a real ``xl create`` of the lab's PV guest, whose console
  log (xenconsoled) is printed on the serial port.

The tests assert on the serial log.  Not exercised: GRUB itself (QEMU
loads Xen and dom0 as multiboot modules), netifrc and OpenRC (the test
reads the net file and creates the bridges itself; a DHCP bridge gets its
lease from QEMU's user network through busybox's udhcpc), vif hotplug (the lab
guest has no vif), disks, PVH and HVM guests beyond xl's dry run, and the
Gentoo packages (Debian's Xen 4.17 stands in for 4.19/4.20).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import xenmig
from tests.support.fleet import spec_path
from tests.support.gentoo import SHARED
from tests.support.lab import (
    LAB_FRAGMENT,
    LAB_SPEC,
    boot,
    cache_dir,
    grub_args,
    initramfs,
    lab_kernel,
    require_lab,
    xen_image,
)
from tests.support.shell import bash_values
from xenmig.cluster.membership import cluster_guest, memberships
from xenmig.cluster.render import guest_xl
from xenmig.guests.console import console_args
from xenmig.guests.xldisk import parse_disk
from xenmig.spec import HostSpec, load_spec
from xenmig.spec.model import DomuSection

pytestmark = [pytest.mark.lab, pytest.mark.slow]

FLEET = ("xen10", "xen11")
# Kernel modules the generated fragment builds as modules and dom0 loads.
KNOWN_BAD = "lab--known-bad"
# xm configurations of the real world, converted by xenmig domu convert
# (the nbd example has no xl form and is refused by convert itself).
XM_EXAMPLES = SHARED / "realworld/xen-project__xen@e04254f/tools/examples"
XM_CONVERTED: dict[str, tuple[str, ...]] = {  # example: its xm_vars values
    "xmexample1": (), "xmexample2": ("--var", "vmid=1"), "xmexample3": ("--var", "vmid=1"),
    "xmexample.hvm": (), "xmexample.hvm-stubdom": (), "xmexample.pv-grub": (),
}
# xenmig's own guest configurations (every xl key they hold), converted.
OWN_GUESTS = Path(__file__).parents[1] / "data/guests"
DOM0_MODULES = ("xen-gntdev", "xen-gntalloc", "xen-blkback", "xen-netback", "bridge", "8021q")

DOM0_INIT = r"""#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin LD_LIBRARY_PATH=/usr/lib
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts; mount -t devpts devpts /dev/pts
echo "LAB: dom0 userspace; cmdline: $(cat /proc/cmdline)"
v=/sys/hypervisor/version
echo "LAB: hypervisor: $(cat /sys/hypervisor/type) $(cat $v/major).$(cat $v/minor)"
echo 1 > /proc/sys/kernel/printk
depmod
for m in @MODULES@; do modprobe $m || echo "LAB: modprobe $m failed"; done
mount -t xenfs xenfs /proc/xen
xenstored --pid-file /var/run/xenstored.pid
timeout 60 xen-init-dom0 >/dev/null 2>&1; echo "LAB: xen-init-dom0 rc=$?"
xenconsoled --log=guest --log-dir=/var/log/xen
ip link set eth0 name eth1 || echo "LAB: no NIC"
chmod 755 /etc/lab/udhcpc.sh
. /etc/lab/bridges.sh
bridges() {
  echo "LAB-BRIDGES-BEGIN $1"
  for b in /sys/class/net/*/bridge; do
    b=${b%/bridge}; b=${b##*/}; d=/sys/class/net/$b
    ports=$(ls $d/brif | tr '\n' ' ')
    echo "$b ports=${ports}stp=$(cat $d/bridge/stp_state) delay=$(cat $d/bridge/forward_delay)"
  done
  echo "LAB-BRIDGES-END $1"
}
bridges before
echo "LAB-ADDR-BEGIN"; ip -o addr show; echo "LAB-ADDR-END"
for f in /etc/xen/dryrun/*.cfg; do
  n=${f##*/}; n=${n%.cfg}
  xl -N create "$f" >/tmp/json 2>/tmp/err; rc=$?
  echo "LAB-XLN-BEGIN $n rc=$rc"
  sed 's/^/LAB-XLN-ERR /' /tmp/err
  cat /tmp/json
  echo "LAB-XLN-END $n"
done
xl create /etc/xen/smoke.cfg >/tmp/create 2>&1; echo "LAB: xl create smoke rc=$?"
sed 's/^/LAB-CREATE /' /tmp/create
bridges running
i=0; while [ $i -lt 120 ] && xl list smoke >/dev/null 2>&1; do sleep 1; i=$((i+1)); done
echo "LAB: smoke gone after ${i}s"
echo "LAB-CONSOLE-BEGIN"; cat /var/log/xen/guest-smoke.log; echo "LAB-CONSOLE-END"
echo "LAB: done"
poweroff -f
"""
DOMU_INIT = r"""#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys
console=$(cat /sys/class/tty/console/active)
echo "SMOKE: userspace; console: $console; cmdline: $(cat /proc/cmdline)"
echo "SMOKE: hypervisor: $(cat /sys/hypervisor/type)"
echo "SMOKE: eth0 $(cat /sys/class/net/eth0/address)"
ip link set lo up; ip link set eth0 up; ip addr add @GUEST_ADDRESS@ dev eth0
ping -c 2 -W 5 @DOM0_ADDRESS@ >/dev/null 2>&1 && echo "SMOKE: ping @DOM0_ADDRESS@ ok"
poweroff -f
"""
# What udhcpc runs with the lease: the address on the bridge.
UDHCPC_SCRIPT = """#!/bin/sh
case "$1" in bound|renew) ip addr add "$ip/${mask:-24}" dev "$interface" ;; esac
"""
# The lab guest's own address on xenbr0 (dom0 has 192.0.2.50/24 there).
GUEST_ADDRESS = "192.0.2.51/24"


@dataclass
class Lab:
    log: str
    xen_args: str
    dom0_args: str
    guests: dict[str, HostSpec]  # dry-run name -> the spec of its host
    out: Path
    converted: list[str]  # dry-run names of the converted real-world xm files


def bridge_commands(net: Path) -> str:
    """busybox commands creating what the generated /etc/conf.d/net
    describes: VLAN interfaces on the trunk (a dummy port here), the
    bridges with their members, STP and forward delay, addresses."""
    names = subprocess.run(
        ["bash", "-c", 'source "$1"; compgen -v | grep -E "^(vlans|bridge)_"', "_", str(net)],
        capture_output=True, text=True, check=True).stdout.split()
    values = bash_values(net, *names, *(f"config_{n.split('_', 1)[1]}" for n in names
                                        if n.startswith("bridge_") and "_stp_" not in n
                                        and "_forward_" not in n))
    out = []
    for name, value in values.items():
        if name.startswith("vlans_"):
            port = name.removeprefix("vlans_")
            out += [f"ip link add {port} type dummy", f"ip link set {port} up"]
            for vlan in value.split():
                out += [f"ip link add link {port} name {port}.{vlan} type vlan id {vlan}",
                        f"ip link set {port}.{vlan} up"]
    for name, value in values.items():
        if not name.startswith("bridge_") or "_stp_state_" in name or "_forward_delay_" in name:
            continue
        bridge = name.removeprefix("bridge_")
        out.append(f"brctl addbr {bridge}")
        # netifrc writes bridge_<attribute>_<bridge> to the bridge's sysfs
        for attribute in ("stp_state", "forward_delay"):
            if f"bridge_{attribute}_{bridge}" in values:
                out.append(f"echo {values[f'bridge_{attribute}_{bridge}']} > "
                           f"/sys/class/net/{bridge}/bridge/{attribute}")
        for member in value.split():  # netifrc brings the ports up with the bridge
            out += [f"brctl addif {bridge} {member}", f"ip link set {member} up"]
        out.append(f"ip link set {bridge} up")
        config = values.get(f"config_{bridge}", "null")
        if config == "dhcp":  # netifrc's dhcp module; busybox's udhcpc here
            out.append(f"udhcpc -i {bridge} -n -q -t 10 -T 3 -s /etc/lab/udhcpc.sh || "
                       f"echo 'LAB: udhcpc {bridge} failed'")
        elif config != "null":
            out += [f"ip addr add {shlex.quote(a)} dev {bridge}" for a in config.split()]
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def xen_lab(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Lab:
    require_lab()
    work = tmp_path_factory.mktemp("lab")
    out = work / "out"
    specs = [LAB_SPEC, *(spec_path(name) for name in FLEET)]
    proc = xenmig(work / "cache", "render", *specs, "--out", out)
    assert proc.returncode == 0, proc.stdout
    host = out / "xen-lab"
    xen_args, dom0_args = grub_args(host)
    kernel, modules = lab_kernel(request, host)

    dom0_address = load_spec(LAB_SPEC).bridge[1].address[0].split("/")[0]
    domu_init = DOMU_INIT.replace("@GUEST_ADDRESS@", GUEST_ADDRESS).replace(
        "@DOM0_ADDRESS@", dom0_address)
    domu_initrd = initramfs(work / "domu.cpio.gz", domu_init, {})
    files: dict[str, Path | bytes] = {
        "/etc/xen/xl.conf": host / "etc/xen/xl.conf",
        "/etc/xen/smoke.cfg": host / "etc/xen/smoke.cfg",
        "/boot/domu/vmlinuz": kernel,
        "/boot/domu/initrd": domu_initrd,
        "/etc/lab/bridges.sh": bridge_commands(host / "etc/conf.d/net").encode(),
        "/etc/lab/udhcpc.sh": UDHCPC_SCRIPT.encode(),
    }
    guests: dict[str, HostSpec] = {}
    for spec_file in specs:
        spec = load_spec(spec_file)
        for domu in spec.domu:
            name = f"{spec.name}--{domu.name}"
            files[f"/etc/xen/dryrun/{name}.cfg"] = out / spec.name / f"etc/xen/{domu.name}.cfg"
            guests[name] = spec
    files[f"/etc/xen/dryrun/{KNOWN_BAD}.cfg"] = LAB_FRAGMENT.parent / "known-bad.cfg"
    converted: list[str] = []
    for own in sorted(OWN_GUESTS.glob("*.cfg")):
        proc = xenmig(work / "cache", "domu", "convert", own, merge_stderr=False)
        assert proc.returncode == 0, proc.stderr
        files[f"/etc/xen/dryrun/convert--{own.stem}.cfg"] = proc.stdout.encode()
        converted.append(f"convert--{own.stem}")
    if XM_EXAMPLES.is_dir():
        for example, variables in XM_CONVERTED.items():
            proc = xenmig(work / "cache", "domu", "convert", XM_EXAMPLES / example, "--sxp",
                          XM_EXAMPLES / "xend-config.sxp", *variables, merge_stderr=False)
            assert proc.returncode == 0, proc.stderr
            files[f"/etc/xen/dryrun/convert--{example}.cfg"] = proc.stdout.encode()
            converted.append(f"convert--{example}")
    init = DOM0_INIT.replace("@MODULES@", " ".join(DOM0_MODULES))
    dom0_initrd = initramfs(work / "dom0.cpio.gz", init, files, xen_tools=True,
                            modules=modules)
    log = boot(xen_image(work), xen_args, kernel, dom0_args, dom0_initrd,
               cache_dir() / "serial-last.log")
    return Lab(log, xen_args, dom0_args, guests, out, converted)


def section(log: str, begin: str, end: str) -> list[str]:
    lines = log.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith(begin))
        stop = next(i for i in range(start, len(lines)) if lines[i].startswith(end))
    except StopIteration:
        raise AssertionError(f"no {begin} ... {end} section in the serial log") from None
    return lines[start + 1: stop]


def test_xen_and_dom0_boot_with_the_generated_command_lines(xen_lab: Lab) -> None:
    assert f"Command line: {xen_lab.xen_args}" in xen_lab.log  # Xen's own echo
    assert "Booting kernel on Xen" in xen_lab.log or "Booting paravirtualized kernel on Xen" \
        in xen_lab.log
    assert re.search(r"LAB: dom0 userspace; cmdline: .*\bconsole=hvc0\b", xen_lab.log)
    assert "LAB: hypervisor: xen 4.17" in xen_lab.log
    assert "LAB: xen-init-dom0 rc=0" in xen_lab.log
    assert "modprobe" not in "\n".join(line for line in xen_lab.log.splitlines()
                                       if line.startswith("LAB: modprobe"))


def test_bridges_of_the_generated_net_file(xen_lab: Lab) -> None:
    bridges = section(xen_lab.log, "LAB-BRIDGES-BEGIN before", "LAB-BRIDGES-END before")
    assert "extbr0 ports=eth0.10 stp=0 delay=0" in bridges, bridges
    assert "xenbr0 ports=eth0.20 stp=0 delay=0" in bridges, bridges
    addresses = "\n".join(section(xen_lab.log, "LAB-ADDR-BEGIN", "LAB-ADDR-END"))
    assert re.search(r"xenbr0\s+inet 192\.0\.2\.50/24", addresses), addresses
    assert not re.search(r"extbr0\s+inet ", addresses)  # dom0 stays off the external VLAN
    # the DHCP bridge (config_labbr1="dhcp") got its lease from QEMU's network
    assert "labbr1 ports=eth1 stp=0 delay=0" in bridges, bridges
    assert re.search(r"labbr1\s+inet 10\.0\.2\.15/24", addresses), addresses


def _dry_runs(log: str) -> dict[str, tuple[int, list[str], str]]:
    runs = {}
    for match in re.finditer(r"^LAB-XLN-BEGIN (\S+) rc=(\d+)$", log, re.M):
        name = match[1]
        body = section(log[match.start():], f"LAB-XLN-BEGIN {name}", f"LAB-XLN-END {name}")
        errors = [line.removeprefix("LAB-XLN-ERR ") for line in body
                  if line.startswith("LAB-XLN-ERR ")]
        text = "\n".join(line for line in body if not line.startswith("LAB-XLN-ERR "))
        runs[name] = (int(match[2]), errors, text)
    return runs


def _find(data: Any, key: str) -> Any:
    """The first value of ``key`` anywhere in xl's JSON."""
    if isinstance(data, dict):
        if key in data:
            return data[key]
        for value in data.values():
            found = _find(value, key)
            if found is not None:
                return found
    if isinstance(data, list):
        for value in data:
            found = _find(value, key)
            if found is not None:
                return found
    return None


def _diagnostics(errors: list[str]) -> list[str]:
    return [e for e in errors if not e.startswith("Parsing config from ")]


def _as_rendered(spec: HostSpec, domu: DomuSection) -> DomuSection:
    """The guest as its host's render writes it: a cluster guest's disks on
    DRBD (examples/fleet/clusters/xenha.toml)."""
    clustered = cluster_guest(memberships(spec)[0], spec.name, domu.name)
    return domu if clustered is None else guest_xl(clustered[1], domu)


def test_xl_dry_run_diagnostics_are_seen(xen_lab: Lab) -> None:
    """xl -N exits 0 on a misspelt vif key and only says so: the check
    below must catch what the exit status does not."""
    rc, errors, _ = _dry_runs(xen_lab.log)[KNOWN_BAD]
    assert rc == 0 and _diagnostics(errors), errors


def test_xl_dry_run_of_every_generated_guest(xen_lab: Lab) -> None:
    runs = _dry_runs(xen_lab.log)
    runs.pop(KNOWN_BAD)
    for name in xen_lab.converted:
        runs.pop(name)
    assert sorted(runs) == sorted(xen_lab.guests)
    for name, (rc, errors, text) in runs.items():
        diagnostics = _diagnostics(errors)
        assert rc == 0 and not diagnostics, f"{name}: xl -N create rc={rc}: {diagnostics}"
        config = json.loads(text)
        spec = xen_lab.guests[name]
        domu = next(d for d in spec.domu if f"{spec.name}--{d.name}" == name)
        domu = _as_rendered(spec, domu)
        c_info, b_info = config["c_info"], config["b_info"]
        assert c_info["name"] == domu.name and c_info["type"] == domu.type, name
        assert b_info["max_memkb"] == domu.memory * 1024, name
        assert len(b_info["avail_vcpus"]) == domu.vcpus, name
        nics = config.get("nics", [])
        assert [(n["mac"], n["bridge"], n.get("model")) for n in nics] == [
            (mac, vif.bridge, vif.model)
            for mac, vif in zip(domu.macs, domu.vifs, strict=True)], name
        for n, vif in zip(nics, domu.vifs, strict=True):
            options = dict(vif.options)
            if "vifname" in options:
                assert n["ifname"] == options["vifname"], name
            if "rate" in options:
                assert n["rate_bytes_per_interval"] and n["rate_interval_usecs"], name
        for key, value in domu.xl.items:
            if key in ("on_crash", "on_reboot", "on_poweroff"):
                # libxl's JSON leaves out its own default (destroy)
                assert config.get(key, "destroy") == value, name
            elif key == "uuid":
                assert c_info["uuid"] == value, name
            elif key in ("maxvcpus", "max_grant_frames"):
                assert b_info["max_vcpus" if key == "maxvcpus" else key] == value, name
        assert [(d["vdev"], d.get("pdev_path")) for d in config.get("disks", [])] == [
            (disk.vdev, disk.target) for disk in map(parse_disk, domu.disks)], name
        if domu.kernel:
            assert _find(config, "kernel") == domu.kernel, name
            assert _find(config, "cmdline") == " ".join(
                [*domu.args, *console_args(domu.os)]), name
        elif domu.type == "pv":
            assert _find(config, "bootloader") == "pygrub", name


def test_xl_dry_run_of_converted_real_world_xm_files(xen_lab: Lab) -> None:
    """xenmig domu convert's output of the xm examples Xen shipped: xl
    takes each without a diagnostic."""
    if not xen_lab.converted:
        pytest.skip(f"{XM_EXAMPLES} is absent (../shared exists in the dev and CI checkouts "
                    "only)")
    runs = _dry_runs(xen_lab.log)
    for name in xen_lab.converted:
        rc, errors, text = runs[name]
        assert rc == 0 and not _diagnostics(errors), f"{name}: {errors}"
        assert json.loads(text)["c_info"]["name"], name


def test_the_lab_guest_boots_on_its_generated_console(xen_lab: Lab) -> None:
    assert "LAB: xl create smoke rc=0" in xen_lab.log
    console = "\n".join(section(xen_lab.log, "LAB-CONSOLE-BEGIN", "LAB-CONSOLE-END"))
    assert "Booting kernel on Xen" in console or "paravirtualized kernel on Xen" in console
    # hvc0 last: it is /dev/console, where init's output goes
    assert re.search(r"SMOKE: userspace; console: (\S+ )*hvc0; cmdline: .*console=hvc0",
                      console), console
    assert "SMOKE: hypervisor: xen" in console


def test_the_lab_guest_on_its_bridge_with_its_mac(xen_lab: Lab) -> None:
    """The vif: vif-bridge (Debian's hotplug script, run by libxl) put it
    on the bridge the spec names, with the MAC derived from the guest's
    name, and the guest reaches dom0 through the bridge."""
    spec = load_spec(LAB_SPEC)
    smoke = next(d for d in spec.domu if d.name == "smoke")
    running = section(xen_lab.log, "LAB-BRIDGES-BEGIN running", "LAB-BRIDGES-END running")
    assert any(re.fullmatch(rf"{smoke.vifs[0].bridge} ports=eth0\.20 smoke0 stp=0 delay=0",
                            line) for line in running), running
    console = "\n".join(section(xen_lab.log, "LAB-CONSOLE-BEGIN", "LAB-CONSOLE-END"))
    assert f"SMOKE: eth0 {smoke.macs[0]}" in console
    dom0 = spec.bridge[1].address[0].split("/")[0]
    assert f"SMOKE: ping {dom0} ok" in console
    gone = re.search(r"LAB: smoke gone after (\d+)s", xen_lab.log)
    assert gone and int(gone[1]) < 120  # it powered itself off
    assert "LAB: done" in xen_lab.log
