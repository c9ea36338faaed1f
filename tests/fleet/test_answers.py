"""Portage's answers: keyed by their inputs, remembered on disk, never
stale (xenmig.gentoo.answers), and make.conf read once per content."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from xenmig.cache import cache_dir
from xenmig.gentoo.answers import SYNCED_MIN_ENTRIES, Answers, ViewInputs, repos_fingerprint
from xenmig.gentoo.portage_view import Repo, read_make_conf
from xenmig.gentoo.repos import RepoSet
from xenmig.rules.context import DOM0_PROFILES

META = ("app-emulation/xen-migration-meta",)
INPUTS = ViewInputs.of(DOM0_PROFILES["amd64"], {}, {
    "package.accept_keywords/90-xenmig": b"app-emulation/xen-migration-meta ~amd64\n"
})


def test_inputs_digest_covers_every_part() -> None:
    base = INPUTS.digest()
    assert ViewInputs.of(INPUTS.profile, {}, dict(INPUTS.files)).digest() == base
    assert ViewInputs.of(INPUTS.profile, {"USE": "x"}, dict(INPUTS.files)).digest() != base
    assert ViewInputs.of("gentoo:default/linux/amd64/23.0", {}, dict(INPUTS.files)).digest() \
        != base
    other = {"package.accept_keywords/90-xenmig": b"app-emulation/xen-migration-meta **\n"}
    assert ViewInputs.of(INPUTS.profile, {}, other).digest() != base
    # a file's name and content cannot run into each other
    assert ViewInputs.of("p", {}, {"a": b"bc"}).digest() != ViewInputs.of(
        "p", {}, {"ab": b"c"}).digest()


def test_fingerprint_follows_the_repository_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "profiles").mkdir(parents=True)
    (repo / "profiles/repo_name").write_text("r\n")
    (repo / ".git").mkdir()
    repos = [Repo("r", repo)]
    first = repos_fingerprint(repos)
    assert repos_fingerprint(repos) == first
    (repo / ".git/index").write_text("git's own files do not count")
    assert repos_fingerprint(repos) == first
    (repo / "cat").mkdir()
    (repo / "cat/x.ebuild").write_text("EAPI=8\n")
    second = repos_fingerprint(repos)
    assert second != first
    st = (repo / "cat/x.ebuild").stat()
    os.utime(repo / "cat/x.ebuild", ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert repos_fingerprint(repos) != second
    # distfiles, packages and .git are skipped at the top only: a package
    # named "packages" is part of the repository
    third = repos_fingerprint(repos)
    (repo / "cat/packages").mkdir()
    (repo / "cat/packages/packages-1.ebuild").write_text("EAPI=8\n")
    assert repos_fingerprint(repos) != third


def test_a_synced_gentoo_is_known_by_its_stamp(tmp_path: Path) -> None:
    repo = tmp_path / "gentoo"
    for n in range(SYNCED_MIN_ENTRIES + 1):
        (repo / f"cat-{n}/pkg").mkdir(parents=True)
    (repo / "metadata").mkdir()
    (repo / "metadata/timestamp.chk").write_text("Mon, 23 Nov 2026 00:45:01 +0000\n")
    first = repos_fingerprint([Repo("gentoo", repo)])
    # no walk: not in the fingerprint; the answers that consulted
    # cat-1/pkg check it again (tests/fleet/test_cache_truth.py)
    (repo / "cat-1/pkg/pkg-1.ebuild").write_text("EAPI=8\n")
    assert repos_fingerprint([Repo("gentoo", repo)]) == first
    (repo / "metadata/timestamp.chk").write_text("Tue, 24 Nov 2026 00:45:01 +0000\n")
    second = repos_fingerprint([Repo("gentoo", repo)])
    assert second != first
    (repo / "Manifest").write_text("MANIFEST a\n")  # a sync rewrites it
    third = repos_fingerprint([Repo("gentoo", repo)])
    assert third != second
    (repo / "profiles").mkdir()
    (repo / "profiles/categories").write_text("new-category\n")  # profiles are walked
    assert repos_fingerprint([Repo("gentoo", repo)]) != third


def test_answers_are_remembered_and_shared(snapshot_repos: RepoSet, tmp_path: Path) -> None:
    store = tmp_path / "answers"
    with Answers(snapshot_repos.repos, store) as first:
        resolution = first.resolve(INPUTS, META)
        again = first.resolve(INPUTS, META)
        assert again == resolution and resolution.merge_list
        assert first.counts == {"computed": 1, "shared": 1}
        versions = first.match_all("app-emulation/xen", INPUTS.profile)
        assert "app-emulation/xen-4.20.3" in versions
    with Answers(snapshot_repos.repos, store) as second:
        assert second.resolve(INPUTS, META) == resolution
        assert second.match_all("app-emulation/xen", INPUTS.profile) == versions
        assert second.counts == {"remembered": 2}
    # A torn entry (a crash while writing; the cache is not fsynced) is
    # computed again.
    entries = [p for p in store.rglob("*.json")]
    assert len(entries) == 2
    for entry in entries:
        entry.write_text('{"success": tr')
    with Answers(snapshot_repos.repos, store) as third:
        assert third.resolve(INPUTS, META) == resolution
        assert third.counts == {"computed": 1}
    with Answers(snapshot_repos.repos, None) as memory_only:
        memory_only.resolve(INPUTS, META)
        assert memory_only.store is None and memory_only.counts == {"computed": 1}


def test_unused_fingerprints_are_pruned(snapshot_repos: RepoSet, tmp_path: Path) -> None:
    store = tmp_path / "answers"
    old, recent = store / "old-fingerprint", store / "recent-fingerprint"
    for directory in (old, recent):
        directory.mkdir(parents=True)
    os.utime(old, (0, 0))
    with Answers(snapshot_repos.repos, store) as answers:
        answers.match_all("app-emulation/xen", INPUTS.profile)
    assert not old.exists() and recent.exists()
    assert answers.store is not None and answers.store.is_dir()


MAKE_CONF = 'CFLAGS="-O2 -pipe"\nCXXFLAGS="${CFLAGS}"\nUSE="xen"\n'


def test_make_conf_is_read_once_per_content(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    (root / "etc/portage/make.conf").write_text(MAKE_CONF)
    memo = cache_dir() / "make-conf"
    before = set(memo.glob("*.json")) if memo.is_dir() else set()
    first = read_make_conf(root)
    assert first.values["USE"] == "xen" and first.values["CXXFLAGS"] == "-O2 -pipe"
    assert first.error is None
    added = set(memo.glob("*.json")) - before
    assert len(added) == 1
    (entry,) = added
    assert json.loads(entry.read_text()) == first.values
    assert read_make_conf(root) == first
    (root / "etc/portage/make.conf").write_text(MAKE_CONF.replace("xen", "-xen"))
    assert read_make_conf(root).values["USE"] == "-xen"


@pytest.mark.parametrize("line", ["source /etc/portage/extra.conf", ". ./extra.conf"])
def test_a_sourcing_make_conf_is_read_every_time(tmp_path: Path, line: str) -> None:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    (root / "etc/portage/extra.conf").write_text('USE="extra"\n')
    (root / "etc/portage/make.conf").write_text(f"{line}\n")
    memo = cache_dir() / "make-conf"
    before = set(memo.glob("*.json")) if memo.is_dir() else set()
    read_make_conf(root)
    assert (set(memo.glob("*.json")) if memo.is_dir() else set()) == before
