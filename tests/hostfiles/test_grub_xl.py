"""The pure readers of GRUB legacy's menu, /etc/default/grub and xl.conf:
typed data with the line each value comes from."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import cast

from xenmig.hostfiles.grub import GrubSetting, read_grub_defaults, read_legacy_menu
from xenmig.hostfiles.xlconf import read_xl_conf
from xenmig.output.blocks import blanked_block, render_block
from xenmig.spec import HostSpec

MENU = """\
# GRUB legacy, as the original migration's hosts had it
default 1
fallback=0
timeout 5

title Gentoo 2.6.18-xen
root (hd0,0)
kernel /boot/xen-3.2.1.gz dom0_mem=512M
module /boot/vmlinuz-2.6.18-xen root=/dev/md1 console=tty0
module /boot/initrd-2.6.18-xen

title Gentoo plain
root (hd0,0)
kernel /boot/vmlinuz-2.6.21 root=/dev/md1
"""


def test_the_legacy_menu_with_its_lines() -> None:
    menu = read_legacy_menu(MENU)
    assert menu.settings == {"default": "1", "fallback": "0", "timeout": "5"}
    assert menu.setting_lines == {"default": 2, "fallback": 3, "timeout": 4}
    assert [(e.title, e.line) for e in menu.entries] == [
        ("Gentoo 2.6.18-xen", 6), ("Gentoo plain", 12)]
    xen = menu.entries[0].commands
    assert xen["kernel"] == "/boot/xen-3.2.1.gz dom0_mem=512M"
    assert xen["module1"].startswith("/boot/vmlinuz-2.6.18-xen")
    assert xen["module2"] == "/boot/initrd-2.6.18-xen"


def test_xl_conf_settings_with_their_lines() -> None:
    found = read_xl_conf('# xl.conf\nautoballoon="auto"\nvif.default.bridge = \'xenbr0\' # x\n'
                         'autoballoon="off"\nnot a setting\n')
    assert {k: (v.value, v.line) for k, v in found.items()} == {
        "autoballoon": ("off", 4), "vif.default.bridge": ("xenbr0", 3)}


DEFAULTS = b"""\
# /etc/default/grub
GRUB_DISTRIBUTOR="Gentoo"
GRUB_CMDLINE_LINUX="dolvm root=/dev/md1"
GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX console=ttyS0"
"""


def test_default_grub_with_its_lines() -> None:
    grub = read_grub_defaults(DEFAULTS)
    assert grub.linux == GrubSetting("dolvm root=/dev/md1 console=ttyS0", 4)
    assert grub.distributor == GrubSetting("Gentoo", 2)
    assert grub.linux_default == GrubSetting("", None)  # never set
    assert grub.unknown() == [] and grub.shell.refusals == []


def test_default_grub_after_a_command_is_unknown() -> None:
    grub = read_grub_defaults(DEFAULTS + b"source /etc/default/grub.local\n")
    assert grub.unknown() == ["GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT",
                              "GRUB_DISTRIBUTOR"]
    assert grub.linux == GrubSetting(None, None)
    assert [r.line for r in grub.shell.refusals] == [5]


def test_xenmigs_block_keeps_the_hosts_line_numbers() -> None:
    """The readers see the host's lines where the host has them, so that
    "line 3" is line 3 of the file on the host, block or no block."""
    spec = cast(HostSpec, SimpleNamespace(name="x1", path=Path("x1.toml")))
    block = render_block(spec, 'GRUB_DEFAULT="Gentoo GNU/Linux, with Xen hypervisor"\n')
    data = block.encode() + DEFAULTS
    assert data.count(b"\n") == 7
    blanked = blanked_block(data)
    assert blanked.count(b"\n") == data.count(b"\n") and b"xenmig" not in blanked
    assert read_grub_defaults(blanked).linux.line == 7
    assert blanked_block(DEFAULTS) == DEFAULTS
