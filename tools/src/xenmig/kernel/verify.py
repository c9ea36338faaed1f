"""Does a fragment survive a real kernel tree's configuration?

The kernel's own tools decide: ``make <base>`` (defconfig, tinyconfig or a
given .config), ``scripts/kconfig/merge_config.sh -m`` with the fragment,
``make olddefconfig``.  merge_config.sh only warns about values that did
not apply and exits 0, and it compares text, so ``=n`` and ``# ... is not
set`` look different to it; :func:`unmet` compares values instead ("=n",
"is not set" and absent are all off) and the symbol model explains each
line that did not survive.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from xenmig.errors import ToolError, UserError
from xenmig.kernel.config import parse_config
from xenmig.kernel.model import load_model

BASES = ("defconfig", "tinyconfig", "allnoconfig")
_FRAGMENT_LINE = r"^(?:CONFIG_(\w+)=(.*)|# CONFIG_(\w+) is not set)$"


@dataclass(frozen=True)
class Unmet:
    line: str
    got: str
    why: str

    def __str__(self) -> str:
        return f"{self.line} (got {self.got}): {self.why}"


def fragment_values(text: str) -> list[tuple[str, str, str]]:
    """(line, symbol, wanted value) of each option line of a fragment."""
    out = []
    for line in text.splitlines():
        if m := re.match(_FRAGMENT_LINE, line.strip()):
            if m[1]:
                value = m[2].strip('"')
                out.append((line.strip(), m[1], value))
            else:
                out.append((line.strip(), m[3], "n"))
    return out


def unmet(values: dict[str, str], fragment: str) -> list[tuple[str, str, str]]:
    """(line, symbol, wanted) of the fragment lines whose value is not in
    the final ``values``."""
    return [
        (line, name, want) for line, name, want in fragment_values(fragment)
        if values.get(name, "n") != want
    ]


def _make(tree: Path, out: Path, arch: str, *targets: str) -> None:
    command = ["make", "-s", f"ARCH={arch}", f"O={out}", *targets]
    result = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ToolError(f"{' '.join(command)} in {tree} failed:\n{result.stderr.strip()}")


def merge(tree: Path, base: str, fragment: str, arch: str = "x86_64",
          out: Path | None = None) -> tuple[Path, list[Unmet]]:
    """Configure ``tree`` from ``base`` plus ``fragment`` in ``out`` (a new
    temporary directory when None); return the final .config and the
    fragment lines that did not survive, explained."""
    tree = tree.resolve()
    if not (tree / "scripts/kconfig/merge_config.sh").is_file():
        raise UserError(f"{tree}: not a kernel tree (no scripts/kconfig/merge_config.sh)")
    if shutil.which("make") is None:
        raise ToolError("make is needed to configure a kernel tree")
    out = Path(tempfile.mkdtemp(prefix="xenmig-kconfig-")) if out is None else out
    out.mkdir(parents=True, exist_ok=True)
    if base in BASES:
        _make(tree, out, arch, base)
    else:
        try:
            shutil.copyfile(base, out / ".config")
        except OSError as error:
            raise UserError(f"{base}: cannot read: {error.strerror}") from error
    frag = out / "xenmig.fragment"
    frag.write_text(fragment)
    result = subprocess.run(
        ["scripts/kconfig/merge_config.sh", "-m", "-O", str(out), str(out / ".config"),
         str(frag)],
        cwd=tree, capture_output=True, text=True, check=False,
        env={**os.environ, "ARCH": arch},
    )
    if result.returncode != 0:
        raise ToolError(f"merge_config.sh failed:\n{result.stdout}{result.stderr}")
    _make(tree, out, arch, "olddefconfig")
    config = out / ".config"
    values = parse_config(config.read_text(), config).values
    missing = unmet(values, fragment)
    if not missing:
        return config, []
    model = load_model(tree, arch)
    return config, [
        Unmet(line, values.get(name, "n"), model.explain(values, name, want))
        for line, name, want in missing
    ]

