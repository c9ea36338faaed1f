"""Fixtures that run Gentoo's own tools offline on this repository.

One :class:`Lab` per test session: a test copy of the embedded ::gentoo
snapshot with the eclass doubles of tests/eclass-doubles added (never the
shipped snapshot), the overlay (this checkout, scanned in place), and an
evaluation config root built by the tools' own :class:`PortageView` with the
overlay's dom0 profile selected.  Everything portage, pkgcheck and pkgdev
write goes under the lab's temporary directory.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xenmig.gentoo.portage_view import PortageView, Repo
from xenmig.maint.regen import snapshot_with_eclasses

REPO_ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO_ROOT / "tools/src/xenmig/snapshot/data/gentoo"
ECLASS_DOUBLES = REPO_ROOT / "tests/eclass-doubles"
SHARED = REPO_ROOT.parent / "shared"
SUPPORT_BIN = Path(__file__).resolve().parent / "bin"
DOM0_PROFILE = "xen-migration:xen-dom0/amd64/23.0"
# The portage ebuild helpers call GNU tar as "gtar"; Debian has no such name.
_GTAR = "gtar"


@dataclass
class Lab:
    tmp: Path
    master: Path
    overlay: Path
    view: PortageView

    @property
    def config_dir(self) -> Path:
        return self.view.root / "etc/portage"

    def env(self, **extra: str) -> dict[str, str]:
        shims = self.tmp / "shims"
        path = os.pathsep.join(
            [str(SUPPORT_BIN), str(shims), str(Path(sys.executable).parent), os.environ["PATH"]]
        )
        return self.view.env(
            PATH=path,
            XDG_CACHE_HOME=str(self.tmp / "xdg-cache"),
            HOME=str(self.tmp / "home"),
            LC_ALL="C.UTF-8",
            NOCOLOR="true",
            **extra,
        )

    def run(
        self,
        argv: Sequence[str],
        *,
        cwd: Path | None = None,
        check: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            list(argv), env=self.env(**(env or {})), cwd=cwd, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} -> {proc.returncode}\n{proc.stdout}")
        return proc

    def derive(self, name: str, files: dict[str, str] | None = None) -> Lab:
        """A lab on the same repositories with its own config root, where
        ``files`` (e.g. ``{"package.use": "..."}``) go to etc/portage."""
        view = PortageView(self.tmp / name, self.view.repos, self.view.profile)
        for rel, text in (files or {}).items():
            (view.root / "etc/portage" / rel).write_text(text, encoding="utf-8")
        return Lab(self.tmp, self.master, self.overlay, view)

    def emerge(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        return self.run(["emerge", *args], check=check)

    def pkgcheck(self, *args: str, repo: str = "xen-migration") -> list[dict[str, Any]]:
        """Results of ``pkgcheck scan`` (JsonStream), failing on any error,
        warning or style result."""
        proc = self.run(
            ["pkgcheck", "--config", str(self.config_dir), "scan", "-r", repo,
             "--exit", "error,warning,style", "-R", "JsonStream", *args],
            check=False,
        )
        results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        if proc.returncode not in (0, 1) or (proc.returncode == 1 and not results):
            raise AssertionError(f"pkgcheck failed ({proc.returncode}):\n{proc.stdout}")
        return results

    def ebuild(
        self, ebuild: Path, *phases: str, root: Path | None = None, **env: str
    ) -> subprocess.CompletedProcess[str]:
        if root is not None:
            env = {**env, "ROOT": str(root), "EPREFIX": ""}
        return self.run(["ebuild", str(ebuild), *phases], env=env)


def merge_list(emerge_output: str) -> list[str]:
    """``cat/pkg-ver::repo`` of the ``[ebuild ...]`` lines of emerge output."""
    found = re.findall(r"^\[ebuild[^]]*\] (\S+?)(?::[^:\s]+)?::(\S+)", emerge_output, re.M)
    return [f"{cpv}::{repo}" for cpv, repo in found]


def autounmask_changes(emerge_output: str) -> list[str]:
    """The package.accept_keywords / package.use lines emerge asks for."""
    return sorted(
        line for line in emerge_output.splitlines() if re.match(r"^(=|>=|<=|~)[a-z0-9-]+/", line)
    )


def make_lab(tmp: Path, overlay: Path = REPO_ROOT, profile: str = DOM0_PROFILE) -> Lab:
    master = snapshot_with_eclasses(tmp / "gentoo", ECLASS_DOUBLES)
    shims = tmp / "shims"
    shims.mkdir()
    tar = shutil.which("tar")
    assert tar, "GNU tar is needed"
    (shims / _GTAR).symlink_to(tar)
    for sub in ("home", "xdg-cache"):
        (tmp / sub).mkdir()
    repos = [Repo("gentoo", master), Repo("xen-migration", overlay, ("gentoo",))]
    view = PortageView(tmp / "config-root", repos, profile)
    return Lab(tmp, master, overlay, view)


def copy_overlay(dest: Path) -> Path:
    """A copy of the overlay's ebuild-repository parts (for tests that write)."""
    for part in ("metadata", "profiles", "app-emulation", "sys-kernel"):
        shutil.copytree(REPO_ROOT / part, dest / part, symlinks=True)
    return dest
