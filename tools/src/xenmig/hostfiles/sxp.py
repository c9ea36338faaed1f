"""xend-config.sxp: xend's daemon configuration, S-expressions such as
``(vif-script 'vif-bridge bridge=xenbr1')``.  Pure: text in, typed data
out, each top-level setting with its line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from xenmig.errors import UserError

_TOKEN = re.compile(
    r"""\s+|#[^\n]*|(\()|(\))"""
    r"""|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([^\s()'"]+)"""
)

Sexp = str | list["Sexp"]


@dataclass(frozen=True)
class SxpSetting:
    """A top-level ``(name value ...)`` entry: its words joined by blanks,
    and the line its ``(`` is on."""

    value: str
    line: int


def parse_sxp(text: str, name: str) -> list[tuple[Sexp, int]]:
    """The top-level expressions of ``text``, each with the line it starts
    on; ``name`` names the file in errors."""
    stack: list[list[Sexp]] = [[]]
    top: list[tuple[Sexp, int]] = []
    starts: list[int] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        line = text.count("\n", 0, pos) + 1
        if m is None:
            raise UserError(f"{name}:{line}: not an S-expression (unbalanced quote?)")
        pos = m.end()
        if m[1]:
            stack.append([])
            starts.append(line)
        elif m[2]:
            if len(stack) == 1:
                raise UserError(f"{name}:{line}: ')' without '('")
            done = stack.pop()
            start = starts.pop()
            stack[-1].append(done)
            if len(stack) == 1:
                top.append((done, start))
        else:
            word = next((g for g in (m[3], m[4], m[5]) if g is not None), None)
            if word is not None:
                stack[-1].append(word)
                if len(stack) == 1:
                    top.append((word, line))
    if len(stack) != 1:
        raise UserError(f"{name}:{starts[0]}: '(' without ')' at the end of the file")
    return top


def read_sxp(text: str, name: str) -> dict[str, SxpSetting]:
    """{name: setting} of the top-level ``(name value)`` entries (the last
    of a name counts, as xend read them)."""
    out = {}
    for item, line in parse_sxp(text, name):
        if isinstance(item, list) and len(item) >= 2 and isinstance(item[0], str):
            out[item[0]] = SxpSetting(" ".join(v for v in item[1:] if isinstance(v, str)), line)
    return out


def default_bridge(settings: Mapping[str, SxpSetting]) -> str | None:
    """The bridge xend attached vifs to by default: ``bridge=`` of the
    vif-script or of the network-script entry."""
    for key in ("vif-script", "network-script"):
        setting = settings.get(key)
        for word in setting.value.split() if setting else ():
            if word.startswith("bridge="):
                return word.split("=", 1)[1]
    return None
