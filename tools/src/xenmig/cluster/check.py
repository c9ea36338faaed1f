"""What ``xenmig cluster check`` reports about a cluster file and the
member specs it names."""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.cluster.model import Cluster, ClusterGuest
from xenmig.cluster.render import volumes
from xenmig.findings import Finding, Level, Scope, TextFinding
from xenmig.guests.xldisk import parse_disk
from xenmig.spec import HostSpec
from xenmig.spec.model import DomuSection, memory_short


class ClusterWithoutFencing(TextFinding):
    """The cluster runs without fencing (``[cluster] no_fencing`` says why):
    when a member stops answering, Pacemaker cannot know that it is down
    and its guests stopped, so it does not take them over (or, with quorum
    rules relaxed, starts them a second time, both copies writing the same
    DRBD disks).  ClusterLabs: "fencing is required"; a two-node cluster
    without it has no safe failover at all."""

    level = Level.WARNING


class TwoNodeQuorum(TextFinding):
    """A two-member cluster: corosync's votequorum runs with ``two_node:
    1`` (which implies ``wait_for_all``: after a cold start both members must
    be seen once before the cluster runs anything), and when the link
    between them breaks both still have quorum and race to fence each
    other; the first member's fence device gets ``pcmk_delay_max`` so that
    one wins (votequorum(5), the Pacemaker documentation on two-node
    clusters).  A third member, or a quorum device, removes the race."""

    level = Level.INFO


class DrbdClash(TextFinding):
    """Two guests of the cluster use the same DRBD minor (``/dev/drbdN``;
    each guest takes one minor per disk from its ``drbd_minor`` up) or the
    same DRBD port on a member they share: drbdadm refuses the second
    resource."""

    level = Level.ERROR


class ClusterGuestAutostart(TextFinding):
    """A guest the cluster runs is also started at boot by xendomains (its
    ``[[domu]]`` has ``autostart`` true): it would run a second time, beside
    the copy Pacemaker starts, on the same disks.  Set ``autostart = false``
    for it."""

    level = Level.ERROR


class ClusterDiskNotBlock(TextFinding):
    """A writable disk of a cluster guest is not a block device (an image
    file, a network disk): DRBD replicates block devices.  Move the guest's
    disk to a logical volume first (xenmig move copies image files to
    one)."""

    level = Level.ERROR


class GuestNotMovable(TextFinding):
    """A guest the cluster is to live-migrate (``live_migrate = true``)
    cannot be: its peer lacks a bridge its vifs are on (xl migrate
    recreates the vifs on the bridges of the same names), or it has PCI
    devices passed through (libxl refuses to migrate a guest with
    assigned devices).  Pacemaker would then stop and start it instead of
    migrating it; the message says which."""

    level = Level.ERROR


class LiveMigration(TextFinding):
    """How a live-migratable guest moves by hand (Pacemaker does it with
    ``crm resource move`` or a member in standby): ``xl migrate GUEST
    PEER`` from the member it runs on, with both DRBD sides Primary
    (``allow-two-primaries``).  A PV guest's migration needs log-dirty
    mode, which for PV guests needs the hypervisor's shadow paging
    (``CONFIG_SHADOW_PAGING``; Debian's Xen 4.17 is built without it, so
    the lab migrates PVH guests); PVH and HVM guests use hardware-assisted
    paging."""

    level = Level.INFO


class ClusterMemoryShort(TextFinding):
    """A member cannot hold what it must run when a peer fails (or while a
    guest live-migrates to it): dom0's fixed memory (``[boot] dom0_mem``),
    the guests xendomains starts there and every cluster guest whose home
    or peer it is add up to more than its RAM (``[host] memory``).
    Pacemaker would then fail to start a guest there (libxl cannot build the
    domain) and leave it stopped.  The sum leaves out Xen's own overhead, so
    keep a margin."""

    level = Level.WARNING


class ClusterMemoryUnknown(TextFinding):
    """The spec of a member does not give its RAM (``[host] memory``), so
    whether it can take over its peer's guests is not checked."""

    level = Level.INFO


FINDINGS = (ClusterWithoutFencing, TwoNodeQuorum, DrbdClash, ClusterGuestAutostart,
            ClusterDiskNotBlock, GuestNotMovable, LiveMigration, ClusterMemoryShort,
            ClusterMemoryUnknown)


