"""Session-wide test setup: private cache dirs, and the offline Gentoo lab."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Set before anything imports portage: the tools' PortageView derives the
# process-wide portage EPREFIX from the cache directory.
_CACHE = Path(tempfile.mkdtemp(prefix="xenmig-tests-"))
os.environ["XENMIG_CACHE_DIR"] = str(_CACHE / "cache")
os.environ.pop("PORTAGE_OVERRIDE_EPREFIX", None)

from tests.support.gentoo import Lab, make_lab  # noqa: E402
from xenmig.gentoo import repos  # noqa: E402
from xenmig.gentoo.repos import RepoSet  # noqa: E402


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The overlay in place, over a test copy of the snapshot with eclass doubles."""
    yield make_lab(tmp_path_factory.mktemp("lab"))


@pytest.fixture(scope="session")
def snapshot_repos() -> RepoSet:
    """The embedded default: the shipped snapshot and the overlay replica."""
    return repos.snapshot_repo_set(repos.find_overlay(), today=repos.snapshot_date())


def pytest_configure(config: pytest.Config) -> None:
    from tests.support import produced

    produced.observe()
    here = Path(__file__).parent.resolve()
    args = [Path(a.split("::")[0]).resolve() for a in config.args] or [here]
    if args != [here] or config.option.keyword or config.option.markexpr:
        produced.SESSION["partial"] = True


def pytest_deselected(items: list[pytest.Item]) -> None:
    from tests.support import produced

    produced.SESSION["partial"] = True


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """A skipped test (../shared absent, a tool missing) may be the one
    that produces a finding: the session is not the whole suite then."""
    from tests.support import produced

    if report.skipped:
        produced.SESSION["partial"] = True


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The lab runs last (its kernel builds in the background meanwhile),
    then the check that every finding class was produced by a test."""
    def order(item: pytest.Item) -> int:
        if item.get_closest_marker("lab") is not None:
            return 1
        return 2 if item.name == "test_every_finding_class_is_produced_by_a_test" else 0

    items.sort(key=order)


def pytest_collection_finish(session: pytest.Session) -> None:
    """When the lab is among the tests, start building its kernel now, in
    the background: the build takes minutes, the tests before the lab use
    the other core."""
    from tests.support import lab
    from tests.support.kernel import DEBIAN_TARBALL

    if not any(item.get_closest_marker("lab") for item in session.items):
        return
    if lab.missing() or not DEBIAN_TARBALL.is_file():
        return  # the lab test skips and says why
    lab.BACKGROUND_BUILD = lab.start_kernel_build(
        lab.LAB_SPEC, lab.LAB_FRAGMENT, DEBIAN_TARBALL, _CACHE / "lab-kernel-tree")


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests.support import lab

    if lab.BACKGROUND_BUILD is not None and not lab.BACKGROUND_BUILD.done():
        lab.abort_build()


@pytest.fixture(scope="session")
def linux_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Debian's linux-source-6.12, unpacked once (read-only use: configure
    with O=, never in the tree)."""
    from tests.support.kernel import unpack_debian_tree

    return unpack_debian_tree(tmp_path_factory.mktemp("linux"))
