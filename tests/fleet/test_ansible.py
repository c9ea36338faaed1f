"""``xenmig fleet ... --ansible DIR`` with ansible-core from PyPI: the
generated playbook over local connections into temp roots (--check reports,
a real run applies, a second run changes nothing), and the deployment's
guarantees (only xenmig's blocks, modes kept, hand edits refused)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.fleet import FLEET, LEGACY, MODERN, tree
from xenmig.errors import UserError
from xenmig.fleet.deploy import maintenance, plan_tree, read_tree, target_of

PLAYBOOK_BIN = Path(sys.executable).with_name("ansible-playbook")
HOST_NET = '# the host\'s own network configuration\nconfig_eno9="dhcp"\n'


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example fleet rendered, with its Ansible files."""
    tmp = tmp_path_factory.mktemp("ansible")
    proc = xenmig(tmp / "cache", "fleet", FLEET, "--out", tmp / "out", "--ansible",
                  tmp / "ansible", "--jobs", "1", merge_stderr=False)
    assert proc.returncode == 1, proc.stderr  # the legacy hosts are blocked
    assert "ansible-playbook -i" in proc.stderr
    return tmp / "out", tmp / "ansible"


def playbook(ansible: Path, roots: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_HOME=str(roots.parent / "ansible-home"),
               ANSIBLE_LOCAL_TEMP=str(roots.parent / "ansible-tmp"))
    return subprocess.run(
        [str(PLAYBOOK_BIN), "-i", str(ansible / "inventory.yml"), str(ansible / "playbook.yml"),
         "-e", "ansible_connection=local", "-e", f"ansible_python_interpreter={sys.executable}",
         "-e", f"xenmig_root={roots}/{{{{ inventory_hostname }}}}", *args],
        text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, check=False)


def recap(output: str) -> dict[str, dict[str, int]]:
    found = {}
    for host, counts in re.findall(r"^(\S+)\s+: (ok=.*)$", output, re.M):
        found[host] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", counts)}
    return found


def test_inventory_and_bundles(rendered: tuple[Path, Path]) -> None:
    out, ansible = rendered
    inventory = (ansible / "inventory.yml").read_text()
    # ansible_host from the spec's [host] address (xen10 has one, xen11 not)
    assert '    xen10: {ansible_host: "xen10.example.org"}' in inventory
    assert "    xen11: {}" in inventory
    assert not any(f"    {h}:" in inventory for h in LEGACY)
    assert "Not rendered (error findings, see xenmig plan): xen01" in inventory
    bundle = json.loads((ansible / "trees/xen10.json").read_text())
    assert bundle["host"] == "xen10"
    assert bundle["blocks"]["/etc/conf.d/net"] == (out / "xen10/etc/conf.d/net").read_text()
    assert bundle["blocks"]["package.use"] == (
        out / "xen10/etc/portage/package.use/90-xenmig").read_text()
    assert ["/etc/xen/auto/build.cfg", "/etc/xen/build.cfg"] in bundle["links"]
    # the router is the cluster's (examples/fleet/clusters/xenha.toml): no
    # xendomains link, and the cluster's files with the CIB in XML comments
    assert not any(link[0] == "/etc/xen/auto/router.cfg" for link in bundle["links"])
    cib = "/etc/xenmig/cluster/xenha.cib.xml"
    assert bundle["blocks"][cib] == (out / "xen10" / cib.lstrip("/")).read_text()
    assert bundle["blocks"][cib].startswith("<!-- BEGIN xenmig ")