def check_cluster(cluster: Cluster, specs: dict[str, HostSpec]) -> Iterator[Finding]:
    scope = Scope.for_cluster(cluster.name, cluster.members)
    where = str(cluster.path)
    if cluster.no_fencing is not None:
        yield ClusterWithoutFencing(scope, f"no fencing: {cluster.no_fencing}", where,
                                    "[cluster] no_fencing")
    if len(cluster.members) == 2:
        yield TwoNodeQuorum(scope, f"two members ({' and '.join(cluster.members)}): "
                            f"two_node quorum, fence delay on {cluster.members[0]}'s device",
                            where, "[cluster] members")
    minors: dict[int, str] = {}
    ports: dict[tuple[str, int], str] = {}
    for guest in cluster.guests:
        domu = next(d for d in specs[guest.home].domu if d.name == guest.name)
        gscope = Scope.for_guest(guest.home, guest.name)
        if domu.autostart:
            yield ClusterGuestAutostart(gscope, f"{guest.name} is linked in /etc/xen/auto of "
                                        f"{guest.home} and run by Pacemaker",
                                        str(specs[guest.home].path), "[[domu]] autostart")
        for spec in domu.disks:
            disk = parse_disk(spec)
            if disk.access == "rw" and disk.devtype != "cdrom" and \
                    not disk.target.startswith("/dev/"):
                yield ClusterDiskNotBlock(gscope, f"{spec}: not a block device in /dev",
                                          str(specs[guest.home].path), "[[domu]] disks")
        if guest.live_migrate:
            yield from _movable(cluster, guest, domu, specs, gscope)
        for volume in volumes(guest, domu):
            minor = guest.drbd_minor + volume.number
            if minor in minors:
                yield DrbdClash(scope, f"/dev/drbd{minor}: {guest.name} and {minors[minor]}",
                                where, f"[[guest]] {guest.name} drbd_minor")
            minors.setdefault(minor, guest.name)
        for host in (guest.home, guest.peer):
            key = (host, guest.drbd_port)
            if key in ports:
                yield DrbdClash(scope, f"port {guest.drbd_port} on {host}: {guest.name} and "
                                f"{ports[key]}", where, f"[[guest]] {guest.name} drbd_port")
            ports.setdefault(key, guest.name)
    yield from _memory(cluster, specs)


def _memory(cluster: Cluster, specs: dict[str, HostSpec]) -> Iterator[Finding]:
    """Each member with all it may have to run: its dom0, its own guests
    started at boot, and every cluster guest it is home or peer of."""
    clustered = {g.name for g in cluster.guests}
    for member in cluster.members:
        spec = specs[member]
        where = str(spec.path), "[host] memory"
        if spec.host.memory is None:
            yield ClusterMemoryUnknown(Scope.for_host(member), "no [host] memory: whether "
                                       f"{member} can take over its peer's guests is not "
                                       "checked", *where)
            continue
        carried = [(g.name, next(d for d in specs[g.home].domu if d.name == g.name).memory)
                   for g in cluster.guests if member in (g.home, g.peer)]
        if short := memory_short(spec, carried, skip=clustered):
            yield ClusterMemoryShort(Scope.for_host(member), short, *where)


def _movable(cluster: Cluster, guest: ClusterGuest, domu: DomuSection,
             specs: dict[str, HostSpec], scope: Scope) -> Iterator[Finding]:
    where = str(cluster.path), f"[[guest]] {guest.name} live_migrate"
    peer_bridges = {b.name for b in specs[guest.peer].bridge}
    missing = sorted({v.bridge for v in domu.vifs} - peer_bridges)
    if missing:
        yield GuestNotMovable(scope, f"{guest.peer} has no bridge {', '.join(missing)}, "
                              f"which {guest.name}'s vifs are on", *where)
    if domu.xl.get("pci"):
        yield GuestNotMovable(scope, f"PCI devices passed through ({domu.xl.get('pci')}): "
                              "libxl does not migrate a guest with assigned devices", *where)
    if not missing and not domu.xl.get("pci"):
        note = " (PV: the hypervisor needs shadow paging for its log-dirty mode)" \
            if domu.type == "pv" else ""
        yield LiveMigration(scope, f"xl migrate {guest.name} {guest.peer}{note}", *where)
