"""Errors of the tools.

Findings about the user's data are results, not exceptions; exceptions are
for the cases where the tools cannot go on.  All of them derive from
:class:`XenmigError`, which the CLI turns into a one-line message and an exit
status instead of a traceback.
"""


class XenmigError(Exception):
    """A failure the CLI reports as ``xenmig: <message>`` and exit status 1."""

    exit_status = 1


class UserError(XenmigError):
    """Bad input: the message names the file and the key; exit status 2."""

    exit_status = 2


class ToolError(XenmigError):
    """An external tool (portage, egencache, make, ...) failed."""
