"""discover's guest reader: every guest configuration in /etc/xen (xm
or xl; read, never run), the guests xend manages in its own store
(/var/lib/xend/domains/<uuid>/config.sxp: no file in /etc/xen at all)
and which of them start at boot (the xendomains auto directory, xend's
on_xend_start), each converted into a ``[[domu]]`` table that adopts its
file and keeps its MACs, NIC models and every xl setting."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Mapping

from xenmig.discover.model import Discovery, Found, FoundGuest, HostFiles
from xenmig.errors import UserError
from xenmig.findings import Level, Scope, TextFinding
from xenmig.guests.convert import (
    Converted,
    as_domu_table,
    as_list,
    convert,
    convert_xl,
    read_source,
    vif_settings,
)
from xenmig.guests.xldisk import parse_disk
from xenmig.hostfiles.xm import XmConfig

# Files in /etc/xen that are not guests (xend's and xl's own, examples,
# backups, xenmig's kept originals).
_NOT_GUESTS = re.compile(
    r"^(xend-config.*\.sxp|xend-pci-.*|xl\.conf|xm-config\.xml|cpupool|README.*|"
    r"(xm|xl)example.*|.*\.(conf|sxp|xml|sh|py|pyc|pem|key|bak|old|orig|rej|dpkg-[a-z]+|"
    r"pre-xenmig|rpmnew|rpmsave)|.*~|\..*|#.*)$")
_OLD_XENLINUX = re.compile(r"2\.6\.(1[0-9]|2[0-9]|3[0-9])\S*xen", re.I)


class GuestNotConverted(TextFinding):
    """A guest configuration of the host could not be carried into the
    spec (the message has the reason, with the file and line): the guest
    is missing from it until the file is fixed, or its ``[[domu]]`` is
    written by hand (``xenmig domu convert`` shows the same error)."""

    level = Level.ERROR


class XenFileSkipped(TextFinding):
    """A file in /etc/xen that is neither a known non-guest file nor
    readable as a guest configuration (not named ``*.cfg`` and not started
    at boot): left out, with the reason."""

    level = Level.INFO


FINDINGS = (GuestNotConverted, XenFileSkipped)


def guest_os(values: Mapping[str, object]) -> tuple[str, str]:
    """The spec's ``os`` of a guest, decided from its console arguments or
    its kernel's name, and why."""
    words = " ".join(str(values.get(k, "")) for k in ("extra", "cmdline", "root")).split()
    if "xencons=ttyS" in words:
        return "clearos", "its kernel line has xencons=ttyS"
    if any(w.startswith("xencons=") for w in words):
        return "xenlinux", "its kernel line has " + next(w for w in words
                                                          if w.startswith("xencons="))
    kernel = str(values.get("kernel", ""))
    if _OLD_XENLINUX.search(kernel):
        return "xenlinux", f"its kernel {kernel} is a XenLinux 2.6 kernel"
    return "modern", ""


def _auto_dir(files: HostFiles) -> tuple[str, str]:
    for rel in ("etc/conf.d/xendomains", "etc/default/xendomains", "etc/sysconfig/xendomains"):
        shell = files.shell(rel)
        value = shell.get("XENDOMAINS_AUTO") if shell else None
        if value and value.startswith("/"):
            return value.strip("/"), f"{rel}:{shell.lines.get('XENDOMAINS_AUTO')}"  # type: ignore[union-attr]
    return "etc/xen/auto", ""


def _autostarted(files: HostFiles, auto: str) -> dict[str, str]:
    """{root-relative guest file: the auto entry naming it}."""
    out: dict[str, str] = {}
    for name in files.names(auto):
        entry = f"{auto}/{name}"
        link = files.root.readlink(entry)
        if link is None:
            out[entry] = entry
            continue
        target = link.lstrip("/") if link.startswith("/") else \
            posixpath.normpath(posixpath.join(auto, link))
        out[posixpath.normpath(target)] = entry
    return out


