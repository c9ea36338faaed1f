"""``xenmig fleet ... --ansible DIR``: an inventory and a playbook that
deploy each rendered host's tree through Ansible.

DIR gets:

* ``inventory.yml``: the group ``xenmig`` with the rendered hosts, each with
  its ``ansible_host`` when its spec gives ``[host] address`` (blocked hosts
  have no tree and are left out, named in a comment);
* ``trees/<host>.json``: the host's rendered tree as a bundle (its blocks by
  target and its links), read back and checked from ``OUT/<host>``;
* ``library/xenmig_tree.py``: the module that merges a bundle into the host's
  root with xenmig's writer on the target (see :mod:`xenmig.fleet.ansible_module`);
* ``playbook.yml``: one task per host with that module, then the changes
  that need a maintenance window.  It restarts nothing.

``ansible-playbook -i DIR/inventory.yml DIR/playbook.yml --check --diff``
reports what would change; without ``--check`` it applies; a second run
changes nothing.  ``xenmig_root`` (default ``/``) is the root deployed to.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from xenmig.fleet.deploy import read_tree

PLAYBOOK = """\
# Written by xenmig fleet --ansible: deploys the trees xenmig rendered for
# these hosts.  Every file change is a merge of xenmig's managed block, as
# "xenmig apply" does it; nothing is restarted.  Check first:
#   ansible-playbook -i inventory.yml playbook.yml --check --diff
- name: Deploy the configuration xenmig rendered
  hosts: xenmig
  gather_facts: false
  vars:
    xenmig_root: /
  tasks:
    - name: Merge xenmig's blocks into the host's files
      xenmig_tree:
        bundle: "{{ lookup('ansible.builtin.file',
                    playbook_dir ~ '/trees/' ~ inventory_hostname ~ '.json') | from_json }}"
        root: "{{ xenmig_root }}"
      register: xenmig

    - name: Changes that need a maintenance window (nothing was restarted)
      ansible.builtin.debug:
        msg: "{{ xenmig.maintenance }}"
      when: xenmig.maintenance | length > 0
"""


def host_vars(host: str, addresses: Mapping[str, str]) -> str:
    """A host's variables in an inventory: its ansible_host when known."""
    address = addresses.get(host)
    return f"{{ansible_host: {json.dumps(address)}}}" if address else "{}"


def bundle(host: str, tree: Path) -> dict[str, object]:
    blocks, links = read_tree(tree)
    return {"host": host, "blocks": blocks, "links": [[k.path, k.target] for k in links]}


def write_ansible(directory: Path, out: Path, rendered: Sequence[str],
                  blocked: Sequence[str], addresses: Mapping[str, str] | None = None
                  ) -> list[Path]:
    """Write the inventory, bundles, module and playbook for the hosts
    rendered into ``out`` (``addresses``: a host's ``[host] address``, its
    ansible_host); returns the files written."""
    (directory / "trees").mkdir(parents=True, exist_ok=True)
    (directory / "library").mkdir(exist_ok=True)
    written = []
    wanted = set()
    for host in rendered:
        path = directory / "trees" / f"{host}.json"
        path.write_text(json.dumps(bundle(host, out / host), indent=1, sort_keys=True) + "\n",
                        encoding="utf-8")
        written.append(path)
        wanted.add(path.name)
    for stale in (directory / "trees").glob("*.json"):
        if stale.name not in wanted:
            stale.unlink()  # a host that is no longer rendered is no longer deployed
    lines = ["# Written by xenmig fleet --ansible: the hosts rendered into "
             f"{out.resolve()}."]
    if blocked:
        lines.append(f"# Not rendered (error findings, see xenmig plan): {', '.join(blocked)}.")
    lines += ["xenmig:", "  hosts:" + ("" if rendered else " {}")]
    lines += [f"    {host}: {host_vars(host, addresses or {})}" for host in rendered]
    inventory = directory / "inventory.yml"
    inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
    playbook = directory / "playbook.yml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    module = directory / "library/xenmig_tree.py"
    shutil.copyfile(Path(__file__).with_name("ansible_module.py"), module)
    return [inventory, playbook, module, *written]
