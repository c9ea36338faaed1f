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


def read_xm(path: Path, given: dict[str, Value] | None = None) -> XmConfig:
    """The settings of the xm config at ``path``, a file the user named."""
    return parse_xm(read_file(path).decode("utf-8", "replace"), str(path), given)


def parse_xm(text: str, path: str, given: dict[str, Value] | None = None) -> XmConfig:
    """The settings of the xm config ``text`` (``path`` names it in
    errors); ``given`` are the values of its xm_vars variables."""
    try:
        tree = ast.parse(text, path)
    except SyntaxError as error:
        raise UserError(f"{path}:{error.lineno}: cannot be read as a configuration: "
                        f"{error.msg}") from error
    source = text.splitlines()
    config = XmConfig(path)
    given = dict(given or {})
    declared: set[str] = set()
    checks = {
        kw.value.id
        for node in tree.body if (call := _xm_vars_call(node))
        for kw in call.keywords if kw.arg == "check" and isinstance(kw.value, ast.Name)
    }
    env: dict[str, Value] = {}
    try:
        for node in tree.body:
            _statement(node, config, env, given, declared, checks)
    except _Refused as refused:
        line = source[refused.line - 1].strip() if 0 < refused.line <= len(source) else ""
        raise UserError(
            f"{path}:{refused.line}: {line!r}: {refused}; xenmig reads configurations "
            "without running them"
        ) from None
    unused = sorted(set(given) - declared)
    if unused:
        raise UserError(f"{path}: --var {unused[0]}: not declared with xm_vars.var")
    return config


def _statement(node: ast.stmt, config: XmConfig, env: dict[str, Value],
               given: dict[str, Value], declared: set[str], checks: set[str]) -> None:
    if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
        value = _value(node.value, env)
        for target in node.targets:
            assert isinstance(target, ast.Name)
            if target.id in config.values:
                config.notes.append(f"line {node.lineno}: {target.id} set again; the last "
                                    "value counts (as in xm)")
            env[target.id] = config.values[target.id] = value
            config.lines[target.id] = node.lineno
        return
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) \
            and isinstance(node.op, ast.Add) and node.target.id in env:
        value = _add(env[node.target.id], _value(node.value, env), node)
        env[node.target.id] = config.values[node.target.id] = value
        return
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return  # a bare string: documentation
    if isinstance(node, ast.FunctionDef) and node.name in checks:
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
        declared.add(name)
        if name not in given:
            raise _Refused(node, f"{name} is an xm_vars variable: give its value with "
                                 f"--var {name}=VALUE")
        env[name] = given[name]
        return
    kind = type(node).__name__.lower()
    raise _Refused(node, f"{kind} statement is code")


def _value(node: ast.expr, env: dict[str, Value]) -> Value:
    if isinstance(node, ast.Constant) and (
            node.value is None or isinstance(node.value, str | int | float | bool)):
        return node.value
    if isinstance(node, ast.List | ast.Tuple):
        return [_value(item, env) for item in node.elts]
    if isinstance(node, ast.Name):
        if node.id in env:
            value = env[node.id]
            return list(value) if isinstance(value, list) else value
        raise _Refused(node, f"{node.id} is not set before this line")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        operand = _value(node.operand, env)
        if isinstance(operand, int | float) and not isinstance(operand, bool):
            return -operand
    if isinstance(node, ast.BinOp):
        left, right = _value(node.left, env), _value(node.right, env)
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
