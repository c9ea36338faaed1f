"""``xenmig discover``: a host spec from the files a host already has.

ROOT is a live ``/``, a mounted disk of the old host, or a tree ``xenmig
gather`` collected.  Everything is read through :class:`HostRoot` (chroot
semantics, regular files only, a size limit), shell files are parsed and
xm configurations read without running either, and nothing is written
there.  What is read is one list (:mod:`xenmig.discover.sources`), shared
with gather.

Every value of the spec carries a ``# from FILE:LINE`` comment; what
discover cannot decide is a ``TODO`` comment and a :class:`DiscoverTodo`
finding; where a required value has no safe default, the TODO is the
value, so that the spec does not load until it is settled and the error
names it.
"""

from __future__ import annotations

from pathlib import Path

from xenmig.discover.model import DiscoverTodo, Discovery, Found, HostFileNotRead, HostFiles
from xenmig.errors import UserError
from xenmig.hostfiles.root import HostRoot

FINDINGS = (DiscoverTodo, HostFileNotRead)

__all__ = ["FINDINGS", "Discovery", "discover"]


def discover(root: Path, name: str | None = None, label: str | None = None) -> Discovery:
    """What the host under ``root`` says about itself (``name`` overrides
    the host name it has; ``label`` names the root in findings)."""
    from xenmig.discover import guests, host, network
    from xenmig.hostfiles.sxp import default_bridge, read_sxp
    from xenmig.hostfiles.xlconf import read_xl_conf

    if not root.is_dir():
        raise UserError(f"{root}: not a directory (the root of a host: /, a mounted disk, "
                        "or a tree xenmig gather collected)")
    found = Discovery(root, label or str(root))
    files = HostFiles(HostRoot.of(root), found)
    _gathered_skips(files, found)
    host.read_portage(files, found)
    line = host.read_grub(files, found)
    host.read_hostname(files, found, name, Path(root).resolve().name or "host")
    host.read_xen_version(files, found, (line.image, line.source) if line and line.image
                          else None)
    config = host.read_kernel(files, found, (line.dom0, line.source) if line and line.dom0
                              else None)
    host.read_arch(found, config)
    found.set("host", "xen", Found(host.target_series(), None,
                                   "decided: the newest Xen series stable on amd64 in "
                                   "xenmig's ::gentoo snapshot"))
    host.read_storage(files, found, config)
    host.read_boot(found, line)
    sxp: dict[str, object] = {}
    rel = "etc/xen/xend-config.sxp"
    text = files.text(rel)
    if text is not None:
        try:
            sxp = dict(read_sxp(text, rel))
        except UserError as error:
            found.not_read(rel, str(error))
    host.read_xend_memory(files, found, sxp)
    xl_conf = files.text("etc/xen/xl.conf")
    xl = read_xl_conf(xl_conf) if xl_conf else {}
    renames, made = network.read_network(files, found, sxp)
    bridge = default_bridge(sxp)  # type: ignore[arg-type]
    if bridge is None and "vif.default.bridge" in xl:
        bridge = xl["vif.default.bridge"].value
    if bridge is None:
        bridge = made
    bridge = renames.get(bridge, bridge) if bridge else None
    only = bridge is None and len(found.bridges) == 1
    if only:
        bridge = found.bridges[0].name
    guests.read_guests(files, found, bridge, renames)
    if only and found.guests:
        found.comment("domu", f"vifs without bridge= are on {bridge}, the host's only bridge "
                              "(xend's vif-bridge took the first bridge)")
    return found


def _gathered_skips(files: HostFiles, found: Discovery) -> None:
    """The files xenmig gather could not read on the host (a tree it
    collected lists them in .xenmig/skipped: "path: why")."""
    from xenmig.discover.sources import captured

    rel = captured("skipped")
    for line in (files.text(rel) or "").splitlines():
        path, _, why = line.partition(": ")
        found.not_read(path, f"on the host: {why}")


def write_spec(found: Discovery) -> str:
    from xenmig.discover.write import spec_text

    return spec_text(found)
