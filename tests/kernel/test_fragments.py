"""The generated fragments on a real kernel tree (Debian's linux-source-6.12):
merged with the kernel's own merge_config.sh onto defconfig and tinyconfig,
then make olddefconfig; every line must survive.  A line that does not
fails the test with its unmet Kconfig dependencies (xenmig's symbol model,
read with kconfiglib)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.support.gentoo import REPO_ROOT
from tests.support.specs import write_spec
from xenmig.kernel import verify
from xenmig.kernel.check import check
from xenmig.kernel.config import read_config
from xenmig.kernel.drivers import DRIVERS
from xenmig.kernel.fragments import fragment_text, generic_text
from xenmig.kernel.model import load_model
from xenmig.spec import load_spec

# Every storage driver xenmig knows, so that one merge covers them all.
EVERY_DRIVER: dict[str, dict[str, Any]] = {"host": {"storage": sorted(DRIVERS)}}
CASES = [
    # (id, spec sections, role, base, ARCH)
    ("dom0-defconfig", EVERY_DRIVER, "dom0", "defconfig", "x86_64"),
    ("dom0-tinyconfig", EVERY_DRIVER, "dom0", "tinyconfig", "x86_64"),
    ("domu-defconfig", {}, "domu", "defconfig", "x86_64"),
    ("domu-tinyconfig", {}, "domu", "tinyconfig", "x86_64"),
    # monolithic guests: on a minimal base (MODULES=n would turn a
    # distribution config's =m options into =y or off)
    ("domu-monolithic-tinyconfig", {"kernel": {"domu_monolithic": True}}, "domu",
     "tinyconfig", "x86_64"),
    # 32-bit guests of an x86 host: PVH/HVM with PAE
    ("domu-x86-defconfig", {"host": {"arch": "x86"}}, "domu", "defconfig", "i386"),
    ("domu-x86-tinyconfig", {"host": {"arch": "x86"}}, "domu", "tinyconfig", "i386"),
]


@pytest.fixture(scope="module")
def merged(linux_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each case merged once (two at a time): {id: (spec, role, .config, unmet)}."""
    def run(case: str, sections: dict[str, Any], role: str, base: str, arch: str) -> Any:
        tmp = tmp_path_factory.mktemp(case)
        spec = load_spec(write_spec(tmp, "k1", **sections))
        config, unmet = verify.merge(linux_tree, base, fragment_text(spec, role), arch,
                                     tmp / "out")
        return case, (spec, role, config, unmet)

    load_model(linux_tree)  # parse once, before the threads want it
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(lambda c: run(*c), CASES))


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_every_fragment_line_survives_olddefconfig(merged: dict[str, Any], case: str) -> None:
    spec, role, config, unmet = merged[case]
    assert unmet == [], "\n".join(map(str, unmet))
    values = read_config(config).values
    assert values["XEN"] == "y" and values["HVC_XEN"] == "y"
    if role == "dom0":
        assert values["XEN_DOM0"] == "y" and values["XEN_BLKDEV_BACKEND"] == "m"
        assert values["MEGARAID_SAS"] == "y" and values["SCSI_HPSA"] == "y"  # cciss -> hpsa
    else:
        assert values.get("XEN_BACKEND", "n") == "n" and values["XEN_BLKDEV_FRONTEND"] == "y"
    if "monolithic" in case:
        assert values.get("MODULES", "n") == "n"
    if spec.host.arch == "x86":
        assert values["X86_32"] == "y" and values["X86_PAE"] == "y"


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_the_checker_accepts_what_the_fragments_make(merged: dict[str, Any], case: str) -> None:
    spec, role, config, _ = merged[case]
    assert check(read_config(config), role, spec) == []


def test_the_checker_rejects_a_guest_kernel_as_dom0(merged: dict[str, Any]) -> None:
    spec, _, config, _ = merged["domu-defconfig"]
    assert [f.name for f in check(read_config(config), "dom0", spec)] == ["Dom0SupportMissing"]
    spec, _, config, _ = merged["domu-x86-defconfig"]
    names = [f.name for f in check(read_config(config), "dom0", spec)]
    assert names == ["NoPv32Dom0", "Dom0SupportMissing"]


def test_lines_that_do_not_survive_are_explained(linux_tree: Path, tmp_path: Path) -> None:
    """A broken fragment: merge_config.sh exits 0 on it; xenmig names every
    line that did not survive, with the reason from the Kconfig model."""
    broken = "\n".join([
        "CONFIG_XEN_EVTCHN=y",        # not a symbol (the real one is XEN_DEV_EVTCHN)
        "CONFIG_XEN_SCSI_BACKEND=m",  # needs TARGET_CORE, off in defconfig
        "CONFIG_XEN=y",
        "# CONFIG_HVC_DRIVER is not set",  # selected by HVC_XEN (default y with XEN)
        "CONFIG_XEN_PV=y",
        "# CONFIG_X86_64 is not set",  # no prompt on ARCH=x86_64
    ]) + "\n"
    _, unmet = verify.merge(linux_tree, "defconfig", broken, "x86_64", tmp_path / "out")
    why = {u.line: u.why for u in unmet}
    assert set(why) == {"CONFIG_XEN_EVTCHN=y", "CONFIG_XEN_SCSI_BACKEND=m",
                        "# CONFIG_HVC_DRIVER is not set", "# CONFIG_X86_64 is not set"}
    assert "is not defined in this tree (6.12" in why["CONFIG_XEN_EVTCHN=y"]
    assert "TARGET_CORE=n" in why["CONFIG_XEN_SCSI_BACKEND=m"]
    assert "selected by" in why["# CONFIG_HVC_DRIVER is not set"]
    assert "HVC_XEN=y" in why["# CONFIG_HVC_DRIVER is not set"]
    assert "has no prompt" in why["# CONFIG_X86_64 is not set"]


def test_xen_sources_ships_the_generic_fragments() -> None:
    """sys-kernel/xen-sources' kernel/configs/xen-{dom0,domu}.config are
    xenmig's host-independent fragments (xenmig kernel fragment --generic)."""
    patch = (REPO_ROOT / "sys-kernel/xen-sources/files/"
             "xen-sources-6.12-xen-config-fragments.patch").read_text()
    for role in ("dom0", "domu"):
        section = patch.split(f"+++ b/kernel/configs/xen-{role}.config\n", 1)[1]
        body = []
        for line in section.splitlines()[1:]:  # after the @@ line, up to the next file
            if not line.startswith("+"):
                break
            body.append(line[1:])
        generated = body.index(f"# Generated by: xenmig kernel fragment --generic --role {role}")
        assert "\n".join(body[generated + 1:]) + "\n" == generic_text(role)


def test_symbol_model_is_cached_per_tree(linux_tree: Path) -> None:
    first = load_model(linux_tree)
    assert first.version.startswith("6.12.") and "XEN_DOM0" in first.symbols
    assert load_model(linux_tree) == first
