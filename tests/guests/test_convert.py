"""``xenmig domu convert`` on the xm/xend examples of ../shared/realworld
(the last versions before xend was removed, and a 2009 one), and on
configs that try to run code."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.gentoo import SHARED
from xenmig.errors import UserError
from xenmig.guests.convert import convert, read_source
from xenmig.hostfiles.sxp import SxpSetting, default_bridge, parse_sxp, read_sxp
from xenmig.hostfiles.xm import Value, read_xm

EXAMPLES = SHARED / "realworld/xen-project__xen@e04254f/tools/examples"
OLD_HVM = SHARED / "realworld/xen-project__xen@a05dfca/tools/examples/xmexample.hvm"


def example(name: str) -> Path:
    path = EXAMPLES / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared exists in the dev and CI checkouts only)")
    return path


def roundtrip(text: str, tmp_path: Path) -> dict[str, Value]:
    """The xl output read back (xl's syntax is a subset of what read_xm reads)."""
    out = tmp_path / "out.cfg"
    out.write_text(text)
    return read_xm(out).values


def test_pv_guest(tmp_path: Path) -> None:
    converted = convert(read_xm(example("xmexample1")))
    assert converted.values == {
        "type": "pv", "name": "ExampleDomain", "memory": 64,
        "kernel": "/boot/vmlinuz-2.6.10-xenU", "root": "/dev/xvda1 ro",
        "extra": "4 console=hvc0", "disk": ["phy:/dev/hda1,xvda1,w"], "vif": [""],
    }
    text = converted.text()
    assert text.startswith("# xl configuration written by xenmig from ")
    assert roundtrip(text, tmp_path) == converted.values


def test_xenlinux_guest_keeps_its_devices_and_console() -> None:
    values = convert(read_xm(example("xmexample1")), "xenlinux").values
    assert values["root"] == "/dev/hda1 ro" and values["disk"] == ["phy:/dev/hda1,hda1,w"]
    assert values["extra"] == "4 xencons=tty console=tty1"


def test_clearos_guest_gets_the_inittab_line() -> None:
    converted = convert(read_xm(example("xmexample1")), "clearos")
    assert converted.values["extra"] == "4 xencons=ttyS"
    assert converted.guest_files == {"/etc/inittab": "s0:12345:respawn:/sbin/mingetty ttyS0"}


def test_hvm_guest(tmp_path: Path) -> None:
    converted = convert(read_xm(example("xmexample.hvm")))
    values = converted.values
    assert values["type"] == "hvm" and "kernel" not in values
    assert "device_model" not in values and "builder" not in values
    assert values["opengl"] == 1  # xl reads it too (xl.cfg(5) of 4.17): kept
    assert values["vif"] == ["bridge=xenbr0"]  # "type=ioemu, bridge=xenbr0"
    assert values["disk"] == ["file:/var/images/min-el3-i386.img,hda,w", ",hdc:cdrom,r"]
    assert values["serial"] == "pty" and values["vnc"] == 1 and "extra" not in values
    assert "tsc_mode" not in values  # xm's tsc_mode=0 is xl's default
    notes = "\n".join(converted.notes)
    for key in ("kernel", "builder", "device_model", "tsc_mode"):
        assert f": {key}: " in notes
    assert "type=ioemu is xl's default" in notes
    assert roundtrip(converted.text(), tmp_path) == values


def test_pv_grub_becomes_pygrub() -> None:
    converted = convert(read_xm(example("xmexample.pv-grub")))
    assert converted.values["bootloader"] == "pygrub" and "kernel" not in converted.values
    assert converted.values["extra"] == "console=hvc0"  # the menu.lst path went with PV-GRUB


def test_xm_vars_need_values_and_their_check_is_not_run() -> None:
    with pytest.raises(UserError, match=r"xmexample2:30: .*give its value with --var vmid="):
        read_xm(example("xmexample2"))
    config = read_xm(example("xmexample3"), {"vmid": 3})
    assert any("vmid_check() not run" in note for note in config.notes)
    values = convert(config).values
    assert values["name"] == "VM3" and values["cpus"] == "3"
    assert values["disk"] == ["phy:/dev/hda3,xvda1,w"]
    assert values["extra"] == ("4 VMID=3 ip=192.168.3.2::192.168.3.1:255.255.255.0:"
                               "domain-3.xeno:eth0:off console=hvc0")
    with pytest.raises(UserError, match="--var other: not declared"):
        read_xm(example("xmexample3"), {"vmid": 3, "other": 1})


def test_nbd_disk_has_no_xl_form() -> None:
    config = read_xm(example("xmexample.nbd"))
    assert config.values["hostname"] == "nbd4"  # 'hostname= "nbd4" ' with trailing space
    with pytest.raises(UserError, match="nbd: has no xl equivalent"):
        convert(config)


def test_the_xmexample_preamble_is_read_by_its_shape() -> None:
    """Xen 3.x's xmexample.hvm starts with import os, re, arch =
    os.uname()[4] and an if over re.search: recognised, resolved for the
    target's architecture, never run; device_model, which convert drops,
    is never evaluated."""
    if not OLD_HVM.is_file():
        pytest.skip(f"{OLD_HVM} is absent")
    config = read_xm(OLD_HVM)
    assert config.values["arch"] == "x86_64" and config.values["arch_libdir"] == "lib64"
    assert config.values["device_model"] == "/usr/lib64/xen/bin/qemu-dm"
    assert read_xm(OLD_HVM, machine="i686").values["arch_libdir"] == "lib"
    kind, skipped = read_source(OLD_HVM.read_text(), str(OLD_HVM))
    assert kind == "xm" and "device_model" not in skipped.values
    assert any("device_model: xl runs upstream qemu" in n and "its value not read" in n
               for n in skipped.notes)
    values = convert(skipped).values
    assert values["type"] == "hvm" and values["vif"] == ["bridge=xenbr0"]


def test_other_code_around_the_preamble_is_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "odd.cfg"
    cfg.write_text("import os, sys\nname = 'x'\n")
    with pytest.raises(UserError, match=r"odd.cfg:1: 'import os, sys': import statement is code"):
        read_xm(cfg)
    cfg.write_text("import os\nif os.path.exists('/x'):\n    name = 'x'\n")
    with pytest.raises(UserError, match=r"odd.cfg:2: .*Call condition is code"):
        read_xm(cfg)


@pytest.mark.parametrize("line", [
    "__import__('os').system('touch {marker}')",
    "name = open('{marker}', 'w').name",
    "name = '%s' % __import__('os').system('touch {marker}')",
    "exec(\"open('{marker}', 'w')\")",
    "if 1:\n    name = open('{marker}', 'w').name",
    "name = ''.join(['a'])",
])
def test_nothing_is_ever_run(tmp_path: Path, line: str) -> None:
    marker = tmp_path / "ran"
    cfg = tmp_path / "evil.cfg"
    cfg.write_text(f'memory = 64\n{line.format(marker=marker)}\n')
    with pytest.raises(UserError, match=rf"^{cfg}:2: "):
        read_xm(cfg)
    assert not marker.exists()


def test_sxp_default_bridge(tmp_path: Path) -> None:
    upstream = example("xend-config.sxp")
    assert default_bridge(read_sxp(upstream.read_text(), str(upstream))) is None  # vif-bridge
    text = ("# comment (not parsed)\n(network-script 'network-bridge netdev=eth1')\n"
            "(vif-script 'vif-bridge bridge=extbr0')\n(dom0-min-mem\n 196)\n")
    settings = read_sxp(text, "xend-config.sxp")
    assert default_bridge(settings) == "extbr0"
    assert settings["vif-script"] == SxpSetting("vif-bridge bridge=extbr0", 3)
    assert settings["dom0-min-mem"] == SxpSetting("196", 4)
    assert parse_sxp("(a (b 'c d'))\n(e)", "f") == [(["a", ["b", "c d"]], 1), (["e"], 2)]
    with pytest.raises(UserError, match=r"^f:2: '\(' without '\)'"):
        parse_sxp("\n(a (b)", "f")


def test_cli(tmp_path: Path) -> None:
    sxp = tmp_path / "xend-config.sxp"
    sxp.write_text("(vif-script 'vif-bridge bridge=intbr0')\n")
    proc = xenmig(tmp_path / "cache", "domu", "convert", example("xmexample1"), "--sxp", sxp)
    assert proc.returncode == 0, proc.stdout
    assert 'vif = [ "bridge=intbr0" ]' in proc.stdout
    bad = xenmig(tmp_path / "cache", "domu", "convert", example("xmexample.nbd"))
    assert bad.returncode == 2 and bad.stdout.startswith(f"xenmig: {example('xmexample.nbd')}: ")
    novar = xenmig(tmp_path / "cache", "domu", "convert", example("xmexample2"), "--var", "x")
    assert novar.returncode == 2 and "--var x: expected NAME=VALUE" in novar.stdout


@pytest.mark.parametrize("name, kind", [("xlexample.hvm", "hvm"), ("xlexample.pvhlinux", "pvh"),
                                        ("xlexample.pvlinux", "pv")])
def test_xl_files_pass_through(name: str, kind: str) -> None:
    """Today's xl examples: nothing of theirs is changed or dropped; PV and
    PVH guests get the console that works (console=hvc0)."""
    path = SHARED / "realworld/xen-project__xen/tools/examples" / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    original = read_xm(path).values
    converted = convert(read_xm(path)).values
    assert converted["type"] == kind
    expected = {"type": kind, **original}  # xl defaults to pv; xenmig says it
    if kind != "hvm":
        expected["extra"] = f"{original['extra']} console=hvc0"
    assert converted == expected
