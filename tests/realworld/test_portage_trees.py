"""xenmig apply on the real-world /etc/portage trees of ../shared/realworld.

Every file xenmig does not own stays byte-identical, a second apply changes
nothing, and portage's own config loader reads the result (with xenmig's
entries in it) without a new complaint.  Broken variants of a tree yield
findings and exit statuses, never a traceback.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import xenmig
from tests.support.realworld import copy_tree, snapshot_files, tree_params, trees
from tests.support.specs import write_spec
from xenmig.gentoo.portage_view import _import_portage, repos_conf
from xenmig.gentoo.repos import RepoSet
from xenmig.output.writer import TARGETS

# xenmig's files outside etc/portage (kernel fragments, netifrc, GRUB, xl.conf)
ROOT_TARGETS = tuple(t for t in TARGETS if t.startswith("/"))
OWNED = ("90-xenmig", "zz-xenmig", "xenmig-no-ssp.conf", "xenmig-no-collision-protect.conf")
SPEC: dict[str, dict[str, Any]] = {
    "host": {"xen": "4.19"},
    # the spec is authoritative for CHOST (the arm64 tree gets ChostMismatch)
    "portage": {"chost": "x86_64-pc-linux-gnu", "use": ["flask", "pygrub", "xsm"],
                "no_ssp": ["sys-libs/glibc"], "cflags": "-O2 -pipe -fstack-protector-all"},
}


# What each tree's own configuration earns it (besides info findings).
EXPECTED_WARNINGS = {
    "lsartory__NanoPi_R6S": {"ChostMismatch"},  # an arm64 host, the spec says x86_64
    # xen-tools[system-qemu] from its package.use makes a build cycle with qemu[xen]
    "tokiclover__dotfiles": {"HostConfigBlocksResolution"},
    # its package.use/python turns off sqlite, which the migration set needs
    "yafa-xena__dotfiles": {"HostConfigBlocksResolution"},
    "yafa-xena__dotfiles@aa32b41": set(),
}


def portage_config(root: Path, repos: RepoSet) -> tuple[Any, set[str]]:
    """portage.config on ``root`` (the repositories replaced by the
    evaluated ones: the trees name /var/db/repos paths of their hosts) and
    the lines it complained with."""
    portage = _import_portage()
    said = io.StringIO()
    with contextlib.redirect_stderr(said), contextlib.redirect_stdout(said):
        settings = portage.config(
            config_root=str(root), target_root=str(root),
            config_profile_path=str(repos.overlay.location / "profiles/xen-dom0/amd64/23.0"),
            env={"PORTAGE_REPOSITORIES": repos_conf(repos.repos), "PATH": "/usr/bin:/bin"},
        )
    lines = {line.replace(str(root), "ROOT") for line in said.getvalue().splitlines()}
    return settings, lines


def owned(rel: str) -> bool:
    return (Path(rel).name in OWNED or f"/{rel}" in ROOT_TARGETS
            or rel.startswith(("etc/init.d/", "etc/runlevels/default/")))  # xenmig's links


@pytest.mark.parametrize("tree", tree_params())
def test_apply_keeps_every_byte_and_portage_reads_the_result(
    tree: Path, tmp_path: Path, snapshot_repos: RepoSet
) -> None:
    root = copy_tree(tree, tmp_path / "root")
    spec = write_spec(tmp_path, "rw", **SPEC)
    before = snapshot_files(root)
    _, complaints_before = portage_config(root, snapshot_repos)

    first = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert first.returncode == 0, first.stdout
    assert "Traceback" not in first.stdout
    warned = {line.rsplit("[", 1)[1].rstrip("]") for line in first.stdout.splitlines()
              if ": warning: " in line}
    assert warned == EXPECTED_WARNINGS.get(tree.name, set()), first.stdout
    after = snapshot_files(root)
    for rel, data in before.items():
        if owned(rel):
            continue
        new = after[rel]
        if isinstance(data, bytes) and new != data:
            # a package.* file: xenmig's block on top, the user's bytes after it
            assert isinstance(new, bytes) and new.endswith(data), rel
            head = new[: len(new) - len(data)].decode()
            assert head.startswith("# BEGIN xenmig ") and head.endswith("# END xenmig\n"), rel
        else:
            assert new == data, rel
    created = sorted(set(after) - set(before))
    assert created and all(owned(rel) for rel in created), created
    assert not [rel for rel in after if Path(rel).name.startswith(".xenmig-")]

    second = xenmig(tmp_path / "cache", "apply", spec, "--root", root)
    assert second.returncode == 0
    assert all(line.split()[0] == "identical" for line in second.stdout.splitlines()
               if line.split() and line.split()[0] in ("identical", "create", "update", "remove"))
    assert snapshot_files(root) == after
    assert xenmig(tmp_path / "cache", "apply", spec, "--root", root, "--check").returncode == 0

    settings, complaints_after = portage_config(root, snapshot_repos)
    assert complaints_after <= complaints_before, complaints_after - complaints_before
    assert "flask" in dict(
        settings._use_manager._pusedict.get("app-emulation/xen", {}).items()
    ).get(_atom("app-emulation/xen"), ())
    assert any(
        str(atom) == ">=app-emulation/xen-4.20_alpha"
        for atom in settings._mask_manager._pmaskdict.get("app-emulation/xen", [])
    )
    penv = settings._penvdict.get("sys-libs/glibc", {})
    assert any("xenmig-no-ssp.conf" in files for files in penv.values())


def _atom(text: str) -> Any:
    return _import_portage().dep.Atom(text)


def test_the_stored_trees_are_there() -> None:
    if not trees():
        pytest.skip("../shared/realworld is absent (dev and CI checkouts only)")
    assert len(trees()) >= 4


# -- broken variants ------------------------------------------------------------

BASE_TREE = "yafa-xena__dotfiles@aa32b41"


@pytest.fixture
def base_root(tmp_path: Path) -> Path:
    found = [t for t in trees() if t.name == BASE_TREE]
    if not found:
        pytest.skip(f"../shared/realworld/{BASE_TREE} is absent")
    return copy_tree(found[0], tmp_path / "root")


def test_unreadable_make_conf_is_a_warning(base_root: Path, tmp_path: Path) -> None:
    (base_root / "etc/portage/make.conf").write_text('USE="x"\nCFLAGS="-O2 -pipe\n')
    spec = write_spec(tmp_path, "rw", **SPEC)
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", base_root)
    assert proc.returncode == 0, proc.stdout
    assert "No closing quotation [MakeConfUnreadable]" in proc.stdout


@pytest.mark.parametrize(("link", "finding"), [
    # out of the root (chroot semantics: DIR/nonexistent/... is not there)
    ("/nonexistent/package.use", "does not create what a link points to [SymlinkEscapesRoot]"),
    ("../nonexistent/package.use", "neither a file nor a directory [UnusableTarget]"),
])
def test_dangling_package_use_symlink_stops_apply(base_root: Path, tmp_path: Path, link: str,
                                                  finding: str) -> None:
    shutil.rmtree(base_root / "etc/portage/package.use")
    (base_root / "etc/portage/package.use").symlink_to(link)
    before = snapshot_files(base_root)
    spec = write_spec(tmp_path, "rw", **SPEC)
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", base_root)
    assert proc.returncode == 1, proc.stdout
    assert finding in proc.stdout
    assert snapshot_files(base_root) == before


def test_hand_edited_block_stops_apply(base_root: Path, tmp_path: Path) -> None:
    spec = write_spec(tmp_path, "rw", **SPEC)
    assert xenmig(tmp_path / "cache", "apply", spec, "--root", base_root).returncode == 0
    ours = base_root / "etc/portage/package.use/90-xenmig"
    ours.write_text(ours.read_text().replace("flask", "flask debug"))
    before = snapshot_files(base_root)
    proc = xenmig(tmp_path / "cache", "apply", spec, "--root", base_root)
    assert proc.returncode == 1
    assert "managed block edited by hand; left alone [ManagedBlockEdited]" in proc.stdout
    assert snapshot_files(base_root) == before
    check = xenmig(tmp_path / "cache", "check", spec, "--root", base_root, "--json")
    assert check.returncode == 1 and '"name": "ManagedBlockEdited"' in check.stdout
