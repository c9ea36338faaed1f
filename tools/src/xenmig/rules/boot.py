"""Booting Xen from GRUB 2, and xl's global settings.

grub-mkconfig (its 20_linux_xen script) writes a Xen entry for every Xen
and kernel pair, after the plain Linux entries; xenmig's block at the top
of /etc/default/grub sets:

* ``GRUB_CMDLINE_XEN_DEFAULT``: dom0's memory fixed (``dom0_mem=S,max:S``),
  its vCPUs, and Xen on the serial console (``com1=115200,8n1
  console=com1,vga``);
* ``GRUB_CMDLINE_LINUX_XEN_REPLACE(_DEFAULT)``: in Xen entries these
  *replace* GRUB_CMDLINE_LINUX(_DEFAULT), so they carry the host's own
  arguments (read from its /etc/default/grub by bash) with their console=
  arguments swapped for ``console=hvc0``, dom0's console under Xen;
* ``GRUB_DEFAULT``: the Xen entry ("<distributor> GNU/Linux, with Xen
  hypervisor"), so that the plain Linux entries stay in the menu as the
  fallback the original migration kept for a hypervisor that fails.

/etc/xen/xl.conf gets ``autoballoon="off"`` when dom0's memory is fixed,
and as the bridge of vifs that name none the first ``[[bridge]]`` on which
dom0 has an address (the internal network; an external bridge without
dom0 is never a silent default unless it is the only one).  A
setting of the host's further down either file wins; bash reads the result
and the rule reports it.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenmig.findings import Finding, Level, TextFinding
from xenmig.hostfiles.grub import GrubDefaults, read_grub_defaults, read_legacy_menu
from xenmig.hostfiles.xlconf import read_xl_conf, xl_setting
from xenmig.output.contributions import (
    GRUB_DEFAULTS,
    GRUB_LEGACY_CONF,
    XEN_EFI_CFG,
    XEN_EFI_DIR,
    XL_CONF,
    Contribution,
)
from xenmig.rules.context import Context
from xenmig.rules.shellfile import (
    ShellFileRunsCommands,
    host_lines,
    host_wins,
    runs_commands,
    wins_message,
)
from xenmig.spec import HostSpec

SERIAL_XEN = "com1=115200,8n1 console=com1,vga"
DOM0_CONSOLE = "console=hvc0"


class HostSettingWins(TextFinding):
    """A setting xenmig writes to /etc/default/grub or /etc/xen/xl.conf is
    set again further down the host's file, so the host's value counts; the
    message names it and both values."""

    level = Level.WARNING


class GrubCmdlineUnquotable(TextFinding):
    """The host's GRUB_CMDLINE_LINUX holds quotes, ``$``, backquotes or
    backslashes; xenmig does not write shell code, so it writes no GRUB
    settings and says which argument to carry over by hand."""

    level = Level.WARNING


class GrubCmdlineUnread(TextFinding):
    """Rendered without the host's /etc/default/grub: the Linux command line
    of the Xen entries carries only ``console=hvc0``, not the host's own
    arguments.  ``xenmig apply --root`` reads them."""

    level = Level.INFO


class GrubLegacyUnread(TextFinding):
    """GRUB legacy: without the host's grub.conf (or without an entry in
    it) xenmig does not know dom0's kernel, root device and arguments, so it
    writes no entries; ``xenmig apply --root`` reads them."""

    level = Level.WARNING


class GrubLegacyDefault(TextFinding):
    """GRUB legacy: the host's ``default`` does not select the Xen entry
    xenmig appends (xenmig never edits the host's own lines); the message
    gives the ``default`` and ``fallback`` lines to set."""

    level = Level.WARNING


class XenEfi(TextFinding):
    """UEFI: how the firmware boots xen.efi with the xen.cfg xenmig writes
    next to it (the dom0 kernel and initramfs are copied there)."""

    level = Level.INFO


def _without_console(args: str) -> list[str]:
    return [a for a in args.split() if not a.startswith("console=")]


def _host_grub(old: bytes | None) -> GrubDefaults | None:
    """The host's /etc/default/grub (None: the host has none, or no root)."""
    return read_grub_defaults(host_lines(old)) if old else None


def _dom0_args(host: GrubDefaults | None) -> tuple[list[str], list[str]]:
    """The host's GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT without
    their console arguments (dom0's console under Xen is hvc0)."""
    if host is None:
        return [], []
    return (_without_console(host.linux.value or ""),
            _without_console(host.linux_default.value or ""))


def xen_args(spec: HostSpec) -> list[str]:
    """Xen's command line: dom0 memory and vCPUs, the serial console, and
    the further options of ``[boot] xen_args``."""
    boot = spec.boot
    xen = []
    if boot.dom0_mem:
        xen.append(f"dom0_mem={boot.dom0_mem},max:{boot.dom0_mem}")
    if boot.dom0_max_vcpus:
        xen.append(f"dom0_max_vcpus={boot.dom0_max_vcpus}")
    if boot.serial:
        xen.append(SERIAL_XEN)
    return [*xen, *boot.xen_args]


def grub(ctx: Context) -> Iterator[Finding | Contribution]:
    spec = ctx.spec
    if spec.boot.loader == "grub-legacy":
        yield from grub_legacy(ctx)
        return
    old = ctx.host_file(GRUB_DEFAULTS)
    host = _host_grub(old)
    unknown = host.unknown() if host else []
    if host and (refused := runs_commands(
            ctx.scope, host.shell, _where(ctx, GRUB_DEFAULTS),
            f"{', '.join(unknown)} unknown and no GRUB settings are written" if unknown else
            f"the values xenmig reads ({', '.join(GrubDefaults.NAMES.values())}) are known "
            "all the same")):
        yield refused
        if unknown:
            return
    if not old:
        yield GrubCmdlineUnread(ctx.scope, "the host's GRUB_CMDLINE_LINUX is not known",
                                GRUB_DEFAULTS)
    xen = xen_args(spec)
    linux, linux_default = _dom0_args(host)
    linux.append(DOM0_CONSOLE)
    distributor = (host.distributor.value if host else None) or "Gentoo"
    lines = [
        Contribution(GRUB_DEFAULTS, f'GRUB_CMDLINE_XEN_DEFAULT="{" ".join(xen)}"',
                     "Xen's command line: dom0 memory and vCPUs, the serial console"),
        Contribution(GRUB_DEFAULTS, f'GRUB_CMDLINE_LINUX_XEN_REPLACE="{" ".join(linux)}"',
                     "dom0's command line in Xen entries replaces the host's: its own "
                     "arguments, console on hvc0"),
        Contribution(GRUB_DEFAULTS,
                     f'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="{" ".join(linux_default)}"',
                     "dom0's command line in Xen entries replaces the host's: its own "
                     "arguments, console on hvc0"),
        Contribution(GRUB_DEFAULTS,
                     f'GRUB_DEFAULT="{distributor} GNU/Linux, with Xen hypervisor"',
                     "Boot Xen by default; the Linux entries without Xen stay as the fallback"),
    ]
    unsafe = [a for a in linux + linux_default + [distributor]
              if any(ch in a for ch in '"$`\\')]
    if unsafe:
        yield GrubCmdlineUnquotable(
            ctx.scope, f"{unsafe[0]!r}: the host's arguments need shell quoting xenmig does "
            "not write; set GRUB_CMDLINE_LINUX_XEN_REPLACE by hand", GRUB_DEFAULTS)
        return
    yield from lines
    if old:
        for name, message in host_wins(spec, old, lines):
            yield HostSettingWins(ctx.scope, message, _where(ctx, GRUB_DEFAULTS), name)


def xl_conf(ctx: Context) -> Iterator[Finding | Contribution]:
    spec = ctx.spec
    lines = []
    if spec.boot.dom0_mem:
        lines.append(Contribution(XL_CONF, 'autoballoon="off"',
                                  "dom0's memory is fixed (dom0_mem): xl must not balloon it"))
    if spec.bridge:
        default = next((b for b in spec.bridge if b.address), spec.bridge[0])
        why = ("vifs without bridge= go to the first [[bridge]] where dom0 has an address "
               "(its own network), else to the first one")
        lines += [Contribution(XL_CONF, 'vif.default.script="vif-bridge"', why),
                  Contribution(XL_CONF, f'vif.default.bridge="{default.name}"', why)]
    yield from lines
    old = ctx.host_file(XL_CONF)
    if not lines or not old:
        return
    want = {k: v for c in lines for k, v in [xl_setting(c.line)] if k}
    host = read_xl_conf(host_lines(old).decode("utf-8", "replace"))
    for key, value in want.items():
        if key in host and host[key].value != value:
            yield HostSettingWins(
                ctx.scope, f"{wins_message(key, host[key].value, value)} (line "
                f"{host[key].line})", _where(ctx, XL_CONF), key)


def _where(ctx: Context, target: str) -> str:
    return str(ctx.host_path(target) or target)


def _dom0_of(entry: dict[str, str]) -> tuple[str, str | None]:
    """(kernel line, initrd) of an entry: when it boots Xen already (its
    kernel is xen*.gz with modules), dom0 is its first module."""
    image = entry.get("kernel", "").split(" ", 1)[0].rsplit("/", 1)[-1]
    if image.startswith("xen") and "module1" in entry:
        return entry["module1"], entry.get("module2")
    return entry.get("kernel", ""), entry.get("initrd")


def grub_legacy(ctx: Context) -> Iterator[Finding | Contribution]:
    """A Xen entry and a non-Xen fallback appended to grub.conf, from the
    host's default entry: its root, kernel, arguments and initrd."""
    spec = ctx.spec
    old = ctx.host_file(GRUB_LEGACY_CONF)
    where = _where(ctx, GRUB_LEGACY_CONF)
    menu = read_legacy_menu(host_lines(old).decode("utf-8", "replace") if old else "")
    settings, entries = menu.settings, menu.entries
    default = settings.get("default", "0")
    index = int(default) if default.isdigit() else 0
    if not entries or index >= len(entries):
        yield GrubLegacyUnread(ctx.scope, "no entry to take dom0's kernel from: no GRUB "
                               "legacy entries written", where)
        return
    entry = entries[index].commands
    title = entries[index].title
    kernel_line, initrd = _dom0_of(entry)
    if not kernel_line:
        yield GrubLegacyUnread(ctx.scope, f"entry {index} ({title}, line {entries[index].line}) "
                               "has no kernel line: no GRUB legacy entries written", where)
        return
    kernel, _, args = kernel_line.partition(" ")
    name = kernel.rsplit("/", 1)[-1]
    root = [f"root {entry['root']}"] if "root" in entry else []
    xen = [f"title Xen {spec.host.xen} / {name} (xenmig)", *root,
           f"kernel {' '.join([kernel.rsplit('/', 1)[0] + '/xen.gz', *xen_args(spec)])}",
           f"module {' '.join([kernel, *_without_console(args), DOM0_CONSOLE])}",
           *([f"module {initrd}"] if initrd else [])]
    plain = [f"title {name} without Xen (xenmig fallback)", *root, f"kernel {kernel_line}",
             *([f"initrd {initrd}"] if initrd else [])]
    why_xen = f"Xen {spec.host.xen} with dom0 on hvc0 (from entry {index}: {title})"
    yield from (Contribution(GRUB_LEGACY_CONF, line, why_xen) for line in xen)
    yield from (Contribution(GRUB_LEGACY_CONF, line, "the fallback: the same kernel without "
                             "Xen") for line in plain)
    first = len(entries)
    if default != str(first) or settings.get("fallback") != str(first + 1):
        yield GrubLegacyDefault(ctx.scope, f"the host boots entry {default}; xenmig's Xen "
                                f"entry is {first}: set 'default {first}' and 'fallback "
                                f"{first + 1}'", where, "default")


def xen_efi(ctx: Context) -> Iterator[Finding | Contribution]:
    """UEFI hosts: Xen built with USE=uefi (xen.efi), and xen.cfg beside
    xen.efi with the command lines GRUB would pass (dom0's arguments from
    the host's /etc/default/grub, console on hvc0)."""
    spec = ctx.spec
    if spec.boot.firmware != "uefi":
        return
    yield Contribution("package.use", "app-emulation/xen uefi",
                       "UEFI host: build xen.efi")
    linux, linux_default = _dom0_args(_host_grub(ctx.host_file(GRUB_DEFAULTS)))
    args = [*linux, *linux_default, DOM0_CONSOLE]
    why = "xen.efi's configuration: Xen's and dom0's command lines, as in GRUB's Xen entry"
    lines = ["[global]", "default=xen", "[xen]", f"options={' '.join(xen_args(spec))}",
             f"kernel={' '.join([spec.boot.efi_kernel, *args])}"]
    if spec.boot.efi_ramdisk:
        lines.append(f"ramdisk={spec.boot.efi_ramdisk}")
    for line in lines:
        yield Contribution(XEN_EFI_CFG, line, why)
    files = " and ".join(f for f in (spec.boot.efi_kernel, spec.boot.efi_ramdisk) if f)
    yield XenEfi(ctx.scope, f"copy dom0's {files} to {XEN_EFI_DIR}; a firmware entry: "
                 "efibootmgr --create --disk <ESP disk> --part <ESP partition> "
                 "--label 'Xen' --loader '\\gentoo\\xen.efi' (the path below the ESP of the "
                 "xen*.efi that app-emulation/xen installed; xen.efi reads the .cfg of its "
                 "own name)",
                 XEN_EFI_CFG)


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    GrubCmdlineUnquotable,
    GrubCmdlineUnread,
    GrubLegacyDefault,
    GrubLegacyUnread,
    HostSettingWins,
    ShellFileRunsCommands,
    XenEfi,
)
