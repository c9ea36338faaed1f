"""The host-spec reference page (docs/host-spec.md), generated from the
settings table and the finding classes so that it cannot drift from them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import xenmig
from xenmig.errors import maint_module
from xenmig.findings import REGISTRY, Finding
from xenmig.output.targets import TABLE, root_relative
from xenmig.spec.settings import ARRAY_SECTIONS, REQUIRED, SECTIONS, SETTINGS


def _modules() -> list[ModuleType]:
    """Every module of the package, imported (each finding class registers
    itself where it is defined; a module lists what it yields in ``FINDINGS``)."""
    return [importlib.import_module(m.name)
            for m in pkgutil.walk_packages(xenmig.__path__, "xenmig.")
            if m.name.rsplit(".", 1)[-1] != "__main__"]


def all_finding_classes() -> list[type[Finding]]:
    """Every finding class of the package, so that a finding of a new module
    is documented without being listed anywhere (classes made elsewhere, by
    tests, are not xenmig's)."""
    _modules()
    return sorted((c for c in REGISTRY.values() if c.__module__.startswith("xenmig.")),
                  key=lambda cls: cls.__name__)


def reporters() -> dict[str, list[str]]:
    """{finding class name: the modules that declare they yield it}."""
    found: dict[str, list[str]] = {}
    for module in _modules():
        for cls in getattr(module, "FINDINGS", ()):
            found.setdefault(cls.__name__, []).append(module.__name__.removeprefix("xenmig."))
    return found


def _default(value: object) -> str:
    if value is REQUIRED:
        return "required"
    if value is None or value == ():
        return "unset"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    return f"`{value}`"


def _doc(cls: type) -> str:
    return " ".join(inspect.cleandoc(cls.__doc__ or "").split())


def host_spec_reference() -> str:
    sections = [
        (f"[{section}]" if section in ARRAY_SECTIONS else section,
         [s for s in SETTINGS if s.section == section]) for section in SECTIONS
    ]
    by = reporters()
    findings = [
        (cls.__name__, str(cls.level), _doc(cls), ", ".join(by.get(cls.__name__, ())))
        for cls in all_finding_classes()
    ]
    jinja2 = maint_module("jinja2")
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("xenmig", "templates"), undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, autoescape=False,
    )
    targets = [
        ("/" + root_relative(t.path), t.placement.value, t.resolver_input, t.doc, t.applying)
        for t in TABLE
    ]
    page: str = environment.get_template("host-spec.md.j2").render(
        sections=sections, findings=findings, default=_default, targets=targets
    )
    return page
