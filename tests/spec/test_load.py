"""Loading host specs: the table of settings, and typed errors only."""

from __future__ import annotations

import contextlib
import dataclasses
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.fleet import FLEET
from tests.support.gentoo import REPO_ROOT
from tests.support.specs import BASE, toml, write_spec
from xenmig.errors import UserError
from xenmig.spec import HostSpec, Version, load_spec
from xenmig.spec.dump import dump
from xenmig.spec.settings import SETTINGS

FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
# What must never reach a file name or a configuration line.
INJECTIONS = ["\n", "\r", "#", "../", ";", "$", "`", "|", "&", "'", '"', " ", "\t", "\\", "\x00"]


def test_every_fleet_spec_loads() -> None:
    for path in sorted(FLEET.glob("*.toml")):
        spec = load_spec(path)
        assert spec.name == path.stem


def test_defaults_and_types(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path))
    assert spec.host.kernel == Version("6.12") and spec.host.from_xen is None
    assert spec.portage.use == () and spec.portage.cflags is None


def test_legacy_versions_compare_numerically() -> None:
    assert Version("2.6.18") < Version("2.6.21") < Version("3.2") < Version("5.4") < Version("5.10")


@pytest.mark.parametrize(
    ("section", "key", "value", "reason"),
    [
        ("host", "name", "Xen01", "must match"),
        ("host", "name", "../xen01", "must match"),
        ("host", "arch", "arm64", "must be one of amd64, x86"),
        ("host", "xen", "4", "not a version"),
        ("host", "kernel", 6.12, "expected a string, got float"),
        ("host", "storage", "megaraid_sas", "expected a list of strings"),
        ("portage", "use", ["flask", "py grub"], "not a USE flag"),
        ("portage", "no_ssp", ["*/*"], "not a package atom"),
        ("portage", "chost", "i686", "not a target triplet"),
        ("portage", "cflags", "", "empty"),
    ],
)
def test_errors_name_file_section_and_key(
    tmp_path: Path, section: str, key: str, value: Any, reason: str
) -> None:
    path = write_spec(tmp_path, "t1", **{section: {key: value}})
    with pytest.raises(UserError) as raised:
        load_spec(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: [{section}] {key}: ")
    assert reason in message
    assert raised.value.exit_status == 2


@pytest.mark.parametrize("content", [b"\xff\xfe[host]", b"", b"[host]\nname = 1\n", b"host = 1\n"])
def test_unusual_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.toml"
    path.write_bytes(content)
    with pytest.raises(UserError, match=str(path)):
        load_spec(path)


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read"):
        load_spec(tmp_path / "missing.toml")
    with pytest.raises(UserError, match="cannot read"):
        load_spec(tmp_path)


# -- property-based fuzzing ---------------------------------------------------

scalars = st.one_of(
    st.text(max_size=20), st.integers(), st.floats(allow_nan=False), st.booleans(),
    st.sampled_from(["amd64", "x86", "4.20", "2.6.18", "sys-libs/glibc", "-O2 -pipe"]),
)
values = st.one_of(scalars, st.lists(scalars, max_size=4))
keys = st.one_of(st.sampled_from([s.key for s in SETTINGS]), st.text(min_size=1, max_size=8))
tables = st.dictionaries(keys, values, max_size=8)
documents = st.dictionaries(
    st.one_of(st.sampled_from(["host", "portage"]), st.text(min_size=1, max_size=8)),
    tables, max_size=3,
)


def _written(factory: pytest.TempPathFactory, data: dict[str, dict[str, Any]],
             name: str) -> Path | None:
    """``data`` as a spec file in a new directory (None: no TOML form)."""
    try:
        text = toml(data)
    except TypeError:
        return None
    path = factory.mktemp(name) / "spec.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


@FUZZ
@given(documents)
def test_random_documents_give_a_spec_or_a_user_error(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, dict[str, Any]]
) -> None:
    path = _written(tmp_path_factory, data, "fuzz")
    if path is None:
        return
    try:
        load_spec(path)
    except UserError as error:
        assert str(error).startswith(f"{path}: ")


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_give_a_spec_or_a_user_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("bytes") / "spec.toml"
    path.write_bytes(data)
    with contextlib.suppress(UserError):
        load_spec(path)


