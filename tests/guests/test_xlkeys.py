"""xenmig's table of xl keys and its disk grammar, against xl 4.17 itself:
its manual page, its binary, and its parser."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from tests.support.xl import XL, dry_run, require_xl
from xenmig.guests.xldisk import parse_disk
from xenmig.guests.xlkeys import XL_KEYS, check_value, suggest

MAN = Path("/usr/share/man/man5/xl.cfg.5.gz")


def _man_keys() -> set[str]:
    """The top-level ``=item B<key=...>`` entries of xl.cfg(5) (the roff
    that pod2man made: nested lists are inside .RS/.RE)."""
    depth, keys = 0, set()
    with gzip.open(MAN, "rt", encoding="utf-8", errors="replace") as page:
        lines = page.read().splitlines()
    for line in lines:
        if line.startswith(".RS"):
            depth += 1
        elif line.startswith(".RE"):
            depth -= 1
        elif depth == 0 and (m := re.match(r'(?:\.ie n |\.el )?\.IP "\\fB([a-z_0-9]+)\+?=',
                                           line)):
            keys.add(m[1])
    return keys


def test_the_table_is_xl_cfg_5_of_xen_4_17() -> None:
    if not MAN.is_file():
        pytest.skip(f"{MAN} is absent (xen-utils-4.17 with its manual pages)")
    documented = _man_keys()
    assert len(documented) > 140
    ours = {name for name, key in XL_KEYS.items() if key.since == "4.17"}
    # Read by xl_parse.c without an entry of their own in the manual page.
    undocumented = {"display", "xauthority", "device_model"}
    assert documented == ours - undocumented


def test_every_key_is_a_string_of_the_xl_binary() -> None:
    """libxl's parser is compiled into xl: each key it reads is a string
    there (the linker shares string tails: "kernel" may end
    "stubdomain_kernel")."""
    require_xl()
    strings = {s.decode() for s in re.findall(rb"[\x20-\x7e]{2,}", XL.read_bytes())}
    missing = [k for k, key in XL_KEYS.items()
               if key.since == "4.17" and not any(s.endswith(k) for s in strings)]
    assert missing == []


@pytest.mark.parametrize("key, value, why", [
    ("memory", 512, None), ("memory", "512", None), ("memory", "lots", "takes number"),
    ("viridian", 1, None), ("viridian", ["defaults"], None), ("vnc", ["1"], "takes boolean"),
    ("name", 5, None), ("disk", "x", "takes list"), ("rtc_timeoffset", -3600, None),
    ("cap", -1, "a negative number"), ("vnuma", [["pnode=0"]], None),
])
def test_value_forms(key: str, value: object, why: str | None) -> None:
    found = check_value(XL_KEYS[key], value)
    assert (found is None) if why is None else (found is not None and why in found)


def test_suggestions() -> None:
    assert suggest("memroy") == " (did you mean memory?)"
    assert suggest("initrd") == " (did you mean ramdisk?)"
    assert suggest("zzzz") == ""


# Disk specifications with xl's verdict: accepted or the words of its refusal.
DISKS = [
    ("phy:/dev/vg0/g,xvda,w", None),
    ("phy:/dev/vg0/g,xvda,wr", "access"),
    ("phy:/dev/vg0/g,xvda,rw,extra", "too many positional parameters"),
    ("phy:/dev/vg0/g,xvda,w!", "access"),
    ("/dev/vg/x,qcow3,xvda", "format"),
    ("/dev/x,xvdb", "format"),
    ("/x,raw,xvda,rw,discard", None),
    ("tap:aio:/srv/g.img,xvda,w", None),
    ("file:/srv/g.img,xvda1,w", None),
    ("format=raw, vdev=xvda, access=w, target=/srv/xen images/g.img", None),
    ("/root/image.iso,,hdc,,cdrom", None),
    ("raw:/root/image.iso,hdc:cdrom,ro", None),
    (",hdc:cdrom,r", None),
    ("/dev/vg0/g,xvda,w,backendtype=phy", "format"),
    ("vdev=xvdb, target=/x,y", None),
    ("/dev/vg/guest-volume,,hda", None),
    ("/dev/vg/guest-volume,raw,hda,rw", None),
]


@pytest.mark.parametrize("spec, refusal", DISKS)
def test_disk_grammar_agrees_with_xl(spec: str, refusal: str | None, tmp_path: Path) -> None:
    try:
        parse_disk(spec)
        ours = None
    except ValueError as error:
        ours = str(error)
    assert (ours is None) == (refusal is None), ours
    if refusal is not None:
        assert ours is not None and refusal in ours
    require_xl()
    cfg = tmp_path / "d.cfg"
    quoted = spec.replace("'", "\\'")
    cfg.write_text(f"name = 'd'\ntype = 'hvm'\ndisk = [ '{quoted}' ]\n")
    run = dry_run(cfg)
    assert run.ok == (refusal is None), run.diagnostics
    if refusal is not None:
        assert any(refusal.split()[0] in line for line in run.diagnostics), run.diagnostics


def test_vdev_names_xl_leaves_to_libxl_are_refused_early() -> None:
    """xl -N takes any vdev; libxl refuses a bad one only when the guest
    starts: xenmig refuses it when the spec is read."""
    for bad in ("xvdA", "sdz99x", "cdrom"):
        with pytest.raises(ValueError, match="vdev"):
            parse_disk(f"/dev/vg/x,raw,{bad},w")
