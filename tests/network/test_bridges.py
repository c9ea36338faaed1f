"""netifrc bridges in /etc/conf.d/net: read back by bash as netifrc does,
real-world net files kept, and the host's own settings detected when they
win over xenmig's."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import xenmig
from tests.support.fleet import spec_path
from tests.support.gentoo import SHARED
from tests.support.shell import bash_values
from tests.support.specs import write_spec
from xenmig.errors import UserError
from xenmig.spec import load_spec

NANOPI_NET = SHARED / "realworld/lsartory__NanoPi_R6S/etc/conf.d/net"
ROUTER = [  # the original migration's router-VM bridges
    {"name": "extbr0", "ports": ["eth0"]},
    {"name": "xenbr0", "ports": ["eth1"], "address": ["192.0.2.11/24"],
     "routes": ["default via 192.0.2.1"]},
]


def render(tmp_path: Path, bridge: list[dict[str, Any]]) -> Path:
    spec = write_spec(tmp_path, "net1", bridge=bridge)
    proc = xenmig(tmp_path / "cache", "render", spec, "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stdout
    return tmp_path / "out/net1/etc/conf.d/net"


def test_router_bridges(tmp_path: Path) -> None:
    net = render(tmp_path, ROUTER)
    first = net.read_text().splitlines()[0]
    assert first.startswith("# BEGIN xenmig ") and "(net1.toml)" in first
    assert bash_values(net, "config_eth0", "bridge_extbr0", "config_extbr0", "config_eth1",
                   "bridge_xenbr0", "config_xenbr0", "routes_xenbr0",
                   "bridge_forward_delay_extbr0", "bridge_stp_state_xenbr0") == {
        "config_eth0": "null", "bridge_extbr0": "eth0", "config_extbr0": "null",
        "config_eth1": "null", "bridge_xenbr0": "eth1", "config_xenbr0": "192.0.2.11/24",
        "routes_xenbr0": "default via 192.0.2.1", "bridge_forward_delay_extbr0": "0",
        "bridge_stp_state_xenbr0": "0",
    }


def test_vlans_on_one_trunk(tmp_path: Path) -> None:
    net = render(tmp_path, [
        {"name": "extbr0", "ports": ["eno1"], "vlan": 10},
        {"name": "xenbr0", "ports": ["eno1"], "vlan": 20, "stp": True,
         "address": ["198.51.100.10/24", "2001:db8::10/64"],
         "routes": ["default via 198.51.100.1", "2001:db8:1::/48 via 2001:db8::1"]},
    ])
    values = bash_values(net, "vlans_eno1", "config_eno1", "config_eno1_10", "bridge_extbr0",
                     "bridge_xenbr0", "config_xenbr0", "routes_xenbr0",
                     "bridge_stp_state_xenbr0", "bridge_forward_delay_xenbr0")
    assert values == {
        "vlans_eno1": "10 20", "config_eno1": "null", "config_eno1_10": "null",
        "bridge_extbr0": "eno1.10", "bridge_xenbr0": "eno1.20",
        "config_xenbr0": "198.51.100.10/24 2001:db8::10/64",
        "routes_xenbr0": "default via 198.51.100.1\n2001:db8:1::/48 via 2001:db8::1",
        "bridge_stp_state_xenbr0": "1",  # and no forward delay override with STP on
    }


def test_real_world_net_file_is_kept_and_its_settings_win(tmp_path: Path) -> None:
    if not NANOPI_NET.is_file():
        pytest.skip(f"{NANOPI_NET} is absent (../shared exists in the dev and CI checkouts only)")
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    net = root / "etc/conf.d/net"
    net.parent.mkdir(parents=True)
    shutil.copyfile(NANOPI_NET, net)
    original = net.read_bytes()
    spec = write_spec(tmp_path, "nano", bridge=[
        {"name": "br0", "ports": ["enP3p49s0"]},
        {"name": "xenbr0", "ports": ["enP4p65s0"], "address": ["192.0.2.2/24"]},
    ])
    first = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert first.returncode == 0, first.stdout
    overridden = sorted(line.split(": ")[3] for line in first.stdout.splitlines()
                        if line.endswith("[NetConfOverridden]"))
    # br0 is the host's own bridge: its ports, address and STP stay the host's
    assert overridden == ["bridge_br0", "bridge_stp_state_br0", "config_br0"]
    new = net.read_bytes()
    assert new.endswith(original) and new.startswith(b"# BEGIN xenmig ")
    values = bash_values(net, "bridge_br0", "config_br0", "bridge_xenbr0", "config_xenbr0",
                     "dns_servers_br0")
    assert values == {"bridge_br0": "enP3p49s0 enP4p65s0", "config_br0": "192.168.0.2/24",
                      "bridge_xenbr0": "enP4p65s0", "config_xenbr0": "192.0.2.2/24",
                      "dns_servers_br0": "8.8.8.8 1.1.1.1"}
    again = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert again.returncode == 0 and net.read_bytes() == new
    assert "create" not in again.stdout and "update" not in again.stdout


@pytest.mark.parametrize("bridge, message", [
    ([{"name": "br0", "ports": ["eth0"]}, {"name": "br0", "ports": ["eth1"]}],
     "[[bridge]] #2 name: 'br0' is also bridge #1"),
    ([{"name": "a", "ports": ["eth0"]}, {"name": "b", "ports": ["eth0"]}],
     "[[bridge]] #2 ports: eth0 is already a port of a"),
    ([{"name": "a", "ports": ["eth0"], "vlan": 4095}], "[[bridge]] #1 vlan: 4095: a VLAN id"),
    ([{"name": "a", "ports": ["eth0"], "address": ["192.0.2.1"]}],
     "[[bridge]] #1 address: '192.0.2.1': not an address with prefix length"),
    ([{"name": "a", "ports": []}], "[[bridge]] #1 ports: a bridge needs at least one port"),
    ([{"name": "a", "ports": ["eth0;reboot"]}], "not a network interface name"),
    ([{"name": "a", "ports": ["eth0"], "routes": ['default via "x"']}], "not a route"),
    ([{"name": "a"}], "[[bridge]] #1 ports: missing (required)"),
    ([{"name": "A-1", "ports": ["eth0"]}], "[[bridge]] #1 name: 'A-1': must match"),
])
def test_bridge_spec_errors(tmp_path: Path, bridge: list[dict[str, Any]], message: str) -> None:
    path = write_spec(tmp_path, "bad", bridge=bridge)
    with pytest.raises(UserError) as raised:
        load_spec(path)
    assert str(raised.value).startswith(f"{path}: ") and message in str(raised.value)


def test_bridge_must_be_an_array_of_tables(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[host]\nname = "t"\narch = "amd64"\nxen = "4.20"\nkernel = "6.12"\n'
                    '[bridge]\nname = "br0"\n')
    with pytest.raises(UserError, match=r"bridge: must be an array of tables \(\[\[bridge\]\]\)"):
        load_spec(path)


def test_fleet_router_hosts_keep_their_bridges_in_the_reinstall_spec(tmp_path: Path) -> None:
    proc = xenmig(tmp_path / "cache", "plan", spec_path("xen02"))
    assert '[[bridge]]\n  name = "xenbr0"\n  ports = ["eth1"]\n  address = ["192.0.2.12/24"]' \
        in proc.stdout


def test_init_script_links_and_runlevels(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    (root / "etc/runlevels/default").mkdir(parents=True)
    (root / "etc/runlevels/default/net.eth1").symlink_to("/etc/init.d/net.eth1")
    (root / "etc/runlevels/default/xencommons").symlink_to("/etc/init.d/xencommons")
    spec = write_spec(tmp_path, "links", bridge=ROUTER)
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert proc.returncode == 0, proc.stdout
    assert "net.eth1 is a port of xenbr0: rc-update del net.eth1 default [PortInRunlevel]" \
        in proc.stdout
    init_d, default = root / "etc/init.d", root / "etc/runlevels/default"
    assert {p.name: str(p.readlink()) for p in init_d.iterdir()} == {
        "net.extbr0": "net.lo", "net.xenbr0": "net.lo"}
    assert {p.name: str(p.readlink()) for p in default.iterdir()} == {
        "net.eth1": "/etc/init.d/net.eth1",  # the host's: reported, never removed
        "net.extbr0": "/etc/init.d/net.extbr0", "net.xenbr0": "/etc/init.d/net.xenbr0",
        "xencommons": "/etc/init.d/xencommons", "xenconsoled": "/etc/init.d/xenconsoled",
        "xendomains": "/etc/init.d/xendomains"}
    assert xenmig(tmp_path / "cache", "apply", spec, "--root", root, "--check").returncode == 0


def test_a_file_where_a_link_goes_is_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    (root / "etc/init.d").mkdir(parents=True)
    script = root / "etc/init.d/net.extbr0"
    script.write_text("#!/sbin/openrc-run\n# the host's own\n")
    spec = write_spec(tmp_path, "conflict", bridge=ROUTER)
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert proc.returncode == 1
    assert f"{script}: is not a link (xenmig would link it to 'net.lo'); left alone " \
           "[LinkConflict]" in proc.stdout
    assert script.read_text() == "#!/sbin/openrc-run\n# the host's own\n"
    assert not (root / "etc/conf.d/net").exists()  # an error finding: nothing written


RC_CONF = b"""# Global OpenRC configuration settings
#rc_parallel="NO"
rc_hotplug="*"
rc_logger="YES"
"""


def test_hotplug_is_kept_away_from_bridges_and_ports(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    rc_conf = root / "etc/rc.conf"
    rc_conf.write_bytes(RC_CONF)
    spec = write_spec(tmp_path, "plug", bridge=ROUTER)
    assert xenmig(tmp_path / "cache", "apply", spec, "--root", root).returncode == 0
    new = rc_conf.read_bytes()
    assert new.startswith(RC_CONF) and new.rstrip().endswith(b"# END xenmig")
    assert bash_values(rc_conf, "rc_hotplug", "rc_logger") == {
        "rc_hotplug": "!net.eth0 !net.extbr0 !net.eth1 !net.xenbr0 *", "rc_logger": "YES"}
    again = xenmig(tmp_path / "cache", "apply", spec, "--root", root, "--check")
    assert again.returncode == 0, again.stdout


def test_no_hotplug_means_rc_conf_is_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    rc_conf = root / "etc/rc.conf"
    unset = RC_CONF.replace(b'rc_hotplug="*"', b'#rc_hotplug="*"')
    rc_conf.write_bytes(unset)
    spec = write_spec(tmp_path, "noplug", bridge=ROUTER)
    assert xenmig(tmp_path / "cache", "apply", spec, "--root", root).returncode == 0
    assert rc_conf.read_bytes() == unset


def test_a_dhcp_bridge(tmp_path: Path) -> None:
    """A bridge where dom0 takes its address by DHCP (the Gentoo host's br0,
    a Xen 4.1 host's xenbr1): netifrc config_BRIDGE="dhcp", not "null"."""
    spec = write_spec(tmp_path, "d1", bridge=[
        {"name": "br0", "ports": ["eth0"], "address": ["dhcp"]},
        {"name": "xenbr1", "ports": ["eth1"]}])
    out = tmp_path / "out"
    assert xenmig(tmp_path / "cache", "render", spec, "--out", out).returncode == 0
    net = out / "d1/etc/conf.d/net"
    assert bash_values(net, "config_br0", "bridge_br0", "config_eth0", "config_xenbr1") == {
        "config_br0": "dhcp", "bridge_br0": "eth0", "config_eth0": "null",
        "config_xenbr1": "null"}
    assert "# Bridge br0 ([[bridge]] br0): dom0's address by DHCP" in net.read_text()
    bad = write_spec(tmp_path, "d2", bridge=[
        {"name": "br0", "ports": ["eth0"], "address": ["dhcp", "192.0.2.5/24"]}])
    with pytest.raises(UserError, match=r"\[\[bridge\]\] #1 address: dhcp is the bridge's only"):
        load_spec(bad)
