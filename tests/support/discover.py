"""discover's round trip: a host tree discovered, its spec (or the amd64
spec plan derives for a host that is reinstalled) rendered, and what the
rendered files say compared with what the host's own files said."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tests.support.cli import xenmig
from xenmig.spec import HostSpec
from xenmig.spec.load import load_spec

HOSTS = Path(__file__).parents[1] / "data/hosts"


@dataclass
class RoundTrip:
    spec: HostSpec  # as discovered
    target: HostSpec  # what was rendered: the spec, or its reinstall spec
    mode: str  # in-place | reinstall
    rendered: Path  # the rendered host's root
    discover_output: str


def round_trip(root: Path, tmp: Path, *extra: str) -> RoundTrip:
    """``root`` discovered, then rendered as :func:`render_spec` does."""
    spec_path = tmp / "discovered.toml"
    proc = xenmig(tmp / "cache", "discover", root, "--out", spec_path, *extra)
    assert spec_path.is_file(), proc.stdout
    return render_spec(spec_path, tmp, proc.stdout)


def render_spec(spec_path: Path, tmp: Path, output: str = "") -> RoundTrip:
    """A discovered spec rendered: itself, or for a host that is
    reinstalled, the amd64 spec ``xenmig plan`` derives from it."""
    cache = tmp / "cache"
    spec = load_spec(spec_path)
    plan = xenmig(cache, "plan", spec_path, "--json", merge_stderr=False)
    assert plan.returncode in (0, 1), plan.stderr
    (host_plan,) = json.loads(plan.stdout)
    target_path = spec_path
    if host_plan["mode"] == "reinstall":
        target_path = spec_path.with_name(f"{spec.name}-amd64.toml")
        target_path.write_text(host_plan["reinstall_spec"])
    render = xenmig(cache, "render", target_path, "--out", tmp / "out")
    assert render.returncode == 0, render.stdout
    return RoundTrip(spec, load_spec(target_path), host_plan["mode"], tmp / "out" / spec.name,
                     output)
