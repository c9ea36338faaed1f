"""docs/host-spec.md is generated and must match the code."""

from __future__ import annotations

from tests.support.gentoo import REPO_ROOT
from xenmig.findings import all_finding_classes
from xenmig.reference import host_spec_reference
from xenmig.spec.settings import SETTINGS


def test_reference_page_is_up_to_date() -> None:
    committed = (REPO_ROOT / "docs/host-spec.md").read_text(encoding="utf-8")
    assert committed == host_spec_reference(), "regenerate it: ./dev docs"


def test_every_key_and_finding_is_documented() -> None:
    page = host_spec_reference()
    for setting in SETTINGS:
        assert f"| `{setting.key}` |" in page
    classes = all_finding_classes()
    assert len(classes) >= 20
    for cls in classes:
        assert cls.__doc__ and f"| `{cls.__name__}` | {cls.level} |" in page
