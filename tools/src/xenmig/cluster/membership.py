"""A cluster file with its members' specs, and the clusters a host is a
member of.

The fleet layout: the hosts' specs in one directory, the clusters in
``clusters/<name>.toml`` below it.  ``xenmig cluster`` reads a cluster file
and its members' specs (``<member>.toml`` in the fleet directory); a host's
own render, check and plan read every cluster file beside its spec that
names it as a member, so that a member's tree has its cluster files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xenmig.cluster.model import Cluster, load_cluster
from xenmig.errors import UserError
from xenmig.spec import HostSpec

CLUSTERS = "clusters"


@dataclass(frozen=True)
class Membership:
    cluster: Cluster
    specs: dict[str, HostSpec]  # every member's, by name


class _NotMember(Exception):
    pass


def load_with_members(path: Path, fleet: Path, own: HostSpec | None = None) -> Membership:
    """The cluster file at ``path`` and its members' specs from ``fleet``
    (``own``: a member's spec already read, used as it is)."""
    from xenmig.spec import load_spec

    specs: dict[str, HostSpec] = {}

    def homes(members: tuple[str, ...]) -> dict[str, str]:
        for member in members:
            if own is not None and member == own.name:
                specs[member] = own
                continue
            spec_path = fleet / f"{member}.toml"
            if not spec_path.is_file():
                raise UserError(f"{path}: [cluster] members: {member}: no spec {spec_path}")
            specs[member] = load_spec(spec_path)
        return {d.name: name for name, spec in specs.items() for d in spec.domu}

    return Membership(load_cluster(path, homes), specs)


def memberships(spec: HostSpec) -> tuple[list[Membership], list[UserError]]:
    """The clusters beside ``spec`` that name its host as a member, and the
    errors of cluster files that could not be read (a cluster file that
    names the host but is broken, or one too broken to tell)."""
    directory = spec.path.parent / CLUSTERS
    if not directory.is_dir():
        return [], []
    found: list[Membership] = []
    errors: list[UserError] = []
    for path in sorted(directory.glob("*.toml")):

        def only_members(members: tuple[str, ...], path: Path = path) -> dict[str, str]:
            if spec.name not in members:
                raise _NotMember
            return {}

        try:
            load_cluster(path, only_members)
        except _NotMember:
            continue
        except UserError:
            pass  # a member, or unreadable: the full load says which
        try:
            found.append(load_with_members(path, spec.path.parent, spec))
        except UserError as error:
            errors.append(error)
    return found, errors
