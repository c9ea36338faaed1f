"""``xenmig regen``: the overlay's ebuilds, generated files, Manifests and
metadata cache come from regen/overlay.toml and regen/templates, with the
real egencache and real git commits (gitpython)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.gentoo import ECLASS_DOUBLES, REPO_ROOT
from tests.support.release import release_distfile
from xenmig.maint import regen

META_EBUILD = "app-emulation/xen-migration-meta/xen-migration-meta-0.1.ebuild"


def run_regen(cache: Path, repo: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return xenmig(cache, "regen", "--repo", repo, "--eclasses", ECLASS_DOUBLES, *args)


def checkout(dest: Path) -> Path:
    """A git repository holding a copy of the overlay and its regen data."""
    for part in (*regen.REPOSITORY_PARTS, "regen"):
        shutil.copytree(REPO_ROOT / part, dest / part, symlinks=True)
    git = ["git", "-C", str(dest), "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "start"], check=True)
    return dest


def git_log(repo: Path) -> list[str]:
    return subprocess.run(["git", "-C", str(repo), "log", "--format=%s"], text=True,
                          stdout=subprocess.PIPE, check=True).stdout.splitlines()


def test_the_committed_overlay_is_what_regen_generates(tmp_path: Path) -> None:
    proc = run_regen(tmp_path / "cache", REPO_ROOT, "--check")
    assert proc.returncode == 0, proc.stdout
    assert "the overlay is what xenmig regen generates" in proc.stdout


def test_check_reports_and_regen_rewrites(tmp_path: Path) -> None:
    repo = checkout(tmp_path / "repo")
    data = (repo / regen.DATA).read_text()
    (repo / regen.DATA).write_text(data.replace('    "net-misc/netifrc",\n', ""))
    (repo / META_EBUILD).write_text((repo / META_EBUILD).read_text() + "# edited by hand\n")
    stale = repo / "app-emulation/xen-migration-meta/xen-migration-meta-0.0.1.ebuild"
    shutil.copyfile(repo / META_EBUILD, stale)

    check = run_regen(tmp_path / "cache", repo, "--check", "--diff")
    assert check.returncode == 1, check.stdout
    assert f"update  {META_EBUILD}" in check.stdout
    assert "-\tnet-misc/netifrc" in check.stdout and "-# edited by hand" in check.stdout
    assert f"remove  {stale.relative_to(repo)}" in check.stdout
    cache_entry = "metadata/md5-cache/app-emulation/xen-migration-meta-0.1"
    assert f"update  {cache_entry}" in check.stdout
    assert "net-misc/netifrc" in (repo / META_EBUILD).read_text()  # --check wrote nothing

    assert run_regen(tmp_path / "cache", repo).returncode == 0
    assert "netifrc" not in (repo / META_EBUILD).read_text()
    assert "netifrc" not in (repo / cache_entry).read_text()
    assert not stale.exists()
    again = run_regen(tmp_path / "cache", repo, "--check")
    assert again.returncode == 0, again.stdout


def test_commit_one_commit_per_package_in_gentoo_style(tmp_path: Path) -> None:
    repo = checkout(tmp_path / "repo")
    data = (repo / regen.DATA).read_text()
    data = data.replace('versions = ["0.1"]', 'versions = ["0.1", "0.2"]')
    data = data.replace('python_compat = "python3_{12..14}"', 'python_compat = "python3_{13..14}"')
    (repo / regen.DATA).write_text(data)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=T", "-c",
                    "user.email=t@example.org", "commit", "-qam", "regen: new data"], check=True)
    env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}
    proc = xenmig(tmp_path / "cache", "regen", "--repo", repo, "--eclasses", ECLASS_DOUBLES,
                  "--commit", env=env)
    assert proc.returncode == 0, proc.stdout
    log = git_log(repo)
    assert log[:2] == ["app-emulation/xen-migration-tools: regenerate from regen/overlay.toml",
                       "app-emulation/xen-migration-meta: add 0.2"]
    # The meta commit holds the new ebuild and its cache entry, nothing else.
    files = subprocess.run(["git", "-C", str(repo), "show", "--name-only", "--format=",
                            "HEAD~1"], text=True, stdout=subprocess.PIPE, check=True).stdout
    assert sorted(files.split()) == [
        "app-emulation/xen-migration-meta/xen-migration-meta-0.2.ebuild",
        "metadata/md5-cache/app-emulation/xen-migration-meta-0.2",
    ]
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], text=True,
                            stdout=subprocess.PIPE, check=True).stdout
    assert status == ""
    assert run_regen(tmp_path / "cache", repo, "--check").returncode == 0


def test_commit_refuses_a_staged_index(tmp_path: Path) -> None:
    repo = checkout(tmp_path / "repo")
    (repo / regen.DATA).write_text((repo / regen.DATA).read_text().replace(
        'versions = ["0.1"]', 'versions = ["0.1", "0.2"]'))
    (repo / "profiles/staged").write_text("x\n")
    subprocess.run(["git", "-C", str(repo), "add", "profiles/staged"], check=True)
    proc = run_regen(tmp_path / "cache", repo, "--commit")
    assert proc.returncode == 2 and "the index has staged changes" in proc.stdout
    assert git_log(repo) == ["start"]


def test_distdir_is_checked_against_the_recorded_hashes(tmp_path: Path) -> None:
    distfile = release_distfile("0.1.0")
    distdir = tmp_path / "distfiles"
    distdir.mkdir()
    (distdir / distfile.name).write_bytes(distfile.data)
    good = run_regen(tmp_path / "cache", REPO_ROOT, "--check", "--distdir", distdir)
    assert good.returncode == 0, good.stdout
    assert f"1 distfiles match their recorded hashes ({distfile.name})" in good.stdout
    (distdir / distfile.name).write_bytes(distfile.data[:-1] + b"!")
    bad = run_regen(tmp_path / "cache", REPO_ROOT, "--check", "--distdir", distdir)
    assert bad.returncode == 2
    assert f"{distdir / distfile.name}: BLAKE2B" in bad.stdout
    assert f"[[dist]] {distfile.name}" in bad.stdout


@pytest.mark.parametrize(("old", "new", "message"), [
    ('keywords = ["~amd64"]\niuse', 'keywords = "~amd64"\niuse',
     "[meta] keywords: a list of strings is needed"),
    ('package = "sys-kernel/xen-sources"', 'package = "sys-kernel/gentoo-sources"',
     "[[dist]] #1 package: 'sys-kernel/gentoo-sources' is not one of"),
    ("size = 7506992", 'size = "big"', "[[dist]] #1 size: a byte count is needed"),
    ('copyright = "', 'copyright = 2026 # "', "copyright: a string is needed"),
])
def test_bad_data_names_the_file_and_key(tmp_path: Path, old: str, new: str,
                                         message: str) -> None:
    repo = checkout(tmp_path / "repo")
    data = (repo / regen.DATA).read_text()
    assert old in data
    (repo / regen.DATA).write_text(data.replace(old, new, 1))
    proc = run_regen(tmp_path / "cache", repo, "--check")
    assert proc.returncode == 2
    assert f"{repo / regen.DATA}: {message}" in proc.stdout


def test_commit_messages() -> None:
    def change(path: str, old: bytes | None, new: bytes | None) -> regen.Change:
        return regen.Change(path, old, new)

    messages = regen.commit_messages([
        change("sys-kernel/xen-sources/xen-sources-6.12.112.ebuild", None, b"x"),
        change("sys-kernel/xen-sources/xen-sources-6.12.111.ebuild", b"x", None),
        change("metadata/md5-cache/sys-kernel/xen-sources-6.12.112", None, b"x"),
        change("app-emulation/xen-migration-tools/Manifest", b"a", b"b"),
    ])
    assert messages == {
        "app-emulation/xen-migration-tools": (
            "app-emulation/xen-migration-tools: update Manifest",
            ["app-emulation/xen-migration-tools/Manifest"]),
        "sys-kernel/xen-sources": (
            "sys-kernel/xen-sources: add 6.12.112, drop 6.12.111",
            ["sys-kernel/xen-sources/xen-sources-6.12.112.ebuild",
             "sys-kernel/xen-sources/xen-sources-6.12.111.ebuild",
             "metadata/md5-cache/sys-kernel/xen-sources-6.12.112"]),
    }
    with pytest.raises(Exception, match="not part of a package"):
        regen.commit_messages([change("profiles/package.mask", b"a", b"b")])
