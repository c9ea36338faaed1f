"""Let pkgcore/pkgcheck import on bash 5.2.

pkgcore 0.12.3x registers EAPI 9 at import time and exits unless bash is
5.3 or newer; Debian 12 has bash 5.2.15.  EAPI 9 is the only thing that
needs 5.3, and no ebuild here uses it (the repositories ban nothing above 8,
and every ebuild is EAPI 8 or older), so we pre-seed snakeoil's cached bash
version before pkgcore is imported.  Pinned versions: see tools/pyproject.toml.
"""

import snakeoil.process.spawn as _spawn

_found = _spawn.bash_version(force=True)
if _found is None or tuple(int(p) for p in _found.split(".")[:2]) < (5, 3):
    _spawn.bash_version.cached_result = "5.3.0"