def read_guests(files: HostFiles, found: Discovery, default_bridge: str | None,
                renames: dict[str, str]) -> None:
    auto, auto_source = _auto_dir(files)
    started = _autostarted(files, auto)
    # A *.cfg file is the administrator's, whatever its name (a copy of
    # xmexample1 made into a guest); Xen's installed examples have none.
    candidates = [f"etc/xen/{n}" for n in files.names("etc/xen")
                  if ((n.endswith(".cfg") and not n.startswith(".")) or not _NOT_GUESTS.match(n))
                  and files.root.kind(f"etc/xen/{n}") == "file"]
    candidates += [t for t in started if t not in candidates and files.root.kind(t) == "file"]
    names: dict[str, str] = {}
    bridges = {b.name for b in found.bridges}
    read = []
    for rel in candidates:
        wanted = rel.endswith(".cfg") or rel in started
        guest = _guest(files, found, rel, wanted, default_bridge, renames, rel in started,
                       started.get(rel) or auto_source, in_etc_xen=rel.startswith("etc/xen/")
                       and "/" not in rel[len("etc/xen/"):])
        if guest is not None:
            read.append((rel, guest))
    # Of two files of one guest, the one started at boot, then the one
    # named after the guest, is the guest's configuration.
    read.sort(key=lambda item: (item[0] not in started,
                                posixpath.basename(item[0]).removesuffix(".cfg") !=
                                item[1].name, item[0]))
    for _, guest in read:
        _keep(found, guest, names, bridges)
    found.guests.sort(key=lambda g: g.name)
    _managed(files, found, default_bridge, renames, names, bridges)
    hvm = [g for g in found.guests if g.type == "hvm"]
    if hvm:
        found.set("kernel", "hvm_guests", Found(True, ", ".join(g.source for g in hvm),
                                                "HVM guests"))


def _keep(found: Discovery, guest: FoundGuest, names: dict[str, str], bridges: set[str]) -> None:
    if guest.name in names:
        found.todo("domu", None, f"{guest.source}: guest {guest.name} is also "
                   f"{names[guest.name]}; only that one is in the spec (delete the other)",
                   guest.source)
        found.parked.append(guest)
        return
    for other in found.guests:
        shared = {t for t, w in guest.disks for u, v in other.disks if t == u and (w or v)}
        if shared:
            found.todo("domu", None, f"{guest.source}: guest {guest.name}'s disk "
                       f"{sorted(shared)[0]} is also guest {other.name}'s, and one of them "
                       "writes it: xl has no shared writable disk (xm's w!); the guest is left "
                       "out of the spec (its table is below, commented out) until each has "
                       "its own disk", guest.source)
            found.parked.append(guest)
            return
    missing = [b for b in guest.bridges if b not in bridges]
    if missing:
        found.todo("domu", None, f"{guest.source}: guest {guest.name}'s vifs are on "
                   f"{', '.join(missing)}, which is no bridge of the host's network files: "
                   "add its [[bridge]]", guest.source)
    names[guest.name] = guest.source
    found.guests.append(guest)


def _guest(files: HostFiles, found: Discovery, rel: str, wanted: bool,
           default_bridge: str | None, renames: dict[str, str], autostart: bool,
           why_auto: str, *, in_etc_xen: bool) -> FoundGuest | None:
    data = files.data(rel)
    if data is None:
        return None
    text = data.decode("utf-8", "replace")
    try:
        kind, config = read_source(text, rel)
    except UserError as error:
        if wanted:
            found.findings.append(GuestNotConverted(Scope.for_file(found.label), str(error), rel))
            found.comment("domu", f"TODO: {rel}: not carried ({error}); once fixed, "
                                  "xenmig domu convert --format toml gives its table")
        else:
            found.findings.append(XenFileSkipped(
                Scope.for_file(found.label), f"not read as a guest configuration: {error}", rel))
        return None
    if not wanted and not config.values.keys() & {"name", "memory", "disk", "kernel"}:
        return None
    config.values.setdefault("name", posixpath.basename(rel).removesuffix(".cfg"))
    os_name, why = guest_os(config.values)
    source = f"{rel} ({kind})"
    notes = [f"os = {os_name!r}: {why}"] if why else []
    if autostart:
        notes.append(f"started at boot: {why_auto}")
    adopt = (f"/{rel}", hashlib.sha256(data).hexdigest()) if in_etc_xen else None
    if not in_etc_xen:
        found.todo("domu", None, f"{rel}: guest {config.values['name']}'s only configuration "
                   "is this copy in the auto directory; xenmig writes /etc/xen/NAME.cfg and "
                   "links it there: remove the copy before apply", rel)
    return _table(found, rel, source, kind, config, os_name, adopt, default_bridge, renames,
                  autostart, notes)


