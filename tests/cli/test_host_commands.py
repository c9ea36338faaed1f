"""``xenmig check / render / apply / plan``: the command-line contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import xenmig
from tests.support.fleet import FLEET, spec_path
from tests.support.gentoo import Lab
from tests.support.specs import write_spec


def files(root: Path) -> dict[str, bytes]:
    """Regular files by path, and links as b"-> target" (never followed)."""
    return {
        str(p.relative_to(root)): (b"-> " + str(p.readlink()).encode()) if p.is_symlink()
        else p.read_bytes()
        for p in sorted(root.rglob("*")) if p.is_symlink() or p.is_file()
    }


def test_check_json_and_exit_status(tmp_path: Path) -> None:
    proc = xenmig(tmp_path, "check", spec_path("xen01"), spec_path("xen10"), "--json",
                  merge_stderr=False)
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout)
    assert {"name", "level", "host", "message"} <= set(findings[0])
    errors = [f for f in findings if f["level"] == "error"]
    assert {f["host"] for f in errors} == {"xen01"}
    assert {f["name"] for f in errors} == {"Dom0Is32Bit", "KernelTooOldForGlibc", "NoUdevForKernel"}
    dom0 = next(f for f in errors if f["name"] == "Dom0Is32Bit")
    assert dom0["file"] == str(spec_path("xen01")) and dom0["key"] == "[host] arch"
    assert {f["level"] for f in findings if f.get("host") == "xen10"} == {"info"}
    # xen10's cluster (examples/fleet/clusters/xenha.toml), reported once
    clustered = [f for f in findings if f["scope"] == "cluster"]
    assert [f["name"] for f in clustered if f["level"] == "warning"] == ["ClusterStackMissing"]
    assert len({f["name"] for f in clustered}) == len(clustered)

    ok = xenmig(tmp_path, "check", spec_path("xen10"))
    assert ok.returncode == 0, ok.stdout
    assert "[TestingKeywordNeeded]" in ok.stdout


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[host]\nname = "xen01"\n', "[host] arch: missing (required)"),
        ('[host]\nname = "x"\narch = "amd64"\nxen = "4.20"\nkernel = "6.12"\nram = 4\n',
         "[host] ram: unknown key"),
        ('[host]\nname = "x"\narch = "amd64"\nxen = "4.20"\nkernel = "6.12"\n'
         '[portage]\ncflags = "-O2 $(id)"\n', "[portage] cflags: '$(id)': not a compiler flag"),
        ('[hots]\nname = "x"\n', "[hots]: unknown section"),
        ("[host\n", "not valid TOML"),
    ],
)
def test_bad_input_exits_2_naming_file_and_key(tmp_path: Path, toml: str, message: str) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(toml)
    for command in ("check", "plan", "render", "apply"):
        extra: dict[str, list[str | Path]] = {
            "render": ["--out", tmp_path / "out"], "apply": ["--root", tmp_path / "r"],
        }
        proc = xenmig(tmp_path / "cache", command, spec, *extra.get(command, []))
        assert proc.returncode == 2, proc.stdout
        assert proc.stdout.startswith(f"xenmig: {spec}: {message}"), proc.stdout
        assert proc.stdout.count("\n") == 1 and "Traceback" not in proc.stdout
    assert not (tmp_path / "out").exists() and not (tmp_path / "r").exists()


def test_duplicate_host_names_are_bad_input(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = write_spec(tmp_path / "a", name="same")
    b = write_spec(tmp_path / "b", name="same")
    proc = xenmig(tmp_path / "cache", "check", a, b)
    assert proc.returncode == 2 and "'same' is also the name in" in proc.stdout


def test_render_the_fleet(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = xenmig(tmp_path / "cache", "render", *sorted(FLEET.glob("*.toml")), "--out", out)
    assert proc.returncode == 1, proc.stdout  # the 32-bit hosts have error findings
    assert sorted(p.name for p in out.iterdir()) == ["xen10", "xen11"]
    assert "xen01: not rendered (error findings; see xenmig plan" in proc.stdout
    rendered = files(out / "xen10")
    assert sorted(rendered) == [
        "etc/conf.d/net",
        "etc/conf.d/xenmig-remus.dns",
        "etc/corosync/corosync.conf",
        "etc/default/grub",
        "etc/drbd.d/gateway.res",
        "etc/drbd.d/router.res",
        "etc/init.d/net.extbr0",
        "etc/init.d/net.xenbr0",
        "etc/init.d/xenmig-remus.dns",
        "etc/kernel/config.d/90-xenmig-dom0.config",
        "etc/kernel/config.d/91-xenmig-cluster.config",
        "etc/modprobe.d/xenmig-ifb.conf",
        "etc/modules-load.d/xenmig-ifb.conf",
        "etc/portage/env/xenmig-no-ssp.conf",
        "etc/portage/package.accept_keywords/90-xenmig",
        "etc/portage/package.env/90-xenmig",
        "etc/portage/package.mask/90-xenmig",
        "etc/portage/package.use/90-xenmig",
        "etc/runlevels/default/net.extbr0",
        "etc/runlevels/default/net.xenbr0",
        "etc/runlevels/default/xencommons",
        "etc/runlevels/default/xenconsoled",
        "etc/runlevels/default/xendomains",
        "etc/runlevels/default/xenmig-remus.dns",
        "etc/xen/auto/build.cfg",
        "etc/xen/auto/dns.cfg",
        "etc/xen/auto/win2022.cfg",
        "etc/xen/build.cfg",
        "etc/xen/dns.cfg",
        "etc/xen/router.cfg",
        "etc/xen/win2022.cfg",
        "etc/xen/xl.conf",
        "etc/xenmig/cluster/gateway.cfg",
        "etc/xenmig/cluster/router.cfg",
        "etc/xenmig/cluster/xenha.cib.xml",
        "etc/xenmig/guests/build/inittab",
        "etc/xenmig/guests/dns/inittab",
        "etc/xenmig/guests/router/inittab",
        "etc/xenmig/kernel/dom0.config",
        "etc/xenmig/kernel/domu.config",
    ]
    # rendering again changes nothing
    again = xenmig(tmp_path / "cache", "render", spec_path("xen10"), "--out", out)
    assert again.returncode == 0
    assert all(line.split()[1] == "identical" for line in again.stdout.splitlines()
               if line.startswith("xen10: "))
    assert files(out / "xen10") == rendered


def test_apply_check_dry_run_diff(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    spec = spec_path("xen11")
    assert xenmig(tmp_path / "cache", "apply", spec, "--root", root, "--check").returncode == 1
    dry = xenmig(tmp_path / "cache", "apply", spec, "--root", root, "--dry-run", "--diff")
    assert dry.returncode == 0
    assert "+>=sys-apps/systemd-utils-260" in dry.stdout
    assert "create    etc/portage/package.mask/90-xenmig" in dry.stdout
    assert files(root) == {}
    assert xenmig(tmp_path / "cache", "apply", spec, "--root", root).returncode == 0
    written = files(root)
    assert "etc/portage/package.mask/90-xenmig" in written
    assert xenmig(tmp_path / "cache", "apply", spec, "--root", root, "--check").returncode == 0
    assert files(root) == written


def test_apply_refuses_hosts_with_errors(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    proc = xenmig(tmp_path / "cache", "apply", spec_path("xen03"), "--root", root)
    assert proc.returncode == 1
    assert "xen03: nothing written (error findings)" in proc.stdout
    assert files(root) == {}


def test_plan(tmp_path: Path) -> None:
    proc = xenmig(tmp_path / "cache", "plan", spec_path("xen07"), spec_path("xen10"), "--json",
                  merge_stderr=False)
    assert proc.returncode == 0, proc.stderr
    plans = {p["host"]: p for p in json.loads(proc.stdout)}
    assert plans["xen07"]["mode"] == "reinstall"
    assert 'storage = ["cciss"]' in plans["xen07"]["reinstall_spec"]
    assert any("cciss" in step["title"] for step in plans["xen07"]["steps"])
    assert plans["xen10"]["mode"] == "in-place"
    titles = [step["title"] for step in plans["xen10"]["steps"]]
    assert titles.index("Rebuild the packages that must not use stack protection first") < (
        titles.index("Update the system and install the Xen stack")
    )
    guests, cluster = plans["xen10"]["steps"][-2:]
    assert guests["title"].startswith("Start the guests")
    # the router is the cluster's: Pacemaker starts it after the bootstrap
    assert guests["commands"] == [f"xl create /etc/xen/{name}.cfg"
                                  for name in ("build", "win2022", "dns")]
    assert cluster["title"].startswith("Bootstrap cluster xenha (xen10, xen11) once")
    assert "xen10: drbdadm primary --force router" in cluster["commands"]


def test_config_root_supplies_repositories_and_profile(tmp_path: Path, lab: Lab) -> None:
    """A portage configuration root with a ::gentoo (the lab's, with eclass
    doubles) and the overlay's dom0 profile selected."""
    proc = xenmig(tmp_path / "cache", "resolve", "--config-root", lab.view.root)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.startswith(f"# repositories: {lab.master}\n")
    check = xenmig(tmp_path / "cache", "check", spec_path("xen10"), "--config-root",
                   lab.view.root)
    assert check.returncode == 0, check.stdout
    assert "[XenSeriesPinned]" in check.stdout


