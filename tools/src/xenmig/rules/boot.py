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

import re
from collections.abc import Iterator

from xenmig.contributions import GRUB_DEFAULTS, XL_CONF, Contribution
from xenmig.findings import Finding, Level
from xenmig.rules.context import Context
from xenmig.shellfile import host_lines, host_wins, runs_commands, sourced, wins_message

_XL_SETTING = re.compile(r"""^\s*([A-Za-z0-9_.]+)\s*=\s*("[^"]*"|'[^']*'|[^#\s]*)""")
SERIAL_XEN = "com1=115200,8n1 console=com1,vga"
DOM0_CONSOLE = "console=hvc0"


class HostSettingWins(Finding):
    """A setting xenmig writes to /etc/default/grub or /etc/xen/xl.conf is
    set again further down the host's file, so the host's value counts; the
    message names it and both values."""

    level = Level.WARNING


class GrubCmdlineUnquotable(Finding):
    """The host's GRUB_CMDLINE_LINUX holds quotes, ``$``, backquotes or
    backslashes; xenmig does not write shell code, so it writes no GRUB
    settings and says which argument to carry over by hand."""

    level = Level.WARNING


class GrubCmdlineUnread(Finding):
    """Rendered without the host's /etc/default/grub: the Linux command line
    of the Xen entries carries only ``console=hvc0``, not the host's own
    arguments.  ``xenmig apply --root`` reads them."""

    level = Level.INFO


def _without_console(args: str) -> list[str]:
    return [a for a in args.split() if not a.startswith("console=")]


def grub(ctx: Context) -> Iterator[Finding | Contribution]:
    spec = ctx.spec
    boot = spec.boot
    old = ctx.host_file(GRUB_DEFAULTS)
    host: dict[str, str | None] = {}
    if old and (refused := runs_commands(
            spec.name, old, _where(ctx, GRUB_DEFAULTS),
            "the host's GRUB_CMDLINE_LINUX is unknown and no GRUB settings are written")):
        yield refused
        return
    if old:
        host = sourced(host_lines(old), ["GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT",
                                         "GRUB_DISTRIBUTOR"])
    else:
        yield GrubCmdlineUnread(spec.name, "the host's GRUB_CMDLINE_LINUX is not known",
                                GRUB_DEFAULTS)
    xen = []
    if boot.dom0_mem:
        xen.append(f"dom0_mem={boot.dom0_mem},max:{boot.dom0_mem}")
    if boot.dom0_max_vcpus:
        xen.append(f"dom0_max_vcpus={boot.dom0_max_vcpus}")
    if boot.serial:
        xen.append(SERIAL_XEN)
    linux = [*_without_console(host.get("GRUB_CMDLINE_LINUX") or ""), DOM0_CONSOLE]
    linux_default = _without_console(host.get("GRUB_CMDLINE_LINUX_DEFAULT") or "")
    distributor = host.get("GRUB_DISTRIBUTOR") or "Gentoo"
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
            spec.name, f"{unsafe[0]!r}: the host's arguments need shell quoting xenmig does "
            "not write; set GRUB_CMDLINE_LINUX_XEN_REPLACE by hand", GRUB_DEFAULTS)
        return
    yield from lines
    if old:
        for name, message in host_wins(spec, old, lines):
            yield HostSettingWins(spec.name, message, _where(ctx, GRUB_DEFAULTS), name)


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
    want = {k: v for c in lines for k, v in [_xl_setting(c.line)] if k}
    host = {}
    for line in host_lines(old).decode("utf-8", "replace").splitlines():
        key, value = _xl_setting(line)
        if key:
            host[key] = value
    for key, value in want.items():
        if key in host and host[key] != value:
            yield HostSettingWins(spec.name, wins_message(key, host[key], value),
                                  _where(ctx, XL_CONF), key)


def _where(ctx: Context, target: str) -> str:
    return str(ctx.host_path(target) or target)


def _xl_setting(line: str) -> tuple[str | None, str]:
    """``key = "value"  # comment`` of an xl.conf line."""
    m = _XL_SETTING.match(line)
    if m is None:
        return None, ""
    return m[1], m[2].strip("'\"")
