"""Remus protection of guests (``[[domu]] remus``), the original
migration's favourite: ``xl remus`` checkpoints a running guest to a
backup host every few hundred milliseconds; when the primary dies, the
backup carries on from the last checkpoint without a reboot.

What the primary gets:

* the service ``xenmig-remus.GUEST`` (a link to the multiplexed
  ``/etc/init.d/xenmig-remus`` that app-emulation/xen-migration-tools
  installs) in the default runlevel, after xendomains, with its
  ``/etc/conf.d/xenmig-remus.GUEST``: the backup, the interval and the xl
  remus options.  Its loop (``/usr/libexec/xenmig/remus-loop``) restarts xl
  remus when it ends, but never leaves two running copies: the backup fails
  over as soon as the replication stream stops, so before replicating again
  the loop asks the backup, and if the guest runs there it destroys the copy
  here (the backup's copy is the guest now);
* for network buffering (the default; xl remus ``-n`` turns it off): xl.conf's
  ``remus.default.netbufscript``, the dom0 kernel's qdisc and ifb options
  (:mod:`xenmig.kernel.fragments`), ``ifb`` loaded at boot with a device per
  protected vif, and the userland the netbuf script runs (the meta-package's
  ``remus`` flag: libnl's utilities, net-tools).

Disks: Remus replicates a disk only through DRBD's "protocol D", which
exists in an old Remus fork of DRBD 8.3, never in mainline DRBD (Xen's
docs/README.remus); so xl remus always runs with ``-d`` here, and a guest
with a writable disk must accept that its writes since the last checkpoint
are lost on failover.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.findings import Finding, Level, TextFinding
from xenmig.guests.xldisk import parse_disk
from xenmig.output.contributions import (
    DEFAULT_RUNLEVEL,
    IFB_MODPROBE,
    IFB_MODULES_LOAD,
    INIT_D,
    REMUS_CONF_D,
    REMUS_SERVICE,
    XL_CONF,
    Contribution,
    Link,
)
from xenmig.rules.context import META, Context
from xenmig.spec.model import DomuSection, RemusSection, memory_short

NETBUF_SCRIPT = "/etc/xen/scripts/remus-netbuf-setup"


class RemusDiskUnprotected(TextFinding):
    """A Remus-protected guest writes to a disk, and Remus cannot replicate
    it: disk replication needs DRBD's "protocol D" with two private ioctls,
    which exist only in an old Remus fork of DRBD 8.3.11, never in mainline
    DRBD (protocols A, B and C; Xen's docs/README.remus and its
    block-drbd-probe script).  So xl remus runs with ``-d``, and on failover
    the backup resumes from the last memory checkpoint with a disk that has
    the primary's later writes, or not (the disk is the host's): the guest's
    filesystem can be corrupted.  Protect diskless or stateless guests (a
    router VM running from RAM, read-only disks), or say in
    ``accept_disk_loss`` why it is acceptable."""

    level = Level.ERROR


class RemusDiskLossAccepted(TextFinding):
    """A Remus-protected guest with a writable disk whose spec accepts that
    disk writes since the last checkpoint are lost on failover
    (``accept_disk_loss``, quoted in the message); see
    ``RemusDiskUnprotected`` for why Remus cannot replicate them."""

    level = Level.WARNING


class RemusProtected(TextFinding):
    """A guest is Remus-protected: the message has the ``xl remus`` command
    its service runs on this host (``-F`` in the foreground, ``-d`` without
    disk replication, ``-n`` without network buffering when the spec turns it
    off) and its backup host, which needs Xen and the guest's bridges too."""

    level = Level.INFO


class RemusBackupLacksBridge(TextFinding):
    """The backup host's spec (``<backup>.toml`` beside this one) has no
    bridge of a name the protected guest's vifs are on: xl migrate-receive
    creates the backup's copy with the same vifs on the bridges of the same
    names, so replication cannot start (and there is nothing to fail over
    to).  Give the backup the bridge, or protect the guest elsewhere."""

    level = Level.ERROR


class RemusBackupMemoryShort(TextFinding):
    """The backup host cannot hold its copies: the backup keeps a paused copy
    of each guest it protects all the time (Xen's docs/README.remus), beside
    its dom0 (``[boot] dom0_mem``) and the guests it starts itself; they add
    up to more than its RAM (``[host] memory``)."""

    level = Level.WARNING


class RemusBackupUnchecked(TextFinding):
    """The backup host's spec is not beside this one (``<backup>.toml``), or
    cannot be read: whether it has the guest's bridges and the memory for
    its copy is not checked."""

    level = Level.INFO


FINDINGS = (RemusDiskUnprotected, RemusDiskLossAccepted, RemusProtected, RemusBackupLacksBridge,
            RemusBackupMemoryShort, RemusBackupUnchecked)


