"""The pure readers of GRUB legacy's menu and xl.conf: typed data with the
line each value comes from."""

from __future__ import annotations

from xenmig.hostfiles.grub import read_legacy_menu
from xenmig.hostfiles.xlconf import read_xl_conf

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
