"""What a rule may look at: the spec, the repositories (through a portage
view), the host's own portage configuration when a root is given, and the
contributions made by earlier rules."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from xenmig.contributions import MAKE_CONF, Contribution
from xenmig.portage_view import MakeConf, PortageView, Resolution
from xenmig.repos import OVERLAY_NAME, RepoSet
from xenmig.spec import HostSpec

META = "app-emulation/xen-migration-meta"
DOM0_PROFILES = {"amd64": f"{OVERLAY_NAME}:xen-dom0/amd64/23.0"}
GENTOO_PROFILES = {
    "amd64": "gentoo:default/linux/amd64/23.0",
    "x86": "gentoo:default/linux/x86/23.0/i686",
}
# make.conf variables of the host that change what the resolver decides.
RESOLVER_VARIABLES = ("USE", "ACCEPT_KEYWORDS", "ACCEPT_LICENSE")
# The parts of the host's /etc/portage the resolver reads (besides make.conf).
HOST_CONFIG = (
    "package.accept_keywords", "package.keywords", "package.mask", "package.unmask",
    "package.use", "package.env", "package.license", "env", "profile",
)


@dataclass
class Context:
    spec: HostSpec
    repos: RepoSet
    workdir: Path
    # The host's root (``apply --root``); None when only the spec is evaluated.
    root: Path | None = None
    make_conf: MakeConf = field(default_factory=lambda: MakeConf({}, ()))
    contributions: tuple[Contribution, ...] = ()
    _views: dict[tuple[tuple[Contribution, ...], bool], PortageView] = field(
        default_factory=dict
    )
    _resolutions: dict[
        tuple[tuple[Contribution, ...], bool, tuple[str, ...]], Resolution
    ] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return self.spec.name

    @property
    def arch(self) -> str:
        return self.spec.host.arch

    @property
    def make_conf_path(self) -> str | None:
        return self.make_conf.paths[-1] if self.make_conf.paths else None

    def host_path(self, target: str) -> Path | None:
        """Where a root-relative target ("/etc/conf.d/net") is on the host;
        None when only the spec is evaluated."""
        return None if self.root is None else self.root / target.lstrip("/")

    def host_file(self, target: str) -> bytes | None:
        """The host's copy of a root-relative target: its bytes, b"" when
        it has none, None without a root or when it cannot be read (the
        writer reports that)."""
        path = self.host_path(target)
        if path is None:
            return None
        try:
            return path.read_bytes() if path.is_file() else b""
        except OSError:
            return None

    @property
    def profile(self) -> str:
        """The configuration root's profile when it has one, else the
        overlay's dom0 profile for the arch, else ::gentoo's."""
        if self.repos.profile is not None:
            return self.repos.profile
        return DOM0_PROFILES.get(self.arch, GENTOO_PROFILES[self.arch])

    def view(
        self, extra: tuple[Contribution, ...] = (), *, host_config: bool = True
    ) -> PortageView:
        """An evaluation config root: the host's own package.* files (when a
        root is given, unless ``host_config`` is false) with the
        contributions so far (and ``extra``) merged in exactly as ``apply``
        would write them.  Rules asking with the same contributions share
        one view."""
        from xenmig.writer import plan_writes, write

        key = self._view_key(extra, host_config)
        if key in self._views:
            return self._views[key]
        wanted, _ = key
        root = self.workdir / f"view-{len(self._views)}"
        settings = {k: v for k, v in self.make_conf.values.items() if k in RESOLVER_VARIABLES}
        view = PortageView(root, self.repos.repos, self.profile, settings)
        if self.root is not None and host_config:
            for name in HOST_CONFIG:
                _copy_tolerantly(self.root / "etc/portage" / name, root / "etc/portage" / name)
        changes, _ = plan_writes(self.spec, root, wanted)
        write(changes, root, fsync=False)
        self._views[key] = view
        return view

    def resolve(
        self, atoms: tuple[str, ...], extra: tuple[Contribution, ...] = (), *,
        host_config: bool = True,
    ) -> Resolution:
        """Portage's resolution of ``atoms`` on :meth:`view` (``extra``,
        ``host_config``); asked again on the same view, the answer is reused
        (views are never changed once written)."""
        key = (*self._view_key(extra, host_config), atoms)
        if key not in self._resolutions:
            self._resolutions[key] = self.view(extra, host_config=host_config).resolve(atoms)
        return self._resolutions[key]

    def _view_key(
        self, extra: tuple[Contribution, ...], host_config: bool
    ) -> tuple[tuple[Contribution, ...], bool]:
        # make.conf and files outside etc/portage (kernel fragments) do not
        # change what the resolver decides.
        wanted = tuple(
            c for c in self.contributions + extra
            if c.target != MAKE_CONF and not c.target.startswith("/")
        )
        return wanted, host_config


def _copy_tolerantly(source: Path, target: Path) -> None:
    """Copy what can be read; what cannot is the writer's to report."""
    try:
        if source.is_dir():
            shutil.copytree(source, target, symlinks=False, ignore_dangling_symlinks=True)
        elif source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    except (OSError, shutil.Error):
        pass
    for path in [target, *target.rglob("*")] if target.is_dir() else [target]:
        if path.exists():
            path.chmod(0o755 if path.is_dir() else 0o644)
