"""A host that is a member of a Pacemaker/DRBD cluster (a cluster file in
``clusters/`` beside its spec names it; :mod:`xenmig.cluster`): the
cluster's findings, its files for this member (Corosync's configuration,
the DRBD resources and xl configurations of the guests it may run, the
CIB, DRBD in the dom0 kernel) and the meta-package's ``cluster`` flag.

The files take effect in the cluster's bootstrap (``xenmig cluster plan``),
once, in a maintenance window; ``plan`` lists it with the host's steps and
the deployment's maintenance notes say so.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.cluster.check import FINDINGS as CHECK_FINDINGS
from xenmig.cluster.check import check_cluster
from xenmig.cluster.membership import Membership
from xenmig.cluster.render import render_cluster
from xenmig.findings import Finding, Level, Scope, TextFinding, has_errors
from xenmig.output.contributions import Contribution
from xenmig.rules.context import META, Context

# What a cluster needs besides what the meta-package's cluster flag pulls
# in from ::gentoo; each is looked up in the repositories.
OUTSIDE = (
    ("sys-cluster/pacemaker", "Pacemaker itself (pacemakerd, crm_mon, cibadmin) and, with "
     "sys-cluster/drbd-utils[pacemaker], the ocf:linbit:drbd agent the CIB uses"),
)


class ClusterFileUnreadable(TextFinding):
    """A cluster file beside the host's spec cannot be read (the message
    has the file and the key): the host's cluster files are not written
    until it is fixed (``xenmig cluster check`` says the same)."""

    level = Level.ERROR


class ClusterStackMissing(TextFinding):
    """A package the cluster needs is in none of the repositories: the
    meta-package's ``cluster`` flag pulls in what ::gentoo carries
    (sys-cluster/corosync, drbd-utils, resource-agents with
    ocf:heartbeat:Xen), but ::gentoo has had no sys-cluster/pacemaker since
    before August 2025 (its metadata/pkg_desc_index lists none; the last
    md5-cache entry is pacemaker-2.1.2), so drbd-utils' ``pacemaker`` flag,
    which installs the ocf:linbit:drbd agent, cannot be satisfied either,
    and ::gentoo never packaged the fence agents (fence_ipmilan and the
    others come with the upstream fence-agents).  Add a repository that has
    Pacemaker (then enable ``pacemaker`` on drbd-utils) and install the
    fence agents before the bootstrap."""

    level = Level.WARNING


FINDINGS: tuple[type[Finding], ...] = (
    ClusterFileUnreadable, ClusterStackMissing, *CHECK_FINDINGS)


def member_contributions(membership: Membership, host: str) -> list[Contribution]:
    """The cluster's files for member ``host``, as contributions (each
    file's text is one, under the cluster's reason)."""
    cluster = membership.cluster
    files = render_cluster(cluster, membership.specs)[host]
    why = (f"cluster {cluster.name} ({cluster.path.name}); bootstrap: xenmig cluster plan "
           f"{cluster.path.name}")
    return [Contribution("/" + rel, text.rstrip("\n"), why) for rel, text in files.items()]


def cluster(ctx: Context) -> Iterator[Finding | Contribution]:
    found, errors = ctx.clusters
    for error in errors:
        yield ClusterFileUnreadable(ctx.scope, str(error))
    for membership in found:
        findings = list(check_cluster(membership.cluster, membership.specs))
        yield from findings
        for cp, what in OUTSIDE:
            if ctx.metadata(cp, ("KEYWORDS",)) is None:
                scope = Scope.for_cluster(membership.cluster.name, membership.cluster.members)
                yield ClusterStackMissing(scope, f"{cp} is in none of the repositories: {what}",
                                          str(membership.cluster.path), "[cluster] members")
        if has_errors(findings):
            continue
        yield from member_contributions(membership, ctx.spec.name)
        yield Contribution("package.use", f"{META} cluster",
                           f"the cluster stack of {membership.cluster.name}")
