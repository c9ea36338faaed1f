"""A cluster member's own render, plan and deployment: the cluster files
beside its spec are read, its tree gets the same cluster files as ``xenmig
cluster render`` (managed blocks, the CIB's in XML comments), its guest's
xl configuration puts the disks on DRBD, portage gets the meta-package's
cluster flag with the keywords the resolver asks for, ``plan`` lists the
bootstrap as a maintenance-window step, and the deployment's notes say
so.  A broken cluster file stops its members' renders, not the others'."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.support.cli import xenmig
from tests.support.fleet import FLEET, spec_path
from xenmig.fleet.deploy import maintenance, plan_tree
from xenmig.output.blocks import XML, Merged, merge_block
from xenmig.output.targets import CLUSTER

CIB = "etc/xenmig/cluster/xenha.cib.xml"


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(xen11's own render, the cluster render)"""
    out = tmp_path_factory.mktemp("member")
    proc = xenmig(out / "cache", "render", spec_path("xen11"), "--out", out / "host")
    assert proc.returncode == 0, proc.stdout
    assert "[ClusterStackMissing]" in proc.stdout  # no sys-cluster/pacemaker in ::gentoo
    proc = xenmig(out / "cache", "cluster", "render", FLEET / "clusters/xenha.toml", "--out",
                  out / "cluster")
    assert proc.returncode == 0, proc.stdout
    return out / "host/xen11", out / "cluster/xen11"


def test_the_member_tree_has_the_cluster_files(trees: tuple[Path, Path]) -> None:
    host, cluster = trees
    files = sorted(str(p.relative_to(cluster)) for p in cluster.rglob("*") if p.is_file())
    assert files == ["etc/corosync/corosync.conf", "etc/drbd.d/gateway.res",
                     "etc/drbd.d/router.res", "etc/kernel/config.d/91-xenmig-cluster.config",
                     "etc/xenmig/cluster/gateway.cfg", "etc/xenmig/cluster/router.cfg", CIB]
    for rel in files:
        assert (host / rel).read_bytes() == (cluster / rel).read_bytes(), rel


def test_the_cib_block_is_xml_and_pacemaker_reads_it(trees: tuple[Path, Path],
                                                     tmp_path: Path) -> None:
    text = (trees[0] / CIB).read_text()
    assert text.startswith(XML.begin) and text.rstrip("\n").endswith(XML.end)
    # xenmig's own: the block is intact, the file goes with it
    assert merge_block(text.encode(), None, owned=True) == Merged(None)
    edited = text.replace('value="true"', 'value="false"', 1)
    assert not isinstance(merge_block(edited.encode(), None, owned=True), Merged)
    # the comments are XML: a strict parser reads the CIB (crm_verify reads
    # it in tests/cluster/test_cluster.py)
    root = ElementTree.fromstring(text)
    assert root.tag == "cib" and root.find("configuration/resources") is not None


def test_the_home_runs_its_guest_on_drbd(trees: tuple[Path, Path]) -> None:
    host, _ = trees
    xl = (host / "etc/xen/gateway.cfg").read_text()
    assert 'disk = [ "phy:/dev/drbd10,xvda,w", "phy:/dev/drbd11,xvdb,w" ]' in xl
    assert not (host / "etc/xen/auto/gateway.cfg").exists()
    use = (host / "etc/portage/package.use/90-xenmig").read_text()
    assert "app-emulation/xen-migration-meta cluster" in use.splitlines()
    keywords = (host / "etc/portage/package.accept_keywords/90-xenmig").read_text().splitlines()
    assert {"=sys-cluster/drbd-utils-9.27.0 ~amd64",
            "=sys-cluster/resource-agents-4.15.1 ~amd64"} <= set(keywords)


def test_the_deployment_names_the_bootstrap(trees: tuple[Path, Path], tmp_path: Path) -> None:
    changes, findings = plan_tree(trees[0], tmp_path / "root", "xen11")
    assert not findings
    assert CLUSTER in maintenance(changes)
    assert any(c.display == CIB and c.status == "create" for c in changes)


