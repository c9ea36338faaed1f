"""The cluster's bootstrap, step by step for a maintenance window
(``xenmig cluster plan``): what must happen once, in order, after the
rendered files are on the members and before Pacemaker runs the guests.

Ordered so that no guest ever runs twice: a guest is shut down on its
home (and its xendomains link removed) before its DRBD resource is made
on its disk, and started again only by Pacemaker; DRBD's first sync goes
from the home, whose disk has the guest's data, to the peer; the CIB is
loaded while the cluster runs nothing of the guests yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from xenmig.cluster.model import Cluster
from xenmig.cluster.render import CIB_DIR, volumes
from xenmig.spec import HostSpec

# DRBD's internal metadata takes about 32 KiB per GiB of the disk, at its
# end (drbd.conf(5), meta-disk internal): 128 MiB covers 4 TiB.
MD_ROOM = "128M"


@dataclass(frozen=True)
class Step:
    title: str
    commands: tuple[str, ...]  # "host: command"

    def as_json(self) -> dict[str, object]:
        return {"title": self.title, "commands": list(self.commands)}


def _install(cluster: Cluster, member: str) -> tuple[str, ...]:
    fencing = cluster.node(member).fencing
    return (f"{member}: emerge --ask --newuse app-emulation/xen-migration-meta",
            f"{member}: emerge --ask sys-cluster/pacemaker",
            *((f"{member}: command -v {fencing.agent}",) if fencing else ()))


def bootstrap(cluster: Cluster, specs: dict[str, HostSpec]) -> list[Step]:
    first, *others = cluster.members
    steps = [
        Step("Install the cluster stack on every member, with its rendered files applied "
             "(package.use sets the meta-package's cluster flag: corosync, drbd-utils, "
             "resource-agents); Pacemaker and the fence agents are not in ::gentoo: from a "
             "repository that has them, with drbd-utils' pacemaker flag",
             tuple(c for m in cluster.members for c in _install(cluster, m))),
        Step("One Corosync key for the whole cluster (knet's encryption)",
             (f"{first}: corosync-keygen",
              *(f"{first}: scp /etc/corosync/authkey {m}:/etc/corosync/authkey"
                for m in others))),
    ]
    for guest in cluster.guests:
        g = guest.name
        steps.append(Step(
            f"Hand {g} over to the cluster: shut it down on {guest.home}, no xendomains link",
            (f"{guest.home}: xl shutdown -w {g}", f"{guest.home}: rm -f /etc/xen/auto/{g}.cfg")))
        domu = next(d for d in specs[guest.home].domu if d.name == g)
        disks = [v.disk for v in volumes(guest, domu)]
        steps.append(Step(
            f"Room for DRBD's internal metadata at the end of {g}'s disks (it would "
            f"overwrite the end of the guest's data), and the same disks on {guest.peer}",
            (*(f"{guest.home}: lvextend -L +{MD_ROOM} {d}" for d in disks),
             *(f"{guest.peer}: lvcreate -L <the size of {d} on {guest.home}> -n "
               f"{d.rsplit('/', 1)[1]} {d.split('/')[2]}" for d in disks))))
        steps.append(Step(
            f"DRBD for {g}: metadata on both members, the first sync from {guest.home} "
            f"(it has the data) to {guest.peer}",
            (f"{guest.home}: drbdadm create-md {g}", f"{guest.peer}: drbdadm create-md {g}",
             f"{guest.home}: drbdadm up {g}", f"{guest.peer}: drbdadm up {g}",
             f"{guest.home}: drbdadm primary --force {g}",
             f"{guest.home}: drbdadm wait-sync {g}",
             f"{guest.home}: drbdadm secondary {g}",
             f"{guest.home}: drbdadm down {g}", f"{guest.peer}: drbdadm down {g}")))
    steps += [
        Step("Start the cluster on every member (OpenRC)",
             tuple(c for m in cluster.members for c in (
                 f"{m}: rc-service corosync start", f"{m}: rc-service pacemaker start",
                 f"{m}: rc-update add corosync default", f"{m}: rc-update add pacemaker default"))),
        Step("Load the CIB's configuration: Pacemaker promotes DRBD and starts each guest "
             "on its home",
             (f"{first}: cibadmin --replace --scope configuration --xml-file "
              f"{CIB_DIR}/{cluster.name}.cib.xml", f"{first}: crm_mon -1")),
    ]
    return steps
