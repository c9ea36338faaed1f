"""What a finding is about (its scope), as JSON and as a line of text."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from xenmig.findings import Finding, Level, Scope, TextFinding


@dataclass(frozen=True)
class _Split(Finding):
    """A finding of two hosts (a test's: not on the reference page)."""

    level = Level.ERROR
    resource: str
    primaries: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.resource} is primary on {' and '.join(self.primaries)}"


def test_host_scope_keeps_the_host_line() -> None:
    found = TextFinding(Scope.for_host("xen1"), "it broke", "/etc/f", "[host] xen")
    assert str(found) == "xen1: info: /etc/f: [host] xen: it broke [TextFinding]"
    assert found.as_json() == {"name": "TextFinding", "level": "info", "scope": "host",
                               "host": "xen1", "message": "it broke", "file": "/etc/f",
                               "key": "[host] xen"}


def test_cluster_scope_names_its_hosts_and_carries_data() -> None:
    found = _Split(Scope.for_cluster("ha1", ["xen1", "xen2"]), "r0", ("xen1", "xen2"))
    assert str(found) == "cluster ha1 (xen1, xen2): error: r0 is primary on xen1 and xen2 [_Split]"
    assert found.as_json() == {
        "name": "_Split", "level": "error", "scope": "cluster", "cluster": "ha1",
        "hosts": ["xen1", "xen2"], "message": "r0 is primary on xen1 and xen2",
        "data": {"resource": "r0", "primaries": ["xen1", "xen2"]},
    }


def test_file_scope_names_the_file_once() -> None:
    found = TextFinding(Scope.for_file("/old/etc/xen/web"), "no name", "/old/etc/xen/web", "name")
    assert str(found) == "/old/etc/xen/web: info: name: no name [TextFinding]"
    assert found.as_json()["path"] == "/old/etc/xen/web" and "host" not in found.as_json()


def test_a_finding_without_words_says_so() -> None:
    @dataclass(frozen=True)
    class _Mute(Finding):
        pass

    with pytest.raises(NotImplementedError, match="_Mute computes no message"):
        str(_Mute(Scope.for_host("xen1")))
