"""A real two-node Corosync/Pacemaker pair on this machine, from what
xenmig renders for the example cluster (examples/fleet/clusters/xenha.toml).

Two network namespaces joined by a veth pair carry the members' ring
addresses (198.51.100.10 and .11); in each, a private mount namespace (ip
netns exec makes one) gets its own /run, /dev/shm, /etc/corosync and
/var/lib/pacemaker, so that Debian's corosync 3.1 and pacemaker 2.1 run
twice side by side: corosync with the member's rendered corosync.conf (knet,
crypto, two_node) and one shared authkey, pacemakerd in the foreground.

Proven: the ring forms with both members and quorum; Pacemaker sees both
online; cibadmin loads the rendered CIB file, xenmig's block in XML comments
and all, as the bootstrap's last step does; and when one member dies, the
survivor keeps quorum (two_node) and, before it takes over anything, fences
the lost member with its generated fence device (which fails here: there
is no fence_ipmilan and no IPMI), so no guest runs twice.  Not proven here:
resources starting (no DRBD module, no Xen, no fence agent); Pacemaker's
scheduler does that part in tests/cluster/test_cluster.py.

Needs root (network namespaces) and Debian's corosync and pacemaker; skips
with the reason otherwise.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.fleet import FLEET
from xenmig.cluster.membership import load_with_members

pytestmark = pytest.mark.slow

CLUSTER = FLEET / "clusters/xenha.toml"
TOOLS = ("ip", "nsenter", "corosync", "pacemakerd", "cibadmin", "crm_mon")

# What a member's namespace runs: private state directories, its rendered
# corosync.conf and the cluster's key, corosync and pacemakerd.
NODE = r"""#!/bin/sh
set -e
conf=$1 key=$2 logs=$3
for d in /run /dev/shm /etc/corosync /var/lib/corosync /var/lib/pacemaker /var/log/pacemaker; do
  mount -t tmpfs tmpfs "$d"
done
mkdir -p /var/lib/pacemaker/cib /var/lib/pacemaker/pengine /var/lib/pacemaker/blackbox \
  /var/lib/pacemaker/cores /run/crm
chown -R hacluster:haclient /var/lib/pacemaker /run/crm /var/log/pacemaker
cp "$conf" /etc/corosync/corosync.conf
cp "$key" /etc/corosync/authkey && chmod 400 /etc/corosync/authkey
ip link set lo up
corosync -f > "$logs/corosync.log" 2>&1 &
sleep 2
PCMK_logfile=/var/log/pacemaker/pacemaker.log pacemakerd -f > "$logs/pacemakerd.log" 2>&1 &
wait
"""


def _tool(name: str) -> str | None:
    return shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/sbin") / name) if p.exists()), None)


def _require() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: network namespaces for the two members")
    missing = [t for t in TOOLS if _tool(t) is None]
    if missing:
        pytest.skip(f"needs Debian's corosync and pacemaker (./dev test installs them); "
                    f"missing: {', '.join(missing)}")
    try:
        import pwd

        pwd.getpwnam("hacluster")
    except KeyError:
        pytest.skip("needs the hacluster user (Debian's pacemaker package)")


@dataclass
class Member:
    name: str
    netns: str
    process: subprocess.Popen[bytes]
    logs: Path

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        """A command in the member's network and mount namespaces."""
        return subprocess.run(["nsenter", "-t", str(self.process.pid), "-m", "-n", *command],
                              capture_output=True, text=True, timeout=60, check=False)

    def stop(self) -> None:
        pids = subprocess.run(["ip", "netns", "pids", self.netns], capture_output=True,
                              text=True, check=False).stdout.split()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid), signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


