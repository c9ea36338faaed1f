"""``xenmig fleet``: every host of a directory rendered, portage's answers
shared between hosts with equal portage inputs and remembered between runs."""

from __future__ import annotations

import io
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import xenmig
from tests.support.fleet import FLEET, LEGACY, MODERN, tree
from tests.support.specs import toml
from xenmig.cli.fleet import Progress
from xenmig.fleet.run import partition, signature
from xenmig.spec import load_spec


def fleet_json(cache: Path, fleet: Path, out: Path, *extra: str) -> tuple[int, Any, str]:
    proc = xenmig(cache, "fleet", fleet, "--out", out, "--json", *extra, merge_stderr=False)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def clone(source: str, directory: Path, name: str) -> None:
    """A copy of an example host under another name (its guests renamed)."""
    data = tomllib.loads((FLEET / f"{source}.toml").read_text())
    data["host"]["name"] = name
    for guest in data.get("domu", []):
        guest["name"] = f"{guest['name']}-{name}"
    (directory / f"{name}.toml").write_text(toml(data), encoding="utf-8")


def test_fleet_renders_what_render_renders(tmp_path: Path) -> None:
    status, data, stderr = fleet_json(tmp_path / "cache", FLEET, tmp_path / "out", "--jobs", "2")
    assert status == 1  # the legacy hosts are blocked
    hosts = {h["host"]: h for h in data["hosts"]}
    assert [h["host"] for h in data["hosts"]] == sorted(hosts)  # in spec order
    assert {h: hosts[h]["status"] for h in LEGACY} == dict.fromkeys(LEGACY, "blocked")
    assert {h: hosts[h]["status"] for h in MODERN} == dict.fromkeys(MODERN, "rendered")
    assert all(f["level"] == "error" for h in LEGACY for f in hosts[h]["findings"][:1])
    assert data["totals"] | {} == data["totals"] and data["totals"]["hosts"] == 11
    assert data["totals"]["blocked"] == 9 and data["totals"]["rendered"] == 2
    # Not a terminal: a plain line per host.
    lines = stderr.splitlines()
    assert len(lines) == 11 and lines[-1].startswith("[11/11] ")
    assert all(f"] {h}: blocked" in stderr for h in LEGACY)
    # The same trees as `xenmig render`, written one host at a time.
    rendered = xenmig(tmp_path / "cache", "render", *(FLEET / f"{h}.toml" for h in MODERN),
                      "--out", tmp_path / "render")
    assert rendered.returncode == 0, rendered.stdout
    for host in MODERN:
        files = tree(tmp_path / "out" / host)
        assert files and files == tree(tmp_path / "render" / host)
        assert hosts[host]["files"] == {"create": len(files)}
    assert not any((tmp_path / "out" / h).exists() for h in LEGACY)

    # Again: portage is not asked (answers remembered), nothing changes.
    _, again, _ = fleet_json(tmp_path / "cache", FLEET, tmp_path / "out", "--jobs", "1")
    assert again["totals"]["files_changed"] == 0
    assert again["portage"]["answers"].get("computed", 0) == 0
    assert again["portage"]["configurations"] == data["portage"]["configurations"]


def test_hosts_with_equal_portage_inputs_share_resolver_runs(tmp_path: Path) -> None:
    one, many = tmp_path / "one", tmp_path / "many"
    one.mkdir()
    many.mkdir()
    clone("xen10", one, "solo")
    for n in range(5):
        clone("xen10", many, f"twin{n}")
    _, single, _ = fleet_json(tmp_path / "cache-1", one, tmp_path / "out-1")
    _, fleet, _ = fleet_json(tmp_path / "cache-5", many, tmp_path / "out-5", "--jobs", "1")
    assert fleet["totals"]["rendered"] == 5
    # Five hosts, one portage configuration: as many resolver runs as one host.
    assert fleet["portage"]["configurations"] == single["portage"]["configurations"]
    assert fleet["portage"]["answers"]["computed"] == single["portage"]["answers"]["computed"]
    assert fleet["portage"]["answers"]["shared"] >= 4 * single["portage"]["answers"]["computed"]
    # Their portage files are the same but for the host named in the blocks.
    use = [(tmp_path / f"out-5/twin{n}/etc/portage/package.use/90-xenmig").read_text()
           for n in range(5)]
    assert len({text.split("\n", 1)[1] for text in use}) == 1


