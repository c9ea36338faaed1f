"""Reading kernel .config files: headers of every era, values, traps."""

from __future__ import annotations

from pathlib import Path

import pytest

from xenmig.errors import UserError
from xenmig.kernel.config import parse_config, read_config
from xenmig.spec import Version

MODERN = """#
# Automatically generated file; DO NOT EDIT.
# Linux/x86 6.12.117 Kernel Configuration
#
CONFIG_CC_VERSION_TEXT="gcc (Debian 12.2.0-14) 12.2.0"
CONFIG_X86_64=y
CONFIG_XEN=y
CONFIG_XEN_BLKDEV_BACKEND=m
# CONFIG_XEN_DOM0 is not set
# CONFIG_KVM_XEN is not set
CONFIG_NETXEN_NIC=m
"""

OLD_HEADER = """#
# Automatically generated make config: don't edit
# Linux kernel version: 2.6.18-xen
# Tue Mar 16 10:00:00 2010
#
CONFIG_X86=y
CONFIG_XEN=y
CONFIG_XEN_PRIVILEGED_GUEST=y
"""


def test_modern_header_values_and_states() -> None:
    config = parse_config(MODERN, Path("x/.config"))
    assert config.version == Version("6.12.117") and config.release == "6.12.117"
    assert config.arch == "x86_64" and not config.xenlinux
    assert config.get("CC_VERSION_TEXT") == "gcc (Debian 12.2.0-14) 12.2.0"
    assert config.builtin("XEN") and config.on("XEN_BLKDEV_BACKEND")
    assert not config.builtin("XEN_BLKDEV_BACKEND")
    # "is not set" and absent are both off, and told apart in messages
    assert not config.on("XEN_DOM0") and not config.on("XEN_PV")
    assert config.state("XEN_DOM0") == "CONFIG_XEN_DOM0 is not set"
    assert config.state("XEN_PV") == "CONFIG_XEN_PV absent"
    assert config.state("XEN_BLKDEV_BACKEND") == "CONFIG_XEN_BLKDEV_BACKEND=m"


def test_xenlinux_header_of_2_6_18() -> None:
    config = parse_config(OLD_HEADER, Path("config-2.6.18-xen"))
    assert config.version == Version("2.6.18") and config.release == "2.6.18-xen"
    assert config.xenlinux and config.arch == "x86"


def test_crlf_lines_are_read() -> None:
    config = parse_config(MODERN.replace("\n", "\r\n"), Path("crlf"))
    assert config.version == Version("6.12.117") and config.builtin("XEN")
    assert config.state("XEN_DOM0") == "CONFIG_XEN_DOM0 is not set"


def test_missing_header_names_the_file_and_the_way_out(tmp_path: Path) -> None:
    path = tmp_path / "stripped"
    path.write_text("CONFIG_XEN=y\n")
    with pytest.raises(UserError, match=rf"^{path}: no kernel version in the header.*--kernel"):
        read_config(path)
    assert read_config(path, Version("5.10")).version == Version("5.10")


@pytest.mark.parametrize(
    "content", ["", "just text\n", "# Linux/x86 6.12.0 Kernel Configuration\n"])
def test_not_a_config_is_bad_input(tmp_path: Path, content: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(content)
    with pytest.raises(UserError, match=rf"^{path}: not a kernel configuration"):
        read_config(path)


def test_unreadable_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read"):
        read_config(tmp_path / "absent")
