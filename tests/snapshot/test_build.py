"""xenmig.maint.snapshot: the embedded ::gentoo snapshot, proven against its
real inputs (md5-cache entries and profile files copied from Gentoo)."""

from __future__ import annotations

import datetime as dt
import filecmp
from pathlib import Path

import pytest

from tests.support.gentoo import REPO_ROOT, SHARED, SNAPSHOT
from xenmig.cli.snapshot import regen_metadata
from xenmig.errors import UserError
from xenmig.gentoo import depstring
from xenmig.gentoo.repos import snapshot_date
from xenmig.maint import snapshot as build
from xenmig.snapshot.md5cache import iter_entries

INPUTS = REPO_ROOT / "tools/snapshot-inputs"
SHARED_METADATA = SHARED / "gentoo-metadata"
needs_shared = pytest.mark.skipif(
    not SHARED_METADATA.is_dir(),
    reason=f"{SHARED_METADATA} absent: the shared Gentoo metadata exists only in the lab and CI",
)
# Keys a replica must reproduce exactly (dependencies are checked separately).
EXACT_KEYS = ("EAPI", "SLOT", "KEYWORDS", "IUSE", "REQUIRED_USE", "LICENSE", "DESCRIPTION")


def _sources() -> list[Path]:
    return [SHARED_METADATA, INPUTS, INPUTS / "reconstructed"]


def _inputs() -> dict[str, dict[str, str]]:
    dirs = [INPUTS / "md5-cache"]
    if SHARED_METADATA.is_dir():
        dirs.append(SHARED_METADATA / "md5-cache")
    return {e.cpv: e.keys for d in dirs for e in iter_entries(d)}


def _snapshot_cache() -> dict[str, dict[str, str]]:
    return {e.cpv: e.keys for e in iter_entries(SNAPSHOT / "metadata/md5-cache")}


@needs_shared
def test_committed_snapshot_is_what_the_inputs_generate(tmp_path: Path) -> None:
    out = tmp_path / "gentoo"
    build.build(_sources(), out, snapshot_date(SNAPSHOT), regen_metadata, ["metapackage"])
    comparison = filecmp.dircmp(out, SNAPSHOT)
    differences: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        differences.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison, "")
    assert differences == [], "regenerate the snapshot (see README.md): " + ", ".join(differences)


def test_replicas_carry_the_real_metadata() -> None:
    inputs, cache = _inputs(), _snapshot_cache()
    assert inputs, "no inputs"
    for cpv, keys in inputs.items():
        assert cpv in cache, f"{cpv} missing from the snapshot"
        for key in EXACT_KEYS:
            assert cache[cpv].get(key, "") == keys.get(key, ""), f"{cpv} {key}"


def test_dependencies_are_pruned_to_the_snapshot_and_no_further() -> None:
    inputs, cache = _inputs(), _snapshot_cache()
    present = {f"{cpv.split('/')[0]}/{depstring.split_pf(cpv.split('/')[1])[0]}" for cpv in cache}
    for cpv, keys in inputs.items():
        for key in ("DEPEND", "RDEPEND", "BDEPEND", "PDEPEND", "IDEPEND"):
            replica = list(depstring.atoms(depstring.parse(cache[cpv].get(key, ""))))
            original = list(depstring.atoms(depstring.parse(keys.get(key, ""))))
            assert all(depstring.atom_cp(a) in present for a in replica), f"{cpv} {key}"
            kept = [a for a in original if depstring.atom_cp(a) in present]
            assert replica == kept, f"{cpv} {key}: pruned more than packages outside the snapshot"


def test_profiles_desc_lists_the_reproduced_stacks() -> None:
    lines = (SNAPSHOT / "profiles/profiles.desc").read_text().splitlines()
    assert lines == [
        "amd64\tdefault/linux/amd64/23.0\tstable",
        "x86\tdefault/linux/x86/23.0/i686\tstable",
    ]


def _minimal_inputs(root: Path, eapi: str = "8") -> Path:
    entry = root / "md5-cache/app-misc/foo-1"
    entry.parent.mkdir(parents=True)
    entry.write_text(f"EAPI={eapi}\nSLOT=0\n")
    (root / "metadata").mkdir()
    (root / "metadata/layout.conf").write_text("masters =\n")
    return root


def test_refuses_to_replace_a_directory_that_is_not_a_snapshot(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious").write_text("user data\n")
    with pytest.raises(UserError, match="not a snapshot"):
        build.build([_minimal_inputs(tmp_path / "src")], out, dt.date(2026, 11, 25), None)
    assert (out / "precious").read_text() == "user data\n"


def test_conflicting_inputs_are_an_error(tmp_path: Path) -> None:
    for name, eapi in (("a", "8"), ("b", "7")):
        _minimal_inputs(tmp_path / name, eapi)
    with pytest.raises(UserError, match="conflicts with"):
        build.build([tmp_path / "a", tmp_path / "b"], tmp_path / "out", dt.date(2026, 11, 25), None)


def test_input_that_is_not_an_md5_cache_entry_names_the_file(tmp_path: Path) -> None:
    entry = tmp_path / "src/md5-cache/app-misc/foo-1"
    entry.parent.mkdir(parents=True)
    entry.write_text("just text\n")
    with pytest.raises(UserError, match=r"foo-1:1: not a KEY=value line"):
        build.build([tmp_path / "src"], tmp_path / "out", dt.date(2026, 11, 25), None)
