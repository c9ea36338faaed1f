"""GRUB legacy's stanza pair (Xen + non-Xen fallback) appended to the
host's grub.conf, and UEFI hosts' USE=uefi and xen.cfg beside xen.efi."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from tests.boot.test_grub_xl import BOOT, HOST_GRUB, host_root
from tests.support.cli import xenmig
from tests.support.specs import write_spec
from xenmig.errors import UserError
from xenmig.gentoo.answers import Answers
from xenmig.gentoo.repos import RepoSet
from xenmig.output.blocks import digest
from xenmig.output.contributions import GRUB_LEGACY_CONF, XEN_EFI_CFG, Contribution
from xenmig.rules import boot
from xenmig.rules.context import Context
from xenmig.spec import load_spec

# An old host's grub.conf: the Xen 3.2 entry boots by default.
HOST_GRUB_CONF = """\
default 0
timeout 10
splashimage=(hd0,0)/grub/splash.xpm.gz

title Xen 3.2.1 / Gentoo Linux 2.6.21-xen
root (hd0,0)
kernel /xen-3.2.1.gz dom0_mem=512M
module /vmlinuz-2.6.21-xen root=/dev/md2 console=tty0
module /initramfs-2.6.21-xen

title Gentoo Linux 2.6.21 (no Xen)
root (hd0,0)
kernel /vmlinuz-2.6.21 root=/dev/md2
"""
LEGACY: dict[str, Any] = {**BOOT, "loader": "grub-legacy"}


def context(tmp_path: Path, root: Path | None, **boot_settings: Any) -> Context:
    spec = load_spec(write_spec(tmp_path, "b1", boot=boot_settings))
    return Context(spec, cast(RepoSet, None), cast(Answers, None), root)


def lines(results: list[Any], target: str) -> list[str]:
    return [r.line for r in results if isinstance(r, Contribution) and r.target == target]


def test_legacy_stanzas_from_the_hosts_default_entry(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "boot/grub").mkdir(parents=True)
    (root / "boot/grub/grub.conf").write_text(HOST_GRUB_CONF)
    results = list(boot.grub(context(tmp_path, root, **LEGACY)))
    assert lines(results, GRUB_LEGACY_CONF) == [
        "title Xen 4.20 / vmlinuz-2.6.21-xen (xenmig)",
        "root (hd0,0)",
        "kernel /xen.gz dom0_mem=4096M,max:4096M dom0_max_vcpus=2 com1=115200,8n1 "
        "console=com1,vga",
        "module /vmlinuz-2.6.21-xen root=/dev/md2 console=hvc0",
        "module /initramfs-2.6.21-xen",
        "title vmlinuz-2.6.21-xen without Xen (xenmig fallback)",
        "root (hd0,0)",
        "kernel /vmlinuz-2.6.21-xen root=/dev/md2 console=tty0",
        "initrd /initramfs-2.6.21-xen",
    ]
    assert not lines(results, "/etc/default/grub")  # GRUB 2's file is not touched
    default = [r for r in results if isinstance(r, boot.GrubLegacyDefault)]
    assert default and "set 'default 2' and 'fallback 3'" in default[0].message


def test_legacy_plain_default_entry(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "boot/grub").mkdir(parents=True)
    (root / "boot/grub/grub.conf").write_text(
        "default=0\ntitle Gentoo\nroot (hd0,1)\nkernel /boot/vmlinuz-6.12 root=/dev/sda3\n")
    results = list(boot.grub(context(tmp_path, root, loader="grub-legacy", serial=False)))
    assert lines(results, GRUB_LEGACY_CONF)[:4] == [
        "title Xen 4.20 / vmlinuz-6.12 (xenmig)", "root (hd0,1)", "kernel /boot/xen.gz",
        "module /boot/vmlinuz-6.12 root=/dev/sda3 console=hvc0"]


def test_legacy_without_the_hosts_file(tmp_path: Path) -> None:
    results = list(boot.grub(context(tmp_path, None, **LEGACY)))
    assert not lines(results, GRUB_LEGACY_CONF)
    assert [type(r) for r in results] == [boot.GrubLegacyUnread]


def test_legacy_apply_appends_and_keeps_the_hosts_menu(tmp_path: Path) -> None:
    root = host_root(tmp_path, grub=None)
    (root / "boot/grub").mkdir(parents=True)
    conf = root / "boot/grub/grub.conf"
    conf.write_text(HOST_GRUB_CONF)
    spec = write_spec(tmp_path, "b1", boot=LEGACY)
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert proc.returncode == 0, proc.stdout
    text = conf.read_text()
    assert text.startswith(HOST_GRUB_CONF)  # the host's menu, byte for byte, first
    assert text[len(HOST_GRUB_CONF):].splitlines()[0].startswith("# BEGIN xenmig ")
    assert "[GrubLegacyDefault]" in proc.stdout
    assert not (root / "etc/default/grub").exists()
    again = xenmig(tmp_path / "cache", "apply", spec, "--root", root, "--check")
    assert again.returncode == 0, again.stdout


def test_uefi_xen_cfg_and_use(tmp_path: Path) -> None:
    root = host_root(tmp_path)  # /etc/default/grub with the host's arguments
    results = list(boot.xen_efi(context(tmp_path, root, **BOOT, firmware="uefi",
                                        efi_kernel="vmlinuz-6.12.58-gentoo",
                                        efi_ramdisk="initramfs-6.12.58-gentoo.img")))
    assert Contribution("package.use", "app-emulation/xen uefi",
                        "UEFI host: build xen.efi") in results
    assert lines(results, XEN_EFI_CFG) == [
        "[global]", "default=xen", "[xen]",
        "options=dom0_mem=4096M,max:4096M dom0_max_vcpus=2 com1=115200,8n1 console=com1,vga",
        "kernel=vmlinuz-6.12.58-gentoo dolvm crypt_root=UUID=0a1b rootfstype=ext4 quiet "
        "console=hvc0",
        "ramdisk=initramfs-6.12.58-gentoo.img",
    ]
    assert any(isinstance(r, boot.XenEfi) and "\\gentoo\\xen.efi" in r.message
               for r in results)
    assert HOST_GRUB  # the arguments above are the host's


def test_bios_hosts_get_no_xen_efi(tmp_path: Path) -> None:
    assert list(boot.xen_efi(context(tmp_path, None, **BOOT))) == []


def test_grub_legacy_on_uefi_is_refused(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, "b1", boot={"loader": "grub-legacy", "firmware": "uefi"})
    with pytest.raises(UserError, match=r"\[boot\] firmware: GRUB legacy does not boot UEFI"):
        load_spec(spec)


def test_legacy_default_already_on_the_xen_entry(tmp_path: Path) -> None:
    """A second run: the host set default/fallback as told (``=`` form too),
    and xenmig's own block is not counted as the host's entries."""
    root = tmp_path / "root"
    (root / "boot/grub").mkdir(parents=True)
    conf = root / "boot/grub/grub.conf"
    conf.write_text(HOST_GRUB_CONF.replace("default 0", "default=2\nfallback=3"))
    ctx = context(tmp_path, root, **LEGACY)
    first = list(boot.grub(ctx))
    block = "".join(f"{line}\n" for line in lines(first, GRUB_LEGACY_CONF))
    conf.write_text(conf.read_text() + f"# BEGIN xenmig {digest(block)}: x\n{block}# END xenmig\n")
    again = list(boot.grub(ctx))
    assert lines(again, GRUB_LEGACY_CONF) == lines(first, GRUB_LEGACY_CONF)
    assert not [r for r in again if isinstance(r, boot.GrubLegacyDefault)]
