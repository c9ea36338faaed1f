"""What a cluster needs on each member: corosync.conf, a DRBD resource per
guest, the guest's xl configuration on its DRBD devices, and the
cluster's CIB (Pacemaker's configuration) — plain text, no I/O.

* corosync 3 with knet, a nodelist of the members (their ring addresses),
  votequorum with ``two_node: 1`` for two members.
* DRBD: one resource per guest between its home and its peer, protocol C
  (writes acknowledged by both before the guest sees them), one volume per
  writable raw disk on ``/dev/drbd<minor + n>``, ``allow-two-primaries``
  only for a live-migratable guest (both sides primary during ``xl
  migrate``).
* The CIB: a fence device per member (never run on the member it fences;
  in a two-node cluster the first member's gets a random delay so that the
  two do not shoot each other at once), per guest a promotable clone of
  ``ocf:linbit:drbd`` on its two members and an ``ocf:heartbeat:Xen``
  resource on its xl file, only where the clone is Promoted, started after
  the promotion and stopped before the demotion (two one-way orders, so
  that a live migration is possible), preferring its home;
  ``allow-migrate`` for live-migratable guests; ``stonith-enabled`` true
  unless the cluster says why not.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from xenmig.cluster.model import Cluster, ClusterGuest
from xenmig.guests.xldisk import parse_disk
from xenmig.spec import HostSpec
from xenmig.spec.model import DomuSection

# The feature set and schema of the CIB: Pacemaker 2.1's (Debian 12 has
# 2.1.5, whose tools refuse a newer feature set); Pacemaker 3 reads them.
CRM_FEATURE_SET = "3.16.1"
SCHEMA = "pacemaker-3.9"
CIB_DIR = "/etc/xenmig/cluster"
# The location preference of a guest's home, and of its peer.
HOME_SCORE = 100
PEER_SCORE = 50


@dataclass(frozen=True)
class Volume:
    number: int
    vdev: str
    device: str  # /dev/drbdN
    disk: str  # the backing device on both members


def volumes(guest: ClusterGuest, domu: DomuSection) -> list[Volume]:
    out: list[Volume] = []
    for spec in domu.disks:
        disk = parse_disk(spec)
        if disk.devtype == "cdrom" or disk.access == "ro":
            continue
        n = len(out)
        out.append(Volume(n, disk.vdev, f"/dev/drbd{guest.drbd_minor + n}", disk.target))
    return out


def corosync_conf(cluster: Cluster) -> str:
    lines = ["# Written by xenmig for cluster " + cluster.name + " (" + str(cluster.path.name)
             + ").", "totem {", "    version: 2", f"    cluster_name: {cluster.name}",
             "    transport: knet", "    crypto_cipher: aes256", "    crypto_hash: sha256",
             "}", "", "nodelist {"]
    for node in cluster.nodes:
        lines += ["    node {", f"        name: {node.host}",
                  f"        nodeid: {cluster.node_id(node.host)}"]
        lines += [f"        ring{n}_addr: {address}" for n, address in enumerate(node.ring)]
        lines.append("    }")
    lines += ["}", "", "quorum {", "    provider: corosync_votequorum"]
    if len(cluster.members) == 2:
        lines.append("    two_node: 1")
    lines += ["}", "", "logging {", "    to_syslog: yes", "    timestamp: on", "}"]
    return "\n".join(lines) + "\n"


def drbd_res(cluster: Cluster, guest: ClusterGuest, domu: DomuSection) -> str:
    lines = [f"# Written by xenmig for guest {guest.name} of cluster {cluster.name}.",
             f"resource {guest.name} {{", "    net {", "        protocol C;"]
    if guest.live_migrate:
        lines.append("        allow-two-primaries yes;")
    lines += ["    }"]
    for volume in volumes(guest, domu):
        lines += [f"    volume {volume.number} {{", f"        device {volume.device};",
                  f"        disk {volume.disk};", "        meta-disk internal;", "    }"]
    for host in (guest.home, guest.peer):
        lines += [f"    on {host} {{",
                  f"        address {cluster.node(host).ring[0]}:{guest.drbd_port};", "    }"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def guest_xl(guest: ClusterGuest, domu: DomuSection) -> DomuSection:
    """The guest as Pacemaker starts it: its writable disks on DRBD, never
    started by xendomains."""
    by_vdev = {v.vdev: v for v in volumes(guest, domu)}
    disks = []
    for spec in domu.disks:
        disk = parse_disk(spec)
        volume = by_vdev.get(disk.vdev)
        disks.append(spec if volume is None else f"phy:{volume.device},{disk.vdev},w")
    return dataclasses.replace(domu, disks=tuple(disks), autostart=False)


def cib(cluster: Cluster) -> str:
    out = [f'<cib crm_feature_set="{CRM_FEATURE_SET}" validate-with="{SCHEMA}" epoch="1" '
           'num_updates="0" admin_epoch="0">',
           f"  <!-- Written by xenmig for cluster {cluster.name}: the configuration section "
           "is what cibadmin replaces on a running cluster -->",
           "  <configuration>", "    <crm_config>",
           '      <cluster_property_set id="cib-bootstrap-options">']
    fencing = cluster.no_fencing is None
    props = [("stonith-enabled", "true" if fencing else "false"),
             ("no-quorum-policy", "stop"), ("cluster-name", cluster.name)]
    out += [f'        <nvpair id="opt-{k}" name="{k}" value="{v}"/>' for k, v in props]
    out += ["      </cluster_property_set>", "    </crm_config>", "    <nodes>"]
    out += [f'      <node id="{cluster.node_id(m)}" uname="{m}"/>' for m in cluster.members]
    out += ["    </nodes>", "    <resources>"]
    constraints: list[str] = []
    for n, node in enumerate(cluster.nodes):
        if node.fencing is None:
            continue
        rid = f"fence-{node.host}"
        params = [("pcmk_host_list", node.host), *node.fencing.params]
        if len(cluster.members) == 2 and n == 0:
            params.append(("pcmk_delay_max", "15s"))
        out += [f'      <primitive id="{rid}" class="stonith" type="{node.fencing.agent}">',
                f'        <instance_attributes id="{rid}-ia">',
                *(f'          <nvpair id="{rid}-{k}" name="{k}" value={quoteattr(v)}/>'
                  for k, v in params),
                "        </instance_attributes>", "        <operations>",
                f'          <op id="{rid}-monitor" name="monitor" interval="60s"/>',
                "        </operations>", "      </primitive>"]
        constraints.append(f'      <rsc_location id="{rid}-not-on-{node.host}" rsc="{rid}" '
                           f'node="{node.host}" score="-INFINITY"/>')
    for guest in cluster.guests:
        out += _guest_resources(guest)
        constraints += _guest_constraints(cluster, guest)
    out += ["    </resources>", "    <constraints>", *constraints, "    </constraints>",
            "  </configuration>", "  <status/>", "</cib>"]
    return "\n".join(out) + "\n"


def _guest_resources(guest: ClusterGuest) -> list[str]:
    g = guest.name
    drbd, clone, vm = f"drbd-{g}", f"drbd-{g}-clone", f"vm-{g}"
    meta = [("promotable", "true"), ("promoted-max", "2" if guest.live_migrate else "1"),
            ("promoted-node-max", "1"), ("clone-max", "2"), ("clone-node-max", "1"),
            ("notify", "true")]
    out = [f'      <clone id="{clone}">', f'        <meta_attributes id="{clone}-meta">',
           *(f'          <nvpair id="{clone}-{k}" name="{k}" value="{v}"/>' for k, v in meta),
           "        </meta_attributes>",
           f'        <primitive id="{drbd}" class="ocf" provider="linbit" type="drbd">',
           f'          <instance_attributes id="{drbd}-ia">',
           f'            <nvpair id="{drbd}-res" name="drbd_resource" value="{g}"/>',
           "          </instance_attributes>", "          <operations>",
           f'            <op id="{drbd}-mon-p" name="monitor" interval="29s" role="Promoted"/>',
           f'            <op id="{drbd}-mon-u" name="monitor" interval="31s" '
           'role="Unpromoted"/>',
           "          </operations>", "        </primitive>", "      </clone>",
           f'      <primitive id="{vm}" class="ocf" provider="heartbeat" type="Xen">',
           f'        <instance_attributes id="{vm}-ia">',
           f'          <nvpair id="{vm}-xmfile" name="xmfile" value="{CIB_DIR}/{g}.cfg"/>',
           f'          <nvpair id="{vm}-name" name="name" value="{g}"/>',
           "        </instance_attributes>"]
    if guest.live_migrate:
        out += [f'        <meta_attributes id="{vm}-meta">',
                f'          <nvpair id="{vm}-allow-migrate" name="allow-migrate" '
                'value="true"/>', "        </meta_attributes>"]
    ops = [("monitor", "30s", "60s"), ("start", "0s", "120s"), ("stop", "0s", "300s")]
    if guest.live_migrate:
        ops += [("migrate_to", "0s", "300s"), ("migrate_from", "0s", "300s")]
    out += ["        <operations>",
            *(f'          <op id="{vm}-{name}" name="{name}" interval="{interval}" '
              f'timeout="{timeout}"/>' for name, interval, timeout in ops),
            "        </operations>", "      </primitive>"]
    return out


def _guest_constraints(cluster: Cluster, guest: ClusterGuest) -> list[str]:
    g = guest.name
    clone, vm = f"drbd-{g}-clone", f"vm-{g}"
    out = [f'      <rsc_colocation id="{vm}-with-drbd" rsc="{vm}" with-rsc="{clone}" '
           'with-rsc-role="Promoted" score="INFINITY"/>',
           # Two one-way orders, not one symmetrical: a symmetrical order
           # makes the demote wait for the stop, which rules out a live
           # migration ("Move ... due to unrunnable demote").
           f'      <rsc_order id="{vm}-after-drbd" first="{clone}" first-action="promote" '
           f'then="{vm}" then-action="start" kind="Mandatory" symmetrical="false"/>',
           f'      <rsc_order id="{vm}-before-demote" first="{vm}" first-action="stop" '
           f'then="{clone}" then-action="demote" kind="Mandatory" symmetrical="false"/>',
           f'      <rsc_location id="{vm}-home" rsc="{vm}" node="{guest.home}" '
           f'score="{HOME_SCORE}"/>',
           f'      <rsc_location id="{vm}-peer" rsc="{vm}" node="{guest.peer}" '
           f'score="{PEER_SCORE}"/>']
    for member in cluster.members:  # DRBD has the guest's disks on two members only
        if member not in (guest.home, guest.peer):
            out.append(f'      <rsc_location id="{clone}-not-on-{member}" rsc="{clone}" '
                       f'node="{member}" score="-INFINITY"/>')
    return out


# The dom0 kernel options DRBD needs, merged by kernel-build.eclass with
# the dom0 fragment (/etc/kernel/config.d, read in name order).
CLUSTER_FRAGMENT = "etc/kernel/config.d/91-xenmig-cluster.config"


def kernel_fragment(cluster: Cluster) -> str:
    return (f"# Written by xenmig for cluster {cluster.name}: DRBD replicates its guests' "
            "disks (a module: drbdadm loads it)\nCONFIG_BLK_DEV=y\nCONFIG_BLK_DEV_DRBD=m\n")


def render_cluster(cluster: Cluster, specs: dict[str, HostSpec]) -> dict[str, dict[str, str]]:
    """{member: {path from the root: content}}."""
    from xenmig.rules.guests import xl_lines

    files: dict[str, dict[str, str]] = {m: {} for m in cluster.members}
    cib_text = cib(cluster)
    conf = corosync_conf(cluster)
    for member in cluster.members:
        files[member]["etc/corosync/corosync.conf"] = conf
        files[member][CLUSTER_FRAGMENT] = kernel_fragment(cluster)
        files[member][f"{CIB_DIR.lstrip('/')}/{cluster.name}.cib.xml"] = cib_text
    for guest in cluster.guests:
        domu = next(d for d in specs[guest.home].domu if d.name == guest.name)
        res = drbd_res(cluster, guest, domu)
        xl = "\n".join(line for _, line in xl_lines(guest_xl(guest, domu))) + "\n"
        header = (f"# Written by xenmig for guest {guest.name} of cluster {cluster.name}: "
                  "Pacemaker starts it (ocf:heartbeat:Xen), never xendomains\n")
        for member in (guest.home, guest.peer):
            files[member][f"etc/drbd.d/{guest.name}.res"] = res
            files[member][f"{CIB_DIR.lstrip('/')}/{guest.name}.cfg"] = header + xl
    return files
