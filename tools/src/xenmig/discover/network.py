"""discover's network reader: the bridges of netifrc's /etc/conf.d/net,
of Debian's /etc/network/interfaces, and the one xend's network-bridge
script made at xend's start, as ``[[bridge]]`` tables."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from xenmig.discover.model import Discovery, Found, FoundBridge, HostFiles, at, sources
from xenmig.findings import Level, Scope, TextFinding
from xenmig.hostfiles.sxp import SxpSetting
from xenmig.spec import Version
from xenmig.spec.settings import parse_bridge_name, parse_routes


class XenNetworkScript(TextFinding):
    """xend's ``network-script network-bridge`` made the guests' bridge at
    xend's start: it renamed the physical interface to ``peth0`` and put
    it in a bridge (``xenbr0`` before Xen 3.2, named after the interface
    since), moving the interface's address to it.  xl has no such script:
    the new host gets a netifrc bridge of its own with the interface's
    address; a bridge that had the interface's name is called ``xenbrN``
    (guests' vifs follow it)."""

    level = Level.INFO


# netifrc's bridge attribute variables (bridge_<attr>_<bridge>): not bridges.
_BRIDGE_ATTRS = ("add_", "forward_delay_", "hello_time_", "max_age_", "priority_",
                 "stp_state_", "ageing_time_", "gc_timer_", "hairpin_", "multicast_",
                 "path_cost_", "port_priority_", "ctl_")


@dataclass
class Iface:
    """What a network file says about one interface."""

    name: str
    source: str
    ports: list[str] | None = None  # a bridge's ports
    addresses: list[str] = field(default_factory=list)
    dhcp: bool = False
    routes: list[str] = field(default_factory=list)
    stp: bool = False
    lines: list[str] = field(default_factory=list)  # sources of the values
    problems: list[str] = field(default_factory=list)


FINDINGS = (XenNetworkScript,)


def netifrc_var(name: str) -> str:
    """netifrc's variable suffix of an interface (eth0.10 -> eth0_10)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _address(text: str) -> str | None:
    """``192.0.2.1/24``, or ifconfig's ``192.0.2.1 netmask 255.255.255.0``,
    as an address with prefix length (None when it is neither)."""
    words = text.split()
    if not words:
        return None
    try:
        if "/" in words[0]:
            return str(ipaddress.ip_interface(words[0]))
        if "netmask" in words:
            mask = words[words.index("netmask") + 1]
            return str(ipaddress.ip_interface(f"{words[0]}/{mask}"))
    except (ValueError, IndexError):
        return None
    return None


def _route(text: str) -> str | None:
    """An ip-route route (``default via 192.0.2.1``); netifrc's old
    ifconfig form ``default gw 192.0.2.1`` becomes one."""
    words = text.split()
    if len(words) == 3 and words[0] == "default" and words[1] in ("via", "gw"):
        words[1] = "via"
    elif "gw" in words or words[:1] in (["-net"], ["-host"]):
        return None
    route = " ".join(words)
    try:
        parse_routes([route])
    except ValueError:
        return None
    return route


def read_netifrc(files: HostFiles) -> dict[str, Iface]:
    rel = "etc/conf.d/net"
    shell = files.shell(rel)
    if shell is None:
        return {}
    values = shell.assigned()
    out: dict[str, Iface] = {}
    by_var: dict[str, str] = {}  # netifrc suffix -> interface name

    def iface(name: str, var: str | None = None) -> Iface:
        if name not in out:
            out[name] = Iface(name, rel)
            by_var[var or netifrc_var(name)] = name
        return out[name]

    def where(variable: str) -> str:
        return at(rel, shell.lines.get(variable))

    def words(value: str | tuple[str, ...]) -> list[str]:
        items = [value] if isinstance(value, str) else list(value)
        return [w for item in items for w in item.split()]

    def entries(value: str | tuple[str, ...]) -> list[str]:
        items = [value] if isinstance(value, str) else list(value)
        return [e.strip() for item in items for e in item.split("\n") if e.strip()]

    for variable, value in values.items():
        if variable.startswith("bridge_add_"):
            port = variable[len("bridge_add_"):]
            bridge = iface(words(value)[0] if words(value) else port)
            bridge.ports = [*(bridge.ports or []), port]
            bridge.lines.append(where(variable))
        elif variable.startswith("bridge_") and not variable.startswith(
                tuple(f"bridge_{a}" for a in _BRIDGE_ATTRS)):
            bridge = iface(variable[len("bridge_"):])
            bridge.ports = [*(bridge.ports or []), *words(value)]
            bridge.lines.append(where(variable))
    for variable, value in values.items():
        kind, _, suffix = variable.partition("_")
        if not suffix:
            continue
        if kind == "config":
            item = iface(by_var.get(suffix, suffix))
            item.lines.append(where(variable))
            for entry in entries(value):
                if entry in ("null", "noop"):
                    continue
                if entry == "dhcp":
                    item.dhcp = True
                elif (address := _address(entry)) is not None:
                    item.addresses.append(address)
                else:
                    item.problems.append(f"{where(variable)}: address {entry!r} has no prefix "
                                         "length or netmask")
        elif kind == "routes":
            item = iface(by_var.get(suffix, suffix))
            item.lines.append(where(variable))
            for entry in entries(value):
                route = _route(entry)
                if route:
                    item.routes.append(route)
                else:
                    item.problems.append(f"{where(variable)}: route {entry!r} is not of the "
                                         "form 'default via GW' or 'NET/LEN via GW'")
        elif kind == "brctl" or variable.startswith("bridge_stp_state_"):
            name = variable.removeprefix("bridge_stp_state_") if kind != "brctl" else suffix
            item = iface(by_var.get(name, name))
            text = " ".join(words(value))
            item.stp = bool(re.search(r"\bstp\s+(\S+\s+)?on\b", text)) or text == "1"
    return out


def read_interfaces(files: HostFiles) -> dict[str, Iface]:
    """Debian's ifupdown stanzas (``iface NAME inet static|dhcp|manual``
    and their options) of /etc/network/interfaces and interfaces.d."""
    rels = ["etc/network/interfaces"] if files.exists("etc/network/interfaces") else []
    rels += [f"etc/network/interfaces.d/{n}" for n in files.names("etc/network/interfaces.d")
             if re.fullmatch(r"[A-Za-z0-9_-]+", n)]
    out: dict[str, Iface] = {}
    for rel in rels:
        text = files.text(rel) or ""
        current: Iface | None = None
        mask: dict[str, str] = {}
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            word, _, rest = line.partition(" ")
            rest = rest.strip()
            if word == "iface":
                parts = rest.split()
                if len(parts) >= 3 and parts[1] in ("inet", "inet6"):
                    current = out.setdefault(parts[0], Iface(parts[0], rel))
                    current.lines.append(at(rel, number))
                    if parts[2] == "dhcp":
                        current.dhcp = True
                else:
                    current = None
            elif word in ("auto", "source", "source-directory", "mapping") \
                    or word.startswith("allow-"):
                current = None
            elif current is not None:
                key = word.replace("-", "_")
                if key == "address":
                    if "/" in rest:
                        address = _address(rest)
                        if address:
                            current.addresses.append(address)
                    else:
                        mask[current.name] = rest
                elif key == "netmask" and current.name in mask:
                    address = _address(f"{mask.pop(current.name)} netmask {rest}")
                    if address:
                        current.addresses.append(address)
                elif key == "gateway":
                    current.routes.append(f"default via {rest}")
                elif key == "bridge_ports":
                    current.ports = [] if rest in ("none", "") else rest.split()
                elif key == "bridge_stp":
                    current.stp = rest in ("on", "yes", "1")
                elif key in ("up", "post_up", "pre_up"):
                    current.problems.append(f"{at(rel, number)}: {word} {rest} (a command, "
                                            "not run by xenmig: carry what it does by hand)")
                current.lines.append(at(rel, number))
        for name, address in mask.items():
            out[name].problems.append(f"{rel}: address {address} without netmask")
    return out


def network_script(sxp: dict[str, object], xen: Version | None) -> tuple[str, str, str] | None:
    """(bridge, netdev, source line) of xend's network-bridge script."""
    setting = sxp.get("network-script")
    if not isinstance(setting, SxpSetting):
        return None
    words = setting.value.split()
    if not words or words[0] != "network-bridge":
        return None
    args = dict(w.split("=", 1) for w in words[1:] if "=" in w)
    vifnum = args.get("vifnum", "0")
    netdev = args.get("netdev", f"eth{vifnum}")
    vif = sxp.get("vif-script")
    hinted = next((w.split("=", 1)[1] for w in (vif.value.split() if isinstance(
        vif, SxpSetting) else []) if w.startswith("bridge=")), None)
    old = xen is not None and xen < Version("3.2")
    bridge = args.get("bridge") or hinted or (f"xenbr{vifnum}" if old else netdev)
    return bridge, netdev, at("etc/xen/xend-config.sxp", setting.line)


