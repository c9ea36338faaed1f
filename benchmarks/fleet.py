#!/usr/bin/env python3
"""Benchmark: ``xenmig fleet`` on a synthetic fleet, against flaggie.

Prints figures and asserts nothing; the targets are printed beside them
(on the 2-core CI machine: 1,000 hosts in <= 5 s, >= 30x faster per host
than flaggie, ``apply`` on an unchanged host <= 150 ms).

1. Makes HOSTS specs (default 1,000) by varying the example fleet: the
   renderable hosts (xen10, xen11) get a Xen series, a kernel, USE flags,
   CFLAGS, SSP exceptions and firmware from a set of CONFIGS (default 120)
   portage configurations; one host in twenty is a copy of a blocked legacy
   host (xen01-xen09).  Guests are renamed per host.
2. Times ``xenmig fleet DIR --out OUT --jobs JOBS --json`` end to end:
   cold (an empty answer cache), warm (answers remembered, empty OUT) and
   unchanged (the same OUT again).
3. For a sample of hosts, times flaggie (PyPI) writing the same
   package.accept_keywords / package.use / package.env entries into a fresh
   ``--config-root``: once with its package manager (portage, on a config
   root over the same repositories) and once with ``--no-package-manager``.
4. Times ``xenmig apply`` on an unchanged host (the command, end to end).

    benchmarks/fleet.py [--hosts N] [--configs N] [--jobs N] [--flaggie-sample N]

Run it with the Python of the test venv (.venv/bin/python) after
``.venv/bin/pip install flaggie gentoopm`` (flaggie reaches portage through
gentoopm).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.support.specs import toml  # noqa: E402  (the tests' TOML writer)

EXAMPLES = REPO / "examples/fleet"
TARGET_FLEET_S = 5.0
TARGET_RATIO = 30.0
TARGET_APPLY_MS = 150.0
RENDERABLE = ("xen10", "xen11")
LEGACY = tuple(f"xen0{i}" for i in range(1, 10))
# Flags of the Xen stack's IUSE in the embedded snapshot (xen, xen-tools).
FLAGS = ("pygrub", "xsm", "flask", "debug", "screen", "zstd", "lzma")
KERNELS = ("6.12", "6.6", "5.15", "5.4")
CFLAGS = (
    "-O2 -pipe -fstack-protector-all",
    "-O2 -march=x86-64-v2 -pipe -fstack-protector-all",
    "-O3 -march=x86-64-v3 -pipe",
)


def portage_configs(count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` distinct portage configurations."""
    seen: set[str] = set()
    configs: list[dict[str, Any]] = []
    while len(configs) < count:
        config = {
            "xen": rng.choice(("4.19", "4.20")),
            "kernel": rng.choice(KERNELS),
            "use": sorted(rng.sample(FLAGS, rng.randint(0, 4))),
            "cflags": rng.choice(CFLAGS),
            "no_ssp": rng.random() < 0.7,
            "uefi": rng.random() < 0.2,
        }
        key = json.dumps(config, sort_keys=True)
        if key not in seen:
            seen.add(key)
            configs.append(config)
    return configs


