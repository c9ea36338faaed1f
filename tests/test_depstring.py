"""xenmig.gentoo.depstring: parsing, rendering and pruning dependency strings."""

import pytest

from xenmig.gentoo import depstring
from xenmig.gentoo.depstring import DepSyntaxError, Group

# From app-emulation/xen-tools-4.20.3's md5-cache entry (DEPEND, excerpt).
XEN_TOOLS_DEPEND = (
    "amd64? ( sys-power/iasl system-seabios? ( || ( sys-firmware/seabios"
    " sys-firmware/seabios-bin ) ) system-ipxe? ( sys-firmware/ipxe[qemu] ) )"
    " system-qemu? ( app-emulation/qemu[xen] )"
)


def test_round_trip_keeps_md5_cache_form() -> None:
    assert depstring.render(depstring.parse(XEN_TOOLS_DEPEND)) == XEN_TOOLS_DEPEND


def test_parse_structure() -> None:
    nodes = depstring.parse("a/b || ( c/d !flag? ( e/f ) )")
    assert nodes == ("a/b", Group("||", ("c/d", Group("!flag?", ("e/f",)))))


@pytest.mark.parametrize(
    ("atom", "cp"),
    [
        ("sys-apps/iproute2[-minimal]", "sys-apps/iproute2"),
        ("~app-emulation/xen-tools-4.20.3", "app-emulation/xen-tools"),
        ("!<sys-apps/systemd-254.9-r1", "sys-apps/systemd"),
        ("=sys-kernel/gentoo-kernel-bin-6.12.93-r1", "sys-kernel/gentoo-kernel-bin"),
        ("dev-lang/python:3.13[ncurses,xml(+),threads(+)]", "dev-lang/python"),
        ("virtual/zlib:=", "virtual/zlib"),
        (">=sys-kernel/installkernel-14[dracut(-)]", "sys-kernel/installkernel"),
        ("=dev-lang/python-3.13*", "dev-lang/python"),
        ("sys-firmware/seabios-bin", "sys-firmware/seabios-bin"),
        ("!!sys-fs/eudev", "sys-fs/eudev"),
    ],
)
def test_atom_cp(atom: str, cp: str) -> None:
    assert depstring.atom_cp(atom) == cp


def test_prune_keeps_remaining_alternatives_and_drops_empty_groups() -> None:
    keep = {"sys-firmware/seabios", "sys-power/iasl"}
    nodes = depstring.parse(XEN_TOOLS_DEPEND)
    pruned = depstring.prune(nodes, lambda a: depstring.atom_cp(a) in keep)
    assert depstring.render(pruned) == (
        "amd64? ( sys-power/iasl system-seabios? ( || ( sys-firmware/seabios ) ) )"
    )


def test_prune_any_of_without_alternatives_is_dropped() -> None:
    pruned = depstring.prune(depstring.parse("a/b || ( c/d e/f )"), lambda a: a == "a/b")
    assert depstring.render(pruned) == "a/b"


@pytest.mark.parametrize("text", ["( a/b", "a/b )", "|| a/b", "flag? a/b"])
def test_malformed(text: str) -> None:
    with pytest.raises(DepSyntaxError):
        depstring.parse(text)


@pytest.mark.parametrize(
    ("pf", "split"),
    [("xen-tools-4.20.3", ("xen-tools", "4.20.3")),
     ("gentoo-kernel-bin-6.12.93-r1", ("gentoo-kernel-bin", "6.12.93-r1")),
     ("ipxe-1.21.1_p20230601-r1", ("ipxe", "1.21.1_p20230601-r1")),
     ("python-3.12.13_p1", ("python", "3.12.13_p1"))],
)
def test_split_pf(pf: str, split: tuple[str, str]) -> None:
    assert depstring.split_pf(pf) == split
