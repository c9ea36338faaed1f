"""The discovered host spec as TOML, every value with its source."""

from __future__ import annotations

from xenmig.discover.model import Discovery, Found
from xenmig.spec.dump import toml_value

# The order of each section's keys (the spec reference's).
_ORDER = {
    "host": ("name", "address", "arch", "xen", "kernel", "from_xen", "storage"),
    "portage": ("chost", "cflags", "cxxflags", "use", "no_ssp"),
    "kernel": ("domu_monolithic", "hvm_guests"),
    "boot": ("loader", "dom0_mem", "dom0_max_vcpus", "serial", "xen_args"),
    "bridge": ("name", "ports", "vlan", "address", "routes", "stp"),
}
_WIDTH = 100


def _line(key: str, found: Found) -> list[str]:
    comment = found.comment()
    if found.value is None:
        return [f"# {key} = ?  # {comment}"]
    text = f"{key} = {toml_value(found.value)}"
    if not comment:
        return [text]
    if len(text) + len(comment) + 4 <= _WIDTH:
        return [f"{text}  # {comment}"]
    return [f"# {comment}", text]


def _section(header: str, values: dict[str, Found], order: tuple[str, ...],
             comments: list[str]) -> list[str]:
    out = [header]
    out += [f"# {c}" for c in comments]
    for key in sorted(values, key=lambda k: order.index(k) if k in order else len(order)):
        out += _line(key, values[key])
    return [*out, ""]


def spec_text(found: Discovery) -> str:
    out = [
        f"# Host spec discovered by xenmig discover from {found.label}.",
        "# Every value names the file (and line) it was read from; TODO marks what discover",
        "# could not decide.  Review it, then: xenmig check / plan / render this file.",
        *(f"# {c}" for c in found.comments.get("", [])),
        "",
    ]
    for section in ("host", "portage", "kernel", "boot"):
        values = found.sections.get(section, {})
        comments = found.comments.get(section, [])
        if values or comments:
            out += _section(f"[{section}]", values, _ORDER[section], comments)
    for comment in found.comments.get("bridge", []):
        out.append(f"# {comment}")
    for bridge in found.bridges:
        out += _section("[[bridge]]", bridge.values, _ORDER["bridge"], bridge.comments)
    for comment in found.comments.get("domu", []):
        out.append(f"# {comment}")
    if found.comments.get("domu"):
        out.append("")
    for guest in found.guests:
        out += [guest.table.rstrip("\n"), ""]
    for guest in found.parked:
        out += [f"# Not in the spec until its TODO above is settled: {guest.source}"]
        out += [f"# {line}" if line else "#" for line in guest.table.rstrip("\n").splitlines()]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
