"""``xenmig kernel check`` on real configs: the real-world ones of
../shared/realworld, Debian's own (linux-config-6.12), and XenLinux-era
configs of the original migration (written here: no 2.6.3x-xen config can
be had)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import xenmig
from tests.support.gentoo import SHARED
from tests.support.kernel import debian_config
from tests.support.specs import write_spec
from xenmig.kernel.check import check
from xenmig.kernel.config import parse_config, read_config
from xenmig.spec import load_spec

REALWORLD = SHARED / "realworld"
YAFA = REALWORLD / "yafa-xena__dotfiles/etc/kernels"
NANOPI = REALWORLD / "lsartory__NanoPi_R6S/usr/src/linux/_config"


def realworld(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared exists in the dev and CI checkouts only)")
    return path


def found(findings: list[Any]) -> list[tuple[str, str | None]]:
    return [(f.name, f.key) for f in findings]


def test_incomplete_dom0_in_the_wild() -> None:
    """yafa-xena's 5.4.80 config: XEN_DOM0=y but no backends, no evtchn,
    xenfs, gntdev or hvc console."""
    config = read_config(realworld(YAFA / "config-5.4.80-gentoo-r1-x86_64"))
    findings = check(config)
    errors = [f for f in findings if str(f.level) == "error"]
    assert found(errors) == [("Dom0Unusable", "CONFIG_XEN_BACKEND"),
                             ("HvcConsoleMissing", "CONFIG_HVC_XEN")]
    message = errors[0].message
    for state in ("CONFIG_XEN_BACKEND is not set", "CONFIG_XEN_BLKDEV_BACKEND absent",
                  "CONFIG_XEN_NETDEV_BACKEND absent", "CONFIG_XEN_DEV_EVTCHN is not set",
                  "CONFIG_XEN_GNTDEV is not set"):
        assert state in message
    assert "CONFIG_XEN_PRIVCMD" not in message  # built in (XENFS off, but privcmd =y)
    assert {f.key for f in findings if f.name == "Dom0OptionMissing"} == {
        "CONFIG_XENFS", "CONFIG_XEN_SYS_HYPERVISOR", "CONFIG_XEN_GRANT_DEV_ALLOC",
        "CONFIG_XEN_BALLOON", "CONFIG_XEN_PCIDEV_BACKEND", "CONFIG_XEN_ACPI_PROCESSOR"}
    assert all(f.file == str(config.path) for f in findings)


@pytest.mark.parametrize("name, state, arch", [
    ("nas", "CONFIG_XEN is not set", "x86_64"),         # 5.15, XEN=n, PARAVIRT=y
    ("worksation", "CONFIG_XEN absent", "x86_64"),      # only "# CONFIG_KVM_XEN is not set"
])
def test_not_xen_kernels_in_the_wild(name: str, state: str, arch: str) -> None:
    config = read_config(realworld(YAFA / name))
    assert config.arch == arch
    findings = check(config)
    assert found(findings) == [("NotAXenKernel", "CONFIG_XEN")]
    assert findings[0].message.startswith(state)


def test_substring_traps_are_not_xen() -> None:
    """NanoPi's arm64 5.10 config has MMC_SDHCI_XENON; the worksation one
    KVM_XEN; with them switched on they are named as not Xen support."""
    config = read_config(realworld(NANOPI))
    assert config.arch == "arm64" and str(config.version) == "5.10.110"
    assert found(check(config)) == [("NotAXenKernel", "CONFIG_XEN")]
    text = realworld(YAFA / "worksation").read_text()
    text = text.replace("# CONFIG_KVM_XEN is not set", "CONFIG_KVM_XEN=y")
    text += "CONFIG_NETXEN_NIC=m\nCONFIG_MMC_SDHCI_XENON=y\n"
    findings = check(parse_config(text, Path("worksation")))
    assert found(findings) == [("NotAXenKernel", "CONFIG_XEN")]
    assert "KVM_XEN, MMC_SDHCI_XENON, NETXEN_NIC are not Xen support" in findings[0].message


def test_debian_kernel_is_a_dom0_and_a_guest_kernel(tmp_path: Path) -> None:
    """Debian's amd64 flavour serves both roles; as a guest kernel its
    backends and modular frontends are reported.  The cloud flavour has no
    dom0 support."""
    spec = load_spec(write_spec(tmp_path, "deb", host={"storage": ["ahci", "nvme", "cciss"]},
                                kernel={"hvm_guests": True}))
    amd64 = read_config(debian_config("amd64_none_amd64", tmp_path))
    assert str(amd64.version).startswith("6.12.")
    assert check(amd64, "dom0", spec) == []
    assert found(check(amd64, "domu", spec)) == [
        ("DomuHasBackends", "CONFIG_XEN_DOM0"),
        ("DomuFrontendModular", "CONFIG_XEN_BLKDEV_FRONTEND"),
        ("DomuFrontendModular", "CONFIG_XEN_NETDEV_FRONTEND"),
    ]
    cloud = read_config(debian_config("amd64_none_cloud-amd64", tmp_path))
    assert found(check(cloud, "dom0", spec)) == [
        ("StorageDriverMissing", "CONFIG_SCSI_HPSA"), ("Dom0SupportMissing", "CONFIG_XEN_DOM0")]
    hpsa = check(cloud, "dom0", spec)[0].message
    assert "HP Smart Array controllers (cciss is hpsa on Linux 6.12" in hpsa


def test_defconfig_and_tinyconfig_are_not_xen(linux_tree: Path, tmp_path: Path) -> None:
    from xenmig.kernel import verify

    for base in ("defconfig", "tinyconfig"):
        config, _ = verify.merge(linux_tree, base, "", "x86_64", tmp_path / base)
        assert found(check(read_config(config))) == [("NotAXenKernel", "CONFIG_XEN")]


# XenLinux-era configs of the original migration's hosts, in the format of
# their time (headers as "make oldconfig" wrote them).
def xenlinux(version: str, *lines: str, x86: bool = True) -> str:
    head = ("#\n# Automatically generated make config: don't edit\n"
            f"# Linux kernel version: {version}\n#\n")
    arch = "CONFIG_X86_32=y\nCONFIG_X86=y\n" if x86 else "CONFIG_X86_64=y\nCONFIG_X86=y\n"
    base = ("CONFIG_XEN=y\nCONFIG_XEN_PRIVILEGED_GUEST=y\nCONFIG_XEN_BACKEND=y\n"
            "CONFIG_XEN_BLKDEV_BACKEND=y\nCONFIG_XEN_NETDEV_BACKEND=y\nCONFIG_BRIDGE=m\n"
            "CONFIG_X86_PAE=y\nCONFIG_HIGHMEM64G=y\n")
    return head + arch + base + "".join(f"{line}\n" for line in lines)


def legacy(text: str, spec: Any = None) -> list[tuple[str, str | None]]:
    return found(check(parse_config(text, Path("config-xen")), "dom0", spec))


def test_2_6_18_dom0_is_fine() -> None:
    assert legacy(xenlinux("2.6.18-xen", "CONFIG_MEGARAID_SAS=y",
                           "CONFIG_XEN_COMPAT_030002_AND_LATER=y")) == []


def test_xen_compat_below_3_0_4_on_2_6_32_and_2_6_34() -> None:
    for version in ("2.6.32-xen-r1", "2.6.34-xen"):
        assert legacy(xenlinux(version, "CONFIG_XEN_COMPAT_030002_AND_LATER=y",
                               "CONFIG_XEN_COMPAT=0x030002")) == [
            ("XenCompatTooLow", "CONFIG_XEN_COMPAT")]
        assert legacy(xenlinux(version, "CONFIG_XEN_COMPAT_030004_AND_LATER=y",
                               "CONFIG_XEN_COMPAT=0x030004", "CONFIG_XEN_SYSFS=y")) == []
    # only the choice symbol, no hex value
    assert legacy(xenlinux("2.6.32", "CONFIG_XEN_COMPAT_030002_AND_LATER=y")) == [
        ("XenCompatTooLow", "CONFIG_XEN_COMPAT")]


def test_megaraid_on_the_kernels_that_panicked() -> None:
    assert legacy(xenlinux("2.6.29", "CONFIG_MEGARAID_SAS=y")) == [
        ("MegaraidBuiltIn", "CONFIG_MEGARAID_SAS")]
    modular = check(parse_config(xenlinux("2.6.34.7", "CONFIG_MEGARAID_NEWGEN=y",
                                          "CONFIG_MEGARAID_MM=m", "CONFIG_MEGARAID_MAILBOX=m"),
                                 Path("c")), "dom0")
    assert found(modular) == [("MegaraidModule", "CONFIG_MEGARAID_MAILBOX"),
                              ("MegaraidModule", "CONFIG_MEGARAID_MM")]
    assert "a .config cannot show the initrd" in modular[0].message
    for fine in ("2.6.28", "2.6.35", "2.6.18"):
        assert legacy(xenlinux(fine, "CONFIG_MEGARAID_SAS=y")) == []


def test_pae_and_32_bit_dom0() -> None:
    no_pae = xenlinux("2.6.21-xen").replace("CONFIG_X86_PAE=y\n", "").replace(
        "CONFIG_HIGHMEM64G=y\n", "CONFIG_HIGHMEM4G=y\n")
    assert legacy(no_pae) == [("PaeMissing", "CONFIG_X86_PAE")]
    modern32 = ("# Linux/i386 6.12.0 Kernel Configuration\nCONFIG_X86_32=y\nCONFIG_X86_PAE=y\n"
                "CONFIG_XEN=y\nCONFIG_XEN_PVH=y\nCONFIG_HVC_XEN=y\nCONFIG_BRIDGE=y\n")
    assert legacy(modern32) == [("NoPv32Dom0", "CONFIG_XEN_PV"),
                                ("Dom0SupportMissing", "CONFIG_XEN_DOM0")]


def test_unprivileged_xenlinux_is_no_dom0() -> None:
    domu = xenlinux("2.6.18-xen").replace("CONFIG_XEN_PRIVILEGED_GUEST=y",
                                          "# CONFIG_XEN_PRIVILEGED_GUEST is not set")
    assert legacy(domu) == [("Dom0SupportMissing", "CONFIG_XEN_PRIVILEGED_GUEST")]


def test_storage_drivers_by_kernel_version(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path, "s", host={"storage": ["cciss", "megaraid_sas",
                                                                 "frobnicator"]}))
    old = legacy(xenlinux("2.6.18-xen", "CONFIG_MEGARAID_SAS=y"), spec)
    assert old == [("StorageDriverMissing", "CONFIG_BLK_CPQ_CISS_DA"),
                   ("StorageDriverUnknown", "[host] storage")]
    assert legacy(xenlinux("2.6.18-xen", "CONFIG_MEGARAID_SAS=m",
                           "CONFIG_BLK_CPQ_CISS_DA=y"), spec) == [
        ("StorageDriverUnknown", "[host] storage")]


def test_guest_role_and_monolithic(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path, "g", kernel={"domu_monolithic": True}))
    guest = ("# Linux/x86 6.12.0 Kernel Configuration\nCONFIG_X86_64=y\nCONFIG_MODULES=y\n"
             "CONFIG_XEN=y\nCONFIG_XEN_BLKDEV_FRONTEND=y\nCONFIG_HVC_XEN=y\n")
    assert found(check(parse_config(guest, Path("g")), "domu", spec)) == [
        ("DomuFrontendMissing", "CONFIG_XEN_NETDEV_FRONTEND"),
        ("DomuNotMonolithic", "CONFIG_MODULES")]


def test_tun_only_when_the_spec_has_hvm_guests(tmp_path: Path) -> None:
    dom0 = ("# Linux/x86 6.12.0 Kernel Configuration\nCONFIG_X86_64=y\nCONFIG_XEN=y\n"
            "CONFIG_XEN_DOM0=y\nCONFIG_HVC_XEN=y\nCONFIG_BRIDGE=m\n" + "".join(
                f"CONFIG_{s}=m\n" for s in (
                    "XEN_BACKEND", "XEN_BLKDEV_BACKEND", "XEN_NETDEV_BACKEND", "XEN_DEV_EVTCHN",
                    "XEN_GNTDEV", "XEN_PRIVCMD", "XENFS", "XEN_SYS_HYPERVISOR",
                    "XEN_GRANT_DEV_ALLOC", "XEN_BALLOON", "XEN_PCIDEV_BACKEND",
                    "XEN_ACPI_PROCESSOR")))
    config = parse_config(dom0, Path("d"))
    assert check(config, "dom0", load_spec(write_spec(tmp_path, "pv"))) == []
    hvm = load_spec(write_spec(tmp_path, "hvm", kernel={"hvm_guests": True}))
    assert found(check(config, "dom0", hvm)) == [("TunMissing", "CONFIG_TUN")]


def test_cli_json_exit_status_and_tree_explanations(tmp_path: Path, linux_tree: Path) -> None:
    path = realworld(YAFA / "config-5.4.80-gentoo-r1-x86_64")
    proc = xenmig(tmp_path / "cache", "kernel", "check", path, "--json", merge_stderr=False)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert {d["name"] for d in data} == {"Dom0Unusable", "HvcConsoleMissing", "Dom0OptionMissing"}
    assert all(d["file"] == str(path) and d["key"].startswith("CONFIG_") for d in data)
    # No spec: the findings are about the file, which each line names once.
    assert all(d["scope"] == "file" and d["path"] == str(path) and "host" not in d for d in data)
    text = xenmig(tmp_path / "cache", "kernel", "check", path).stdout
    assert f"{path}: error: CONFIG_HVC_XEN: CONFIG_HVC_XEN is not set: " in text
    explained = xenmig(tmp_path / "cache", "kernel", "check", path, "--tree", linux_tree,
                       merge_stderr=False)
    assert explained.returncode == 1
    assert "is Linux 6.12" in explained.stderr and "5.4.80-gentoo-r1" in explained.stderr
    line = next(text for text in explained.stdout.splitlines()
                if "[Dom0OptionMissing]" in text and "CONFIG_XEN_PCIDEV_BACKEND" in text)
    assert "depends on" in line and "XEN_BACKEND=n" in line
    clean = xenmig(tmp_path / "cache", "kernel", "check", path, "--role", "domu")
    assert clean.returncode == 1  # no block frontend in a domU either


def test_cli_bad_input(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.write_text("hello\n")
    proc = xenmig(tmp_path / "cache", "kernel", "check", notes)
    assert proc.returncode == 2 and proc.stdout == (
        f"xenmig: {notes}: not a kernel configuration (no CONFIG_ lines)\n")
    stripped = tmp_path / "stripped"
    stripped.write_text("CONFIG_XEN=y\n")
    proc = xenmig(tmp_path / "cache", "kernel", "check", stripped, "--kernel", "6.x")
    assert proc.returncode == 2 and proc.stdout.startswith("xenmig: --kernel: not a version")


def test_a_dom0_without_bridging(tmp_path: Path) -> None:
    """Debian's dom0 config with CONFIG_BRIDGE switched off: the guests'
    vifs have nothing to attach to."""
    spec = load_spec(write_spec(tmp_path, "nobr"))
    text = debian_config("amd64_none_amd64", tmp_path).read_text()
    assert "CONFIG_BRIDGE=m" in text
    config = parse_config(text.replace("CONFIG_BRIDGE=m", "# CONFIG_BRIDGE is not set"),
                          tmp_path / "config")
    assert found(check(config, "dom0", spec)) == [("BridgeMissing", "CONFIG_BRIDGE")]


# A mainline pvops dom0 of the 3.x era, with the Xen symbols Ubuntu's
# config-3.8.0-34-generic carried (XEN_PRIVILEGED_GUEST next to XEN_DOM0,
# PARAVIRT_GUEST), as "make oldconfig" of that time wrote the header.
PVOPS_3X = """\
#
# Automatically generated file; DO NOT EDIT.
# Linux/x86_64 3.8.0 Kernel Configuration
#
CONFIG_64BIT=y
CONFIG_X86_64=y
CONFIG_X86=y
CONFIG_PARAVIRT_GUEST=y
CONFIG_XEN=y
CONFIG_XEN_DOM0=y
CONFIG_XEN_PRIVILEGED_GUEST=y
CONFIG_XEN_PVHVM=y
CONFIG_XEN_MAX_DOMAIN_MEMORY=500
CONFIG_XEN_SAVE_RESTORE=y
CONFIG_PARAVIRT=y
CONFIG_PCI_XEN=y
CONFIG_XEN_PCIDEV_FRONTEND=m
CONFIG_XEN_BLKDEV_FRONTEND=y
CONFIG_XEN_BLKDEV_BACKEND=m
CONFIG_XEN_NETDEV_FRONTEND=y
CONFIG_XEN_NETDEV_BACKEND=m
CONFIG_HVC_XEN=y
CONFIG_XEN_BALLOON=y
CONFIG_XEN_DEV_EVTCHN=y
CONFIG_XEN_BACKEND=y
CONFIG_XENFS=y
CONFIG_XEN_SYS_HYPERVISOR=y
CONFIG_XEN_GNTDEV=m
CONFIG_XEN_GRANT_DEV_ALLOC=m
CONFIG_XEN_PCIDEV_BACKEND=m
CONFIG_XEN_PRIVCMD=m
CONFIG_XEN_ACPI_PROCESSOR=m
CONFIG_BRIDGE=m
"""


def test_pvops_kernels_with_xen_privileged_guest_are_not_xenlinux(tmp_path: Path) -> None:
    """Mainline 2.6.37-3.x has XEN_PRIVILEGED_GUEST too: such a config is
    checked as pvops (hvc, evtchn, gntdev, recommended options), not
    skipped as XenLinux."""
    config = parse_config(PVOPS_3X, Path("config-3.8.0"))
    assert not config.xenlinux and check(config, "dom0") == []
    off = {"HVC_XEN": "HvcConsoleMissing", "XEN_DEV_EVTCHN": "Dom0Unusable",
           "XEN_PCIDEV_BACKEND": "Dom0OptionMissing"}
    for symbol, name in off.items():
        text = re.sub(rf"^CONFIG_{symbol}=.*$", f"# CONFIG_{symbol} is not set", PVOPS_3X,
                      flags=re.M)
        assert (name, f"CONFIG_{symbol}") in found(check(parse_config(text, Path("c")))), symbol
    # XenLinux-only symbols, or XEN_PRIVILEGED_GUEST without any pvops one.
    assert parse_config(xenlinux("2.6.18-xen"), Path("x")).xenlinux
    assert parse_config(PVOPS_3X + "CONFIG_XEN_SYSFS=y\n", Path("x")).xenlinux
    # Options younger than the kernel are not asked for: the ACPI processor
    # driver came with 3.4, gntalloc with 2.6.39; pciback (3.1) is.
    old = re.sub(r"^CONFIG_XEN_(ACPI_PROCESSOR|PCIDEV_BACKEND)=.*\n", "",
                 PVOPS_3X.replace("3.8.0 Kernel", "3.1.0 Kernel"), flags=re.M)
    assert found(check(parse_config(old, Path("c")))) == [
        ("Dom0OptionMissing", "CONFIG_XEN_PCIDEV_BACKEND")]
    older = re.sub(r"^CONFIG_XEN_GRANT_DEV_ALLOC=.*\n", "",
                   old.replace("3.1.0 Kernel", "2.6.38 Kernel"), flags=re.M)
    assert found(check(parse_config(older, Path("c")))) == []
    # A clean check says what it checked.
    path = tmp_path / "config-3.8.0"
    path.write_text(PVOPS_3X)
    proc = xenmig(tmp_path / "cache", "kernel", "check", path)
    assert proc.returncode == 0 and proc.stdout == f"{path}: dom0, Linux 3.8.0: no findings\n"
