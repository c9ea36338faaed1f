"""The writer's contract: only xenmig's block or file changes, byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.specs import write_spec
from xenmig.output.blocks import Conflict, merge_block
from xenmig.output.contributions import Contribution
from xenmig.output.writer import leftover_temps, plan_writes, write
from xenmig.spec import HostSpec, load_spec

USE = Contribution("package.use", "app-emulation/xen flask", "USE of the Xen stack")
MASK = Contribution("package.mask", ">=app-emulation/xen-4.21_alpha", "pin")
SSP = Contribution("env/xenmig-no-ssp.conf", 'CFLAGS="-O2 -fno-stack-protector"', "ssp")


@pytest.fixture
def spec(tmp_path: Path) -> HostSpec:
    return load_spec(write_spec(tmp_path))


def apply(spec: HostSpec, root: Path, *contributions: Contribution) -> list[str]:
    changes, findings = plan_writes(spec, root, contributions)
    assert not findings, findings
    write(changes, root, fsync=False)
    return [f"{c.status} {c.display}" for c in changes]


def test_directory_gets_its_own_file(spec: HostSpec, tmp_path: Path) -> None:
    etc = tmp_path / "etc/portage"
    (etc / "package.use").mkdir(parents=True)
    (etc / "package.use/zz-autounmask").write_bytes(b"# user\n")
    assert apply(spec, tmp_path, USE) == ["create etc/portage/package.use/90-xenmig"]
    assert sorted(os.listdir(etc / "package.use")) == ["90-xenmig", "zz-autounmask"]
    assert (etc / "package.use/zz-autounmask").read_bytes() == b"# user\n"
    assert "app-emulation/xen flask\n" in (etc / "package.use/90-xenmig").read_text()


def test_file_gets_a_block_on_top_and_keeps_every_byte(spec: HostSpec, tmp_path: Path) -> None:
    etc = tmp_path / "etc/portage"
    etc.mkdir(parents=True)
    user = b"# mine\r\n=dev-lang/python-3.12* sqlite \\\n\tssl\n\xff\xfe binary\nno-newline"
    (etc / "package.use").write_bytes(user)
    os.chmod(etc / "package.use", 0o640)
    apply(spec, tmp_path, USE)
    data = (etc / "package.use").read_bytes()
    assert data.endswith(user) and data.startswith(b"# BEGIN xenmig ")
    assert oct((etc / "package.use").stat().st_mode & 0o777) == oct(0o640)
    # changed contributions replace the block in place; the user's bytes stay
    apply(spec, tmp_path, USE, Contribution("package.use", "app-emulation/xen-tools python", "x"))
    data = (etc / "package.use").read_bytes()
    assert data.endswith(user) and b"xen-tools python" in data
    # no contribution any more: the block goes, the file is the user's again
    apply(spec, tmp_path)
    assert (etc / "package.use").read_bytes() == user


def test_second_apply_changes_nothing(spec: HostSpec, tmp_path: Path) -> None:
    apply(spec, tmp_path, USE, MASK, SSP)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*")
              if p.is_file()}
    assert set(apply(spec, tmp_path, USE, MASK, SSP)) == {
        "identical etc/portage/package.use/90-xenmig",
        "identical etc/portage/package.mask/90-xenmig",
        "identical etc/portage/env/xenmig-no-ssp.conf",
    }
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*")
             if p.is_file()}
    assert before == after


def test_owned_files_are_removed_when_no_longer_needed(spec: HostSpec, tmp_path: Path) -> None:
    apply(spec, tmp_path, USE, SSP)
    assert apply(spec, tmp_path, USE) == [
        "identical etc/portage/package.use/90-xenmig",
        "remove etc/portage/env/xenmig-no-ssp.conf",
    ]
    assert not (tmp_path / "etc/portage/env/xenmig-no-ssp.conf").exists()


def test_hand_edited_block_is_left_alone(spec: HostSpec, tmp_path: Path) -> None:
    apply(spec, tmp_path, USE)
    path = tmp_path / "etc/portage/package.use/90-xenmig"
    edited = path.read_text().replace("flask", "-flask")
    path.write_text(edited)
    changes, findings = plan_writes(spec, tmp_path, [USE])
    assert [f.name for f in findings] == ["ManagedBlockEdited"]
    assert findings[0].location()[0] == str(path)
    assert all(c.path != path for c in changes)


def test_foreign_file_with_xenmigs_name(spec: HostSpec, tmp_path: Path) -> None:
    (tmp_path / "etc/portage/package.use").mkdir(parents=True)
    (tmp_path / "etc/portage/package.use/90-xenmig").write_text("dev-libs/foo bar\n")
    _, findings = plan_writes(spec, tmp_path, [USE])
    assert [f.name for f in findings] == ["ForeignFile"]


@pytest.mark.parametrize("kind", ["dangling-symlink", "fifo", "dir-named-like-our-file"])
def test_unusable_locations_are_findings(spec: HostSpec, tmp_path: Path, kind: str) -> None:
    etc = tmp_path / "etc/portage"
    etc.mkdir(parents=True)
    if kind == "dangling-symlink":
        # dangling inside the root (one that leaves it: tests/writer/test_hostile.py)
        (etc / "package.use").symlink_to("../../nowhere")
    elif kind == "fifo":
        os.mkfifo(etc / "package.use")
    else:
        (etc / "package.use/90-xenmig").mkdir(parents=True)
    changes, findings = plan_writes(spec, tmp_path, [USE])
    assert [f.name for f in findings] == ["UnusableTarget"]
    assert not changes


def test_symlinked_locations_are_followed(spec: HostSpec, tmp_path: Path) -> None:
    real = tmp_path / "shared-config/package.use"
    real.mkdir(parents=True)
    (tmp_path / "etc/portage").mkdir(parents=True)
    # an absolute link as the host has it: its / is the root (chroot semantics)
    (tmp_path / "etc/portage/package.use").symlink_to("/shared-config/package.use")
    apply(spec, tmp_path, USE)
    assert (real / "90-xenmig").is_file()
    assert (tmp_path / "etc/portage/package.use").is_symlink()


def test_leftover_temp_is_reported_and_removed(spec: HostSpec, tmp_path: Path) -> None:
    use_dir = tmp_path / "etc/portage/package.use"
    use_dir.mkdir(parents=True)
    temp = use_dir / ".xenmig-90-xenmig.4242.tmp"
    temp.write_text("partial")
    changes, findings = plan_writes(spec, tmp_path, [USE])
    assert [f.name for f in findings] == ["LeftoverTempFile"]
    write(changes, tmp_path, fsync=False)
    assert not temp.exists() and leftover_temps(tmp_path) == []


def test_block_without_end_is_not_merged() -> None:
    old = b"# BEGIN xenmig 0123456789abcdef: x\nfoo\n"
    assert merge_block(old, "# BEGIN xenmig ...\n# END xenmig\n", owned=False) == Conflict(
        "managed block without its end line"
    )
