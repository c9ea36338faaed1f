"""``xenmig kernel fragment`` and the fragments render/apply write."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import xenmig
from tests.support.fleet import spec_path


def test_fragment_is_what_render_writes(tmp_path: Path) -> None:
    spec = spec_path("xen10")
    printed = xenmig(tmp_path / "cache", "kernel", "fragment", spec, merge_stderr=False)
    assert printed.returncode == 0, printed.stderr
    first = printed.stdout.splitlines()[0]
    assert first.startswith("# BEGIN xenmig ") and "host xen10 (xen10.toml)" in first
    assert "CONFIG_SATA_AHCI=y" in printed.stdout and "CONFIG_BLK_DEV_NVME=y" in printed.stdout
    out = tmp_path / "out"
    assert xenmig(tmp_path / "cache", "render", spec, "--out", out).returncode == 0
    dom0 = out / "xen10/etc/kernel/config.d/90-xenmig-dom0.config"
    assert dom0.read_text() == printed.stdout
    assert (out / "xen10/etc/xenmig/kernel/dom0.config").read_text() == printed.stdout
    domu = xenmig(tmp_path / "cache", "kernel", "fragment", spec, "--role", "domu")
    assert (out / "xen10/etc/xenmig/kernel/domu.config").read_text() == domu.stdout
    assert "# CONFIG_XEN_BACKEND is not set" in domu.stdout


def test_hand_edited_fragment_is_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    spec = spec_path("xen11")
    assert xenmig(tmp_path / "cache", "apply", spec, "--root", root).returncode == 0
    fragment = root / "etc/kernel/config.d/90-xenmig-dom0.config"
    edited = fragment.read_text().replace("CONFIG_BRIDGE=m", "CONFIG_BRIDGE=y")
    fragment.write_text(edited)
    again = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert again.returncode == 1
    assert f"{fragment}: managed block edited by hand; left alone [ManagedBlockEdited]" in \
        again.stdout
    assert fragment.read_text() == edited


def test_no_dom0_fragment_for_a_32_bit_host(tmp_path: Path) -> None:
    proc = xenmig(tmp_path / "cache", "kernel", "fragment", spec_path("xen05"))
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"xenmig: {spec_path('xen05')}: [host] arch: no dom0 kernel "
                                  "for x86")
    guests = xenmig(tmp_path / "cache", "kernel", "fragment", spec_path("xen05"), "--role",
                    "domu")
    assert guests.returncode == 0 and "CONFIG_X86_PAE=y" in guests.stdout
    assert "CONFIG_XEN_PV=y" not in guests.stdout


def test_spec_or_generic(tmp_path: Path) -> None:
    both = xenmig(tmp_path / "cache", "kernel", "fragment", spec_path("xen10"), "--generic")
    assert both.returncode == 2 and "give either SPEC or --generic" in both.stdout
    generic = xenmig(tmp_path / "cache", "kernel", "fragment", "--generic")
    assert generic.returncode == 0 and not generic.stdout.startswith("# BEGIN")


def test_verify_on_a_real_tree(tmp_path: Path, linux_tree: Path) -> None:
    proc = xenmig(tmp_path / "cache", "kernel", "fragment", spec_path("xen11"), "--role", "domu",
                  "--verify", linux_tree, "--base", "tinyconfig", merge_stderr=False)
    assert proc.returncode == 0, proc.stderr
    assert f"# verified on {linux_tree} (tinyconfig, ARCH=x86_64)" in proc.stderr
