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

from xenmig.cluster.model import Cluster, ClusterGuest, load_cluster
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
    return _load(path, fleet, own, member_only=False)


def _load(path: Path, fleet: Path, own: HostSpec | None, *, member_only: bool) -> Membership:
    """:func:`load_with_members`; with ``member_only``, raises _NotMember as
    soon as the members are known and ``own`` is not among them."""
    from xenmig.spec import load_spec

    specs: dict[str, HostSpec] = {}

    def homes(members: tuple[str, ...]) -> dict[str, str]:
        if member_only and own is not None and own.name not in members:
            raise _NotMember
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
        try:
            found.append(_load(path, spec.path.parent, spec, member_only=True))
        except _NotMember:
            continue
        except UserError as error:
            errors.append(error)
    return found, errors


def cluster_guest(found: list[Membership], host: str,
                  name: str) -> tuple[Membership, ClusterGuest] | None:
    """The cluster (of ``found``) that runs ``host``'s guest ``name``."""
    for membership in found:
        for guest in membership.cluster.guests:
            if guest.name == name and guest.home == host:
                return membership, guest
    return None
