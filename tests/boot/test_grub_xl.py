"""/etc/default/grub and /etc/xen/xl.conf: the host's files kept, read back
by bash (grub-mkconfig sources /etc/default/grub), and the host's own
settings reported when they win."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import xenmig
from tests.support.gentoo import SHARED
from tests.support.shell import bash_values
from tests.support.specs import write_spec
from xenmig.errors import UserError
from xenmig.spec import load_spec

XL_CONF = SHARED / "realworld/xen-project__xen/tools/examples/xl.conf"
# A Gentoo host's /etc/default/grub (the shipped file's layout, the host's values).
HOST_GRUB = """\
# If you change this file, run 'grub-mkconfig -o /boot/grub/grub.cfg'
GRUB_DISTRIBUTOR="Gentoo"
GRUB_CMDLINE_LINUX="dolvm crypt_root=UUID=0a1b rootfstype=ext4 console=ttyS0,115200"
GRUB_CMDLINE_LINUX_DEFAULT="quiet"
#GRUB_DEFAULT=0
GRUB_TIMEOUT=5
"""
BOOT: dict[str, Any] = {"dom0_mem": "4096M", "dom0_max_vcpus": 2}
BRIDGES = [{"name": "extbr0", "ports": ["eth0"]},
           {"name": "xenbr0", "ports": ["eth1"], "address": ["192.0.2.11/24"]}]


def host_root(tmp_path: Path, grub: str | None = HOST_GRUB, xl: bytes | None = None) -> Path:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    if grub is not None:
        (root / "etc/default").mkdir(parents=True)
        (root / "etc/default/grub").write_text(grub)
    if xl is not None:
        (root / "etc/xen").mkdir(parents=True)
        (root / "etc/xen/xl.conf").write_bytes(xl)
    return root


def test_grub_carries_the_hosts_arguments(tmp_path: Path) -> None:
    root = host_root(tmp_path)
    spec = write_spec(tmp_path, "g1", boot=BOOT, bridge=BRIDGES)
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert proc.returncode == 0, proc.stdout
    grub = root / "etc/default/grub"
    assert grub.read_text().endswith(HOST_GRUB) and grub.read_text().startswith("# BEGIN xenmig")
    assert subprocess.run(["bash", "-n", str(grub)]).returncode == 0
    assert bash_values(grub, "GRUB_CMDLINE_XEN_DEFAULT", "GRUB_CMDLINE_LINUX_XEN_REPLACE",
                       "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT", "GRUB_DEFAULT",
                       "GRUB_CMDLINE_LINUX", "GRUB_TIMEOUT") == {
        "GRUB_CMDLINE_XEN_DEFAULT":
            "dom0_mem=4096M,max:4096M dom0_max_vcpus=2 com1=115200,8n1 console=com1,vga",
        "GRUB_CMDLINE_LINUX_XEN_REPLACE":
            "dolvm crypt_root=UUID=0a1b rootfstype=ext4 console=hvc0",
        "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT": "quiet",
        "GRUB_DEFAULT": "Gentoo GNU/Linux, with Xen hypervisor",
        # the plain entries keep the host's own line
        "GRUB_CMDLINE_LINUX": "dolvm crypt_root=UUID=0a1b rootfstype=ext4 console=ttyS0,115200",
        "GRUB_TIMEOUT": "5",
    }
    xl = (root / "etc/xen/xl.conf").read_text()
    assert 'autoballoon="off"' in xl and 'vif.default.bridge="xenbr0"' in xl
    again = xenmig(tmp_path / "cache", "apply", spec, "--root", root, "--check")
    assert again.returncode == 0, again.stdout


def test_the_hosts_later_settings_win_and_are_reported(tmp_path: Path) -> None:
    root = host_root(tmp_path, HOST_GRUB.replace("#GRUB_DEFAULT=0", "GRUB_DEFAULT=0"),
                     b'# mine\nautoballoon="auto"\n')
    spec = write_spec(tmp_path, "g2", boot=BOOT)
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert proc.returncode == 0, proc.stdout
    wins = sorted(line.split(": ")[3] for line in proc.stdout.splitlines()
                  if line.endswith("[HostSettingWins]"))
    assert wins == ["GRUB_DEFAULT", "autoballoon"]
    xl = root / "etc/xen/xl.conf"
    assert xl.read_bytes().endswith(b'# mine\nautoballoon="auto"\n')
    assert "autoballoon: the host's" in proc.stdout and "(line 2) [HostSettingWins]" in proc.stdout
    # With xenmig's block now above it, the line named is still the host file's line.
    line = xl.read_text().splitlines().index('autoballoon="auto"') + 1
    assert line > 2
    again = xenmig(tmp_path / "cache", "check", spec, "--root", root).stdout
    assert f"(line {line}) [HostSettingWins]" in again, again


def test_upstream_xl_conf_is_kept(tmp_path: Path) -> None:
    if not XL_CONF.is_file():
        pytest.skip(f"{XL_CONF} is absent (../shared exists in the dev and CI checkouts only)")
    original = XL_CONF.read_bytes()
    root = host_root(tmp_path, xl=original)
    spec = write_spec(tmp_path, "g3", boot=BOOT, bridge=BRIDGES)
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert proc.returncode == 0 and "HostSettingWins" not in proc.stdout, proc.stdout
    new = (root / "etc/xen/xl.conf").read_bytes()
    assert new.endswith(original) and new.startswith(b"# BEGIN xenmig ")


def test_commands_in_the_hosts_file_are_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    root = host_root(tmp_path, HOST_GRUB.replace("dolvm", f"dolvm $(touch {marker})"))
    spec = write_spec(tmp_path, "g4", boot=BOOT)
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert "[ShellFileRunsCommands]" in proc.stdout and "$(touch" in proc.stdout
    assert not marker.exists()
    assert not (root / "etc/default/grub").read_text().startswith("# BEGIN")


def test_shell_quoting_in_the_hosts_cmdline_is_not_copied(tmp_path: Path) -> None:
    root = host_root(tmp_path, HOST_GRUB.replace("dolvm", "dolvm \\\"quoted\\\""))
    spec = write_spec(tmp_path, "g6", boot=BOOT)
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert "[GrubCmdlineUnquotable]" in proc.stdout, proc.stdout
    assert not (root / "etc/default/grub").read_text().startswith("# BEGIN")


def test_render_without_the_host_file(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, "g5", boot={"serial": False})
    proc = xenmig(tmp_path / "cache", "check", spec, "--json")
    assert '"name": "GrubCmdlineUnread"' in proc.stdout
    out = tmp_path / "out"
    assert xenmig(tmp_path / "cache", "render", spec, "--out", out).returncode == 0
    grub = out / "g5/etc/default/grub"
    assert bash_values(grub, "GRUB_CMDLINE_XEN_DEFAULT", "GRUB_CMDLINE_LINUX_XEN_REPLACE") == {
        "GRUB_CMDLINE_XEN_DEFAULT": "", "GRUB_CMDLINE_LINUX_XEN_REPLACE": "console=hvc0"}
    assert not (out / "g5/etc/xen/xl.conf").exists()  # nothing to say: no dom0_mem, no bridge


@pytest.mark.parametrize("key, value, message", [
    ("dom0_mem", "4GB", "a size like 4096M or 4G"),
    ("dom0_mem", 4096, "expected a string"),
    ("dom0_max_vcpus", 0, "a vCPU count is an integer from 1 to 512"),
    ("serial", "yes", "expected true or false"),
])
def test_boot_spec_errors(tmp_path: Path, key: str, value: Any, message: str) -> None:
    path = write_spec(tmp_path, "b", boot={key: value})
    with pytest.raises(UserError, match=rf"^{path}: \[boot\] {key}: .*{message}"):
        load_spec(path)


def test_further_xen_options_are_carried(tmp_path: Path) -> None:
    """Nothing of the old host's Xen line is lost: [boot] xen_args goes on
    Xen's command line after xenmig's own options."""
    root = host_root(tmp_path)
    spec = write_spec(tmp_path, "x1", boot={**BOOT, "xen_args": ["iommu=no-igfx", "ucode=scan",
                                                                  "smt=off", "sched=credit2"]})
    assert xenmig(tmp_path / "cache", "apply", spec, "--root", root).returncode == 0
    assert bash_values(root / "etc/default/grub", "GRUB_CMDLINE_XEN_DEFAULT") == {
        "GRUB_CMDLINE_XEN_DEFAULT": "dom0_mem=4096M,max:4096M dom0_max_vcpus=2 "
                                    "com1=115200,8n1 console=com1,vga iommu=no-igfx ucode=scan "
                                    "smt=off sched=credit2"}
    own = write_spec(tmp_path, "x2", boot={"serial": False,
                                          "xen_args": ["com2=9600,8n1", "console=com2"]})
    assert load_spec(own).boot.xen_args == ("com2=9600,8n1", "console=com2")


@pytest.mark.parametrize("args, message", [
    (["dom0_mem=1G"], "dom0_mem is written from \\[boot\\] dom0_mem"),
    (["smt=off", "smt=on"], "smt given twice"),
    (["iommu=no-igfx; reboot"], "not a Xen option"),
    (["console=vga"], "written from \\[boot\\] serial = true"),
])
def test_bad_xen_options(tmp_path: Path, args: list[str], message: str) -> None:
    path = write_spec(tmp_path, "b", boot={"xen_args": args})
    with pytest.raises(UserError, match=rf"^{path}: \[boot\] xen_args: .*{message}"):
        load_spec(path)


def test_an_option_xen_does_not_know_is_reported(tmp_path: Path) -> None:
    """Xen ignores an unknown option with a line in its log: an option of
    an old host's Xen line, or a typo, must not be lost silently."""
    spec = write_spec(tmp_path, "x3", boot={"xen_args": ["iommu=no-igfx", "no-smt", "mtrr.show",
                                                          "vtd=1", "sched-grann=core"]})
    proc = xenmig(tmp_path / "cache", "check", spec, "--json", merge_stderr=False)
    unknown = [f for f in json.loads(proc.stdout) if f["name"] == "XenOptionUnknown"]
    assert [(f["data"]["option"], f["data"]["suggestion"]) for f in unknown] == [
        ("vtd", None), ("sched-grann", "sched-gran")]
    assert unknown[1]["message"] == ("sched-grann: not an option of Xen's command line (did you "
                                     "mean sched-gran?); Xen ignores it")