def read_network(files: HostFiles, found: Discovery,
                 sxp: dict[str, object]) -> tuple[dict[str, str], str | None]:
    """[[bridge]] tables; returns the renames of bridges guests' vifs must
    follow ({old name: new name}) and the bridge xend's network-bridge made
    (by its new name), if it made one."""
    ifaces = read_netifrc(files)
    for name, item in read_interfaces(files).items():
        ifaces.setdefault(name, item)
    renames: dict[str, str] = {}
    made = None
    from_xen = found.get("host", "from_xen")
    script = network_script(sxp, Version(from_xen) if from_xen else None)
    if script:
        bridge, netdev, where = script
        new = bridge
        if bridge == netdev:
            new = f"xenbr{re.sub(r'[^0-9]', '', netdev) or '0'}"
            renames[bridge] = new
        made = new
        if new in ifaces and ifaces[new].ports is not None:
            found.comment("bridge", f"{where}: network-bridge would make {bridge}; the host's "
                                    "network files have the bridge already")
        else:
            port = ifaces.pop(netdev, None) or Iface(netdev, where)
            port.name, port.ports = new, [netdev]
            port.lines.insert(0, where)
            ifaces[new] = port
            text = (f"{where}: xend's network-bridge made bridge {bridge} over {netdev} (renamed "
                    f"p{netdev}) at xend's start; the new host gets a netifrc bridge {new} "
                    f"with {netdev} as its port" + (f" and {netdev}'s addresses" if
                                                    port.addresses or port.dhcp else ""))
            if new != bridge:
                text += f"; guests' vifs on {bridge} move to {new}"
            found.findings.append(XenNetworkScript(Scope.for_file(found.label), text,
                                                   "etc/xen/xend-config.sxp",
                                                   "network-script"))
    _bridges(found, ifaces)
    return renames, made


