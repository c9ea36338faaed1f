"""A Pacemaker/DRBD cluster of the fleet's hosts, checked with the real
tools: crm_verify accepts the generated CIB, crm_simulate (Pacemaker's own
scheduler) places the guest on its home with DRBD promoted first, moves it
to the survivor when either member fails, restarts it when its monitor
fails and live-migrates it off a member in standby; drbdadm parses the
resource files; corosync -t accepts corosync.conf."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.fleet import FLEET

CLUSTER = FLEET / "clusters/xenha.toml"
MEMBERS = ("xen10", "xen11")
GUESTS = {"router": "xen10", "gateway": "xen11"}  # the cluster's guests and their homes


def _need(tool: str) -> str:
    path = shutil.which(tool) or next((str(p) for p in (Path("/usr/sbin") / tool,
                                                        Path("/sbin") / tool) if p.exists()), None)
    if path is None:
        pytest.skip(f"needs {tool} (Debian's pacemaker-cli-utils, drbd-utils, corosync); "
                    "./dev test installs them")
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cluster")
    proc = xenmig(out / "cache", "cluster", "render", CLUSTER, "--out", out / "out")
    assert proc.returncode == 0, proc.stdout
    return out / "out"


def _status(cib: str, *, promote: tuple[str, ...] = tuple(GUESTS),
            standby: str | None = None) -> str:
    """The rendered CIB as a running cluster has it: quorum, both members
    online, the DRBD agent's promotion scores (its disks UpToDate on both),
    a member in standby."""
    states = []
    for n, member in enumerate(MEMBERS, 1):
        scores = "".join(f'<nvpair id="status-{n}-{g}" name="master-drbd-{g}" value="10000"/>'
                         for g in promote)
        attrs = (f'<transient_attributes id="{n}"><instance_attributes id="status-{n}">'
                 f"{scores}</instance_attributes></transient_attributes>") if promote else ""
        states.append(f'<node_state id="{n}" uname="{member}" in_ccm="true" crmd="online" '
                      f'join="member" expected="member">{attrs}</node_state>')
    text = cib.replace("<status/>", "<status>" + "".join(states) + "</status>")
    text = text.replace('admin_epoch="0">', 'admin_epoch="0" have-quorum="1">', 1)
    if standby:
        n = MEMBERS.index(standby) + 1
        text = text.replace(f'<node id="{n}" uname="{standby}"/>',
                            f'<node id="{n}" uname="{standby}"><instance_attributes '
                            f'id="nodes-{n}"><nvpair id="nodes-{n}-standby" name="standby" '
                            'value="on"/></instance_attributes></node>')
    return text


def _simulate(cib: Path, *args: str, out: Path | None = None) -> str:
    proc = subprocess.run([_need("crm_simulate"), "-x", str(cib), "-S",
                           *(["-O", str(out)] if out else []), *args],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _at(text: str, pattern: str) -> int:
    """Where an action of crm_simulate's transition is (it must be there)."""
    match = re.search(pattern, text)
    assert match, (pattern, text)
    return match.start()


def _placed(text: str) -> str:
    return text.split("Revised Cluster Status:", 1)[1]