def _table(found: Discovery, rel: str, source: str, kind: str, config: XmConfig, os_name: str,
           adopt: tuple[str, str] | None, default_bridge: str | None,
           renames: dict[str, str], autostart: bool, notes: list[str]) -> FoundGuest | None:
    lines = dict(config.lines)
    try:
        converted = convert_xl(config) if kind == "xl" else \
            convert(config, os_name, default_bridge, sxp=True)
        _follow_renames(converted, renames, default_bridge)
        table = as_domu_table(converted, os_name, adopt, default_bridge,
                              autostart=autostart)
    except UserError as error:
        found.findings.append(GuestNotConverted(Scope.for_file(found.label), str(error), rel))
        found.comment("domu", f"TODO: {rel}: not carried ({error}); once fixed, "
                                  "xenmig domu convert --format toml gives its table")
        return None
    name = str(converted.values.get("name"))
    kind_out = str(converted.values.get("type", "hvm" if converted.values.get("builder") ==
                                        "hvm" else "pv"))
    vifs = [vif_settings(v) for v in as_list(converted.values.get("vif", []))]
    bridges = tuple(dict.fromkeys(v.get("bridge") or default_bridge or "" for v in vifs))
    head = [f"# from {source}"] + [f"# {n}" for n in notes]
    disks = []
    for spec in as_list(converted.values.get("disk", [])):
        disk = parse_disk(str(spec))
        if disk.target:
            disks.append((disk.target, disk.access == "rw"))
    return FoundGuest(name, "\n".join(head) + "\n" + _sourced(table, rel, lines), source,
                      kind_out, tuple(b for b in bridges if b), tuple(disks))


# The keys of a guest's [[domu]] table and the settings of its old file
# they come from (a [domu.xl] key comes from the setting of its name).
_FROM = {"name": ("name",), "memory": ("memory",), "vcpus": ("vcpus",),
         "kernel": ("kernel",), "ramdisk": ("ramdisk", "initrd"),
         "args": ("root", "extra", "cmdline"), "disks": ("disk",), "type": ("type", "builder")}


def _sourced(table: str, rel: str, lines: Mapping[str, int]) -> str:
    """``table`` with each setting's source line: ``memory = 256  #
    etc/xen/web.cfg:3`` (the vif tables name the vif line)."""
    out = []
    section = ""
    for line in table.splitlines():
        if line.startswith("["):
            section = line
        key = line.split(" = ", 1)[0] if " = " in line and not line.startswith("#") else None
        if key is None or key == "adopt":
            out.append(line)
            continue
        if section == "[domu.xl]":
            names: tuple[str, ...] = (key.strip('"'),)
        elif section == "[[domu.vif]]":
            names = ("vif",)
        else:
            names = _FROM.get(key, ())
        found = sorted(lines[n] for n in names if lines.get(n))
        out.append(f"{line}  # {rel}:{','.join(map(str, found))}" if found else line)
    return "\n".join(out) + "\n"


def _follow_renames(converted: Converted, renames: dict[str, str],
                    default_bridge: str | None) -> None:
    if not renames or "vif" not in converted.values:
        return
    out = []
    for spec in as_list(converted.values["vif"]):
        items = vif_settings(spec)
        old = items.get("bridge")
        if old in renames:
            spec = re.sub(rf"\bbridge\s*=\s*{re.escape(old)}\b", f"bridge={renames[old]}",
                          str(spec))
            converted.notes.append(f"vif: bridge {old} is {renames[old]} on the new host "
                                   "(xend's network-bridge named it after its interface)")
        out.append(spec)
    converted.values["vif"] = out


def _managed(files: HostFiles, found: Discovery, default_bridge: str | None,
             renames: dict[str, str], names: dict[str, str], bridges: set[str]) -> None:
    from xenmig.hostfiles.xend_domain import autostarted, read_xend_domain

    base = "var/lib/xend/domains"
    for uuid in files.names(base):
        rel = f"{base}/{uuid}/config.sxp"
        if not files.exists(rel):
            continue
        text = files.text(rel)
        if text is None:
            continue
        try:
            config = read_xend_domain(text, rel)
            start = autostarted(text, rel)
        except UserError as error:
            found.findings.append(GuestNotConverted(Scope.for_file(found.label), str(error), rel))
            found.comment("domu", f"TODO: {rel}: not carried ({error}); once fixed, "
                                  "xenmig domu convert --format toml gives its table")
            continue
        name = str(config.values.get("name", uuid))
        if name in names:
            found.comment("domu", f"{rel}: guest {name} is also xend-managed; its "
                                  f"configuration file {names[name]} is what the spec has "
                                  f"(xm delete {name} on the old host after the move)")
            continue
        os_name, why = guest_os(config.values)
        notes = [f"os = {os_name!r}: {why}"] if why else []
        if start:
            notes.append("started at boot: on_xend_start start")
        guest = _table(found, rel, f"{rel} (xend-managed)", "xm", config, os_name, None,
                       default_bridge, renames, start, notes)
        if guest is not None:
            _keep(found, guest, names, bridges)