def _wait(what: str, check: Callable[[], str | None], timeout: float = 90) -> str:
    """Poll ``check`` until it returns text."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = check()
        if found is not None:
            return found
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Member, Member, Path]]:
    _require()
    work = tmp_path_factory.mktemp("pair")
    proc = xenmig(work / "cache", "cluster", "render", CLUSTER, "--out", work / "out")
    assert proc.returncode == 0, proc.stdout
    membership = load_with_members(CLUSTER, FLEET)
    key = work / "authkey"
    key.write_bytes(os.urandom(256))  # corosync-keygen's size, without its entropy wait
    (work / "node.sh").write_text(NODE)
    tag = f"xm{os.getpid() % 100000}"
    members: list[Member] = []
    links = (f"{tag}a", f"{tag}b")
    try:
        for name in membership.cluster.members:
            subprocess.run(["ip", "netns", "add", f"{tag}-{name}"], check=True)
        subprocess.run(["ip", "link", "add", links[0], "type", "veth", "peer", "name", links[1]],
                       check=True)
        for n, name in enumerate(membership.cluster.members):
            netns, link = f"{tag}-{name}", links[n]
            address = membership.cluster.node(name).ring[0]
            subprocess.run(["ip", "link", "set", link, "netns", netns], check=True)
            subprocess.run(["ip", "netns", "exec", netns, "ip", "addr", "add", f"{address}/24",
                            "dev", link], check=True)
            subprocess.run(["ip", "netns", "exec", netns, "ip", "link", "set", link, "up"],
                           check=True)
            logs = work / name
            logs.mkdir()
            conf = work / "out" / name / "etc/corosync/corosync.conf"
            process = subprocess.Popen(
                ["ip", "netns", "exec", netns, "sh", str(work / "node.sh"), str(conf), str(key),
                 str(logs)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
            members.append(Member(name, netns, process, logs))
        yield members[0], members[1], work / "out"
    finally:
        for member in members:
            member.stop()
        for name in membership.cluster.members:
            subprocess.run(["ip", "netns", "del", f"{tag}-{name}"], check=False,
                           capture_output=True)


def _status(member: Member, pattern: str) -> Callable[[], str | None]:
    def check() -> str | None:
        out = member.run("crm_mon", "-1").stdout
        return out if re.search(pattern, out) else None
    return check


def test_the_ring_forms_and_pacemaker_sees_both(pair: tuple[Member, Member, Path]) -> None:
    first, _, _ = pair
    log = first.logs / "corosync.log"
    _wait("both members in corosync's ring",
          lambda: "ok" if log.is_file() and "Members[2]: 1 2" in log.read_text(errors="replace")
          else None)
    out = _wait("both members online", _status(first, r"Online: \[ xen10 xen11 \]"))
    assert "partition with quorum" in out, out
    assert "2 nodes configured" in out


def test_cibadmin_loads_the_rendered_cib(pair: tuple[Member, Member, Path]) -> None:
    first, _, out = pair
    _wait("both members online", _status(first, r"Online: \[ xen10 xen11 \]"))
    cib = out / "xen10/etc/xenmig/cluster/xenha.cib.xml"
    assert cib.read_text().startswith("<!-- BEGIN xenmig ")
    # the bootstrap's last step, as xenmig cluster plan prints it
    load = first.run("cibadmin", "--replace", "--scope", "configuration", "--xml-file", str(cib))
    assert load.returncode == 0, load.stderr
    live = first.run("cibadmin", "-Q").stdout
    for resource in ("fence-xen10", "fence-xen11", "drbd-router-clone", "drbd-gateway-clone",
                     "vm-router", "vm-gateway"):
        assert f'id="{resource}"' in live, resource
    # 2 fence devices, 2 DRBD clones of 2 instances, 2 guests
    _wait("the resources configured", _status(first, r"8 resource instances configured"))


def test_the_survivor_fences_before_it_takes_over(pair: tuple[Member, Member, Path]) -> None:
    first, second, _ = pair
    _wait("the CIB loaded", _status(first, r"8 resource instances configured"))
    second.stop()
    out = _wait("xen11 lost", _status(first, r"xen11: UNCLEAN \(offline\)"))
    assert "partition with quorum" in out, out  # two_node: the survivor keeps quorum
    out = _wait("xen11 fenced with its generated device",
                _status(first, r"reboot of xen11 by xen10"))
    assert "fence_ipmilan" in out  # the generated device's agent (absent here)
    assert "No active resources" in out, out  # nothing taken over unfenced
