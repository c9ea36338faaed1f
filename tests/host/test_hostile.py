"""xenmig on hostile and broken hosts: ``check --root`` and ``apply --root``
never run the host's code, never write outside the root, never hang, and
one apply at a time holds a root."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.gentoo import REPO_ROOT
from xenmig.output.writer import root_lock

SPEC = REPO_ROOT / "examples/fleet/xen10.toml"
SHELL = REPO_ROOT / "tests/data/shell"
# A run that would block (a FIFO read) is stopped and fails the test.
TIMEOUT = 120


def patterns() -> list[str]:
    found = []
    for name in ("hostile.txt", "data-not-code.txt"):
        text = (SHELL / name).read_text()
        found += [b for b in text.split("\n\n") if b.strip() and not b.startswith("#")]
    return found


def new_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    return root


def tree(top: Path) -> dict[str, bytes | str]:
    """Every file, link and directory under ``top``, links not followed."""
    found: dict[str, bytes | str] = {}
    for directory, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(directory, name)
            rel = str(path.relative_to(top))
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_dir():
                found[rel] = "dir"
            else:
                found[rel] = path.read_bytes()
    return found


@pytest.mark.parametrize("command", ["check", "apply"])
@pytest.mark.parametrize("target", ["etc/conf.d/net", "etc/default/grub", "etc/rc.conf",
                                    "etc/portage/make.conf"])
def test_host_code_never_runs(tmp_path: Path, target: str, command: str) -> None:
    root = new_root(tmp_path)
    sentinels = tmp_path / "sentinels"
    sentinels.mkdir()
    # Each pattern with its own sentinel, between plain assignments.
    text = "".join(f"rc_hotplug=\"net.*\"\n{p.replace('@S@', str(sentinels / f'ran-{n}'))}\n"
                   for n, p in enumerate(patterns()))
    (root / target).parent.mkdir(parents=True, exist_ok=True)
    (root / target).write_text(text)
    before = (root / target).read_bytes()
    proc = xenmig(tmp_path / "cache", command, SPEC, "--root", root, timeout=TIMEOUT)
    assert list(sentinels.iterdir()) == [], proc.stdout
    if target == "etc/portage/make.conf":
        # portage's own reader (no shell either) refuses the file
        assert "[MakeConfUnreadable]" in proc.stdout, proc.stdout
    else:
        assert "[ShellFileRunsCommands]" in proc.stdout and ": line 2: " in proc.stdout
    # the host's own lines are never changed
    assert before in (root / target).read_bytes()


# Every place where a link can lead a write out of the root.
LINKS = ["etc/portage/package.use", "etc/portage/package.accept_keywords",
         "etc/portage/package.env", "etc/portage/env", "etc/conf.d", "etc/conf.d/net",
         "etc/default/grub", "etc/xen", "etc/xen/xl.conf", "etc/xen/auto", "etc/kernel",
         "etc/init.d", "etc/runlevels/default", "etc/xenmig", "etc/xenmig/guests"]


@pytest.mark.parametrize("style", ["absolute", "relative"])
@pytest.mark.parametrize("link", LINKS)
def test_no_write_leaves_the_root(tmp_path: Path, link: str, style: str) -> None:
    root = new_root(tmp_path)
    outside = tmp_path / "outside"
    # The sentinel tree: what the link names exists outside (a directory
    # with a file in it), so that a followed link would write there.
    (outside / "target").mkdir(parents=True)
    (outside / "target/keep").write_text("the administrator's\n")
    before = tree(outside)
    where = root / link
    where.parent.mkdir(parents=True, exist_ok=True)
    if style == "absolute":
        where.symlink_to(outside / "target")
    else:  # climbs above the root, then down to the sentinel tree
        climb = "../" * (len(Path(link).parts) + len(root.parts))
        where.symlink_to(climb + str((outside / "target").relative_to("/")))
    proc = xenmig(tmp_path / "cache", "apply", SPEC, "--root", root, timeout=TIMEOUT)
    assert tree(outside) == before
    assert proc.returncode == 1, proc.stdout
    assert "outside the root" in proc.stdout and "[SymlinkEscapesRoot]" in proc.stdout
    # nothing written for the host
    assert set(tree(root)) <= {"etc", "etc/portage", str(Path(link).parent), link}


def test_links_inside_the_root_are_followed_as_the_host_sees_them(tmp_path: Path) -> None:
    root = new_root(tmp_path)
    (root / "srv/xen-config").mkdir(parents=True)
    (root / "etc/xen").symlink_to("/srv/xen-config")  # the host's own absolute link
    (root / "etc/portage/package.use").symlink_to("../../srv/no/../pu")  # relative
    (root / "srv/pu").mkdir()
    proc = xenmig(tmp_path / "cache", "apply", SPEC, "--root", root, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stdout
    assert (root / "srv/xen-config/xl.conf").is_file()
    assert (root / "srv/xen-config/router.cfg").is_file()
    assert (root / "srv/pu/90-xenmig").is_file()
    assert os.readlink(root / "etc/xen") == "/srv/xen-config"


@pytest.mark.parametrize("target", ["etc/portage/make.conf", "etc/portage/package.use/90-xenmig",
                                    "etc/conf.d/net", "etc/default/grub", "etc/xen/router.cfg"])
def test_a_fifo_is_refused_not_read(tmp_path: Path, target: str) -> None:
    root = new_root(tmp_path)
    (root / target).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(root / target)
    for command in ("check", "apply"):
        proc = xenmig(tmp_path / "cache", command, SPEC, "--root", root, timeout=TIMEOUT)
        assert proc.returncode == 1, proc.stdout
        assert f"{target}: not a regular file (a FIFO)" in proc.stdout, proc.stdout


def test_a_fifo_among_the_package_files_is_skipped_as_portage_does(tmp_path: Path) -> None:
    root = new_root(tmp_path)
    (root / "etc/portage/package.use").mkdir()
    os.mkfifo(root / "etc/portage/package.use/other")
    proc = xenmig(tmp_path / "cache", "apply", SPEC, "--root", root, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize("target", ["etc/conf.d/net", "etc/portage/make.conf",
                                    "etc/portage/package.use"])
def test_an_oversized_host_file_is_refused(tmp_path: Path, target: str) -> None:
    root = new_root(tmp_path)
    (root / target).parent.mkdir(parents=True, exist_ok=True)
    (root / target).write_bytes(b"# padding\n" * 500_000)  # 5 MB
    proc = xenmig(tmp_path / "cache", "apply", SPEC, "--root", root, timeout=TIMEOUT)
    assert proc.returncode == 1, proc.stdout
    assert "over xenmig's limit" in proc.stdout and target in proc.stdout


def test_a_held_lock_stops_a_second_apply(tmp_path: Path) -> None:
    root = new_root(tmp_path)
    with root_lock(root):
        proc = xenmig(tmp_path / "cache", "apply", SPEC, "--root", root, timeout=TIMEOUT)
    assert proc.returncode == 1
    assert f"{root}: another xenmig run (pid {os.getpid()})" in proc.stdout
    assert "nothing written" in proc.stdout
    assert set(tree(root)) == {"etc", "etc/portage"}
    # --check and --dry-run write nothing and take no lock
    with root_lock(root):
        proc = xenmig(tmp_path / "cache", "apply", SPEC, "--root", root, "--dry-run")
    assert proc.returncode == 0, proc.stdout


def test_concurrent_applies_never_interleave(tmp_path: Path) -> None:
    reference = new_root(tmp_path / "ref")
    assert xenmig(tmp_path / "cache", "apply", SPEC, "--root", reference).returncode == 0
    expected = tree(reference)
    env = {k: v for k, v in os.environ.items() if k not in ("PORTAGE_OVERRIDE_EPREFIX",)}
    env["XENMIG_CACHE_DIR"] = str(tmp_path / "cache")
    for trial in range(4):
        root = new_root(tmp_path / f"t{trial}")
        runs = [subprocess.Popen([sys.executable, "-m", "xenmig", "apply", str(SPEC), "--root",
                                  str(root)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, env=env, cwd=REPO_ROOT) for _ in range(2)]
        outputs = [(r.communicate(timeout=TIMEOUT)[0], r.returncode) for r in runs]
        for output, code in outputs:
            assert code == 0 or (code == 1 and "another xenmig run" in output), output
            assert "Traceback" not in output
        assert any(code == 0 for _, code in outputs)
        assert tree(root) == expected


def test_a_live_runs_temp_file_is_left_alone(tmp_path: Path) -> None:
    root = new_root(tmp_path)
    (root / "etc/portage/package.use").mkdir()
    # a temp file of a live process (this one) writing there
    live = root / f"etc/portage/package.use/.xenmig-90-xenmig.{os.getpid()}.tmp"
    live.write_text("being written")
    dead = root / "etc/portage/package.use/.xenmig-90-xenmig.999999999.tmp"
    dead.write_text("left by a crash")
    proc = xenmig(tmp_path / "cache", "apply", SPEC, "--root", root, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stdout
    assert live.read_text() == "being written" and not dead.exists()
    assert str(dead) in proc.stdout and str(live) not in proc.stdout


def test_two_host_specs_on_one_root(tmp_path: Path) -> None:
    root = new_root(tmp_path)
    assert xenmig(tmp_path / "cache", "apply", SPEC, "--root", root).returncode == 0
    before = tree(root)
    other = tmp_path / "xen99.toml"
    other.write_text(SPEC.read_text().replace('name = "xen10"', 'name = "xen99"'))
    proc = xenmig(tmp_path / "cache", "apply", other, "--root", root, timeout=TIMEOUT)
    assert proc.returncode == 1 and "[RootOfAnotherHost]" in proc.stdout
    assert "host xen10's, not xen99's" in proc.stdout
    assert tree(root) == before


def test_a_huge_spec_value_gives_a_short_error(tmp_path: Path) -> None:
    spec = tmp_path / "big.toml"
    spec.write_text(SPEC.read_text().replace('name = "xen10"', f'name = "{"a" * 1_000_000}"'))
    proc = xenmig(tmp_path / "cache", "check", spec)
    assert proc.returncode == 2
    assert len(proc.stdout) < 600 and "(1000000 characters)" in proc.stdout


def test_the_sentinel_copy_helper_is_not_fooled(tmp_path: Path) -> None:
    """tree() sees links as links (the link tests rely on it)."""
    (tmp_path / "d").mkdir()
    (tmp_path / "l").symlink_to(tmp_path / "d")
    assert tree(tmp_path) == {"d": "dir", "l": f"-> {tmp_path / 'd'}"}
    shutil.rmtree(tmp_path / "d")
