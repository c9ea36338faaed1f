"""Bridges for the guests, the Gentoo way: netifrc in /etc/conf.d/net.

The original migration moved from xend's network-bridge script to netifrc
bridges: one on the external VLAN without an address (dom0 stays off it,
a router VM owns it), one on the internal VLAN with dom0's address, so
that a router VM can move between hosts.  Today's netifrc takes strings,
not the bash arrays of 2010 (``config_extbr0=("null")``):

    config_eth0="null"              # a port carries no address of its own
    bridge_extbr0="eth0"            # the ports
    config_extbr0="null"            # or the addresses, routes_extbr0=...
    bridge_stp_state_extbr0=0
    bridge_forward_delay_extbr0=0   # a guest's vif forwards at once

With ``vlan``, the ports are the VLAN interfaces ``<port>.<vlan>``, made
by ``vlans_<port>``.  Variable names use the interface name with every
character other than letters, digits and ``_`` replaced by ``_``
(netifrc's ``shell_var``).

xenmig's lines are a block at the top of the file, so a setting of the
administrator's further down wins; the file is then read by bash, as
netifrc reads it, and a variable of xenmig's that ends up different is
reported (NetConfOverridden).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenmig.findings import Finding, Level, TextFinding
from xenmig.output.contributions import (
    DEFAULT_RUNLEVEL,
    INIT_D,
    NET_CONF,
    RC_CONF,
    Contribution,
    Link,
)
from xenmig.rules.context import Context
from xenmig.rules.shellfile import ShellFileRunsCommands, host_values, host_wins, runs_commands
from xenmig.spec import HostSpec


class NetConfOverridden(TextFinding):
    """The host's /etc/conf.d/net sets a variable of a bridge xenmig
    configures, further down than xenmig's block, so netifrc uses the
    host's value.  The message names the variable and both values; remove
    the host's line or change the spec."""

    level = Level.WARNING


def shell_var(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def net_lines(spec: HostSpec) -> list[Contribution]:
    """The netifrc lines of the spec's bridges, grouped by bridge."""
    out: list[Contribution] = []
    trunks: dict[str, list[str]] = {}
    for bridge in spec.bridge:
        if bridge.vlan:
            for port in bridge.ports:
                trunks.setdefault(port, []).append(str(bridge.vlan))
    if trunks:
        why = "VLAN trunks: the tagged interfaces the bridges use (<port>.<vlan>)"
        for port, vlans in trunks.items():
            out.append(Contribution(NET_CONF, f'config_{shell_var(port)}="null"', why))
            out.append(Contribution(NET_CONF, f'vlans_{shell_var(port)}="{" ".join(vlans)}"',
                                    why))
    for bridge in spec.bridge:
        members = bridge.members
        br = shell_var(bridge.name)
        why = (f"Bridge {bridge.name} ([[bridge]] {bridge.name}): "
               + ("dom0's address by DHCP" if bridge.address == ("dhcp",) else
                  f"dom0 at {', '.join(bridge.address)}" if bridge.address
                  else "no address, dom0 stays off this network"))
        lines = [f'config_{shell_var(m)}="null"' for m in members]
        lines.append(f'bridge_{br}="{" ".join(members)}"')
        lines.append(f'config_{br}="{" ".join(bridge.address) or "null"}"')
        if bridge.routes:
            lines.append(f'routes_{br}="{chr(10).join(bridge.routes)}"')  # one per line
        lines.append(f"bridge_stp_state_{br}={1 if bridge.stp else 0}")
        if not bridge.stp:
            lines.append(f"bridge_forward_delay_{br}=0")
        out += [Contribution(NET_CONF, line, why) for line in lines]
    return out


# The Xen services of the default runlevel (app-emulation/xen-tools' init
# scripts): xenstored and the other daemons come up through xencommons.
XEN_SERVICES = ("xencommons", "xenconsoled", "xendomains")


class PortInRunlevel(TextFinding):
    """A bridge port still has its own net.<port> in the default runlevel;
    netifrc brings ports up with their bridge, and the port's own service
    would configure it a second time (the original migration removed them:
    ``rc-update del net.eth0 default``).  xenmig never removes links; the
    message has the command."""

    level = Level.WARNING


def links(ctx: Context) -> Iterator[Finding | Link]:
    """net.<bridge> -> net.lo, and the default runlevel entries of the
    bridges and of the Xen services (made under the root, never with the
    host's rc-update)."""
    spec = ctx.spec
    for bridge in spec.bridge:
        why = f"[[bridge]] {bridge.name}"
        yield Link(f"{INIT_D}/net.{bridge.name}", "net.lo", why)
        yield Link(f"{DEFAULT_RUNLEVEL}/net.{bridge.name}", f"{INIT_D}/net.{bridge.name}", why)
    for service in XEN_SERVICES:
        yield Link(f"{DEFAULT_RUNLEVEL}/{service}", f"{INIT_D}/{service}", "Xen services")
    if ctx.host_root is None:
        return
    for bridge in spec.bridge:
        for port in bridge.ports:
            entry = f"{DEFAULT_RUNLEVEL.lstrip('/')}/net.{port}"
            if ctx.host_root.lexists(entry):
                yield PortInRunlevel(ctx.scope, f"net.{port} is a port of {bridge.name}: "
                                     f"rc-update del net.{port} default",
                                     str(ctx.host_root.top / entry))


def hotplug(ctx: Context) -> Iterator[Finding | Contribution]:
    """Keep OpenRC's hotplugging away from the bridges and their ports.

    With ``rc_hotplug`` unset or empty (OpenRC's default) nothing is
    hotplugged and nothing is written.  When the host allows hotplugging,
    ``!net.<port>`` and ``!net.<bridge>`` go in front of its patterns (the
    first matching pattern decides), so that a port coming up does not
    start its own net.<port> and the bridges start from the runlevel only:
    the original migration's ``RC_PLUG_SERVICES="!net.*"`` of baselayout 1.
    """
    spec = ctx.spec
    old = ctx.host_file(RC_CONF)
    if not spec.bridge or old is None:
        return
    values = host_values(old)
    hotplug = values.get("rc_hotplug")
    if refused := runs_commands(ctx.scope, values, str(ctx.host_path(RC_CONF)),
                                "rc_hotplug is unknown; check it by hand" if hotplug is None
                                else "rc_hotplug is known all the same"):
        yield refused
        if hotplug is None:
            return
    current = (hotplug or "").split()
    if not current:
        return
    names = [f"net.{m}" for b in spec.bridge for m in (*b.members, b.name)]
    denied = [f"!{n}" for n in names if f"!{n}" not in current]
    if denied:
        yield Contribution(RC_CONF, f'rc_hotplug="{" ".join(denied + current)}"',
                           "No hotplugging of the bridges and their ports: they start "
                           "from the default runlevel")


def bridges(ctx: Context) -> Iterator[Finding | Contribution]:
    lines = net_lines(ctx.spec)
    yield from lines
    old = ctx.host_file(NET_CONF)
    if not lines or old is None:
        return
    where = str(ctx.host_path(NET_CONF))
    if refused := runs_commands(ctx.scope, old, where,
                                "the host's settings were not compared with xenmig's"):
        yield refused
        return
    for name, message in host_wins(ctx.spec, old, lines):
        yield NetConfOverridden(ctx.scope, message, where, name)


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    NetConfOverridden,
    PortInRunlevel,
    ShellFileRunsCommands,
)
