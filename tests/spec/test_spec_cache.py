"""Specs are parsed once per content: a cached parse is used only for the
same bytes at the same path by the same code, and never hides an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.specs import write_spec
from xenmig.cache import cache_dir
from xenmig.errors import UserError
from xenmig.spec import load_spec


def cached() -> set[Path]:
    base = cache_dir() / "specs"
    return set(base.rglob("*.json")) if base.is_dir() else set()


def test_a_spec_is_parsed_once_per_content(tmp_path: Path) -> None:
    path = write_spec(tmp_path, "c1", portage={"use": ["flask"]})
    before = cached()
    first = load_spec(path)
    (entry,) = cached() - before
    assert load_spec(path) == first
    # the same name, other bytes: parsed again
    write_spec(tmp_path, "c1", portage={"use": ["pygrub"]})
    assert load_spec(path).portage.use == ("pygrub",)
    # a torn entry is parsed again, and rewritten
    entry.write_bytes(b"\x80\x05garbage")
    write_spec(tmp_path, "c1", portage={"use": ["flask"]})
    assert load_spec(path) == first
    assert load_spec(path).portage.use == ("flask",)


def test_errors_are_never_cached(tmp_path: Path) -> None:
    path = write_spec(tmp_path, "c2", portage={"use": ["flask"], "nosuchkey": "x"})
    before = cached()
    for _ in range(2):
        with pytest.raises(UserError, match="nosuchkey"):
            load_spec(path)
    assert cached() == before


def test_the_cache_holds_data_that_gives_the_same_spec() -> None:
    """JSON data naming only the spec's own classes, never pickled code."""
    import json

    from tests.support.gentoo import REPO_ROOT
    from xenmig.spec.load import _decode, _encode, _load

    for path in sorted((REPO_ROOT / "examples/fleet").glob("*.toml")):
        spec = _load(path, path.read_bytes())
        assert _decode(json.loads(json.dumps(_encode(spec)))) == spec
