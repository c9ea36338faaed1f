"""Converted guest files read by xl 4.17's own parser (``xl -N create``):
the output is accepted without a word, and its libxl configuration equals
the input's except for the changes named here, each intended."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.gentoo import SHARED
from tests.support.xl import comparable, dry_run, flat, guest_examples, require_xl
from xenmig.guests.convert import convert, convert_xl, read_source
from xenmig.hostfiles.xm import Value

EXAMPLES = SHARED / "realworld"
OWN = Path(__file__).parents[1] / "data/guests"

# {file: {JSON path: why it differs}}; a path not named must be equal.
INTENDED: dict[str, dict[str, str]] = {
    # Xen's own examples.
    "xlexample.hvm": {}, "xlexample.pvlinux": {}, "xlexample.pvhlinux": {},
    "xmexample.hvm": {".nics[0].nictype": "type=ioemu dropped: xl's default for HVM vifs"},
    "xmexample.hvm-stubdom": {".nics[0].nictype": "type=ioemu dropped, as above"},
    "xmexample.pv-grub": {
        ".b_info.bootloader": "PV-GRUB is gone from Xen: pygrub",
        ".b_info.kernel": "pv-grub.gz goes with PV-GRUB",
        ".b_info.cmdline": "the menu.lst path went with PV-GRUB; console=hvc0",
        ".disks[0].pdev_path": "phy:hda1 is phy:/dev/hda1",
        ".disks[0].vdev": "--os modern: hd* disks are xvd*"},
    "xmexample1": {
        ".b_info.cmdline": "root on xvda1 (--os modern), console=hvc0",
        ".disks[0].pdev_path": "phy:hda1 is phy:/dev/hda1",
        ".disks[0].vdev": "--os modern: hd* disks are xvd*"},
    # xenmig's own cases (tests/data/guests).
    "uefi-win.cfg": {},
    "direct-hvm.cfg": {
        ".b_info.avail_vcpus[2]": "vcpu_avail = 3: two of four vCPUs online (xl ignores "
                                  "vcpu_avail and brings all four up)",
        ".b_info.avail_vcpus[3]": "as above",
        **{f".disks[1].{k}": "xm's cdrom= becomes a cdrom disk on hdc (xl ignores cdrom=, "
                              "while boot = \"d\" points at it)"
           for k in ("format", "is_cdrom", "pdev_path", "removable", "vdev")},
        ".nics[0].nictype": "type=ioemu dropped: xl's default for HVM vifs"},
    "pv-old.cfg": {
        ".b_info.bootloader": "/usr/bin/pygrub is found by xl as pygrub",
        ".b_info.bootloader_args[0]": "bootargs became bootloader_args",
        ".b_info.bootloader_args[1]": "as above",
        ".b_info.cmdline": "console=hvc0 goes into cmdline (xl ignores extra beside it)",
        ".nics[0].nictype": "type=netfront is xl's type=vif"},
}
# Files xl cannot read as they are (xm's Python): only the output is checked.
UNREADABLE_BY_XL = {"xmexample2", "xmexample3"}
VARS: dict[str, dict[str, Value]] = {"xmexample2": {"vmid": 3}, "xmexample3": {"vmid": 3}}



def _files() -> list[Path]:
    return sorted(OWN.glob("*.cfg")) + guest_examples(EXAMPLES)


@pytest.mark.parametrize("source", _files(), ids=lambda p: f"{p.parent.parent.parent.name}/"
                                                          f"{p.name}")
def test_xl_reads_the_converted_file_as_the_original_meant(source: Path, tmp_path: Path) -> None:
    require_xl()
    kind, config = read_source(source.read_text(), str(source), VARS.get(source.name))
    converted = convert_xl(config) if kind == "xl" else convert(config)
    out = tmp_path / f"{source.name}.cfg"
    out.write_text(converted.text())
    after = dry_run(out)
    assert after.ok, (converted.text(), after.diagnostics)
    assert after.config is not None
    before = dry_run(source)
    if source.name in UNREADABLE_BY_XL or (source.parent.parent.name == "tools" and \
            before.config is None):
        assert before.returncode != 0 or before.diagnostics
        return
    assert before.config is not None, before.diagnostics
    old, new = flat(comparable(before.config)), flat(comparable(after.config))
    changed = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
    assert changed == set(INTENDED[source.name]), {
        k: (old.get(k), new.get(k)) for k in changed ^ set(INTENDED[source.name])}


def test_the_xmexample_preamble_converts(tmp_path: Path) -> None:
    """Xen 3.x's xmexample.hvm with its import/os.uname/re.search preamble:
    converted (it was refused), and xl reads the result."""
    old = EXAMPLES / "xen-project__xen@a05dfca/tools/examples/xmexample.hvm"
    if not old.is_file():
        pytest.skip(f"{old} is absent (../shared exists in the dev and CI checkouts only)")
    proc = xenmig(tmp_path / "cache", "domu", "convert", old, merge_stderr=False)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "hvm.cfg"
    out.write_text(proc.stdout)
    run = dry_run(out)
    assert run.ok and run.config is not None, run.diagnostics
    assert run.config["c_info"]["type"] == "hvm"
    assert "\ndevice_model" not in proc.stdout and "its value not read" in proc.stdout


@pytest.mark.parametrize("text, message", [
    ("", "empty: no guest settings"),
    ("(xend-http-server no)\n(vif-script vif-bridge)\n", "xend-config.sxp is given with --sxp"),
    ("name = 'x'\ndisk = ['phy:/dev/vg0/shared,xvdb,w!']\n", "has no xl form"),
    ("name = 'x'\nbuilder = 'hvm'\ndisk = ['phy:/dev/vg0/shared,hda,w!']\n", "has no xl form"),
])
def test_inputs_convert_refuses(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "bad.cfg"
    cfg.write_text(text)
    proc = xenmig(tmp_path / "cache", "domu", "convert", cfg)
    assert proc.returncode == 2 and proc.stdout.startswith(f"xenmig: {cfg}") and \
        message in proc.stdout, proc.stdout


def test_notes_name_the_loss_and_the_likely_key(tmp_path: Path) -> None:
    cfg = tmp_path / "g.cfg"
    cfg.write_text("name = 'g'\nkernel = '/boot/k'\ninitrd = '/boot/i'\nvif = ['']\n")
    sxp = tmp_path / "xend-config.sxp"
    sxp.write_text("(network-script network-bridge)\n")
    proc = xenmig(tmp_path / "cache", "domu", "convert", cfg, "--sxp", sxp)
    assert proc.returncode == 0, proc.stdout
    notes = [line for line in proc.stdout.splitlines() if line.startswith("# note:")]
    assert notes == [
        "# note: line 3: initrd: not an xl setting (did you mean ramdisk?) (xl would ignore "
        "it silently); dropped",
        "# note: line 4: vif: a vif without bridge= goes to xl.conf's vif.default.bridge (the "
        "xend-config.sxp given names no bridge= in its vif-script or network-script either)",
    ]
