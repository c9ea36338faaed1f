"""Dependency specifications of ebuild metadata (PMS section 8.2).

Parsed here without portage because the snapshot builder rewrites them
(pruning atoms of packages outside the snapshot) and later stages only need
their structure.  Syntax: atoms, ``( ... )`` all-of groups, ``|| ( ... )``
any-of groups, ``flag? ( ... )`` / ``!flag? ( ... )`` conditional groups
(``^^`` and ``??`` only occur in REQUIRED_USE and are kept as group kinds).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from xenmig.errors import XenmigError

_GROUP_KINDS = ("||", "^^", "??")

# A version suffix as PMS defines it (3.2): numbers, optional letter,
# suffixes, revision; an optional trailing "*" for =cat/pkg-1.2* atoms.
_VERSION_RE = re.compile(
    r"-\d+(\.\d+)*[a-z]?(_(alpha|beta|pre|rc|p)\d*)*(-r\d+)?\*?$"
)
_OPERATOR_RE = re.compile(r"^(!!|!)?(<=|>=|<|>|=|~)?")


class DepSyntaxError(XenmigError):
    """A dependency string is not well formed."""


@dataclass(frozen=True)
class Group:
    """A parenthesised group: ``kind`` is "all", "||", "^^", "??", "flag?"
    or "!flag?"."""

    kind: str
    children: tuple[Node, ...]


Node = str | Group


def _tokens(text: str) -> Iterator[str]:
    yield from text.split()


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> tuple[Node, ...]:
    """Parse a dependency specification into a tuple of nodes (immutable,
    so the same text is parsed once: every host of a fleet asks for the
    same REQUIRED_USE)."""
    stack: list[tuple[str, list[Node]]] = [("top", [])]
    pending: str | None = None  # a group operator waiting for its "("
    for token in _tokens(text):
        if token == "(":
            stack.append((pending or "all", []))
            pending = None
            continue
        if pending is not None:
            raise DepSyntaxError(f"'{pending}' not followed by '(' in: {text}")
        if token == ")":
            if len(stack) == 1:
                raise DepSyntaxError(f"unbalanced ')' in: {text}")
            kind, children = stack.pop()
            stack[-1][1].append(Group(kind, tuple(children)))
        elif token in _GROUP_KINDS or token.endswith("?"):
            pending = token
        else:
            stack[-1][1].append(token)
    if pending is not None or len(stack) != 1:
        raise DepSyntaxError(f"unbalanced '(' in: {text}")
    return tuple(stack[0][1])


def render(nodes: Sequence[Node]) -> str:
    """Render nodes the way md5-cache entries write them (single spaces)."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
        else:
            prefix = "" if node.kind == "all" else node.kind + " "
            inner = render(node.children)
            parts.append(f"{prefix}( {inner} )" if inner else f"{prefix}( )")
    return " ".join(parts)


def atoms(nodes: Sequence[Node]) -> Iterator[str]:
    """All atoms of a specification, blockers included, in order."""
    for node in nodes:
        if isinstance(node, str):
            yield node
        else:
            yield from atoms(node.children)


def atom_cp(atom: str) -> str:
    """``category/package`` of an atom (operators, blocker marks, version,
    slot and USE dependencies stripped)."""
    match = _OPERATOR_RE.match(atom)
    has_operator = bool(match and match.group(2))
    rest = atom[match.end() if match else 0 :]
    rest = re.split(r"[:\[]", rest, maxsplit=1)[0]
    if has_operator:
        rest = _VERSION_RE.sub("", rest)
    if rest.count("/") != 1:
        raise DepSyntaxError(f"not a package atom: {atom}")
    return rest


def prune(nodes: Sequence[Node], keep: Callable[[str], bool]) -> tuple[Node, ...]:
    """Drop the atoms ``keep`` rejects, and the groups left empty.

    An any-of group keeps its remaining alternatives; an any-of group left
    without alternatives is dropped, i.e. treated as satisfied.
    """
    kept: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            if keep(node):
                kept.append(node)
            continue
        children = prune(node.children, keep)
        if children:
            kept.append(Group(node.kind, children))
    return tuple(kept)


def split_pf(pf: str) -> tuple[str, str]:
    """Split ``PF`` (``xen-tools-4.20.3-r1``) into ``(PN, PVR)``."""
    match = _VERSION_RE.search(pf)
    if not match or match.group(0).endswith("*"):
        raise DepSyntaxError(f"not a package name with a version: {pf}")
    return pf[: match.start()], pf[match.start() + 1 :]