def test_check_apply_and_nothing_left(rendered: tuple[Path, Path], tmp_path: Path) -> None:
    out, ansible = rendered
    roots = tmp_path / "roots"
    for host in MODERN:
        (roots / host / "etc/conf.d").mkdir(parents=True)
    net = roots / "xen10/etc/conf.d/net"
    net.write_text(HOST_NET)
    net.chmod(0o600)

    check = playbook(ansible, roots, "--check", "--diff")
    assert check.returncode == 0, check.stdout
    assert {h: c["changed"] for h, c in recap(check.stdout).items()} == dict.fromkeys(MODERN, 1)
    assert '+++ after: etc/conf.d/net' in check.stdout
    assert '+config_extbr0="null"' in check.stdout
    assert "detaches the running guests' vifs" in check.stdout
    assert "cluster: the first time, its bootstrap" in check.stdout
    assert tree(roots / "xen11") == {} and net.read_text() == HOST_NET  # nothing written

    run = playbook(ansible, roots)
    assert run.returncode == 0, run.stdout
    assert {h: c["changed"] for h, c in recap(run.stdout).items()} == dict.fromkeys(MODERN, 1)
    # xen11 started empty: its root is now exactly the rendered tree.
    assert tree(roots / "xen11") == tree(out / "xen11")
    # xen10's own network lines stay after the block; the mode stays 0600.
    text = net.read_text()
    assert text.endswith(HOST_NET)
    assert text[: -len(HOST_NET)] == (out / "xen10/etc/conf.d/net").read_text()
    assert net.stat().st_mode & 0o777 == 0o600

    again = playbook(ansible, roots)
    assert again.returncode == 0, again.stdout
    assert {h: c["changed"] for h, c in recap(again.stdout).items()} == dict.fromkeys(MODERN, 0)


def test_a_hand_edited_block_fails_that_host_only(rendered: tuple[Path, Path],
                                                  tmp_path: Path) -> None:
    _, ansible = rendered
    roots = tmp_path / "roots"
    for host in MODERN:
        (roots / host).mkdir(parents=True)
    assert playbook(ansible, roots).returncode == 0
    xl = roots / "xen10/etc/xen/xl.conf"
    xl.write_text(xl.read_text().replace("vif.default.script", "vif.default.scrip"))
    edited = xl.read_text()
    (roots / "xen11/etc/xen/xl.conf").unlink()
    proc = playbook(ansible, roots)
    assert proc.returncode != 0
    counts = recap(proc.stdout)
    assert counts["xen10"]["failed"] == 1 and counts["xen11"]["failed"] == 0
    assert "ManagedBlockEdited" in proc.stdout
    assert xl.read_text() == edited
    assert (roots / "xen11/etc/xen/xl.conf").is_file()


def test_read_tree_refuses_what_xenmig_did_not_render(rendered: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    out, _ = rendered
    assert target_of(Path("etc/portage/package.use/90-xenmig")) == "package.use"
    assert target_of(Path("etc/portage/make.conf/zz-xenmig")) == "make.conf"
    assert target_of(Path("etc/conf.d/net")) == "/etc/conf.d/net"
    assert target_of(Path("etc/passwd")) is None
    tree = tmp_path / "tree"
    (tree / "etc").mkdir(parents=True)
    (tree / "etc/passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    with pytest.raises(UserError, match="not a file xenmig renders"):
        read_tree(tree)
    (tree / "etc/passwd").unlink()
    (tree / "etc/conf.d").mkdir()
    (tree / "etc/conf.d/net").write_text(
        (out / "xen10/etc/conf.d/net").read_text().replace("extbr0", "extbr1"))
    with pytest.raises(UserError, match="not an intact xenmig block"):
        read_tree(tree)


def test_maintenance_names_what_needs_a_window(rendered: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    out, _ = rendered
    changes, findings = plan_tree(out / "xen11", tmp_path, "xen11")
    assert findings == []
    notes = maintenance(changes)
    assert any(n.startswith("bridges: restarting net.<bridge>") for n in notes)
    assert any("restarting xendomains shuts every guest down" in n for n in notes)
    # a cluster member: its bootstrap belongs in a maintenance window
    assert any(n.startswith("cluster: the first time, its bootstrap (xenmig cluster plan")
               for n in notes)
    assert maintenance([c for c in changes if c.target == "package.use"]) == [
        "portage configuration: takes effect with the next emerge "
        "(emerge --ask --update --deep --newuse @world)"]