def test_a_different_portage_configuration_gets_its_own_run(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    clone("xen10", fleet, "a")
    clone("xen10", fleet, "b")
    data = tomllib.loads((fleet / "b.toml").read_text())
    data["portage"]["use"] = ["pygrub"]
    (fleet / "b.toml").write_text(toml(data), encoding="utf-8")
    _, result, _ = fleet_json(tmp_path / "cache", fleet, tmp_path / "out", "--jobs", "1")
    assert result["portage"]["configurations"] > 2
    b = (tmp_path / "out/b/etc/portage/package.use/90-xenmig").read_text()
    a = (tmp_path / "out/a/etc/portage/package.use/90-xenmig").read_text()
    assert "app-emulation/xen flask" in a and "flask" not in b


def test_table_and_exit_status(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    clone("xen11", fleet, "only")
    proc = xenmig(tmp_path / "cache", "fleet", fleet, "--out", tmp_path / "out",
                  merge_stderr=False)
    assert proc.returncode == 0, proc.stderr
    header, row, *rest = proc.stdout.splitlines()
    assert header.split() == ["HOST", "STATUS", "ERRORS", "WARNINGS", "INFOS", "FILES",
                              "CHANGED"]
    name, status, errors, _, _, files, changed = row.split()
    assert (name, status, errors) == ("only", "rendered", "0") and files == changed != "0"
    assert rest[0].startswith("1 hosts: 1 rendered into ")
    assert "distinct configurations" in rest[1]


@pytest.mark.parametrize(("args", "message"), [
    (["missing"], "missing: not a directory of host specs"),
    (["empty"], "empty: no host specs (*.toml)"),
    (["fleet", "--jobs", "0"], "--jobs 0: must be at least 1"),
])
def test_bad_input_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "fleet").mkdir()
    clone("xen10", tmp_path / "fleet", "h1")
    proc = xenmig(tmp_path / "cache", "fleet", tmp_path / args[0], *args[1:],
                  "--out", tmp_path / "out")
    assert proc.returncode == 2 and message in proc.stdout


def test_duplicate_host_names_are_refused(tmp_path: Path) -> None:
    clone("xen10", tmp_path, "same")
    data = tomllib.loads((FLEET / "xen11.toml").read_text())
    data["host"]["name"] = "same"
    (tmp_path / "other.toml").write_text(toml(data), encoding="utf-8")
    proc = xenmig(tmp_path / "cache", "fleet", tmp_path, "--out", tmp_path / "out")
    assert proc.returncode == 2
    assert "[host] name: 'same' is also the name in" in proc.stdout
    assert not (tmp_path / "out").exists()


def test_progress_bar_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(4, stream)
    for done in range(1, 5):
        progress.update(type("R", (), {"host": f"h{done}", "status": "rendered"})(), done)
    progress.close()
    text = stream.getvalue()
    assert text.count("\r[") == 4 and text.endswith("\n")
    assert "[" + "#" * 30 + "] 4/4 h4" in text


def test_partition_keeps_signatures_together() -> None:
    specs = [load_spec(FLEET / f"{h}.toml") for h in (*LEGACY, *MODERN)]
    parts = partition(specs, 2)
    assert sorted(i for part in parts for i in part) == list(range(len(specs)))
    twins = [*specs, *specs[:3]]  # three signatures with two hosts each
    where = {i: n for n, part in enumerate(partition(twins, 2)) for i in part}
    for i, a in enumerate(twins):
        for j, b in enumerate(twins):
            if signature(a) == signature(b):
                assert where[i] == where[j]
    assert all(partition(twins, 2))
    assert partition(specs, 1) == [list(range(len(specs)))]
