#!/usr/bin/python
# Copyright 2026 xen-migration authors
# Distributed under the terms of the GNU General Public License v2
"""The Ansible module ``xenmig_tree`` that ``xenmig fleet --ansible`` puts
in the playbook's library/: it merges one host's rendered tree (passed as
a bundle of blocks and links) into the host's root with xenmig's own writer,
so a deployment has the guarantees of ``xenmig apply``.  It runs on the
target, where app-emulation/xen-migration-tools provides xenmig."""

from __future__ import annotations

DOCUMENTATION = r"""
module: xenmig_tree
short_description: Merge a host's tree rendered by xenmig fleet into its root
description:
  - Merges xenmig's managed blocks into the host's files exactly as
    C(xenmig apply) does (only the blocks change; modes and owners kept;
    atomic renames), creates missing links, removes guest files of guests
    that left the host.  A hand-edited block fails the task and nothing is
    written.  Restarts nothing; C(maintenance) says what needs a restart.
  - Supports check mode and diff mode.
options:
  bundle:
    description: The rendered tree as xenmig fleet --ansible wrote it (host, blocks, links).
    type: dict
    required: true
  root:
    description: The host's root directory.
    type: path
    default: /
requirements: [xenmig (app-emulation/xen-migration-tools) on the target]
"""

RETURN = r"""
changes:
  description: The files and links that change, as C(status path).
  type: list
  elements: str
findings:
  description: xenmig's findings about the deployment.
  type: list
  elements: str
maintenance:
  description: What must be done by hand to take the changes into effect, and why in a
    maintenance window.
  type: list
  elements: str
"""

import contextlib  # noqa: E402
from pathlib import Path  # noqa: E402  (Ansible's layout: the documentation first)
from typing import Any  # noqa: E402


def main() -> None:
    from ansible.module_utils.basic import AnsibleModule

    module = AnsibleModule(
        argument_spec={"bundle": {"type": "dict", "required": True},
                       "root": {"type": "path", "default": "/"}},
        supports_check_mode=True,
    )
    try:
        from xenmig.errors import XenmigError
        from xenmig.output.writer import root_lock
    except ImportError as error:
        module.fail_json(msg=f"xenmig is not importable on the target ({error}): install "
                             "app-emulation/xen-migration-tools (or the meta-package)")
        return
    root = Path(module.params["root"])
    try:
        with contextlib.ExitStack() as stack:
            if not module.check_mode:
                stack.enter_context(root_lock(root))
            _deploy(module, module.params["bundle"], root)
    except XenmigError as error:
        module.fail_json(msg=f"xenmig: {error}")


def _deploy(module: Any, bundle: dict[str, Any], root: Path) -> None:
    """Plan and (unless in check mode) write the bundle, under the lock."""
    from xenmig.findings import has_errors
    from xenmig.fleet.deploy import maintenance
    from xenmig.output.contributions import Link
    from xenmig.output.writer import plan_blocks, write

    links = [Link(path, target, "rendered") for path, target in bundle["links"]]
    changes, findings = plan_blocks(bundle["host"], root, bundle["blocks"], links)
    pending = [c for c in changes if c.status != "identical"]
    result: dict[str, Any] = {
        "changed": bool(pending),
        "changes": [f"{c.status} {c.display}" for c in pending],
        "findings": [str(f) for f in findings],
        "maintenance": maintenance(pending),
    }
    if module._diff:
        result["diff"] = [
            {"before_header": c.display, "after_header": c.display,
             "before": (c.old or b"").decode("utf-8", "replace"),
             "after": (c.new or b"").decode("utf-8", "replace")}
            for c in pending
        ]
    if has_errors(findings):
        module.fail_json(msg="xenmig: nothing written (error findings)", **result)
    if pending and not module.check_mode:
        write(changes, root)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
