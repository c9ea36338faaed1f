"""``xenmig gather``: the read-only script reads exactly what discover
reads (a gathered tree discovers to the same spec as the host itself),
the controller's unpack cannot be led outside its directory, and the
playbook, run by ansible-core over local connections into prepared
roots, gathers and discovers every reachable host while an unreachable
one is reported."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.discover import HOSTS
from xenmig.discover import discover, write_spec
from xenmig.errors import UserError
from xenmig.fleet.gather import script, unpack
from xenmig.hostfiles.root import MAX_HOST_FILE

PLAYBOOK_BIN = Path(sys.executable).with_name("ansible-playbook")


def _host_copy(host: str, dest: Path) -> Path:
    """An example host's tree without the command outputs a gather of a
    mounted disk cannot have."""
    shutil.copytree(HOSTS / host, dest, symlinks=True, ignore=shutil.ignore_patterns(".xenmig"))
    return dest


def _gather(root: Path, user: int | None = None) -> str:
    argv = ["sh", "-c", f"R={root}\n{script()}"]
    if user is not None:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("host", ["xen01-gentoo-2010", "vh4-debian-xen41"])
def test_a_gathered_tree_discovers_as_the_host(host: str, tmp_path: Path) -> None:
    root = _host_copy(host, tmp_path / "host")
    before = {p: p.lstat().st_mtime_ns for p in root.rglob("*")}
    done = unpack(_gather(root), tmp_path / "gathered" / host)
    assert {p: p.lstat().st_mtime_ns for p in root.rglob("*")} == before  # read-only
    assert done.links == 2 and not done.skipped
    assert write_spec(discover(tmp_path / "gathered" / host, label="h")) == \
        write_spec(discover(root, label="h"))


@pytest.fixture
def world_readable() -> Iterator[Path]:
    """A directory another user can enter (pytest's tmp_path is 0700)."""
    path = Path(tempfile.mkdtemp(prefix="xenmig-gather-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def test_fifos_big_unreadable_and_missing_files_are_reported(tmp_path: Path,
                                                             world_readable: Path) -> None:
    root = _host_copy("vh4-debian-xen41", world_readable / "host")
    os.unlink(root / "etc/xen/proxy.cfg")
    os.mkfifo(root / "etc/xen/proxy.cfg")  # would block a reader
    (root / "etc/xen/huge.cfg").write_bytes(b"#" * (MAX_HOST_FILE + 1))
    (root / "etc/xen/db.cfg").chmod(0o600)  # root only
    for path in [root, *root.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    user = None if shutil.which("setpriv") is None or os.geteuid() != 0 else 65534
    done = unpack(_gather(root, user), tmp_path / "g")
    reasons = dict(s.split(": ", 1) for s in done.skipped)
    assert reasons["etc/xen/proxy.cfg"] == "not a regular file"
    assert reasons["etc/xen/huge.cfg"] == "larger than the size limit"
    if user is not None:
        assert reasons["etc/xen/db.cfg"] == "unreadable"
    found = discover(tmp_path / "g")
    notes = {f.location()[0]: f.describe() for f in found.findings if f.name == "HostFileNotRead"}
    assert notes["etc/xen/proxy.cfg"] == "on the host: not a regular file"
    assert {g.name for g in found.guests} == (
        {"build", "mail", "win2k8", "ldap"} if user is not None else
        {"build", "db", "mail", "win2k8", "ldap"})


def _line(kind: str, path: str, payload: bytes = b"x") -> str:
    enc = base64.b64encode
    return f"{kind} {enc(path.encode()).decode()} {enc(payload).decode()}"


@pytest.mark.parametrize("path", ["../escape", "/etc/passwd", "etc/../../x", ".xenmig/xl-info"])
def test_unpack_refuses_paths_outside_the_tree(path: str, tmp_path: Path) -> None:
    stream = "\n".join(["XENMIG-GATHER 1", _line("FILE", path), "END"])
    with pytest.raises(UserError, match="not a path below the root"):
        unpack(stream, tmp_path / "h")
    assert not (tmp_path / "h").exists() and list(tmp_path.iterdir()) == []


def test_a_link_sent_cannot_redirect_a_file(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    stream = "\n".join(["XENMIG-GATHER 1", _line("LINK", "etc/xen/auto", str(outside).encode()),
                        _line("FILE", "etc/xen/auto/x.cfg", b"name='x'\n"), "END"])
    done = unpack(stream, tmp_path / "h")
    assert list(outside.iterdir()) == []  # links are made after every file
    assert (tmp_path / "h/etc/xen/auto/x.cfg").read_text() == "name='x'\n"
    assert done.skipped == [f"etc/xen/auto: a link to {outside} where files were sent too"]


def test_an_incomplete_gather_replaces_nothing(tmp_path: Path) -> None:
    (tmp_path / "h").mkdir()
    (tmp_path / "h/keep").write_text("earlier gather\n")
    with pytest.raises(UserError, match="incomplete"):
        unpack("XENMIG-GATHER 1\n" + _line("FILE", "etc/hostname") + "\n", tmp_path / "h")
    assert (tmp_path / "h/keep").read_text() == "earlier gather\n"


# -- the playbook -------------------------------------------------------------

def test_the_playbook_gathers_and_discovers_each_reachable_host(tmp_path: Path) -> None:
    if not PLAYBOOK_BIN.exists():
        pytest.skip(f"needs ansible-core ({PLAYBOOK_BIN}); ./dev test installs it")
    roots = tmp_path / "roots"
    _host_copy("xen01-gentoo-2010", roots / "xen01")
    _host_copy("vh4-debian-xen41", roots / "vh4")
    (roots / "empty").mkdir(parents=True)  # a host with none of the files
    os.mkfifo(roots / "vh4/etc/xen/stuck.cfg")  # a FIFO would block a reader
    ansible = tmp_path / "ansible"
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    (fleet / "vh4.toml").write_text("# the admin's own spec of vh4\n")
    proc = xenmig(tmp_path / "cache", "gather", "xen01=192.0.2.11", "vh4", "empty", "gone",
                  "--dir", ansible, "--fleet", fleet)
    assert proc.returncode == 0, proc.stdout
    # local connections into the prepared roots; "gone" cannot be reached
    (ansible / "test-hosts.yml").write_text("xenmig_gather:\n  hosts:\n" + "".join(
        f"    {h}: {{ansible_connection: local, ansible_python_interpreter: {sys.executable}, "
        f"xenmig_root: {roots / h}}}\n" for h in ("xen01", "vh4", "empty")) +
        "    gone: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 1, "
        "ansible_ssh_common_args: '-o ConnectTimeout=5 -o BatchMode=yes'}\n")
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_HOME=str(tmp_path / "ansible-home"),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"), ANSIBLE_HOST_KEY_CHECKING="0")
    run = subprocess.run(
        [str(PLAYBOOK_BIN), "-i", str(ansible / "inventory.yml"), "-i",
         str(ansible / "test-hosts.yml"), str(ansible / "gather.yml")],
        text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, check=False,
        timeout=600)
    recap = dict(re.findall(r"^(\S+)\s+: (ok=.*)$", run.stdout, re.M))
    assert "unreachable=1" in recap["gone"], run.stdout
    assert run.returncode == 4, run.stdout  # ansible-playbook: a host was unreachable
    # xen01: gathered with the host's layout and discovered, the address carried
    gathered = tmp_path / "ansible/gathered"
    assert os.readlink(gathered / "xen01/etc/xen/auto/router.cfg") == "../router.cfg"
    spec = (fleet / "xen01.toml").read_text()
    assert 'address = "192.0.2.11"' in spec and '[[domu]]' in spec
    assert spec.count("[[bridge]]") == 2
    # vh4: gathered, but the admin's spec is not replaced (reported)
    assert (gathered / "vh4/etc/network/interfaces").is_file()
    assert (fleet / "vh4.toml").read_text() == "# the admin's own spec of vh4\n"
    assert "vh4.toml: exists (with other content)" in run.stdout
    assert "not read: etc/xen/stuck.cfg: not a regular file" in run.stdout
    # empty: nothing to read; its spec says what to settle
    assert (fleet / "empty.toml").is_file() and "TODO" in (fleet / "empty.toml").read_text()
    assert not (fleet / "gone.toml").exists()
