"""Which finding classes the test cases produce: in process (an observer of
:mod:`xenmig.findings`) and in the ``xenmig`` commands the tests run (the
``[Name]`` of the text output, ``"name"`` of the JSON)."""

from __future__ import annotations

import re

from xenmig import findings

PRODUCED: set[str] = set()
# Whether this session ran the whole suite (set by tests/conftest.py).
SESSION = {"partial": False}
_NAMES = re.compile(r'\[([A-Z][A-Za-z0-9]+)\]|"name": ?"([A-Z][A-Za-z0-9]+)"')


def observe() -> None:
    findings.OBSERVERS.append(lambda finding: PRODUCED.add(finding.name))


def scan(output: str) -> None:
    """Record the findings a command printed (by name: the command may have
    imported a module of finding classes this process has not)."""
    for match in _NAMES.finditer(output):
        PRODUCED.add(match[1] or match[2])
