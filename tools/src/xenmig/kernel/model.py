"""A kernel tree's Kconfig as a compact symbol model, cached per tree.

Parsing a 6.12 tree with kconfiglib takes seconds; the model keeps what
explanations need (type, prompt, direct dependencies, reverse dependencies
from ``select``, where a symbol is defined) as JSON in the cache directory,
keyed by the tree and the architecture and checked against the
modification times of every Kconfig file it was read from.

kconfiglib's last release (14.1.0, 2020) cannot parse Linux >= 5.13, where
``option modules`` became a bare ``modules`` line (kernel/module/Kconfig);
:func:`_parse` teaches its tokenizer that spelling.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xenmig.cache import cache_dir, store
from xenmig.errors import ToolError, UserError

FORMAT = 1
# kconfiglib's ARCH -> SRCARCH for the architectures xenmig deals with.
SRCARCH = {"x86_64": "x86", "i386": "x86", "x86": "x86", "arm64": "arm64"}

Expr = Any  # "S:NAME" (symbol), "C:value" (constant), or [op, expr, expr?]


@dataclass(frozen=True)
class Symbol:
    name: str
    type: str
    prompt: bool
    choice: bool
    dep: Expr
    rev: Expr
    where: str


@dataclass(frozen=True)
class SymbolModel:
    tree: Path
    arch: str
    version: str
    symbols: dict[str, Symbol]

    def explain(self, config: Mapping[str, str], name: str, want: str) -> str:
        """Why CONFIG_<name> is not ``want`` given the final ``config``
        ({symbol: value}, "n" for not set)."""
        sym = self.symbols.get(name)
        if sym is None:
            return f"{name} is not defined in this tree ({self.version}, ARCH={self.arch})"
        ev = _Evaluator(config)
        got = config.get(name, "n")
        level = {"y": 2, "m": 1, "n": 0}.get(want, 2)
        reasons = []
        dep = ev.value(sym.dep)
        if level and dep < level:
            reasons.append(f"depends on {_show(sym.dep)} [{ev.leaves(sym.dep)}]")
        if want == "m" and config.get("MODULES", "n") != "y":
            reasons.append("=m needs MODULES=y")
        if want == "m" and sym.type == "bool":
            reasons.append("a bool option cannot be m")
        rev = ev.value(sym.rev)
        if rev > level:
            reasons.append(f"selected by {_show(sym.rev)} [{ev.leaves(sym.rev)}]")
        if not sym.prompt:
            reasons.append("has no prompt: set only by defaults and select")
        if sym.choice:
            reasons.append("part of a choice: another entry of the choice wins")
        if not reasons:
            reasons.append("its dependencies are met: it can be switched on")
        return f"{name} ({sym.where}) is {got}, wanted {want}: " + "; ".join(reasons)


class _Evaluator:
    """Kconfig tristate logic over a final .config (n=0, m=1, y=2)."""

    def __init__(self, config: Mapping[str, str]) -> None:
        self.config = config

    def _raw(self, expr: str) -> str:
        kind, text = expr[:2], expr[2:]
        if kind == "C:":
            if text == "m" and self.config.get("MODULES", "n") != "y":
                return "n"
            return text
        return self.config.get(text, "n")

    def value(self, expr: Expr) -> int:
        if isinstance(expr, str):
            return {"y": 2, "m": 1}.get(self._raw(expr), 0)
        op = expr[0]
        if op == "&&":
            return min(self.value(part) for part in expr[1:])
        if op == "||":
            return max(self.value(part) for part in expr[1:])
        if op == "!":
            return 2 - self.value(expr[1])
        left, right = self._raw(expr[1]), self._raw(expr[2])
        try:
            a: Any = int(left, 0)
            b: Any = int(right, 0)
        except ValueError:
            a, b = left, right
        result = {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b,
                  ">": a > b, ">=": a >= b}[op]
        return 2 if result else 0

    def leaves(self, expr: Expr) -> str:
        names = list(dict.fromkeys(_symbols(expr)))
        return ", ".join(f"{n}={self.config.get(n, 'n')}" for n in names)


def _symbols(expr: Expr) -> Iterator[str]:
    if isinstance(expr, str):
        if expr.startswith("S:"):
            yield expr[2:]
        return
    for part in expr[1:]:
        yield from _symbols(part)


def _show(expr: Expr, top: bool = True) -> str:
    if isinstance(expr, str):
        return expr[2:]
    op = expr[0]
    if op == "!":
        return "!" + _show(expr[1], False)
    text = f" {op} ".join(_show(part, False) for part in expr[1:])
    return text if top else f"({text})"


def _kernel_version(tree: Path) -> str:
    try:
        makefile = (tree / "Makefile").read_text(errors="replace")
    except OSError as error:
        raise UserError(f"{tree}: not a kernel tree (no Makefile: {error.strerror})") from error
    parts = {}
    for key in ("VERSION", "PATCHLEVEL", "SUBLEVEL"):
        m = re.search(rf"^{key} = (\d+)", makefile, re.M)
        if m is None:
            raise UserError(f"{tree}/Makefile: no {key} line; not a kernel tree")
        parts[key] = m[1]
    return f"{parts['VERSION']}.{parts['PATCHLEVEL']}.{parts['SUBLEVEL']}"


@contextmanager
def _kconfig_environment(tree: Path, arch: str, version: str) -> Iterator[None]:
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    cc = os.environ.get("CC", "gcc")
    try:
        cc_text = subprocess.run([cc, "--version"], capture_output=True, text=True,
                                 check=False).stdout.splitlines()[0]
    except (OSError, IndexError):
        cc_text = cc
    os.environ.update(srctree=str(tree), ARCH=arch, SRCARCH=SRCARCH.get(arch, arch), CC=cc,
                      LD=os.environ.get("LD", "ld"), CC_VERSION_TEXT=cc_text,
                      KERNELVERSION=version)
    os.chdir(tree)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def _parse(tree: Path, arch: str, version: str) -> tuple[dict[str, Symbol], list[str]]:
    try:
        import kconfiglib
    except ImportError as error:
        raise ToolError(
            "kconfiglib is needed to read a kernel tree: pip install kconfiglib "
            "(or install xen-migration-tools[kernel])"
        ) from error

    original = kconfiglib.Kconfig._tokenize

    def tokenize(self: Any, line: str) -> Any:
        if line.strip() == "modules":  # Linux >= 5.13 spelling of "option modules"
            line = line.replace("modules", "option modules", 1)
        return original(self, line)

    ops = {kconfiglib.AND: "&&", kconfiglib.OR: "||", kconfiglib.NOT: "!",
           kconfiglib.EQUAL: "=", kconfiglib.UNEQUAL: "!=", kconfiglib.LESS: "<",
           kconfiglib.LESS_EQUAL: "<=", kconfiglib.GREATER: ">",
           kconfiglib.GREATER_EQUAL: ">="}

    def expr(e: Any) -> Expr:
        if isinstance(e, tuple):
            op = e[0]
            if op in (kconfiglib.AND, kconfiglib.OR):
                # Chains nest deeply (a select by hundreds of symbols):
                # flatten them, without recursion, into one n-ary node.
                parts, todo = [], [e]
                while todo:
                    item = todo.pop()
                    if isinstance(item, tuple) and item[0] == op:
                        todo += [item[2], item[1]]
                    else:
                        parts.append(expr(item))
                return [ops[op], *parts]
            return [ops[op], *(expr(part) for part in e[1:])]
        if isinstance(e, kconfiglib.Choice):
            return "C:y"
        return f"C:{e.name}" if e.is_constant else f"S:{e.name}"

    kconfiglib.Kconfig._tokenize = tokenize
    try:
        with _kconfig_environment(tree, arch, version):
            kconf = kconfiglib.Kconfig("Kconfig", warn=False)
    except kconfiglib.KconfigError as error:
        raise ToolError(f"{tree}: kconfiglib cannot parse the tree: {error}") from error
    finally:
        kconfiglib.Kconfig._tokenize = original
    symbols = {}
    for sym in kconf.unique_defined_syms:
        node = sym.nodes[0]
        symbols[sym.name] = Symbol(
            sym.name, kconfiglib.TYPE_TO_STR[sym.orig_type],
            any(n.prompt for n in sym.nodes), sym.choice is not None,
            expr(sym.direct_dep), expr(sym.rev_dep), f"{node.filename}:{node.linenr}",
        )
    return symbols, sorted(set(kconf.kconfig_filenames))


def _cache_file(tree: Path, arch: str) -> Path:
    key = hashlib.sha256(f"{tree}\0{arch}".encode()).hexdigest()[:16]
    return cache_dir() / "kconfig" / f"{key}.json"


def _mtimes(tree: Path, files: list[str]) -> dict[str, int] | None:
    out = {}
    for name in files:
        try:
            out[name] = (tree / name).stat().st_mtime_ns
        except OSError:
            return None
    return out


_LOCK = threading.Lock()


def load_model(tree: Path, arch: str = "x86_64") -> SymbolModel:
    """The symbol model of ``tree`` for ``arch``, from the cache when no
    Kconfig file changed since it was made.  Parsing changes the process's
    working directory and environment for a while (kconfiglib reads both),
    so one thread at a time parses."""
    with _LOCK:
        return _load_model(tree.resolve(), arch)


def _load_model(tree: Path, arch: str) -> SymbolModel:
    version = _kernel_version(tree)
    cached = _cache_file(tree, arch)
    try:
        data = json.loads(cached.read_text())
        if data["format"] == FORMAT and data["version"] == version and \
                _mtimes(tree, list(data["files"])) == data["files"]:
            symbols = {n: Symbol(n, *fields) for n, fields in data["symbols"].items()}
            return SymbolModel(tree, arch, version, symbols)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    symbols, files = _parse(tree, arch, version)
    data = {
        "format": FORMAT, "tree": str(tree), "arch": arch, "version": version,
        "files": _mtimes(tree, files) or {},
        "symbols": {n: [s.type, s.prompt, s.choice, s.dep, s.rev, s.where]
                    for n, s in symbols.items()},
    }
    store(cached, json.dumps(data, separators=(",", ":")).encode())
    return SymbolModel(tree, arch, version, symbols)
