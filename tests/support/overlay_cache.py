"""Regenerate the overlay's metadata/md5-cache (``./dev overlay-cache``).

egencache runs against a test copy of the embedded snapshot with the eclass
doubles, as no ::gentoo eclasses are available here; the stage3 CI
regenerates it against the real eclasses.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tests.support.gentoo import REPO_ROOT, make_lab


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="xenmig-overlay-cache-") as tmp:
        shutil.rmtree(REPO_ROOT / "metadata/md5-cache", ignore_errors=True)
        make_lab(Path(tmp)).view.regen_metadata("xen-migration")
    print(f"{REPO_ROOT / 'metadata/md5-cache'}: regenerated")


if __name__ == "__main__":
    main()