def test_plan_lists_the_bootstrap_and_pacemaker_starts_the_guest(tmp_path: Path) -> None:
    proc = xenmig(tmp_path / "cache", "plan", spec_path("xen11"))
    assert proc.returncode == 0, proc.stdout
    out = proc.stdout
    assert re.search(r"^\d+\. Bootstrap cluster xenha \(xen10, xen11\) once, in a maintenance "
                     r"window", out, re.M), out
    assert "xen11: drbdadm primary --force gateway" in out
    assert "xen10: cibadmin --replace --scope configuration --xml-file " \
        "/etc/xenmig/cluster/xenha.cib.xml" in out
    assert "xl create /etc/xen/gateway.cfg" not in out  # Pacemaker starts it
    assert "xl create /etc/xen/legacy-www.cfg" in out


def _fleet(tmp_path: Path, cluster: str) -> Path:
    """xen10, xen11 and xen12 (a copy of xen11 under another name, in no
    cluster), with ``cluster`` as clusters/xenha.toml."""
    tmp_path.mkdir()
    for name in ("xen10", "xen11"):
        shutil.copy(spec_path(name), tmp_path / f"{name}.toml")
    text = spec_path("xen11").read_text()
    (tmp_path / "xen12.toml").write_text(text.replace('name = "xen11"', 'name = "xen12"', 1))
    (tmp_path / "clusters").mkdir()
    (tmp_path / "clusters/xenha.toml").write_text(cluster)
    return tmp_path


def test_a_broken_cluster_file_stops_its_members_only(tmp_path: Path) -> None:
    text = (FLEET / "clusters/xenha.toml").read_text()
    fleet = _fleet(tmp_path / "fleet", text.replace("drbd_port = 7790", "drbd_port = 70"))
    proc = xenmig(tmp_path / "cache", "render", fleet / "xen10.toml", fleet / "xen12.toml",
                  "--out", tmp_path / "out")
    assert proc.returncode == 1, proc.stdout
    assert "xenha.toml: [[guest]] #1 drbd_port: 70: an integer from 1024 to 65535 " \
        "[ClusterFileUnreadable]" in proc.stdout, proc.stdout
    assert "xen10: not rendered" in proc.stdout
    assert "xen12: not rendered" not in proc.stdout
    assert (tmp_path / "out/xen12/etc/xen/gateway.cfg").is_file()
    assert not (tmp_path / "out/xen12/etc/corosync").exists()
    assert not (tmp_path / "out/xen10").exists()


def test_a_member_that_cannot_hold_its_peers_guests(tmp_path: Path) -> None:
    """xen11 with 1G: its own legacy-www (1024 MiB) and the cluster's
    gateway (512 MiB, its home) and router (256 MiB, its peer) do not fit;
    xen10 without [host] memory is not checked, and says so."""
    fleet = _fleet(tmp_path / "fleet", (FLEET / "clusters/xenha.toml").read_text())
    for name, old, new in (("xen11", 'memory = "2G"', 'memory = "1G"'),
                           ("xen10", 'memory = "32G"\n', "")):
        spec = fleet / f"{name}.toml"
        assert old in spec.read_text()
        spec.write_text(spec.read_text().replace(old, new, 1))
    proc = xenmig(tmp_path / "cache", "cluster", "check", fleet / "clusters/xenha.toml")
    assert proc.returncode == 0, proc.stdout  # warnings
    assert "xen11: warning: " in proc.stdout and "[host] memory: 1792 MiB (legacy-www 1024, " \
        "gateway 512, router 256) > 1024 MiB (1G) [ClusterMemoryShort]" in proc.stdout, \
        proc.stdout
    assert re.search(r"xen10: info: .*no \[host\] memory: whether xen10 can take over its "
                     r"peer's guests is not checked \[ClusterMemoryUnknown\]", proc.stdout)
