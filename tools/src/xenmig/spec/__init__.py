"""Host specs: one TOML file per host, loaded into a frozen model.

Every key is declared once in :mod:`.settings` (section, key, parser,
default, help); the loader rejects anything else and names the file and key
in every error.  docs/host-spec.md is generated from the same table.
"""

from xenmig.spec.load import load_spec
from xenmig.spec.model import HostSpec, Version

__all__ = ["HostSpec", "Version", "load_spec"]
