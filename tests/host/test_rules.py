"""Rules beyond the example fleet: each decision on a small spec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.specs import write_spec
from xenmig.gentoo.repos import RepoSet
from xenmig.host import Assessment, assess
from xenmig.output.contributions import Contribution
from xenmig.spec import load_spec


def run(
    tmp_path: Path, repos: RepoSet, root: Path | None = None, **sections: dict[str, Any]
) -> Assessment:
    return assess(load_spec(write_spec(tmp_path, "t1", **sections)), repos, root)


def host_root(tmp_path: Path, files: dict[str, str]) -> Path:
    """A host root whose etc/portage holds ``files`` (relative paths)."""
    root = tmp_path / "root"
    (root / "etc/portage").mkdir(parents=True)
    for rel, text in files.items():
        (root / "etc/portage" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "etc/portage" / rel).write_text(text.replace("@ETC@", str(root / "etc")))
    return root


def names(assessment: Assessment) -> list[str]:
    return sorted(f.name for f in assessment.findings)


def lines(assessment: Assessment, target: str) -> list[str]:
    return [c.line for c in assessment.evaluation.contributions if c.target == target]


def test_kernel_older_than_every_udev_in_the_repositories(
    tmp_path: Path, snapshot_repos: RepoSet
) -> None:
    # 4.19 needs systemd <= 257, which ::gentoo no longer has: the mask
    # would leave no provider of virtual/udev (checked with the resolver).
    result = run(tmp_path, snapshot_repos, host={"kernel": "4.19"})
    assert names(result) == ["NoUdevForKernel"]
    assert ">=sys-apps/systemd-utils-258" in result.findings[0].describe()
    assert result.blocked and not result.evaluation.contributions


def test_in_place_upgrade_from_xen3_scopes_collision_protect(
    tmp_path: Path, snapshot_repos: RepoSet
) -> None:
    result = run(tmp_path, snapshot_repos, host={"from_xen": "3.4.4"})
    assert "CollisionProtectScoped" in names(result)
    assert lines(result, "package.env") == [
        "app-emulation/xen xenmig-no-collision-protect.conf",
        "app-emulation/xen-tools xenmig-no-collision-protect.conf",
    ]
    assert lines(result, "env/xenmig-no-collision-protect.conf") == [
        'FEATURES="-collision-protect -protect-owned"'
    ]


def test_amd64_spec_with_a_32bit_userland(tmp_path: Path, snapshot_repos: RepoSet) -> None:
    result = run(tmp_path, snapshot_repos, portage={"chost": "i686-pc-linux-gnu"})
    assert names(result) == ["UserlandNotAmd64"]
    assert result.findings[0].location()[1] == "[portage] chost"


def test_unavailable_xen_series(tmp_path: Path, snapshot_repos: RepoSet) -> None:
    result = run(tmp_path, snapshot_repos, host={"xen": "4.18"})
    assert names(result) == ["XenSeriesUnavailable"]
    assert "available: 4.19, 4.20" in result.findings[0].describe()


def test_flags_nobody_has_and_negative_flags(tmp_path: Path, snapshot_repos: RepoSet) -> None:
    result = run(tmp_path, snapshot_repos, portage={"use": ["-flask", "nonexistent", "pae"]})
    assert "FlagNotInXenStack" in names(result) and "FlagReplaced" in names(result)
    assert "app-emulation/xen -flask" in lines(result, "package.use")
    assert not any("nonexistent" in line or "pae" in line for line in lines(result, "package.use"))


def test_no_ssp_without_stack_protector_flags(tmp_path: Path, snapshot_repos: RepoSet) -> None:
    result = run(
        tmp_path, snapshot_repos,
        portage={"cflags": "-O2 -pipe", "no_ssp": ["sys-libs/glibc"]},
    )
    assert "NoSspWithoutSspFlags" in names(result)
    assert not lines(result, "package.env")


def test_make_conf_of_the_root_is_read_like_portage(
    tmp_path: Path, snapshot_repos: RepoSet
) -> None:
    root = host_root(tmp_path, {
        "flags.sh": 'BASE="-O2 -pipe"\n',
        "make.conf": "source @ETC@/portage/flags.sh\n"
        'CFLAGS="${BASE} -fstack-protector-strong"\nCXXFLAGS="${CFLAGS}"\n'
        'FEATURES="parallel-fetch -collision-protect"\n',
    })
    result = run(tmp_path, snapshot_repos, root)
    assert "GlobalCollisionProtectOff" in names(result)
    assert lines(result, "env/xenmig-no-ssp.conf") == [
        'CFLAGS="-O2 -pipe -fno-stack-protector"', 'CXXFLAGS="-O2 -pipe -fno-stack-protector"',
    ]
    assert not result.blocked


def test_make_conf_directory_gets_a_managed_file(tmp_path: Path, snapshot_repos: RepoSet) -> None:
    root = host_root(tmp_path, {"make.conf/00-base": 'FEATURES="-collision-protect"\n'})
    result = run(tmp_path, snapshot_repos, root)
    assert "CollisionProtectReenabled" in names(result)
    (change,) = [c for c in result.changes if c.path.name == "zz-xenmig"]
    assert change.new is not None and b'FEATURES="${FEATURES} collision-protect"' in change.new


def test_host_accepting_testing_needs_no_keywords(tmp_path: Path, snapshot_repos: RepoSet) -> None:
    root = host_root(tmp_path, {"make.conf": 'ACCEPT_KEYWORDS="~amd64"\n'})
    result = run(tmp_path, snapshot_repos, root)
    assert "TestingKeywordNeeded" not in names(result)
    assert not lines(result, "package.accept_keywords")


def test_existing_user_keywords_are_taken_into_account(
    tmp_path: Path, snapshot_repos: RepoSet
) -> None:
    root = host_root(
        tmp_path, {"package.accept_keywords/xen": "app-emulation/xen-migration-meta ~amd64\n"}
    )
    result = run(tmp_path, snapshot_repos, root)
    assert lines(result, "package.accept_keywords") == [
        "=app-emulation/xen-migration-tools-0.1.0 ~amd64"
    ]


def test_unreadable_make_conf_is_a_finding(tmp_path: Path, snapshot_repos: RepoSet) -> None:
    root = host_root(tmp_path, {"make.conf": 'USE="x"\nCFLAGS="-O2\n'})
    result = run(tmp_path, snapshot_repos, root)
    assert "MakeConfUnreadable" in names(result)


def test_missing_keywords_are_errors_never_double_star(tmp_path: Path) -> None:
    """A package of the migration set without any keyword for the arch: the
    resolver would need ``**``; xenmig reports it and writes nothing."""
    from xenmig.findings import Scope
    from xenmig.gentoo.portage_view import Resolution
    from xenmig.rules import keywords

    class Ctx:
        scope, arch = Scope.for_host("t1"), "amd64"

        def resolve(self, atoms: tuple[str, ...],
                    contributions: tuple[Contribution, ...] = ()) -> Resolution:
            return Resolution(False, (), keyword_changes=(
                "=app-emulation/xen-4.20.3 **", "=app-emulation/xen-tools-4.20.3 ~amd64",
            ))

    results = list(keywords.accept_keywords(Ctx(), ()))  # type: ignore[arg-type]
    written = [r.line for r in results if isinstance(r, Contribution)]
    assert written == ["=app-emulation/xen-tools-4.20.3 ~amd64"]
    missing = [r for r in results if isinstance(r, keywords.KeywordMissing)]
    assert len(missing) == 1 and "app-emulation/xen-4.20.3 has no keyword for amd64" in (
        missing[0].message
    )
