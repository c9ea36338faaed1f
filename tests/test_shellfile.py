"""What xenmig agrees to read from a host's shell file: assignments and
comments only, never a command."""

from __future__ import annotations

import pytest

from xenmig.shellfile import commands, sourced


@pytest.mark.parametrize("text", [
    b'A="x y"\n# a comment with $(x) in it\nB=1 # tail\n',
    b'R="default via 192.0.2.1\n10.0.0.0/8 via 192.0.2.2"\nC=2\n',
    b"A='$(not run) `nor this`'\n",
    b"export A=1\nB+=2\n",
    b'bridge_forward_delay_br0=0\nD="${A}-suffix"\n',
    b"",
])
def test_plain_assignments(text: bytes) -> None:
    assert commands(text) is None


@pytest.mark.parametrize("text, found", [
    (b'A="$(id)"\n', '$(id)"'),
    (b"A=`id`\n", "`id`"),
    (b"A=1\nrm -rf /\n", "rm -rf /"),
    (b"A=1; id\n", "; id"),
    (b"A=1 && id\n", "&& id"),
    (b'A="${X:=$(id)}"\n', '$(id)}"'),
    (b"A=<(id)\n", "<(id)"),
    (b"source /etc/other\n", "source /etc/other"),
])
def test_commands_are_found(text: bytes, found: str) -> None:
    assert commands(text) == found


def test_sourced_refuses_commands() -> None:
    assert sourced(b'A="1 2"\nB=x\n', ["A", "B", "C"]) == {"A": "1 2", "B": "x", "C": None}
    with pytest.raises(ValueError):
        sourced(b"A=$(id)\n", ["A"])
