"""xl 4.17's own parser as the oracle for xl files: ``xl -N create`` (a dry
run that prints the libxl domain configuration as JSON) with the shim in
nohv.c preloaded, so that it runs without a hypervisor."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

XL = Path("/usr/lib/xen-4.17/bin/xl")
SHIM_SOURCE = Path(__file__).with_name("nohv.c")
# What xl prints on stderr for every file (no /etc/xen/xl.conf here).
_USUAL = ("Parsing config from ", "Failed to read config file: /etc/xen/xl.conf")


@dataclass(frozen=True)
class DryRun:
    returncode: int
    config: dict[str, Any] | None  # the libxl domain configuration
    diagnostics: tuple[str, ...]  # stderr lines besides the usual two

    @property
    def ok(self) -> bool:
        """xl accepted the file without a word (it exits 0 on some errors,
        e.g. an unknown vif key, and says so only on stderr)."""
        return self.returncode == 0 and self.config is not None and not self.diagnostics


def require_xl() -> None:
    if not XL.is_file() or shutil.which("gcc") is None:
        pytest.skip(f"needs {XL} (xen-utils-4.17) and gcc; ./dev test installs them")


@functools.cache
def _shim() -> Path:
    out = Path(tempfile.mkdtemp(prefix="xenmig-xl-")) / "nohv.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", str(out), str(SHIM_SOURCE)],
                   check=True)
    return out


def dry_run(cfg: Path) -> DryRun:
    """xl 4.17's reading of ``cfg``."""
    require_xl()
    env = {**os.environ, "LD_PRELOAD": str(_shim())}
    proc = subprocess.run([str(XL), "-N", "create", str(cfg)], capture_output=True, text=True,
                          env=env, timeout=60)
    diagnostics = tuple(line for line in proc.stderr.splitlines()
                        if line.strip() and not line.startswith(_USUAL))
    try:
        config = json.loads(proc.stdout) if proc.stdout.strip() else None
    except ValueError:
        config = None
    return DryRun(proc.returncode, config, diagnostics)


def comparable(config: dict[str, Any]) -> dict[str, Any]:
    """A dry run's configuration without what xl makes up on every run (the
    domain's UUID when the file gives none)."""
    out: dict[str, Any] = json.loads(json.dumps(config))
    out.get("c_info", {}).pop("uuid", None)
    return out


def flat(data: Any, path: str = "") -> dict[str, Any]:
    """A libxl configuration as {".b_info.cmdline": value, ...}: what two
    dry runs differ in is the set of paths whose values differ."""
    if isinstance(data, dict):
        return {k: v for key, item in data.items() for k, v in flat(item, f"{path}.{key}").items()}
    if isinstance(data, list):
        return {k: v for i, item in enumerate(data) for k, v in flat(item, f"{path}[{i}]").items()}
    return {path: data}


def guest_examples(realworld: Path) -> list[Path]:
    """The xm and xl guest files of Xen's own examples in ../shared/realworld
    (none when it is absent), but the nbd one, which has no xl form."""
    return sorted(p for p in realworld.glob("xen-project__xen*/tools/examples/x[lm]example*")
                  if p.name != "xmexample.nbd")
