"""A cluster of a fleet's hosts (``clusters/NAME.toml`` beside the host
specs): its members with their ring addresses and fencing, and the guests
it runs, each replicated by DRBD between two members and run by Pacemaker.

::

    [cluster]
    name = "xenha"
    members = ["xen10", "xen11"]
    # no_fencing = "..."   # only to run without fencing, saying why

    [[node]]
    host = "xen10"
    ring = ["10.0.0.10"]
    fencing = { agent = "fence_ipmilan", ip = "10.0.1.10", username = "fence",
                password_script = "/etc/xenmig/fence-xen10", lanplus = "1" }

    [[guest]]
    name = "router"          # a [[domu]] of one member's spec: its home
    peer = "xen11"           # the member DRBD replicates it to
    live_migrate = true      # dual-primary DRBD, allow-migrate
    drbd_minor = 10          # /dev/drbd10 (one minor per disk, upwards)
    drbd_port = 7790
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xenmig.errors import UserError
from xenmig.hostfiles.root import read_file
from xenmig.spec.settings import GUEST_NAME_RE, parse_name

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
_AGENT = re.compile(r"^fence_[a-z0-9_]+$")
_PARAM = re.compile(r"^[a-z][a-z0-9_]*$")
_VALUE = re.compile(r"^[A-Za-z0-9_.,:/@+=-]*$")
# Fence agent parameters that would put a secret into the CIB and the
# rendered trees: the password comes from a script on the node instead.
_SECRETS = ("password", "passwd")


@dataclass(frozen=True)
class Fencing:
    agent: str
    params: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Node:
    host: str
    ring: tuple[str, ...]
    fencing: Fencing | None


@dataclass(frozen=True)
class ClusterGuest:
    name: str
    home: str  # filled from the fleet: the member whose spec has the guest
    peer: str
    live_migrate: bool
    drbd_minor: int
    drbd_port: int


@dataclass(frozen=True)
class Cluster:
    path: Path
    name: str
    members: tuple[str, ...]
    nodes: tuple[Node, ...]
    guests: tuple[ClusterGuest, ...]
    no_fencing: str | None

    def node(self, host: str) -> Node:
        return next(n for n in self.nodes if n.host == host)

    def node_id(self, host: str) -> int:
        return self.members.index(host) + 1


def _err(path: Path, where: str, why: str) -> UserError:
    return UserError(f"{path}: {where}: {why}")


def _keys(path: Path, where: str, table: Any, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise _err(path, where, "expected a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _err(path, f"{where} {unknown[0]}",
                   f"unknown key (known: {', '.join(sorted(allowed))})")
    return table


def _string(path: Path, where: str, value: Any, pattern: re.Pattern[str], what: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _err(path, where, f"{value!r}: {what}")
    return value


def _int(path: Path, where: str, value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _err(path, where, f"{value!r}: an integer from {low} to {high}")
    return value


def load_cluster(path: Path,
                 guest_homes: Callable[[tuple[str, ...]], Mapping[str, str]]) -> Cluster:
    """The cluster file at ``path``, read once; ``guest_homes`` is called
    with the members (once their names are checked) and maps each guest of
    their specs to the member whose spec has it."""
    try:
        raw = tomllib.loads(read_file(path).decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: not valid TOML: {error}") from None
    _keys(path, "top level", raw, {"cluster", "node", "guest"})
    head = _keys(path, "[cluster]", raw.get("cluster"), {"name", "members", "no_fencing"})
    name = _string(path, "[cluster] name", head.get("name"), _NAME,
                   "a cluster name like xenha ([a-z][a-z0-9-]{0,30})")
    members = head.get("members")
    if not isinstance(members, list) or len(members) < 2:
        raise _err(path, "[cluster] members", "at least two host names")
    for member in members:
        try:
            parse_name(member)
        except ValueError as error:
            raise _err(path, "[cluster] members", str(error)) from None
    if len(set(members)) != len(members):
        raise _err(path, "[cluster] members", "a host is listed twice")
    homes = guest_homes(tuple(members))
    no_fencing = head.get("no_fencing")
    if no_fencing is not None and (not isinstance(no_fencing, str) or len(no_fencing) < 10):
        raise _err(path, "[cluster] no_fencing", "say in words why the cluster runs without "
                   "fencing (at least a sentence)")
    nodes = [_node(path, n, item, members) for n, item in enumerate(raw.get("node", []), 1)]
    if sorted(n.host for n in nodes) != sorted(members):
        raise _err(path, "[[node]]", "one [[node]] table per member, each naming it as host")
    if no_fencing is None:
        bare = [n.host for n in nodes if n.fencing is None]
        if bare:
            raise _err(path, f"[[node]] {bare[0]} fencing", "missing: a cluster fences a "
                       "member it lost before taking over its guests (else both run them and "
                       "write the same disks); give a fence agent, or [cluster] no_fencing")
    guests = [_guest(path, n, item, members, homes)
              for n, item in enumerate(raw.get("guest", []), 1)]
    if len({g.name for g in guests}) != len(guests):
        raise _err(path, "[[guest]]", "a guest is listed twice")
    return Cluster(path, name, tuple(members), tuple(sorted(nodes, key=lambda n:
                                                           members.index(n.host))),
                   tuple(guests), no_fencing)


def _node(path: Path, n: int, item: Any, members: list[str]) -> Node:
    where = f"[[node]] #{n}"
    item = _keys(path, where, item, {"host", "ring", "fencing"})
    host = item.get("host")
    if host not in members:
        raise _err(path, f"{where} host", f"{host!r}: not a member of the cluster")
    ring = item.get("ring")
    if not isinstance(ring, list) or not 1 <= len(ring) <= 2:
        raise _err(path, f"{where} ring", "one or two addresses of the host (knet links)")
    for address in ring:
        try:
            ipaddress.ip_address(address)
        except (ValueError, TypeError):
            raise _err(path, f"{where} ring", f"{address!r}: not an IP address") from None
    fencing = None
    if "fencing" in item:
        table = item["fencing"]
        if not isinstance(table, dict) or "agent" not in table:
            raise _err(path, f"{where} fencing", "a table with agent = \"fence_...\"")
        agent = _string(path, f"{where} fencing agent", table["agent"], _AGENT,
                        "a fence agent like fence_ipmilan")
        params = []
        for key, value in table.items():
            if key == "agent":
                continue
            _string(path, f"{where} fencing", key, _PARAM, "a parameter name")
            if key in _SECRETS:
                raise _err(path, f"{where} fencing {key}", "no secrets in a spec (they end "
                           "up in the CIB and every rendered tree): give password_script, a "
                           "script on the node that prints it")
            params.append((key, _string(path, f"{where} fencing {key}", str(value), _VALUE,
                                        "a plain value")))
        fencing = Fencing(agent, tuple(params))
    return Node(host, tuple(ring), fencing)


def _guest(path: Path, n: int, item: Any, members: list[str],
           homes: Mapping[str, str]) -> ClusterGuest:
    where = f"[[guest]] #{n}"
    item = _keys(path, where, item, {"name", "peer", "live_migrate", "drbd_minor", "drbd_port"})
    name = _string(path, f"{where} name", item.get("name"), GUEST_NAME_RE, "a guest name")
    home = homes.get(name)
    if home is None:
        raise _err(path, f"{where} name", f"{name!r}: no member's spec has this guest")
    if home not in members:
        raise _err(path, f"{where} name", f"{name} is a guest of {home}, not a member")
    peer = item.get("peer")
    if peer not in members or peer == home:
        raise _err(path, f"{where} peer", f"{peer!r}: another member, where DRBD keeps "
                   f"{name}'s second copy (its home is {home})")
    live = item.get("live_migrate", False)
    if not isinstance(live, bool):
        raise _err(path, f"{where} live_migrate", "true or false")
    minor = _int(path, f"{where} drbd_minor", item.get("drbd_minor"), 0, 1048575)
    port = _int(path, f"{where} drbd_port", item.get("drbd_port"), 1024, 65535)
    return ClusterGuest(name, home, peer, live, minor, port)
