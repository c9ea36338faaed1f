"""Reading xm configuration files without running them.

An xm config is a Python 2 program that ``xm create`` executed.  xenmig
parses it (:mod:`ast`) and evaluates only what a configuration needs:
assignments of literals, lists, earlier variables and plain string
operations (``+``, ``%`` formatting, integer arithmetic).  The xm_vars
idiom (``xm_vars.var('vmid', check=f)``, ``xm_vars.check()``, and the check
function ``def f``) declares variables that ``xm create`` took from its
command line: their values come from ``--var NAME=VALUE`` and the check
function is never run.  Everything else (imports, conditionals, calls) is
refused with the line it is on.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xenmig.errors import UserError
from xenmig.hostfiles.root import read_file

Value = str | int | float | bool | None | list[Any]


@dataclass
class XmConfig:
    """The settings of an xm config, each with the line that set it;
    ``name`` names the file in errors."""

    name: str
    values: dict[str, Value] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, node: ast.AST, reason: str) -> None:
        super().__init__(reason)
        self.line = getattr(node, "lineno", 0)


def _xm_vars_call(node: ast.stmt) -> ast.Call | None:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id == "xm_vars" and func.attr in ("var", "check"):
            return node.value
    return None


def read_xm(path: Path, given: dict[str, Value] | None = None, *, machine: str = "x86_64",
            skip: Mapping[str, str] | None = None) -> XmConfig:
    """The settings of the xm config at ``path``, a file the user named."""
    return parse_xm(read_file(path).decode("utf-8", "replace"), str(path), given,
                    machine=machine, skip=skip)


# The modules the preamble of Xen's xmexample files imports (import os, re).
_PREAMBLE_MODULES = {"os", "re"}


@dataclass
class _Run:
    config: XmConfig
    env: dict[str, Value]
    given: dict[str, Value]
    declared: set[str]
    checks: set[str]
    machine: str
    skip: Mapping[str, str]


def parse_xm(text: str, path: str, given: dict[str, Value] | None = None, *,
             machine: str = "x86_64", skip: Mapping[str, str] | None = None) -> XmConfig:
    """The settings of the xm config ``text`` (``path`` names it in
    errors); ``given`` are the values of its xm_vars variables.

    The preamble of Xen's own xmexample files is recognised by its shape,
    never run: ``import os, re``, ``os.uname()[4]`` (``machine``: the
    target host's, x86_64 for amd64) and ``os.uname()[0]`` (Linux), and
    ``if`` statements over those with ``re.search``, ``==``, ``and``,
    ``or`` and ``not`` (the ``arch_libdir`` idiom).  Assignments to the
    names in ``skip`` ({name: why}) are noted and their values never
    evaluated: a key the caller drops may hold anything."""
    try:
        tree = ast.parse(text, path)
    except SyntaxError as error:
        hint = " (an S-expression: xend-config.sxp is given with --sxp)" \
            if text.lstrip().startswith("(") else ""
        raise UserError(f"{path}:{error.lineno}: cannot be read as a configuration: "
                        f"{error.msg}{hint}") from error
    source = text.splitlines()
    run = _Run(XmConfig(path), {}, dict(given or {}), set(), {
        kw.value.id
        for node in tree.body if (call := _xm_vars_call(node))
        for kw in call.keywords if kw.arg == "check" and isinstance(kw.value, ast.Name)
    }, machine, skip or {})
    try:
        for node in tree.body:
            _statement(node, run)
    except _Refused as refused:
        line = source[refused.line - 1].strip() if 0 < refused.line <= len(source) else ""
        raise UserError(
            f"{path}:{refused.line}: {line!r}: {refused}; xenmig reads configurations "
            "without running them"
        ) from None
    unused = sorted(set(run.given) - run.declared)
    if unused:
        raise UserError(f"{path}: --var {unused[0]}: not declared with xm_vars.var")
    run.config.notes.sort(key=note_line)
    return run.config


def note_line(note: str) -> int:
    """The line a note is about ("line 12: ..."), 0 for a note of the
    whole file: notes sort in line order."""
    return int(note.split()[1].rstrip(":")) if note.startswith("line ") else 0


def _statement(node: ast.stmt, run: _Run) -> None:
    config, env = run.config, run.env
    if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if all(name in run.skip for name in names):
            for name in names:
                config.notes.append(f"line {node.lineno}: {name}: {run.skip[name]}; dropped "
                                    "(its value not read)")
            return
        value = _value(node.value, run)
        for name in names:
            if name in config.values:
                config.notes.append(f"line {node.lineno}: {name} set again; the last "
                                    "value counts (as in xm)")
            env[name] = config.values[name] = value
            config.lines[name] = node.lineno
        return
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) \
            and isinstance(node.op, ast.Add) and node.target.id in env:
        value = _add(env[node.target.id], _value(node.value, run), node)
        env[node.target.id] = config.values[node.target.id] = value
        return
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return  # a bare string: documentation
    if isinstance(node, ast.Import) and \
            all(a.name in _PREAMBLE_MODULES and a.asname is None for a in node.names):
        return  # the xmexample preamble: os.uname() and re.search are read below
    if isinstance(node, ast.If):
        for inner in (node.body if _condition(node.test, run) else node.orelse):
            _statement(inner, run)
        return
    if isinstance(node, ast.FunctionDef) and node.name in run.checks:
        config.notes.append(f"line {node.lineno}: xm_vars check function {node.name}() "
                            "not run; check the --var values yourself")
        return
    if call := _xm_vars_call(node):
        assert isinstance(call.func, ast.Attribute)
        if call.func.attr == "check":
            return
        if not call.args or not isinstance(call.args[0], ast.Constant) \
                or not isinstance(call.args[0].value, str):
            raise _Refused(node, "xm_vars.var without a literal variable name")
        name = call.args[0].value
        run.declared.add(name)
        if name not in run.given:
            raise _Refused(node, f"{name} is an xm_vars variable: give its value with "
                                 f"--var {name}=VALUE")
        env[name] = run.given[name]
        return
    kind = type(node).__name__.lower()
    raise _Refused(node, f"{kind} statement is code")


def _condition(node: ast.expr, run: _Run) -> bool:
    """The truth of an ``if`` test made of the preamble's pieces."""
    if isinstance(node, ast.BoolOp):
        values = [_condition(v, run) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _condition(node.operand, run)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and \
            isinstance(node.ops[0], ast.Eq | ast.NotEq):
        equal = _value(node.left, run) == _value(node.comparators[0], run)
        return equal if isinstance(node.ops[0], ast.Eq) else not equal
    if isinstance(node, ast.Call) and _is(node.func, "re", "search") and len(node.args) == 2 \
            and not node.keywords:
        pattern, text = (_value(a, run) for a in node.args)
        if isinstance(pattern, str) and isinstance(text, str):
            try:
                return re.search(pattern, text) is not None
            except re.error as error:
                raise _Refused(node, f"re.search: {error}") from None
    raise _Refused(node, f"{type(node).__name__} condition is code")


def _is(node: ast.expr, module: str, attr: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr and \
        isinstance(node.value, ast.Name) and node.value.id == module


def _value(node: ast.expr, run: _Run) -> Value:
    env = run.env
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call) and \
            _is(node.value.func, "os", "uname") and not node.value.args and \
            isinstance(node.slice, ast.Constant) and node.slice.value in (0, 4):
        return "Linux" if node.slice.value == 0 else run.machine  # sysname, machine
    if isinstance(node, ast.Constant) and (
            node.value is None or isinstance(node.value, str | int | float | bool)):
        return node.value
    if isinstance(node, ast.List | ast.Tuple):
        return [_value(item, run) for item in node.elts]
    if isinstance(node, ast.Name):
        if node.id in env:
            value = env[node.id]
            return list(value) if isinstance(value, list) else value
        raise _Refused(node, f"{node.id} is not set before this line")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        operand = _value(node.operand, run)
        if isinstance(operand, int | float) and not isinstance(operand, bool):
            return -operand
    if isinstance(node, ast.BinOp):
        left, right = _value(node.left, run), _value(node.right, run)
        if isinstance(node.op, ast.Add):
            return _add(left, right, node)
        if isinstance(node.op, ast.Sub) and _number(left) and _number(right):
            return left - right  # type: ignore[operator]
        if isinstance(node.op, ast.Mod) and isinstance(left, str):
            args = tuple(right) if isinstance(right, list) else right
            if all(v is None or isinstance(v, str | int | float) for v in
                   (args if isinstance(args, tuple) else (args,))):
                try:
                    return left % args
                except (TypeError, ValueError, KeyError) as error:
                    raise _Refused(node, f"string formatting fails: {error}") from None
    raise _Refused(node, f"{type(node).__name__} expression is code or not a plain value")


def _number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _add(left: Value, right: Value, node: ast.AST) -> Value:
    if isinstance(left, str) and isinstance(right, str):
        return left + right
    if isinstance(left, list) and isinstance(right, list):
        return left + right
    if _number(left) and _number(right):
        return left + right  # type: ignore[operator]
    raise _Refused(node, "+ of values of different types")