@pytest.fixture(scope="module")
def running(rendered: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The cluster after its first transition: the guest started."""
    tmp = tmp_path_factory.mktemp("sim")
    cib = tmp / "start.xml"
    cib.write_text(_status((rendered / "xen10/etc/xenmig/cluster/xenha.cib.xml").read_text()))
    started = tmp / "started.xml"
    return started, _simulate(cib, out=started)


def test_every_member_gets_the_same_cluster_files(rendered: Path) -> None:
    """The same files on both, each as xenmig's block for its member (the
    first line names the host)."""
    for rel in ("etc/corosync/corosync.conf", "etc/xenmig/cluster/xenha.cib.xml",
                "etc/kernel/config.d/91-xenmig-cluster.config",
                "etc/drbd.d/gateway.res", "etc/xenmig/cluster/gateway.cfg"):
        ten, eleven = ((rendered / host / rel).read_text().split("\n", 1)
                       for host in ("xen10", "xen11"))
        assert ten[1] == eleven[1], rel
        assert "for host xen10 (xen10.toml)" in ten[0] and "for host xen11" in eleven[0]
    xl = (rendered / "xen11/etc/xenmig/cluster/gateway.cfg").read_text()
    assert 'disk = [ "phy:/dev/drbd10,xvda,w", "phy:/dev/drbd11,xvdb,w" ]' in xl
    assert "mac=00:16:3e:" in xl


def test_crm_verify_accepts_the_cib(rendered: Path, tmp_path: Path) -> None:
    cib = tmp_path / "cib.xml"
    cib.write_text(_status((rendered / "xen10/etc/xenmig/cluster/xenha.cib.xml").read_text()))
    proc = subprocess.run([_need("crm_verify"), "-x", str(cib), "-V"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    broken = tmp_path / "broken.xml"
    broken.write_text(cib.read_text().replace('with-rsc="drbd-gateway-clone"',
                                              'with-rsc="no-such-resource"'))
    bad = subprocess.run([_need("crm_verify"), "-x", str(broken), "-V"], capture_output=True,
                         text=True, check=False)
    assert bad.returncode != 0  # the checker is not a rubber stamp


def test_every_guest_starts_on_its_home_after_drbd_is_promoted(
        running: tuple[Path, str]) -> None:
    _, out = running
    summary = out.split("Transition Summary:", 1)[1].split("Executing", 1)[0]
    actions = out.split("Executing Cluster Transition:", 1)[1]
    for guest, home in GUESTS.items():
        assert re.search(rf"Promote\s+drbd-{guest}:\d\s+\(\s*Stopped -> Promoted {home}\s*\)",
                         summary), summary
        assert re.search(rf"Start\s+vm-{guest}\s+\(\s*{home}\s*\)", summary), summary
        assert _at(actions, rf"drbd-{guest}:\d\s+promote on {home}") < \
            _at(actions, rf"vm-{guest}\s+start on {home}")
        assert re.search(rf"vm-{guest}\s+\(ocf:heartbeat:Xen\):\s+Started {home}",
                         _placed(out))
    # fencing: each member's device runs on the other member
    assert re.search(r"fence-xen10\s+\(stonith:fence_ipmilan\):\s+Started xen11", _placed(out))
    assert re.search(r"fence-xen11\s+\(stonith:fence_ipmilan\):\s+Started xen10", _placed(out))


@pytest.mark.parametrize("member", MEMBERS)
def test_a_failed_member_is_fenced_and_every_guest_runs_on_the_survivor(
        running: tuple[Path, str], member: str, tmp_path: Path) -> None:
    started, _ = running
    survivor = next(m for m in MEMBERS if m != member)
    out = _simulate(started, "--node-fail", member, out=tmp_path / "after.xml")
    assert f"Fence (reboot) {member}" in out
    settled = _simulate(tmp_path / "after.xml")  # nothing left to do
    placed = _placed(settled)
    for guest in GUESTS:
        assert re.search(rf"vm-{guest}\s+\(ocf:heartbeat:Xen\):\s+Started {survivor}", placed)
        clone = placed.split(f"drbd-{guest}-clone", 1)[1].split("* vm-", 1)[0]
        assert re.search(rf"Promoted: \[ {survivor} \]", clone), placed


def test_a_failed_monitor_restarts_the_guest(running: tuple[Path, str]) -> None:
    started, _ = running
    out = _simulate(started, "--op-inject", "vm-gateway_monitor_30000@xen11=1")
    assert re.search(r"Recover\s+vm-gateway\s+\(\s*xen11\s*\)", out), out
    assert _at(out, r"vm-gateway\s+stop on xen11") < _at(out, r"vm-gateway\s+start on xen11")


@pytest.mark.parametrize(("guest", "home"), GUESTS.items())
def test_a_member_in_standby_live_migrates_its_guest(running: tuple[Path, str],
                                                    tmp_path: Path, guest: str,
                                                    home: str) -> None:
    started, _ = running
    peer = next(m for m in MEMBERS if m != home)
    n = MEMBERS.index(home) + 1
    standby = tmp_path / "standby.xml"
    standby.write_text(started.read_text().replace(
        f'<node id="{n}" uname="{home}"/>',
        f'<node id="{n}" uname="{home}"><instance_attributes id="nodes-{n}">'
        f'<nvpair id="nodes-{n}-standby" name="standby" value="on"/>'
        "</instance_attributes></node>"))
    out = _simulate(standby)
    assert re.search(rf"Migrate\s+vm-{guest}\s+\(\s*{home} -> {peer}\s*\)", out), out
    actions = out.split("Executing Cluster Transition:", 1)[1]
    order = [_at(actions, a) for a in (rf"vm-{guest}\s+migrate_to on {home}",
                                       rf"vm-{guest}\s+migrate_from on {peer}",
                                       rf"vm-{guest}\s+stop on {home}",
                                       rf"drbd-{guest}(:\d)?\s+demote on {home}")]
    assert order == sorted(order), actions


def test_drbdadm_parses_every_resource_file(rendered: Path) -> None:
    for member in MEMBERS:
        res = rendered / member / "etc/drbd.d/gateway.res"
        proc = subprocess.run([_need("drbdadm"), "-c", str(res), "dump", "all"],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        assert "allow-two-primaries yes" in proc.stdout and "/dev/drbd11" in proc.stdout


def test_corosync_accepts_its_configuration(tmp_path: Path) -> None:
    corosync = _need("corosync")
    fleet = tmp_path / "fleet"
    shutil.copytree(FLEET, fleet)
    text = CLUSTER.read_text().replace("198.51.100.10", "127.0.0.1")
    (fleet / "clusters/xenha.toml").write_text(text)
    proc = xenmig(tmp_path / "cache", "cluster", "render", fleet / "clusters/xenha.toml",
                  "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stdout
    key = tmp_path / "authkey"
    key.write_bytes(bytes(range(256)))
    key.chmod(0o400)
    conf = (tmp_path / "out/xen10/etc/corosync/corosync.conf").read_text().replace(
        "    crypto_hash: sha256", f"    crypto_hash: sha256\n    keyfile: {key}")
    good, bad = tmp_path / "good.conf", tmp_path / "bad.conf"
    good.write_text(conf)
    bad.write_text(conf.replace("transport: knet", "transport: knot"))
    assert subprocess.run([corosync, "-t", "-c", str(good)], capture_output=True,
                          check=False).returncode == 0
    assert subprocess.run([corosync, "-t", "-c", str(bad)], capture_output=True,
                          check=False).returncode != 0


# -- the cluster file and its findings ---------------------------------------

def _cluster(tmp_path: Path, text: str) -> Path:
    fleet = tmp_path / "fleet"
    shutil.copytree(FLEET, fleet)
    (fleet / "clusters/xenha.toml").write_text(text)
    return fleet / "clusters/xenha.toml"


@pytest.mark.parametrize(("change", "error"), [
    ((), None),  # the example as it is
    (('password_script = "/etc/xenmig/fence-password"', 'password = "hunter2"'),
     "[[node]] #1 fencing password: no secrets in a spec"),
    (('fencing = { agent = "fence_ipmilan", ip = "203.0.113.11", username = "fence", '
      'password_script = "/etc/xenmig/fence-password", lanplus = "1" }', ""),
     "[[node]] xen11 fencing: missing: a cluster fences a member it lost"),
    (('peer = "xen10"', 'peer = "xen11"'), "[[guest]] #1 peer: 'xen11': another member"),
    (('name = "gateway"', 'name = "nonesuch"'),
     "[[guest]] #1 name: 'nonesuch': no member's spec has this guest"),
])
def test_cluster_file_errors_name_file_and_key(tmp_path: Path, change: tuple[str, ...],
                                               error: str | None) -> None:
    text = CLUSTER.read_text()
    if change:
        assert change[0] in text
        text = text.replace(change[0], change[1], 1)
    path = _cluster(tmp_path, text)
    proc = xenmig(tmp_path / "cache", "cluster", "check", path)
    if error is None:
        assert proc.returncode == 0, proc.stdout
        return
    assert proc.returncode == 2 and f"{path}: {error}" in proc.stdout, proc.stdout


def test_findings_of_a_cluster(tmp_path: Path) -> None:
    text = CLUSTER.read_text().replace('members = ["xen10", "xen11"]',
                                       'members = ["xen10", "xen11"]\nno_fencing = "a lab '
                                       'pair on one desk, nothing of value on it"')
    text = re.sub(r"fencing = \{[^}]*\}\n", "", text)
    # the router on gateway's second minor and port; build (autostarted, an
    # image file) too
    text = text.replace("drbd_minor = 20\ndrbd_port = 7791", "drbd_minor = 11\ndrbd_port = 7790")
    text += '\n[[guest]]\nname = "build"\npeer = "xen11"\ndrbd_minor = 30\ndrbd_port = 7792\n'
    path = _cluster(tmp_path, text)
    # xen11 without the external bridge the router is on
    xen11 = path.parent.parent / "xen11.toml"
    xen11.write_text(xen11.read_text().replace('name = "extbr0"', 'name = "dmzbr0"'))
    proc = xenmig(tmp_path / "cache", "cluster", "check", path, "--json", merge_stderr=False)
    assert proc.returncode == 1
    import json

    found = {(f["name"], f.get("guest") or f.get("cluster")) for f in json.loads(proc.stdout)}
    assert found == {
        ("ClusterWithoutFencing", "xenha"), ("TwoNodeQuorum", "xenha"),
        ("DrbdClash", "xenha"),  # /dev/drbd11: gateway's second disk and router's
        ("ClusterGuestAutostart", "build"),
        ("ClusterDiskNotBlock", "build"),  # an image file under /var/lib/xen/images
        ("GuestNotMovable", "router"),  # xen11 has no extbr0
        ("LiveMigration", "gateway"),
        ("ClusterMemoryShort", None),  # xen11 (2G) with build's 4096 MiB
    }, found
    gateway = next(f for f in json.loads(proc.stdout) if f["name"] == "LiveMigration")
    assert gateway["message"] == "xl migrate gateway xen10 (PV: the hypervisor needs shadow " \
                                 "paging for its log-dirty mode)"
    render = xenmig(tmp_path / "cache", "cluster", "render", path, "--out", tmp_path / "out")
    assert render.returncode == 1 and not (tmp_path / "out").exists()


def test_the_bootstrap_never_runs_a_guest_twice_and_keeps_its_data(tmp_path: Path) -> None:
    import json

    proc = xenmig(tmp_path / "cache", "cluster", "plan", CLUSTER, "--json", merge_stderr=False)
    assert proc.returncode == 0, proc.stderr
    commands = [c for step in json.loads(proc.stdout) for c in step["commands"]]

    def at(command: str) -> int:
        return commands.index(command)

    # the guest is stopped on its home before its disks get DRBD metadata,
    # which goes into room added at the end of the disk, not over its data
    assert at("xen11: xl shutdown -w gateway") < at("xen11: lvextend -L +128M /dev/vg0/gateway")
    assert at("xen11: lvextend -L +128M /dev/vg0/gateway") < \
        at("xen11: drbdadm create-md gateway")
    # the first sync goes from the home (its data) to the peer
    assert at("xen10: drbdadm up gateway") < at("xen11: drbdadm primary --force gateway") < \
        at("xen11: drbdadm wait-sync gateway")
    # Pacemaker gets the configuration last, and only then starts the guest
    assert commands[-2] == ("xen10: cibadmin --replace --scope configuration --xml-file "
                            "/etc/xenmig/cluster/xenha.cib.xml")
    assert not any("xl create" in c for c in commands)


def test_the_kernel_fragment_gives_dom0_drbd(rendered: Path, linux_tree: Path,
                                             tmp_path: Path) -> None:
    """The cluster's fragment merged after the dom0 fragment into Debian's
    6.12 tree: every line survives (merge_config.sh, olddefconfig)."""
    from xenmig.kernel import verify

    proc = xenmig(tmp_path / "cache", "kernel", "fragment", FLEET / "xen10.toml",
                  merge_stderr=False)
    assert proc.returncode == 0, proc.stderr
    fragment = proc.stdout + (rendered / "xen10/etc/kernel/config.d/"
                              "91-xenmig-cluster.config").read_text()
    config, unmet = verify.merge(linux_tree, "defconfig", fragment, "x86_64", tmp_path / "k")
    assert unmet == [], unmet
    assert "CONFIG_BLK_DEV_DRBD=m" in config.read_text()