def make_fleet(directory: Path, hosts: int, configs: int, seed: int = 6) -> dict[str, int]:
    from xenmig.spec.model import guest_mac

    rng = random.Random(seed)
    bases = {p.stem: tomllib.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.toml"))}
    choices = portage_configs(configs, rng)
    macs: set[str] = set()
    used = set()
    for index in range(hosts):
        name = f"h{index:04d}"
        if index % 20 == 19:
            data = json.loads(json.dumps(bases[LEGACY[index // 20 % len(LEGACY)]]))
            data["host"]["name"] = name
            data.pop("domu", None)
        else:
            base = RENDERABLE[index % len(RENDERABLE)]
            data = json.loads(json.dumps(bases[base]))
            config = choices[index % len(choices)]
            used.add(index % len(choices))
            data["host"].update(name=name, xen=config["xen"], kernel=config["kernel"])
            portage = data.setdefault("portage", {})
            portage["use"] = config["use"]
            portage["cflags"] = config["cflags"]
            if config["no_ssp"]:
                portage["no_ssp"] = ["sys-libs/glibc"]
            else:
                portage.pop("no_ssp", None)
            if config["uefi"]:
                data.setdefault("boot", {})["firmware"] = "uefi"
            guests = []
            for guest in data.get("domu", []):
                guest["name"] = f"{guest['name']}-{name}"
                vifs = {guest_mac(guest["name"], i) for i in range(len(guest["bridges"]))}
                if vifs & macs:
                    continue  # a MAC collision would be refused: leave the guest out
                macs |= vifs
                guests.append(guest)
            data["domu"] = guests
            if not guests:
                data.pop("domu")
        (directory / f"{name}.toml").write_text(toml(data), encoding="utf-8")
    return {"hosts": hosts, "spec_configs": len(used)}


def xenmig_fleet(fleet: Path, out: Path, jobs: int, env: dict[str, str]) -> tuple[float, Any]:
    command = [sys.executable, "-m", "xenmig", "fleet", str(fleet), "--out", str(out),
               "--jobs", str(jobs), "--json"]
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"xenmig fleet failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed, json.loads(proc.stdout)


def median_fleet(fleet: Path, out: Path, args: argparse.Namespace, env: dict[str, str], *,
                 fresh: bool) -> tuple[float, Any]:
    """The median of ``args.runs`` runs into ``out`` (emptied first when
    ``fresh``), with the last run's summary."""
    times, data = [], None
    for _ in range(args.runs):
        if fresh:
            shutil.rmtree(out, ignore_errors=True)
        seconds, data = xenmig_fleet(fleet, out, args.jobs, env)
        times.append(seconds)
    return statistics.median(times), data


def staging_dirs(work: Path) -> list[Path]:
    """The benchmark's own directory, and a tmpfs one when there is one:
    creating files costs what the file system makes it cost."""
    dirs = [work]
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and fs_name(shm) != fs_name(work):
        dirs.append(Path(tempfile.mkdtemp(prefix="xenmig-bench-", dir=shm)))
    return dirs


def fs_name(path: Path) -> str:
    """The file system type of ``path`` (from /proc/mounts)."""
    best, kind = "", "?"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return kind
    resolved = str(path.resolve())
    for line in mounts:
        fields = line.split()
        if len(fields) > 2 and (resolved == fields[1] or resolved.startswith(
                fields[1].rstrip("/") + "/")) and len(fields[1]) >= len(best):
            best, kind = fields[1], fields[2]
    return kind


def inode_cost(directory: Path, count: int = 300) -> float:
    """Seconds to create a directory holding a small file, on ``directory``'s
    file system (what every rendered host pays about 20 times)."""
    probe = Path(tempfile.mkdtemp(prefix="inode-", dir=directory))
    start = time.perf_counter()
    for i in range(count):
        (probe / str(i)).mkdir()
        (probe / str(i) / "f").write_bytes(b"x" * 200)
    elapsed = time.perf_counter() - start
    shutil.rmtree(probe)
    return elapsed / count


def flaggie_requests(root: Path) -> list[str]:
    """The rendered host's package.accept_keywords / package.use /
    package.env entries as flaggie arguments (namespaced, so that they mean
    the same with and without the package manager)."""
    args: list[str] = []
    for target, namespace in (("package.accept_keywords", "kw"), ("package.use", "use"),
                              ("package.env", "env")):
        path = root / "etc/portage" / target / "90-xenmig"
        if not path.is_file():
            continue
        for line in path.read_text().splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            atom, *values = line.split()
            args.append(atom)
            for value in values:
                sign, flag = ("-", value[1:]) if value.startswith("-") else ("+", value)
                args.append(f"{sign}{namespace}::{flag}")
    return args


def time_flaggie(requests: list[tuple[Path, list[str]]], package_manager: bool, work: Path,
                 env: dict[str, str]) -> tuple[float, int]:
    flaggie = shutil.which("flaggie", path=str(Path(sys.executable).parent)) or "flaggie"
    total, entries = 0.0, 0
    for index, (host_root, args) in enumerate(requests):
        root = work / f"{'pm' if package_manager else 'nopm'}-{index}"
        (root / "etc/portage").mkdir(parents=True)
        # package.env names files in env/, which flaggie checks exist
        if (host_root / "etc/portage/env").is_dir():
            shutil.copytree(host_root / "etc/portage/env", root / "etc/portage/env")
        command = [flaggie, "--config-root", str(root), "--no-diff"]
        if not package_manager:
            command.append("--no-package-manager")
        start = time.perf_counter()
        proc = subprocess.run([*command, *args], env=env, capture_output=True, text=True,
                              check=False)
        total += time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"flaggie failed ({proc.returncode}): {proc.stderr[-2000:]}")
        entries += sum(
            1 for p in (root / "etc/portage").glob("package.*/*") if p.is_file()
            for line in p.read_text().splitlines() if line.strip()
        )
    return total / len(requests), entries


def pm_config_root(work: Path) -> tuple[Path, str]:
    """A portage configuration root over xenmig's repositories, for
    flaggie's package manager (gentoopm reads PORTAGE_CONFIGROOT)."""
    from xenmig.gentoo.portage_view import PortageView, portage_home
    from xenmig.gentoo.repos import repo_set
    from xenmig.rules.context import DOM0_PROFILES

    repos = repo_set(None)
    view = PortageView(work / "pm-config", repos.repos, DOM0_PROFILES["amd64"])
    return view.root, str(portage_home())


# A host's own make.conf (apply reads it, as portage would).
MAKE_CONF = """COMMON_FLAGS="-O2 -pipe"
CFLAGS="${COMMON_FLAGS}"
CXXFLAGS="${COMMON_FLAGS}"
USE="-X ipv6 xen"
ACCEPT_LICENSE="-* @FREE"
GRUB_PLATFORMS="pc"
"""


def apply_unchanged(spec: Path, root: Path, env: dict[str, str],
                    runs: int = 7) -> tuple[float, float]:
    """``xenmig apply`` on a host it has already applied to: the command
    end to end (median), and the same work in this process (assess and
    write, without Python's start-up and imports)."""
    (root / "etc/portage").mkdir(parents=True)
    (root / "etc/portage/make.conf").write_text(MAKE_CONF)
    command = [sys.executable, "-m", "xenmig", "apply", str(spec), "--root", str(root)]
    subprocess.run(command, env=env, capture_output=True, check=True)  # the first: writes
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
        if any(line.split(maxsplit=1)[0] in ("create", "update", "remove")
               for line in proc.stdout.splitlines() if line.strip()):
            sys.exit(f"apply changed an unchanged host:\n{proc.stdout}")
    os.environ["XENMIG_CACHE_DIR"] = env["XENMIG_CACHE_DIR"]
    from xenmig.cli.common import load_specs
    from xenmig.gentoo.repos import repo_set
    from xenmig.host import assess
    from xenmig.output.writer import write

    (loaded,) = load_specs([spec])
    repos = repo_set(None)
    assess(loaded, repos, root)  # imports the rules
    inside = []
    for _ in range(runs):
        start = time.perf_counter()
        (loaded,) = load_specs([spec])
        assessment = assess(loaded, repos, root)
        write(assessment.changes, root)
        inside.append(time.perf_counter() - start)
        assert not assessment.pending
    return statistics.median(times), statistics.median(inside)


def python_startup(env: dict[str, str], runs: int = 7) -> float:
    command = [sys.executable, "-c", "import xenmig.cli.apply, xenmig.rules.boot"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--configs", type=int, default=120)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--flaggie-sample", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3, help="runs per warm figure (median)")
    args = parser.parse_args()
    if shutil.which("flaggie", path=str(Path(sys.executable).parent)) is None:
        sys.exit(f"flaggie is not installed for {sys.executable}: "
                 f"{Path(sys.executable).parent / 'pip'} install flaggie gentoopm")

    with tempfile.TemporaryDirectory(prefix="xenmig-bench-") as tmp:
        work = Path(tmp)
        fleet = work / "fleet"
        fleet.mkdir()
        made = make_fleet(fleet, args.hosts, args.configs)
        env = dict(os.environ, XENMIG_CACHE_DIR=str(work / "cache"))
        env.pop("PORTAGE_OVERRIDE_EPREFIX", None)
        cold, data = xenmig_fleet(fleet, work / "out-cold", args.jobs, env)
        totals = data["totals"]
        rendered = [h for h in data["hosts"] if h["status"] == "rendered"]
        n = args.hosts
        print(f"fleet: {n} hosts ({totals['rendered']} rendered, {totals['blocked']} blocked, "
              f"{totals['failed']} failed), {made['spec_configs']} portage variants in the "
              f"specs, {data['portage']['configurations']} distinct portage configurations "
              f"(resolver inputs), jobs {args.jobs}, median of {args.runs} runs")
        print(f"  cold (empty answer cache), OUT on {fs_name(work)}: {cold:6.2f} s  "
              f"{1000 * cold / n:6.2f} ms/host  answers {data['portage']['answers']}")
        per_host = {"cold": cold / n}
        for staging in staging_dirs(work):
            label = fs_name(staging)
            warm, warm_data = median_fleet(fleet, staging / "out", args, env, fresh=True)
            unchanged, again = median_fleet(fleet, staging / "out", args, env, fresh=False)
            per_host[f"warm, {label}"] = warm / n
            print(f"  OUT on {label} (creating a directory with a file: "
                  f"{1000 * inode_cost(staging):.2f} ms):")
            print(f"    warm (answers remembered):  {warm:6.2f} s  {1000 * warm / n:6.2f} ms/host"
                  f"  answers {warm_data['portage']['answers']}   target <= {TARGET_FLEET_S} s")
            print(f"    unchanged (the same OUT):   {unchanged:6.2f} s  "
                  f"{1000 * unchanged / n:6.2f} ms/host  files changed "
                  f"{again['totals']['files_changed']}")
            if staging != work:
                shutil.rmtree(staging, ignore_errors=True)

        sample = rendered[:: max(1, len(rendered) // args.flaggie_sample)][: args.flaggie_sample]
        requests = [(work / "out-cold" / h["host"],
                     flaggie_requests(work / "out-cold" / h["host"]))
                    for h in sample]
        config_root, eprefix = pm_config_root(work)
        # flaggie checks env:: values against its package manager's env/
        for host_root, _ in requests:
            if (host_root / "etc/portage/env").is_dir():
                shutil.copytree(host_root / "etc/portage/env", config_root / "etc/portage/env",
                                dirs_exist_ok=True)
        pm_env = dict(env, PACKAGE_MANAGER="portage", PORTAGE_CONFIGROOT=str(config_root),
                      PORTAGE_OVERRIDE_EPREFIX=eprefix)
        with_pm, pm_entries = time_flaggie(requests, True, work / "flaggie", pm_env)
        without_pm, entries = time_flaggie(requests, False, work / "flaggie", env)
        print(f"flaggie on {len(requests)} hosts ({entries} entries written without, "
              f"{pm_entries} with the package manager):")
        for label, seconds in (("with package manager", with_pm),
                               ("without package manager", without_pm)):
            ratios = "  ".join(f"{seconds / v:6.1f}x vs xenmig {k}" for k, v in per_host.items())
            print(f"  {label:24} {1000 * seconds:8.2f} ms/host  {ratios}   "
                  f"target >= {TARGET_RATIO:.0f}x")

        spec = fleet / f"{sample[0]['host']}.toml"
        command, inside = apply_unchanged(spec, work / "apply-root", env)
        print(f"apply on an unchanged host ({spec.name}, median of 7):   "
              f"target <= {TARGET_APPLY_MS:.0f} ms")
        print(f"  the command end to end:            {1000 * command:6.0f} ms")
        print(f"  its work (without Python start-up): {1000 * inside:6.0f} ms")
        startup = python_startup(env)
        print(f"  Python start-up and imports:        {1000 * startup:6.0f} ms "
              f"(python -c 'import xenmig.cli.apply, xenmig.rules.boot')")


if __name__ == "__main__":
    main()
