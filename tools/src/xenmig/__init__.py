"""xenmig: migrate Gentoo Xen hosts reproducibly.

Data flow: host spec (TOML) -> frozen model -> rules (findings and
contributions) -> plan (path -> content) -> one writer.  Portage is reached
only through :mod:`xenmig.gentoo.portage_view`.
"""

__version__ = "0.1.0"