def backup_checks(ctx: Context, protected: list[DomuSection]) -> Iterator[Finding]:
    """Each backup host, read from its spec beside this one: the protected
    guests' bridges, and the memory for its copies of them."""
    from xenmig.errors import UserError
    from xenmig.spec import load_spec

    where = ctx.spec.location("domu", "remus")
    backups: dict[str, list[DomuSection]] = {}
    for domu in protected:
        assert domu.remus is not None
        backups.setdefault(domu.remus.backup, []).append(domu)
    for backup, guests in backups.items():
        path = ctx.spec.path.parent / f"{backup}.toml"
        try:
            spec = load_spec(path) if path.is_file() else None
        except UserError as error:
            yield RemusBackupUnchecked(ctx.scope, f"{backup}: {error}", *where)
            continue
        if spec is None:
            yield RemusBackupUnchecked(ctx.scope, f"{backup}: no spec {path}", *where)
            continue
        bridges = {b.name for b in spec.bridge}
        for domu in guests:
            missing = sorted({v.bridge for v in domu.vifs} - bridges)
            if missing:
                yield RemusBackupLacksBridge(
                    ctx.guest_scope(domu.name), f"{backup} ({path.name}) has no bridge "
                    f"{', '.join(missing)}, which {domu.name}'s vifs are on", *where)
        short = memory_short(spec, [(f"{d.name} (copy)", d.memory) for d in guests])
        if short:
            yield RemusBackupMemoryShort(ctx.scope, f"{backup}: {short}", *where)


def xl_remus_options(remus: RemusSection) -> list[str]:
    return ["-F", "-d", *([] if remus.netbuf else ["-n"])]


def netbuf_vifs(domus: tuple[DomuSection, ...]) -> int:
    """The vifs whose output Remus buffers (one ifb device each)."""
    return sum(len(d.vifs) for d in domus if d.remus and d.remus.netbuf)


def remus(ctx: Context) -> Iterator[Finding | Contribution | Link]:
    protected = [d for d in ctx.spec.domu if d.remus]
    yield from backup_checks(ctx, protected)
    for domu in protected:
        assert domu.remus is not None
        r = domu.remus
        scope = ctx.guest_scope(domu.name)
        where = ctx.spec.location("domu", "remus")
        writable = [d for d in domu.disks if (p := parse_disk(d)).access == "rw"
                    and p.devtype != "cdrom"]
        if writable and r.accept_disk_loss is None:
            yield RemusDiskUnprotected(scope, f"{writable[0]} is writable and not replicated: "
                                       "on failover its writes since the last checkpoint are "
                                       "lost, or worse", *where)
        elif writable:
            yield RemusDiskLossAccepted(scope, f"{', '.join(writable)}: accepted: "
                                        f"{r.accept_disk_loss}", *where)
        options = xl_remus_options(r)
        command = f"xl remus -i {r.interval} {' '.join(options)} {domu.name} {r.backup}"
        yield RemusProtected(scope, f"{command} (service {REMUS_SERVICE}.{domu.name})", *where)
        conf = REMUS_CONF_D.format(guest=domu.name)
        why = f"Remus protection of {domu.name} ([[domu]] remus)"
        for line in (f'REMUS_GUEST="{domu.name}"', f'REMUS_BACKUP="{r.backup}"',
                     f'REMUS_INTERVAL="{r.interval}"', f'REMUS_OPTS="{" ".join(options)}"'):
            yield Contribution(conf, line, why)
        service = f"{REMUS_SERVICE}.{domu.name}"
        yield Link(f"{INIT_D}/{service}", REMUS_SERVICE,
                   "the multiplexed Remus service of app-emulation/xen-migration-tools")
        yield Link(f"{DEFAULT_RUNLEVEL}/{service}", f"{INIT_D}/{service}", why)
    vifs = netbuf_vifs(ctx.spec.domu)
    if vifs:
        why = "Remus's network buffering: the guests' output waits for their checkpoints"
        yield Contribution(XL_CONF, f'remus.default.netbufscript="{NETBUF_SCRIPT}"', why)
        yield Contribution(IFB_MODPROBE, f"options ifb numifbs={vifs}",
                           "one ifb device per vif Remus buffers")
        yield Contribution(IFB_MODULES_LOAD, "ifb", "Remus's network buffers use ifb devices")
        # what remus-netbuf-setup runs: nl-qdisc-add (libnl's utilities),
        # ifconfig (net-tools); the meta-package's remus flag pulls them in
        why = "the userland of Remus's network buffering (remus-netbuf-setup)"
        yield Contribution("package.use", f"{META} remus", why)
        yield Contribution("package.use", "dev-libs/libnl utils", why)
