"""A rendered tree (``xenmig fleet``/``render``: ``OUT/<host>``) deployed to
a host's root with the guarantees of ``apply``.

A tree is rendered against an empty root, so each of its files is xenmig's
block alone, and its symbolic links are the links xenmig creates.  Deploying
merges each block into the host's file exactly as ``apply`` would (the
block only; every other byte stays; a hand-edited block or a foreign file
is reported and left alone; modes and owners kept; atomic renames), creates
the links that are missing, and removes the guest files of guests that left
the host.  Nothing else on the host is touched, and nothing is restarted:
:func:`maintenance` says which changes need a restart, and why that belongs
in a maintenance window.  The Ansible module of ``xenmig fleet --ansible``
calls these functions on the target.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from xenmig.errors import UserError
from xenmig.findings import Finding
from xenmig.output.blocks import MAKE_CONF_FILE, MANAGED_FILE, Merged, merge_block, starts_block
from xenmig.output.contributions import MAKE_CONF, XENDOMAINS_AUTO, Link
from xenmig.output.targets import GUESTS, PACKAGE_TARGETS, is_guest_target, row
from xenmig.output.writer import TARGETS, FileChange, plan_blocks

ETC_PORTAGE = Path("etc/portage")


def target_of(rel: Path) -> str | None:
    """The writer's target for a file of a rendered tree (``rel`` relative
    to the tree), or None when xenmig writes no such file."""
    if rel.parts[:2] == ETC_PORTAGE.parts:
        inner = Path(*rel.parts[2:])
        if inner.name == MANAGED_FILE and str(inner.parent) in PACKAGE_TARGETS:
            return str(inner.parent)
        if inner.name == MAKE_CONF_FILE and str(inner.parent) == MAKE_CONF:
            return MAKE_CONF
        return str(inner) if str(inner) in TARGETS else None
    target = "/" + str(rel)
    if target in TARGETS or is_guest_target(target):
        return target
    return None


def read_tree(tree: Path) -> tuple[dict[str, str], list[Link]]:
    """xenmig's blocks ({target: block}) and links of a rendered tree.
    Anything else in the tree (a file xenmig does not write, a file that is
    not one intact xenmig block) is refused: the tree is not as rendered."""
    if not tree.is_dir():
        raise UserError(f"{tree}: not a rendered tree (no such directory)")
    blocks: dict[str, str] = {}
    links: list[Link] = []
    for directory, _, names in sorted(os.walk(tree)):
        for name in sorted(names):
            path = Path(directory) / name
            rel = path.relative_to(tree)
            if path.is_symlink():
                links.append(Link("/" + str(rel), os.readlink(path), "rendered"))
                continue
            target = target_of(rel)
            if target is None:
                raise UserError(f"{path}: not a file xenmig renders")
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            # one intact block and nothing else: what merge_block accepts as
            # xenmig's own, owned file with the block as its whole content
            if not starts_block(text) or merge_block(text.encode(), None, owned=True) \
                    != Merged(None):
                raise UserError(f"{path}: not an intact xenmig block (edited after rendering?)")
            blocks[target] = text
    return blocks, links


def plan_tree(tree: Path, root: Path, host: str) -> tuple[list[FileChange], list[Finding]]:
    """What deploying ``tree`` to ``root`` changes (see the module)."""
    blocks, links = read_tree(tree)
    return plan_blocks(host, root, blocks, links)


# What takes a changed file into effect, and what that costs on a running host.
def maintenance(changes: Iterable[FileChange]) -> list[str]:
    """For the changes, what must be done by hand to take them into effect
    and why it belongs in a maintenance window; xenmig restarts nothing."""
    notes: dict[str, str] = {}
    for change in changes:
        if change.status == "identical":
            continue
        target = change.target
        if change.link:
            if change.display.startswith(XENDOMAINS_AUTO.lstrip("/")):
                notes[GUESTS] = GUESTS
            else:
                notes["links"] = ("init scripts and runlevel links: used at the next boot or "
                                  "the next rc-service start")
        elif (found := row(target)) is not None:
            notes[found.applying] = found.applying  # each note once, in order
    return list(notes.values())