def _bridges(found: Discovery, ifaces: dict[str, Iface]) -> None:
    members = {p for i in ifaces.values() for p in i.ports or []}
    for item in ifaces.values():
        if item.ports is None:
            if item.name not in members and item.name != "lo" and (item.addresses or item.dhcp):
                found.comment("bridge", f"{item.name} ({item.source}): not a bridge; left to "
                                        "the host's own network configuration")
            continue
        _bridge(found, item)


def _bridge(found: Discovery, item: Iface) -> None:
    source = sources(item.lines)
    out = FoundBridge(item.name)
    try:
        parse_bridge_name(item.name)
    except ValueError as error:
        found.todo("bridge", None, f"bridge {item.name} ({source}): {error}; rename it "
                   "(and its guests' vifs)")
        return
    ports = item.ports or []
    vlans = {p.rsplit(".", 1)[1] for p in ports if re.fullmatch(r".+\.\d+", p)}
    if not ports:
        found.todo("bridge", None, f"bridge {item.name} ({source}) has no port; a [[bridge]] "
                   "needs one (add it, or leave the bridge to the host)")
        return
    out.values["name"] = Found(item.name, source)
    if len(vlans) == 1 and all(re.fullmatch(r".+\.\d+", p) for p in ports):
        vlan = vlans.pop()
        out.values["ports"] = Found([p.rsplit(".", 1)[0] for p in ports], source,
                                    f"VLAN interfaces {', '.join(ports)}")
        out.values["vlan"] = Found(int(vlan), source)
    elif vlans:
        found.todo("bridge", None, f"bridge {item.name} ({source}): ports {' '.join(ports)} on "
                   "different VLANs; a [[bridge]] has one VLAN for all its ports")
        return
    else:
        out.values["ports"] = Found(list(ports), source)
    if item.dhcp and item.addresses:
        out.comments.append(f"TODO: {item.name} has DHCP and static addresses "
                            f"{' '.join(item.addresses)}; only dhcp is kept")
    if item.dhcp:
        out.values["address"] = Found(["dhcp"], source)
    elif item.addresses:
        out.values["address"] = Found(list(dict.fromkeys(item.addresses)), source)
    if item.routes:
        out.values["routes"] = Found(list(dict.fromkeys(item.routes)), source)
    if item.stp:
        out.values["stp"] = Found(True, source)
    for problem in item.problems:
        found.todo("bridge", None, f"bridge {item.name}: {problem}")
    found.bridges.append(out)
