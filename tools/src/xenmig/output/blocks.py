"""From contributions to file contents, and xenmig's block merged into a
file's old content (pure: no I/O).

Every file xenmig writes holds one managed block::

    # BEGIN xenmig <digest>: managed by xenmig for host <host> (<spec>); ...
    # <why>
    <line>
    # END xenmig

The digest covers the block's body, so that a later run can tell a block
edited by hand (left alone, reported) from one xenmig wrote.  In a package.*
directory xenmig's file is named :data:`MANAGED_FILE`.  An XML file (the
cluster's CIB) has the same block in XML comments (:data:`XML`):
``<!-- BEGIN xenmig <digest>: ... -->`` ... ``<!-- END xenmig -->``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from xenmig.output.contributions import Contribution
from xenmig.spec import HostSpec

# Sorts before "zz-autounmask" (where emerge --autounmask-write appends when
# it is the last file) and before letters, so the administrator's own files,
# read later, take precedence over xenmig's defaults.
MANAGED_FILE = "90-xenmig"
# In a make.conf directory the opposite holds: xenmig's file carries changes
# the host needs, so it is read last.
MAKE_CONF_FILE = "zz-xenmig"

@dataclass(frozen=True)
class Style:
    """How the block's own lines are comments in the file."""

    open: str
    close: str

    @property
    def begin(self) -> str:
        return f"{self.open}BEGIN xenmig "

    @property
    def end(self) -> str:
        return f"{self.open}END xenmig{self.close}"

    def comment(self, text: str) -> str:
        return f"{self.open}{text}{self.close}"


HASH = Style("# ", "")
XML = Style("<!-- ", " -->")
STYLES = (HASH, XML)
BEGIN = HASH.begin
END = HASH.end
# The start of a BEGIN line in either style (a regex; its digest follows).
ANY_BEGIN = "(?:" + "|".join(re.escape(s.begin) for s in STYLES) + ")"


def starts_block(text: str) -> bool:
    """Whether ``text`` starts with xenmig's BEGIN line (either style)."""
    return any(text.startswith(style.begin) for style in STYLES)


def digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def block_body(contributions: Iterable[Contribution], style: Style = HASH) -> str:
    """The body of a block: lines grouped under their reason, in rule order."""
    groups: dict[str, list[str]] = {}
    for c in contributions:
        lines = groups.setdefault(c.why, [])
        if c.line not in lines:
            lines.append(c.line)
    return "".join(
        style.comment(why) + "\n" + "".join(f"{line}\n" for line in lines)
        for why, lines in groups.items()
    )


def render_block(spec: HostSpec, body: str, style: Style = HASH) -> str:
    header = (f"BEGIN xenmig {digest(body)}: managed by xenmig for host {spec.name} "
              f"({spec.path.name}); edit the host spec, not this block")
    return f"{style.comment(header)}\n{body}{style.end}\n"


def grouped(contributions: Iterable[Contribution]) -> dict[str, list[Contribution]]:
    targets: dict[str, list[Contribution]] = {}
    for c in contributions:
        targets.setdefault(c.target, []).append(c)
    return targets


_BEGIN_RE = re.compile(f"^{ANY_BEGIN}([0-9a-f]{{16}}):")
# What prevents merging xenmig's block into a file.
NO_END = "managed block without its end line"
EDITED = "managed block edited by hand"
FOREIGN = "file has xenmig's name but no xenmig block"


@dataclass(frozen=True)
class Merged:
    """A file's new content (None: the file goes)."""

    content: bytes | None


@dataclass(frozen=True)
class Conflict:
    """Why xenmig's block cannot be merged (one of NO_END, EDITED, FOREIGN)."""

    problem: str


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _find_block(lines: list[str]) -> tuple[int, int] | None:
    start = next((i for i, line in enumerate(lines) if starts_block(line)), None)
    if start is None:
        return None
    end_line = next(s.end for s in STYLES if lines[start].startswith(s.begin))
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].rstrip("\r\n") == end_line), None)
    return None if end is None else (start, end)


def merge_block(old: bytes | None, block: str | None, owned: bool,
                at_end: bool = False) -> Merged | Conflict:
    """New content of a file given its old content and xenmig's block (a
    new block goes at the top, or at the end with ``at_end``; ``owned``:
    the file is xenmig's alone, removed when its block goes)."""
    if old is None:
        return Merged(None if block is None else _encode(block))
    lines = _decode(old).splitlines(keepends=True)
    found = _find_block(lines)
    if found is None:
        if lines and any(starts_block(line) for line in lines):
            return Conflict(NO_END)
        if owned:
            return Conflict(FOREIGN)
        if block is None:
            return Merged(old)
        if at_end:
            return Merged(old + (b"" if not old or old.endswith(b"\n") else b"\n")
                          + _encode(block))
        return Merged(_encode(block) + old)
    start, end = found
    match = _BEGIN_RE.match(lines[start])
    body = "".join(lines[start + 1 : end])
    if match is None or match[1] != digest(body):
        return Conflict(EDITED)
    rest = lines[:start] + ([block] if block is not None else []) + lines[end + 1 :]
    text = "".join(rest)
    if owned and not text.strip():
        return Merged(None)
    return Merged(_encode(text))


def without_block(old: bytes) -> bytes:
    """A shared file's own lines: xenmig's intact block removed (a file
    whose block cannot be merged is taken as it is)."""
    merged = merge_block(old, None, owned=False)
    return merged.content or b"" if isinstance(merged, Merged) else old


def blanked_block(old: bytes) -> bytes:
    """A shared file's own lines at their own line numbers: the lines of
    xenmig's intact block emptied rather than removed, so that what a
    reader reports ("line 12") is the line in the host's file."""
    removed = without_block(old)
    kept = removed.splitlines(keepends=True)
    lines = old.splitlines(keepends=True)
    gone = len(lines) - len(kept)
    start = next((i for i, (a, b) in enumerate(zip(lines, kept, strict=False))
                  if a != b), len(kept))
    if gone <= 0 or lines[:start] + lines[start + gone:] != kept:
        return removed  # not one run of lines: nothing to keep in place
    return b"".join([*lines[:start], *(b"\n" for _ in range(gone)), *lines[start + gone:]])
