"""xl domain configuration files (/etc/xen/NAME.cfg, xl.cfg(5)), read as
libxl's own parser (libxlu) reads them, never run.  Pure: text in, typed
data out, each setting with its line.

The syntax: ``KEY = VALUE`` or ``KEY += VALUE`` separated by newlines or
``;``; ``#`` starts a comment; a value is a string in double or single
quotes (backslash escapes as in C: ``\\"`` ``\\\\`` ``\\n`` ``\\xHH``
``\\ooo``; any other character after a backslash is an error, as in xl), a
number (decimal, ``0x`` hex, ``0`` octal) or a list ``[ v, v, ... ]``
(nested, a trailing comma allowed, newlines inside).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xenmig.errors import UserError

XlValue = str | int | list["XlValue"]

_TOKEN = re.compile(r"""
    (?P<space>[ \t\r]+) | (?P<comment>\#[^\n]*) | (?P<newline>\n) | (?P<semi>;)
  | (?P<append>\+=) | (?P<equals>=) | (?P<open>\[) | (?P<close>\]) | (?P<comma>,)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<number>-?[0-9][0-9a-fA-FxX]*)
  | (?P<key>[A-Za-z_][A-Za-z0-9_.]*)
""", re.VERBOSE)
_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
           '"': '"', "'": "'", "\\": "\\"}


@dataclass(frozen=True)
class XlEntry:
    key: str
    value: XlValue
    line: int
    append: bool = False  # ``+=``


@dataclass
class XlDomain:
    """The settings of an xl file in order; ``name`` names it in errors."""

    name: str
    entries: list[XlEntry] = field(default_factory=list)
    comments: int = 0

    def values(self) -> dict[str, XlValue]:
        """Each key's value after every ``=`` and ``+=`` (a string appended
        to a string, a list extended)."""
        out: dict[str, XlValue] = {}
        for entry in self.entries:
            old = out.get(entry.key)
            if entry.append and isinstance(old, list):
                out[entry.key] = [*old, *(entry.value if isinstance(entry.value, list)
                                           else [entry.value])]
            elif entry.append and isinstance(old, str) and isinstance(entry.value, str):
                out[entry.key] = old + entry.value
            else:
                out[entry.key] = entry.value
        return out

    def lines(self) -> dict[str, int]:
        """The line of each key's last setting."""
        return {entry.key: entry.line for entry in self.entries}


def _dequote(token: str, where: str) -> str:
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        char = body[i]
        i += 1
        if char != "\\":
            out.append(char)
            continue
        nxt = body[i]
        i += 1
        if nxt in _SIMPLE:
            out.append(_SIMPLE[nxt])
        elif nxt == "x" and re.match(r"[0-9a-fA-F]{2}", body[i:i + 2]):
            out.append(chr(int(body[i:i + 2], 16)))
            i += 2
        elif nxt in "01234567":
            digits = re.match(r"[0-7]{1,3}", body[i - 1:])
            assert digits is not None
            out.append(chr(int(digits[0], 8)))
            i += len(digits[0]) - 1
        else:
            raise UserError(f"{where}: {token}: invalid character after backslash in a quoted "
                            "string (xl refuses it)")
    return "".join(out)


def _number(text: str, where: str) -> int:
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text)
    try:
        if digits.lower().startswith("0x"):
            return sign * int(digits, 16)
        if len(digits) > 1 and digits.startswith("0"):
            return sign * int(digits, 8)
        return sign * int(digits, 10)
    except ValueError:
        raise UserError(f"{where}: {text}: not a number") from None


def read_xl_domain(text: str, name: str) -> XlDomain:
    """The settings of xl file ``text``; errors name ``name`` and the line."""
    tokens: list[tuple[str, str, int]] = []
    line, pos = 1, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise UserError(f"{name}:{line}: {text[pos:pos + 20].split(chr(10))[0]!r}: "
                            "not xl configuration syntax")
        kind = m.lastgroup or ""
        if kind == "comment":
            tokens.append((kind, "", line))
        elif kind != "space":
            tokens.append((kind, m[0], line))
        line += m[0].count("\n")
        pos = m.end()
    domain = XlDomain(name, comments=sum(1 for t in tokens if t[0] == "comment"))
    tokens = [t for t in tokens if t[0] != "comment"]
    i = 0

    def where(at: int) -> str:
        return f"{name}:{tokens[min(at, len(tokens) - 1)][2]}"

    def value(at: int) -> tuple[XlValue, int]:
        while at < len(tokens) and tokens[at][0] == "newline":
            at += 1
        if at >= len(tokens):
            raise UserError(f"{where(at)}: a value is missing at the end of the file")
        kind, raw, _ = tokens[at]
        if kind == "string":
            return _dequote(raw, where(at)), at + 1
        if kind == "number":
            return _number(raw, where(at)), at + 1
        if kind != "open":
            raise UserError(f"{where(at)}: {raw!r}: expected a value")
        items: list[XlValue] = []
        at += 1
        while True:
            while at < len(tokens) and tokens[at][0] == "newline":
                at += 1
            if at >= len(tokens):
                raise UserError(f"{where(at)}: '[' without ']'")
            if tokens[at][0] == "close":
                return items, at + 1
            item, at = value(at)
            items.append(item)
            while at < len(tokens) and tokens[at][0] == "newline":
                at += 1
            if at < len(tokens) and tokens[at][0] == "comma":
                at += 1
            elif at < len(tokens) and tokens[at][0] != "close":
                raise UserError(f"{where(at)}: {tokens[at][1]!r}: expected ',' or ']'")

    while i < len(tokens):
        kind, raw, at_line = tokens[i]
        if kind in ("newline", "semi"):
            i += 1
            continue
        if kind != "key":
            raise UserError(f"{where(i)}: {raw!r}: expected a setting (KEY = VALUE)")
        if i + 1 >= len(tokens) or tokens[i + 1][0] not in ("equals", "append"):
            raise UserError(f"{where(i)}: {raw}: expected '=' after the key")
        append = tokens[i + 1][0] == "append"
        item, i = value(i + 2)
        domain.entries.append(XlEntry(raw, item, at_line, append))
        if i < len(tokens) and tokens[i][0] not in ("newline", "semi"):
            raise UserError(f"{where(i)}: {tokens[i][1]!r}: expected the end of the setting")
    return domain
