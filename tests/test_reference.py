"""docs/host-spec.md is generated and must match the code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from tests.support import produced
from tests.support.gentoo import REPO_ROOT
from tests.support.specs import write_spec
from xenmig.findings import REGISTRY, Finding
from xenmig.gentoo.answers import Answers
from xenmig.gentoo.repos import RepoSet
from xenmig.maint.reference import all_finding_classes, host_spec_reference, reporters
from xenmig.rules import UndeclaredFinding, checked
from xenmig.rules.context import Context
from xenmig.rules.xen_series import XenSeriesPinned
from xenmig.spec import load_spec
from xenmig.spec.settings import SETTINGS


def test_reference_page_is_up_to_date() -> None:
    committed = (REPO_ROOT / "docs/host-spec.md").read_text(encoding="utf-8")
    assert committed == host_spec_reference(), "regenerate it: ./dev docs"


def test_every_key_and_finding_is_documented() -> None:
    page = host_spec_reference()
    for setting in SETTINGS:
        assert f"| `{setting.key}` |" in page
    classes = all_finding_classes()
    assert classes == sorted((c for c in REGISTRY.values() if c.__module__.startswith("xenmig.")),
                             key=lambda c: c.__name__)
    for cls in classes:
        assert cls.__doc__ and f"| `{cls.__name__}` | {cls.level} |" in page


def test_every_finding_class_is_declared_by_the_modules_that_yield_it() -> None:
    """Each module lists the findings it yields (the rules are checked
    against it as they run): every finding class is some module's, and a
    module declares only finding classes."""
    by = reporters()
    classes = {c.__name__ for c in all_finding_classes()}
    assert sorted(classes - by.keys()) == []
    assert sorted(by.keys() - classes) == []


def test_a_rule_that_yields_an_undeclared_finding_is_a_defect(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path, "u1"))
    ctx = Context(spec, cast(RepoSet, None), cast(Answers, None))

    def rogue(ctx: Context) -> Iterator[Finding]:
        yield XenSeriesPinned(ctx.scope, "not ours")

    rogue.__module__ = "xenmig.rules.guests"
    with pytest.raises(UndeclaredFinding, match="rogue yielded XenSeriesPinned"):
        list(checked(rogue, ctx))


def test_every_finding_class_is_produced_by_a_test() -> None:
    """Runs last (tests/conftest.py): each finding class was made by at
    least one test case, in process or by a command a test ran."""
    if produced.SESSION["partial"]:
        pytest.skip("only the whole suite, every test run (none deselected or skipped), "
                    "shows which findings its cases produce")
    missing = sorted(c.__name__ for c in all_finding_classes()
                     if c.__name__ not in produced.PRODUCED)
    assert not missing, f"no test case produces: {', '.join(missing)}"