# (section, key, a valid value, whether the setting is a list).  The
# [[domu]] values end up quoted in a guest's xl configuration: nothing may
# close the quotes, start a new line or a comment.
INJECTABLE = [
    ("host", "name", "xen01", False), ("host", "xen", "4.20", False),
    ("host", "kernel", "6.12", False), ("portage", "chost", "x86_64-pc-linux-gnu", False),
    ("portage", "cflags", "-O2", False), ("host", "storage", "ahci", True),
    ("portage", "use", "flask", True), ("portage", "no_ssp", "sys-libs/glibc", True),
    ("domu", "name", "router", False), ("domu", "kernel", "/boot/domu/vmlinuz", False),
    ("domu", "ramdisk", "/boot/domu/initrd", False), ("domu", "args", "root=/dev/xvda1", True),
    ("domu", "disks", "phy:/dev/vg0/router,xvda,w", True), ("domu", "bridges", "xenbr0", True),
]
HARMLESS = {
    ("portage", "cflags", " "),  # a space-separated list of flags
    ("domu", "args", "../"),  # a kernel argument is no path on dom0 (init=/sbin/../init)
}


@FUZZ
@given(
    st.sampled_from(INJECTABLE),
    st.sampled_from(INJECTIONS),
    st.text(alphabet=string.ascii_letters + string.digits, max_size=6),
    st.booleans(),
)
def test_injection_characters_are_rejected(
    tmp_path_factory: pytest.TempPathFactory,
    setting: tuple[str, str, str, bool], injection: str, tail: str, prefix: bool,
) -> None:
    section, key, valid, is_list = setting
    if (section, key, injection) in HARMLESS:
        return
    bad = f"{injection}{valid}{tail}" if prefix else f"{valid}{injection}{tail}"
    value: Any = [bad] if is_list else bad
    data: dict[str, Any] = {s: dict(t) for s, t in BASE.items()}
    if section == "domu":
        data["bridge"] = [{"name": "xenbr0", "ports": ["eth0"]}]
        data["domu"] = [{"name": "router", "kernel": "/boot/domu/vmlinuz", key: value}]
        where = rf"\[\[domu\]\] #1( \(router\))? {key}: "
    else:
        data[section] = {**data[section], key: value}
        where = rf"\[{section}\] {key}: "
    path = tmp_path_factory.mktemp("inject") / "spec.toml"
    path.write_text(toml(data), encoding="utf-8")
    with pytest.raises(UserError, match=where):
        load_spec(path)


# -- the one spec writer: load(dump(spec)) == spec ---------------------------

def _reloaded(spec: HostSpec, directory: Path) -> HostSpec:
    path = directory / spec.path.name
    path.write_text(dump(spec), encoding="utf-8")
    return dataclasses.replace(load_spec(path), path=spec.path)


def test_dump_gives_back_every_example_spec(tmp_path: Path) -> None:
    for path in sorted((REPO_ROOT / "examples/fleet").glob("*.toml")):
        spec = load_spec(path)
        assert _reloaded(spec, tmp_path) == spec, path


@FUZZ
@given(documents)
def test_dump_gives_back_every_spec_that_loads(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, dict[str, Any]]
) -> None:
    path = _written(tmp_path_factory, data, "dump")
    if path is None:
        return
    try:
        spec = load_spec(path)
    except UserError:
        return
    assert _reloaded(spec, tmp_path_factory.mktemp("again")) == spec


@FUZZ
@given(st.lists(st.sampled_from(["-O2", "-pipe", "-march=x86-64-v2", "-fstack-protector-all",
                                 "-ggdb"]), max_size=4),
       st.lists(st.sampled_from(["flask", "-xsm", "pygrub", "hvm"]), max_size=3),
       st.sampled_from(["4.19", "4.20"]), st.booleans())
def test_dump_gives_back_specs_with_guests_and_bridges(
    tmp_path_factory: pytest.TempPathFactory, cflags: list[str], use: list[str], xen: str,
    hvm: bool,
) -> None:
    directory = tmp_path_factory.mktemp("guests")
    data: dict[str, Any] = {
        "host": {"name": "g1", "arch": "amd64", "xen": xen, "kernel": "6.12"},
        "portage": {"cflags": " ".join(cflags), "use": use} if cflags else {"use": use},
        "kernel": {"hvm_guests": hvm},
        "bridge": [{"name": "xenbr0", "ports": ["eth0"], "vlan": 20,
                    "address": ["192.0.2.1/24"], "routes": ["default via 192.0.2.254"]}],
        "domu": [{"name": "router", "type": "pv", "kernel": "/boot/domu/vmlinuz",
                  "args": ["root=/dev/xvda1"], "bridges": ["xenbr0"],
                  "disks": ["phy:/dev/vg0/router,xvda1,w"], "autostart": False}],
    }
    path = directory / "g1.toml"
    path.write_text(toml(data), encoding="utf-8")
    spec = load_spec(path)
    assert _reloaded(spec, tmp_path_factory.mktemp("again")) == spec
