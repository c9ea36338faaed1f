"""xend-config.sxp: xend's daemon configuration, S-expressions such as
``(vif-script 'vif-bridge bridge=xenbr1')``."""

from __future__ import annotations

import re
from pathlib import Path

from xenmig.errors import UserError
from xenmig.hostfiles.root import read_file

_TOKEN = re.compile(
    r"""\s+|#[^\n]*|(\()|(\))"""
    r"""|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([^\s()'"]+)"""
)

Sexp = str | list["Sexp"]


def parse_sxp(text: str, path: Path) -> list[Sexp]:
    stack: list[list[Sexp]] = [[]]
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            line = text.count("\n", 0, pos) + 1
            raise UserError(f"{path}:{line}: not an S-expression (unbalanced quote?)")
        pos = m.end()
        if m[1]:
            stack.append([])
        elif m[2]:
            if len(stack) == 1:
                line = text.count("\n", 0, pos) + 1
                raise UserError(f"{path}:{line}: ')' without '('")
            done = stack.pop()
            stack[-1].append(done)
        elif m[3] is not None or m[4] is not None:
            stack[-1].append(m[3] if m[3] is not None else m[4])
        elif m[5]:
            stack[-1].append(m[5])
    if len(stack) != 1:
        raise UserError(f"{path}: '(' without ')' at the end of the file")
    return stack[0]


def settings(path: Path) -> dict[str, str]:
    """{name: value} of the top-level ``(name value)`` entries."""
    text = read_file(path).decode("utf-8", "replace")
    out = {}
    for item in parse_sxp(text, path):
        if isinstance(item, list) and len(item) >= 2 and isinstance(item[0], str):
            out[item[0]] = " ".join(v for v in item[1:] if isinstance(v, str))
    return out


def default_bridge(path: Path) -> str | None:
    """The bridge xend attached vifs to by default: ``bridge=`` of the
    vif-script or of the network-script entry."""
    found = settings(path)
    for key in ("vif-script", "network-script"):
        for word in found.get(key, "").split():
            if word.startswith("bridge="):
                return word.split("=", 1)[1]
    return None
