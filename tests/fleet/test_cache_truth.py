"""Caches that never lie: for each kind of change, the change alters what
an empty cache answers (so the test can fail), and a warm cache answers the
same as an empty one."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.gentoo import REPO_ROOT
from tests.support.realworld import snapshot_files
from xenmig.gentoo import repos
from xenmig.gentoo.answers import (
    SYNCED_MIN_ENTRIES,
    Answers,
    ViewInputs,
    is_synced,
    repos_fingerprint,
)
from xenmig.gentoo.portage_view import PortageView, Repo, read_make_conf
from xenmig.rules.context import DOM0_PROFILES

SPEC = REPO_ROOT / "examples/fleet/xen10.toml"
META = ("app-emulation/xen-migration-meta",)
INPUTS = ViewInputs.of(DOM0_PROFILES["amd64"], {}, {
    "package.accept_keywords/90-xenmig": b"app-emulation/xen-migration-meta ~amd64\n"
})


def render(tmp_path: Path, cache: Path, name: str, **env: str) -> dict[str, bytes | str]:
    out = tmp_path / name
    proc = xenmig(cache, "render", SPEC, "--out", out, env=env)
    assert proc.returncode == 0, proc.stdout
    return snapshot_files(out)


def test_the_callers_environment_never_reaches_portage(tmp_path: Path) -> None:
    cold = render(tmp_path, tmp_path / "cold-cache", "cold")
    warm_cache = tmp_path / "warm-cache"
    poisoned = render(tmp_path, warm_cache, "poisoned", ACCEPT_KEYWORDS="~amd64",
                      ACCEPT_LICENSE="-*", USE="-flask", FEATURES="-collision-protect",
                      PORTDIR="/nonexistent", PORTAGE_CONFIGROOT="/nonexistent")
    assert poisoned == cold
    assert render(tmp_path, warm_cache, "warm") == cold
    # The variables would change portage's answer if they reached it.
    assert any(k.endswith("package.accept_keywords/90-xenmig") for k in cold)


def test_portage_honours_what_the_environment_would_have_said(snapshot_repos: object,
                                                               tmp_path: Path) -> None:
    """The differential test above can fail: the same setting, given to
    portage through the configuration, changes the answer."""
    rs = repos.snapshot_repo_set(repos.find_overlay(), today=repos.snapshot_date())
    plain = PortageView(tmp_path / "plain", rs.repos, INPUTS.profile).resolve(list(META))
    testing = PortageView(tmp_path / "testing", rs.repos, INPUTS.profile,
                          {"ACCEPT_KEYWORDS": "~amd64"}).resolve(list(META))
    assert plain.keyword_changes and not testing.keyword_changes


def copied_snapshot(tmp_path: Path) -> list[Repo]:
    rs = repos.snapshot_repo_set(repos.find_overlay(), today=repos.snapshot_date())
    gentoo = tmp_path / "gentoo"
    shutil.copytree(rs.gentoo.location, gentoo, symlinks=True)
    overlay = tmp_path / "overlay"
    shutil.copytree(rs.overlay.location, overlay, symlinks=True)
    return [Repo("gentoo", gentoo), Repo(rs.overlay.name, overlay, ("gentoo",))]


def same_size_same_mtime(path: Path, old: str, new: str) -> None:
    """Edit ``path`` keeping its size and mtime (as cp -p, tar, rsync -t do)."""
    assert len(old) == len(new)
    st = path.stat()
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


@pytest.mark.parametrize("where", ["gentoo", "overlay"])
def test_same_size_same_mtime_edits_are_seen(tmp_path: Path, where: str) -> None:
    repo_list = copied_snapshot(tmp_path)
    store = tmp_path / "answers"
    with Answers(repo_list, store) as warm:
        before = warm.resolve(INPUTS, META)
    if where == "gentoo":
        # xen-tools loses its stable keyword: the answer needs ~amd64 for it
        ebuild = next((tmp_path / "gentoo/app-emulation/xen-tools").glob("xen-tools-4.20*"))
        same_size_same_mtime(ebuild, "KEYWORDS=\"amd64", "KEYWORDS=\"arm64")
    else:
        ebuild = next((tmp_path / "overlay/app-emulation/xen-migration-meta").glob("*.ebuild"))
        same_size_same_mtime(ebuild, "~amd64", "~arm64")
    with Answers(repo_list, None) as cold:
        truth = cold.resolve(INPUTS, META)
    assert truth != before  # the edit matters
    with Answers(repo_list, store) as warm:
        assert warm.resolve(INPUTS, META) == truth
        assert warm.counts["computed"] == 1


def test_a_changed_xenmig_module_is_another_xenmig(tmp_path: Path) -> None:
    package = tmp_path / "src/xenmig"
    shutil.copytree(REPO_ROOT / "tools/src/xenmig", package,
                    ignore=shutil.ignore_patterns("__pycache__", "data"))
    probe = "from xenmig.cache import code_identity; print(code_identity().hex())"

    def identity() -> str:
        return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONPATH": str(tmp_path / "src")}
                              ).stdout
    first = identity()
    assert identity() == first
    same_size_same_mtime(package / "rules/ssp.py", "stack", "stacK")
    assert identity() != first


def test_make_conf_through_a_linked_directory(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/portage/make.conf").mkdir(parents=True)
    (root / "srv/shared").mkdir(parents=True)
    (root / "srv/shared/use.conf").write_text('USE="xen"\n')
    (root / "etc/portage/make.conf/shared").symlink_to("../../../srv/shared")
    assert read_make_conf(root).values["USE"] == "xen"
    same_size_same_mtime(root / "srv/shared/use.conf", "xen", "kvm")
    assert read_make_conf(root).values["USE"] == "kvm"


@pytest.mark.parametrize("text", ["source\n/etc/portage/extra.conf\n",
                                  "FOO=1\nsource   /etc/portage/extra.conf\n"])
def test_make_conf_sourcing_on_its_own_line_is_followed(tmp_path: Path, text: str) -> None:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    (root / "etc/portage/extra.conf").write_text('USE="xen"\n')
    (root / "etc/portage/make.conf").write_text(text)
    assert read_make_conf(root).values.get("USE") == "xen"
    same_size_same_mtime(root / "etc/portage/extra.conf", "xen", "kvm")
    assert read_make_conf(root).values.get("USE") == "kvm"


def _replica(into: str) -> str:
    return str(repos.overlay_replica(repos.find_overlay(), Path(into)))


def test_replicas_built_by_many_processes_at_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    for trial in range(5):
        into = tmp_path / f"trial-{trial}"
        with context.Pool(4) as pool:
            made = pool.map(_replica, [str(into)] * 8)
        assert len(set(made)) == 1
        (target,) = set(made)
        assert Path(target, ".xenmig-complete").is_file()
        assert sorted(p.name for p in into.iterdir()) == [Path(target).name]
        assert any(Path(target).rglob("*.ebuild"))


def test_an_unusable_cache_is_not_used(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory should be\n")
    proc = xenmig(blocked, "render", SPEC, "--out", tmp_path / "out", merge_stderr=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr.count("cache not used") >= 1 and "Traceback" not in proc.stderr
    assert render(tmp_path, tmp_path / "cache", "normal") == snapshot_files(tmp_path / "out")


@pytest.mark.parametrize("entry", ["{}", "[]", '{"success": true}', '"text"'])
def test_an_entry_of_the_wrong_shape_is_a_miss(tmp_path: Path, entry: str) -> None:
    rs = repos.snapshot_repo_set(repos.find_overlay(), today=repos.snapshot_date())
    store = tmp_path / "answers"
    with Answers(rs.repos, store) as first:
        truth = first.resolve(INPUTS, META), first.match_all("app-emulation/xen", INPUTS.profile)
    for path in store.rglob("*.json"):
        path.write_text(entry)
    with Answers(rs.repos, store) as second:
        again = second.resolve(INPUTS, META), second.match_all("app-emulation/xen",
                                                                INPUTS.profile)
        assert again == truth and second.counts == {"computed": 2}


def synced_copy(tmp_path: Path) -> list[Repo]:
    """The snapshot copied and made to look synced: over a hundred
    top-level entries, metadata/timestamp.chk and a top-level Manifest."""
    repo_list = copied_snapshot(tmp_path)
    gentoo = repo_list[0].location
    for n in range(SYNCED_MIN_ENTRIES):
        (gentoo / f"zz-unused-{n}").mkdir()
    (gentoo / "Manifest").write_text("MANIFEST profiles/Manifest.gz 1 BLAKE2B 00\n")
    (gentoo / "eclass").mkdir()
    (gentoo / "eclass/example.eclass").write_text("# an eclass\n")
    assert is_synced(gentoo)
    return repo_list


def mask_xen_tools(gentoo: Path, profile_file: str) -> None:
    with open(gentoo / profile_file, "a", encoding="utf-8") as handle:
        handle.write("\n=app-emulation/xen-tools-4.20.3\n")


# Deep edits in a synced-looking tree; metadata/timestamp.chk is kept.
DEEP_EDITS = {
    "keywords of a consulted package": lambda g: same_size_same_mtime(
        g / "app-emulation/xen-tools/xen-tools-4.20.3.ebuild", 'KEYWORDS="amd64',
        'KEYWORDS="arm64'),
    "profiles/package.mask": lambda g: mask_xen_tools(g, "profiles/package.mask"),
    "a package.mask in the profile chain": lambda g: mask_xen_tools(
        g, "profiles/arch/amd64/package.mask"),
}


@pytest.mark.parametrize("edit", list(DEEP_EDITS))
def test_deep_edits_in_a_synced_tree_are_seen(tmp_path: Path, edit: str) -> None:
    repo_list = synced_copy(tmp_path)
    store = tmp_path / "answers"
    with Answers(repo_list, store) as warm:
        before = warm.resolve(INPUTS, META)
    DEEP_EDITS[edit](repo_list[0].location)
    with Answers(repo_list, None) as cold:
        truth = cold.resolve(INPUTS, META)
    assert truth != before
    with Answers(repo_list, store) as warm:
        assert warm.resolve(INPUTS, META) == truth
        assert warm.counts["computed"] == 1


def test_a_new_version_in_a_synced_tree_is_seen(tmp_path: Path) -> None:
    repo_list = synced_copy(tmp_path)
    store = tmp_path / "answers"
    with Answers(repo_list, store) as warm:
        before = warm.match_all("app-emulation/xen", INPUTS.profile)
    xen = repo_list[0].location / "app-emulation/xen"
    shutil.copy(xen / "xen-4.20.3.ebuild", xen / "xen-4.21.0.ebuild")
    with Answers(repo_list, None) as cold:
        truth = cold.match_all("app-emulation/xen", INPUTS.profile)
    assert "app-emulation/xen-4.21.0" in truth and truth != before
    with Answers(repo_list, store) as warm:
        assert warm.match_all("app-emulation/xen", INPUTS.profile) == truth


def test_an_eclass_edit_in_a_synced_tree_changes_the_fingerprint(tmp_path: Path) -> None:
    repo_list = synced_copy(tmp_path)
    first = repos_fingerprint(repo_list)
    same_size_same_mtime(repo_list[0].location / "eclass/example.eclass", "eclass", "Eclass")
    assert repos_fingerprint(repo_list) != first


def git(top: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(top), "-c", "user.name=t", "-c", "user.email=t@t",
                    *args], check=True, capture_output=True)


def test_a_git_checkout_moved_and_dirtied(tmp_path: Path) -> None:
    repo_list = synced_copy(tmp_path)
    gentoo = repo_list[0].location
    git(gentoo, "init", "-q")
    git(gentoo, "add", "-A")
    git(gentoo, "commit", "-qm", "synced")
    store = tmp_path / "answers"
    with Answers(repo_list, store) as warm:
        clean = warm.resolve(INPUTS, META)
    committed = repos_fingerprint(repo_list)
    # dirtied: an edit outside any consulted package still changes the tree
    same_size_same_mtime(gentoo / "profiles/repo_name", "gentoo", "Gentoo")
    assert repos_fingerprint(repo_list) != committed
    same_size_same_mtime(gentoo / "profiles/repo_name", "Gentoo", "gentoo")
    # moved: a commit that masks xen-tools
    mask_xen_tools(gentoo, "profiles/package.mask")
    git(gentoo, "add", "-A")
    git(gentoo, "commit", "-qm", "mask")
    with Answers(repo_list, None) as cold:
        truth = cold.resolve(INPUTS, META)
    assert truth != clean
    with Answers(repo_list, store) as warm:
        assert warm.resolve(INPUTS, META) == truth
    # back to the first commit: the first answer again
    git(gentoo, "checkout", "-q", "HEAD~1")
    with Answers(repo_list, store) as warm:
        assert warm.resolve(INPUTS, META) == clean


@pytest.mark.parametrize("entry", ["[]", '{"USE": 1}', '"text"'])
def test_a_make_conf_memo_of_the_wrong_shape_is_a_miss(tmp_path: Path, entry: str) -> None:
    from xenmig.cache import cache_dir

    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    (root / "etc/portage/make.conf").write_text(f'USE="xen {tmp_path.name}"\n')
    memo = cache_dir() / "make-conf"
    before = set(memo.glob("*.json")) if memo.is_dir() else set()
    truth = read_make_conf(root)
    (added,) = set(memo.glob("*.json")) - before
    added.write_text(entry)
    assert read_make_conf(root) == truth
