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
from xenmig import repos  # noqa: E402
from xenmig.repos import RepoSet  # noqa: E402


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The overlay in place, over a test copy of the snapshot with eclass doubles."""
    yield make_lab(tmp_path_factory.mktemp("lab"))


@pytest.fixture(scope="session")
def snapshot_repos() -> RepoSet:
    """The embedded default: the shipped snapshot and the overlay replica."""
    return repos.snapshot_repo_set(repos.find_overlay(), today=repos.snapshot_date())


@pytest.fixture(scope="session")
def linux_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Debian's linux-source-6.12, unpacked once (read-only use: configure
    with O=, never in the tree)."""
    from tests.support.kernel import unpack_debian_tree

    return unpack_debian_tree(tmp_path_factory.mktemp("linux"))
