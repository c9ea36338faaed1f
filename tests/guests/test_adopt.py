"""From the guests a host has to managed ones without loss: convert an
existing configuration to a [[domu]] table (--format toml), render it, and
let apply adopt the file: replaced only while unchanged, kept beside it as
.pre-xenmig, and every change the guest would see reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.gentoo import SHARED
from tests.support.specs import guest_host
from tests.support.xl import comparable, dry_run, flat, guest_examples, require_xl

OWN = Path(__file__).parents[1] / "data/guests"
EXAMPLES = SHARED / "realworld"
HEAD = guest_host("h1", ("xenbr0", "xenbr1"))



def _table(tmp_path: Path, source: Path, *extra: str) -> str:
    proc = xenmig(tmp_path / "cache", "domu", "convert", source, "--format", "toml", *extra,
                  merge_stderr=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# What the [[domu]] form of an adopted guest renders differently from
# convert's xl output, and why (a guest made anew also gets xenmig's other
# choices, such as serial = "pty" for xl console on an HVM guest).
VCPUS = {".b_info.avail_vcpus[0]", ".b_info.max_vcpus"}  # vcpus = 1, xl's default, written
MAC = {".nics[0].mac"}  # a vif without a MAC: derived from the name, not random at each start
BRIDGE = {".nics[0].bridge"}  # the spec names the bridge xl.conf's default stood for
CONSOLE = {".b_info.cmdline"}  # os = "modern" puts console=hvc0 on the kernel line
RENDERED: dict[str, set[str]] = {
    "uefi-win.cfg": set(),
    "direct-hvm.cfg": set(),
    "pv-old.cfg": VCPUS,
    "xlexample.hvm": MAC | BRIDGE,
    "xlexample.pvhlinux": MAC | BRIDGE | CONSOLE,
    "xlexample.pvlinux": MAC | BRIDGE | CONSOLE,
    "xmexample.hvm": VCPUS | MAC,
    "xmexample.hvm-stubdom": VCPUS | MAC,
    "xmexample.pv-grub": VCPUS | MAC,
    "xmexample1": VCPUS | MAC,
    "xmexample2": MAC,
    # cpus = "3" with vcpus written: xl sizes the affinity list by vcpus
    "xmexample3": VCPUS | MAC | {".b_info.vcpu_hard_affinity[0][0]"},
}


def _sources() -> list[Path]:
    return [OWN / name for name in sorted(RENDERED) if name.endswith(".cfg")] + \
        guest_examples(EXAMPLES)


@pytest.mark.parametrize("source", _sources(), ids=lambda p: f"{p.parent.parent.parent.name}/"
                                                            f"{p.name}")
def test_the_toml_form_renders_what_the_xl_form_says(source: Path, tmp_path: Path) -> None:
    require_xl()
    name = source.name
    sxp = tmp_path / "xend-config.sxp"
    sxp.write_text("(vif-script 'vif-bridge bridge=xenbr0')\n")
    extra = ("--sxp", str(sxp), *(("--var", "vmid=3") if name in ("xmexample2", "xmexample3")
                                  else ()))
    spec = tmp_path / "h1.toml"
    spec.write_text(HEAD + _table(tmp_path, source, "--adopt", f"/etc/xen/{name}", *extra))
    out = tmp_path / "out"
    proc = xenmig(tmp_path / "cache", "render", spec, "--out", out)
    assert proc.returncode == 0, proc.stdout
    converted = tmp_path / "converted.cfg"
    converted.write_text(xenmig(tmp_path / "cache", "domu", "convert", source, *extra,
                                merge_stderr=False).stdout)
    (rendered,) = (out / "h1/etc/xen").glob("*.cfg")
    a, b = dry_run(converted), dry_run(rendered)
    assert a.ok and b.ok, (a.diagnostics, b.diagnostics)
    assert a.config is not None and b.config is not None
    old, new = flat(comparable(a.config)), flat(comparable(b.config))
    changed = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
    assert changed == RENDERED[name], {k: (old.get(k), new.get(k)) for k in changed}


def _host(tmp_path: Path, source: Path, at: str) -> Path:
    root = tmp_path / "root"
    (root / "etc/xen/auto").mkdir(parents=True)
    (root / "etc/portage").mkdir(parents=True)
    shutil.copy(source, root / at.lstrip("/"))
    return root


def test_apply_adopts_the_file_and_keeps_the_original(tmp_path: Path) -> None:
    source = OWN / "pv-old.cfg"
    root = _host(tmp_path, source, "/etc/xen/pvold.cfg")
    spec = tmp_path / "h1.toml"
    spec.write_text(HEAD + _table(tmp_path, source, "--adopt", "/etc/xen/pvold.cfg"))
    check = xenmig(tmp_path / "cache", "check", spec, "--root", root, "--json",
                   merge_stderr=False)
    names = [f["name"] for f in json.loads(check.stdout)]
    assert "ForeignFile" not in names and not any(n.startswith("Guest") for n in names), names
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert proc.returncode == 0, proc.stdout
    cfg = root / "etc/xen/pvold.cfg"
    assert (root / "etc/xen/pvold.cfg.pre-xenmig").read_bytes() == source.read_bytes()
    assert cfg.read_text().startswith("# BEGIN xenmig ")
    assert "mac=00:16:3e:0a:0b:0c,bridge=xenbr1,type=vif" in cfg.read_text()
    again = xenmig(tmp_path / "cache", "apply", spec, "--root", root, "--check")
    assert again.returncode == 0, again.stdout


def test_a_file_changed_since_is_left_alone(tmp_path: Path) -> None:
    source = OWN / "pv-old.cfg"
    root = _host(tmp_path, source, "/etc/xen/pvold.cfg")
    spec = tmp_path / "h1.toml"
    spec.write_text(HEAD + _table(tmp_path, source, "--adopt", "/etc/xen/pvold.cfg"))
    cfg = root / "etc/xen/pvold.cfg"
    cfg.write_text(cfg.read_text() + "memory = 512\n")
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert proc.returncode == 1 and "[AdoptedFileChanged]" in proc.stdout, proc.stdout
    assert cfg.read_text().endswith("memory = 512\n")
    assert not (root / "etc/xen/pvold.cfg.pre-xenmig").exists()


def test_an_xm_file_of_another_name_is_taken_away_with_its_link(tmp_path: Path) -> None:
    """An xm host's /etc/xen/direct (no .cfg) linked from /etc/xen/auto:
    the guest's new file is direct.cfg; the old one is kept as
    direct.pre-xenmig and its link goes, so nothing starts the guest twice.
    The plan names what the guest will see change."""
    source = OWN / "direct-hvm.cfg"
    root = _host(tmp_path, source, "/etc/xen/direct")
    (root / "etc/xen/auto/direct").symlink_to("/etc/xen/direct")
    table = _table(tmp_path, source, "--adopt", "/etc/xen/direct").replace(
        'model = "e1000"', 'model = "rtl8139"')
    spec = tmp_path / "h1.toml"
    spec.write_text(HEAD + table)
    check = xenmig(tmp_path / "cache", "check", spec, "--root", root, "--json",
                   merge_stderr=False)
    found = {(f["name"], f.get("guest")): f for f in json.loads(check.stdout)}
    nic = found[("GuestNicChanged", "direct")]
    assert nic["data"] == {"vif": 1, "setting": "model", "was": "e1000", "now": "rtl8139"}
    assert ("GuestDeviceModelChanged", "direct") in found
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert proc.returncode == 0, proc.stdout
    assert not (root / "etc/xen/direct").exists()
    assert not (root / "etc/xen/auto/direct").is_symlink()
    assert (root / "etc/xen/direct.pre-xenmig").read_bytes() == source.read_bytes()
    assert (root / "etc/xen/auto/direct.cfg").is_symlink()


def test_settings_after_the_block_are_reported(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    spec = tmp_path / "h1.toml"
    spec.write_text(HEAD + '[[domu]]\nname = "web"\ntype = "pvh"\nkernel = "/boot/k"\n'
                           'bridges = ["xenbr0"]\n')
    assert xenmig(tmp_path / "cache", "apply", spec, "--root", root).returncode == 0
    cfg = root / "etc/xen/web.cfg"
    cfg.write_text(cfg.read_text() + "# mine\nmemory = 2048\nvnc = 1\n")
    line = cfg.read_text().splitlines().index("memory = 2048") + 1
    proc = xenmig(tmp_path / "cache", "check", spec, "--root", root)
    assert (f"h1: warning: guest web: {cfg}: memory: memory set again at line {line}: xl "
            "takes it, not the spec's [GuestSettingOverridden]") in proc.stdout, proc.stdout
    assert "vnc" not in proc.stdout


def test_a_firmware_change_is_reported(tmp_path: Path) -> None:
    source = OWN / "uefi-win.cfg"
    root = _host(tmp_path, source, "/etc/xen/uefi-win.cfg")
    table = _table(tmp_path, source, "--adopt", "/etc/xen/uefi-win.cfg")
    spec = tmp_path / "h1.toml"
    spec.write_text(HEAD + table)
    check = xenmig(tmp_path / "cache", "check", spec, "--root", root, "--json",
                   merge_stderr=False)
    assert not [f for f in json.loads(check.stdout) if f["name"].startswith("Guest")]
    spec.write_text(HEAD + table.replace('bios = "ovmf"', 'bios = "seabios"'))
    check = xenmig(tmp_path / "cache", "check", spec, "--root", root, "--json",
                   merge_stderr=False)
    (firmware,) = [f for f in json.loads(check.stdout) if f["name"] == "GuestFirmwareChanged"]
    assert firmware["scope"] == "guest" and firmware["guest"] == "uefi-win"
    assert firmware["data"] == {"was": "ovmf", "now": "seabios"}


@pytest.mark.parametrize("text, message", [
    ('name = "m"\nkernel = "/boot/k"\n', "memory: the file sets none"),
    ('name = "m"\nmemory = 64\nkernel = "/boot/k"\nvif = [ "" ]\n',
     "vif #1 '': no bridge= (give --sxp"),
    ('name = "m"\nmemory = 64\nkernel = "/boot/k"\nvif = [ "bridge=br0,bogus=1" ]\n',
     "[[domu]] vif: vif #1 bogus: not a vif setting"),
])
def test_the_toml_form_refuses_what_it_cannot_keep(tmp_path: Path, text: str,
                                                     message: str) -> None:
    cfg = tmp_path / "m.cfg"
    cfg.write_text(text)
    proc = xenmig(tmp_path / "cache", "domu", "convert", cfg, "--format", "toml")
    assert proc.returncode == 2 and proc.stdout.startswith(f"xenmig: {cfg}: {message}"), \
        proc.stdout
