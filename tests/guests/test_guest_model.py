"""A guest keeps what it has: vifs with their MACs and NIC models, and any
further xl.cfg(5) setting, checked against xl's keys and read back by xl
4.17's own parser."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.specs import guest_host
from tests.support.xl import dry_run
from xenmig.errors import UserError
from xenmig.hostfiles.xldomain import read_xl_domain
from xenmig.spec import load_spec
from xenmig.spec.dump import dump
from xenmig.spec.load import check_fleet
from xenmig.spec.model import VifSection, XlTable, guest_mac

# A Windows server of the original migration's kind: its NIC model and MAC
# are what its static address is bound to; it boots UEFI, with VNC.
WINDOWS = """\
[[domu]]
name = "win1"
type = "hvm"
memory = 4096
vcpus = 2
disks = ["phy:/dev/vg0/win1,hda,w",
         "format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/srv/iso/virtio win.iso"]

[[domu.vif]]
bridge = "xenbr0"
mac = "00:16:3E:5A:01:02"
model = "e1000"
rate = "100Mb/s"

[[domu.vif]]
bridge = "dmzbr0"
model = "rtl8139"

[domu.xl]
bios = "ovmf"
viridian = true
vnc = 1
vnclisten = "0.0.0.0"
vncdisplay = 3
usbdevice = ["tablet"]
boot = "dc"
hap = 0
on_crash = "restart"
"""


def spec_file(tmp_path: Path, guests: str, host: str = "w1", xen: str = "4.20") -> Path:
    path = tmp_path / f"{host}.toml"
    path.write_text(guest_host(host, ("xenbr0", "dmzbr0"), xen) + guests, encoding="utf-8")
    return path


def test_vifs_and_xl_settings_are_kept(tmp_path: Path) -> None:
    spec = load_spec(spec_file(tmp_path, WINDOWS))
    (guest,) = spec.domu
    assert guest.vifs == (
        VifSection("xenbr0", "00:16:3e:5a:01:02", "e1000", (("rate", "100Mb/s"),)),
        VifSection("dmzbr0", None, "rtl8139"),
    )
    # The vif with a MAC keeps it; only the other gets a derived one.
    assert guest.macs == ("00:16:3e:5a:01:02", guest_mac("win1", 1))
    assert guest.xl.get("viridian") == 1 and guest.xl.get("usbdevice") == ("tablet",)
    out = tmp_path / "out"
    proc = xenmig(tmp_path / "cache", "render", spec.path, "--out", out)
    assert proc.returncode == 0, proc.stdout
    cfg = out / "w1/etc/xen/win1.cfg"
    values = read_xl_domain(cfg.read_text(), str(cfg)).values()
    assert values["vif"] == [
        "mac=00:16:3e:5a:01:02,bridge=xenbr0,model=e1000,rate=100Mb/s",
        f"mac={guest_mac('win1', 1)},bridge=dmzbr0,model=rtl8139",
    ]
    assert {k: values[k] for k in ("bios", "viridian", "vnc", "vnclisten", "vncdisplay",
                                   "usbdevice", "boot", "hap", "on_crash")} == {
        "bios": "ovmf", "viridian": 1, "vnc": 1, "vnclisten": "0.0.0.0", "vncdisplay": 3,
        "usbdevice": ["tablet"], "boot": "dc", "hap": 0, "on_crash": "restart"}
    # xl's own parser reads every setting as the spec meant it.
    run = dry_run(cfg)
    assert run.ok, run.diagnostics
    assert run.config is not None
    nics = run.config["nics"]
    assert [(n["mac"], n["bridge"], n.get("model")) for n in nics] == [
        ("00:16:3e:5a:01:02", "xenbr0", "e1000"), (guest_mac("win1", 1), "dmzbr0", "rtl8139")]
    hvm = run.config["b_info"]["type.hvm"]
    assert hvm["bios"] == "ovmf" and hvm["vnc"]["listen"] == "0.0.0.0"
    assert hvm["vnc"]["display"] == 3 and hvm["boot"] == "dc"
    assert run.config["c_info"]["hap"] == "False"
    assert hvm["viridian"] == "True" and hvm["usbdevice_list"] == ["tablet"]
    assert run.config["on_crash"] == "restart"
    disks = run.config["disks"]
    assert disks[1]["pdev_path"] == "/srv/iso/virtio win.iso" and disks[1]["is_cdrom"] == 1


def test_the_spec_writer_gives_vifs_and_xl_back(tmp_path: Path) -> None:
    spec = load_spec(spec_file(tmp_path, WINDOWS))
    again = tmp_path / "again"
    again.mkdir()
    (again / "w1.toml").write_text(dump(spec), encoding="utf-8")
    assert dataclasses.replace(load_spec(again / "w1.toml"), path=spec.path) == spec


G = r"\[\[domu\]\] #1 \(g\) "


@pytest.mark.parametrize("guest, message", [
    ('[domu.xl]\nbios2 = "ovmf"', G + r"xl: bios2: not an xl.cfg\(5\) setting "
                                  r"\(did you mean bios\?\)"),
    ('[domu.xl]\nmemory = 512', G + r"xl: memory: set by the guest's memory"),
    ('[domu.xl]\nvnc = "yes"', G + r"xl: vnc: takes boolean, not string"),
    ('[domu.xl]\nusbdevice = 1.5', G + r"xl: usbdevice: float is no xl value"),
    ('[[domu.vif]]\nbridge = "xenbr0"\nmodle = "e1000"',
     G + r"vif: vif #1 modle: not a vif setting"),
    ('[[domu.vif]]\nbridge = "xenbr0"\nmac = "01:16:3e:00:00:01"',
     G + r"vif: vif #1 mac: '01:16:3e:00:00:01': not a unicast MAC"),
    ('[[domu.vif]]\nbridge = "lanbr0"', G + r"vif #1 bridge: 'lanbr0' is not a "
                                        r"\[\[bridge\]\]"),
    ('[[domu.vif]]\nmac = "00:16:3e:00:00:01"', G + r"vif: vif #1 bridge: missing"),
    ('[[domu.vif]]\nbridge = "xenbr0"\nip = "192.0.2.5,192.0.2.6"',
     G + r"vif: vif #1 ip: .*commas"),
])
def test_bad_guest_settings_name_file_guest_and_key(tmp_path: Path, guest: str,
                                                    message: str) -> None:
    path = spec_file(tmp_path, f'[[domu]]\nname = "g"\ntype = "hvm"\n'
                               f'disks = ["phy:/dev/vg0/g,hda,w"]\n{guest}\n')
    with pytest.raises(UserError, match=rf"^{path}: {message}"):
        load_spec(path)


def test_bridges_and_vif_tables_are_one_or_the_other(tmp_path: Path) -> None:
    path = spec_file(tmp_path, '[[domu]]\nname = "g"\ntype = "hvm"\nbridges = ["xenbr0"]\n'
                               'disks = ["phy:/dev/vg0/g,hda,w"]\n[[domu.vif]]\n'
                               'bridge = "xenbr0"\n')
    with pytest.raises(UserError, match="give the guest's vifs either as bridges or"):
        load_spec(path)


def test_a_key_of_a_later_xl_is_refused_for_an_older_target(tmp_path: Path) -> None:
    guest = '[[domu]]\nname = "g"\ntype = "pvh"\nkernel = "/boot/k"\n[domu.xl]\nvirtio = []\n'
    assert load_spec(spec_file(tmp_path, guest, xen="4.19")).domu[0].xl.get("virtio") == ()
    path = spec_file(tmp_path, guest, host="w2", xen="4.17")
    with pytest.raises(UserError, match=r"xl virtio: xl of Xen 4.17 does not read it "
                                        r"\(since 4.18\)"):
        load_spec(path)


def test_fleet_macs_are_unique_with_the_macs_guests_keep(tmp_path: Path) -> None:
    kept = guest_mac("other", 0)  # a MAC kept from an old config, equal to a derived one
    first = load_spec(spec_file(tmp_path, f'[[domu]]\nname = "g"\ntype = "pvh"\n'
                                          f'kernel = "/boot/k"\n[[domu.vif]]\n'
                                          f'bridge = "xenbr0"\nmac = "{kept}"\n'))
    second = load_spec(spec_file(tmp_path, '[[domu]]\nname = "other"\ntype = "pvh"\n'
                                           'kernel = "/boot/k"\nbridges = ["xenbr0"]\n',
                                 host="w2"))
    with pytest.raises(UserError, match=f"its MAC {kept} is also the MAC of guest"):
        check_fleet([first, second])


def test_xl_table_keeps_its_order_and_types() -> None:
    table = XlTable((("cpuid", ("host,tm=0", "host,sse3=0")), ("rtc_timeoffset", -3600)))
    assert table.get("rtc_timeoffset") == -3600 and table.get("nope") is None
    assert textwrap.dedent(dump.__doc__ or "").startswith("``spec`` as host-spec TOML")


def test_a_writable_disk_of_two_guests_is_refused_naming_both(tmp_path: Path) -> None:
    """xm's w! let two guests write one disk; xl has no such mode."""
    guests = ('[[domu]]\nname = "a"\ntype = "hvm"\ndisks = ["phy:/dev/vg0/shared,hda,w"]\n'
              '[[domu]]\nname = "b"\ntype = "hvm"\ndisks = ["phy:/dev/vg0/shared,hdb,r"]\n')
    with pytest.raises(UserError, match=r"\[\[domu\]\] #2 \(b\) disks: /dev/vg0/shared is also "
                                        r"a disk of guest 'a', and one of 'a' and 'b' writes it"):
        load_spec(spec_file(tmp_path, guests))
    readonly = guests.replace("shared,hda,w", "shared,hda,r")
    assert len(load_spec(spec_file(tmp_path, readonly, host="w3")).domu) == 2