def test_config_root_without_gentoo_falls_back_to_the_snapshot(tmp_path: Path) -> None:
    config = tmp_path / "config"
    (config / "etc/portage").mkdir(parents=True)
    (config / "etc/portage/repos.conf").write_text(
        "[DEFAULT]\nmain-repo = gentoo\n[gentoo]\nlocation = /nonexistent/gentoo\n"
    )
    proc = xenmig(tmp_path / "cache", "check", spec_path("xen11"), "--config-root", config)
    assert proc.returncode == 0, proc.stdout
    assert "no usable ::gentoo configured; using the embedded snapshot" in proc.stdout
    missing = xenmig(tmp_path / "cache", "check", spec_path("xen11"), "--config-root",
                     tmp_path / "nowhere")
    assert missing.returncode == 2 and "no etc/portage there" in missing.stdout


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path) -> None:
    """xenmig cluster plan | true: the pipe is closed before xenmig writes;
    xenmig stops quietly (exit 1), without Python's BrokenPipeError."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "XENMIG_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        f"'{sys.executable}' -m xenmig cluster plan '{FLEET / 'clusters/xenha.toml'}' | true; "
        "echo status=${PIPESTATUS[0]}", shell=True, executable="/bin/bash", capture_output=True,
        text=True, env=env, check=False)
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr, proc.stderr
    assert proc.stdout.strip() in ("status=0", "status=1")
