"""docs/host-spec.md is generated and must match the code."""

from __future__ import annotations

import pytest

from tests.support import produced
from tests.support.gentoo import REPO_ROOT
from xenmig.findings import REGISTRY
from xenmig.maint.reference import all_finding_classes, host_spec_reference
from xenmig.spec.settings import SETTINGS


def test_reference_page_is_up_to_date() -> None:
    committed = (REPO_ROOT / "docs/host-spec.md").read_text(encoding="utf-8")
    assert committed == host_spec_reference(), "regenerate it: ./dev docs"


def test_every_key_and_finding_is_documented() -> None:
    page = host_spec_reference()
    for setting in SETTINGS:
        assert f"| `{setting.key}` |" in page
    classes = all_finding_classes()
    assert classes == sorted(REGISTRY.values(), key=lambda c: c.__name__)
    for cls in classes:
        assert cls.__doc__ and f"| `{cls.__name__}` | {cls.level} |" in page


def test_every_finding_class_is_produced_by_a_test() -> None:
    """Runs last (tests/conftest.py): each finding class was made by at
    least one test case, in process or by a command a test ran."""
    if produced.SESSION["partial"]:
        pytest.skip("only the whole suite, every test run (none deselected or skipped), "
                    "shows which findings its cases produce")
    missing = sorted(c.__name__ for c in all_finding_classes()
                     if c.__name__ not in produced.PRODUCED)
    assert not missing, f"no test case produces: {', '.join(missing)}"
