"""What a rule may look at: the spec, the repositories (through a portage
view) and the host's own portage configuration when a root is given.  The
contributions of earlier rules are passed to the rules that need them."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from xenmig.errors import UserError
from xenmig.findings import Scope
from xenmig.gentoo.answers import Answers, ViewInputs
from xenmig.gentoo.portage_view import MakeConf, Resolution
from xenmig.gentoo.repos import OVERLAY_NAME, RepoSet
from xenmig.hostfiles.root import HostPathError, HostRoot
from xenmig.output.blocks import MANAGED_FILE, Merged, merge_block
from xenmig.output.contributions import MAKE_CONF, Contribution
from xenmig.output.targets import PACKAGE_TARGETS, resolver_input
from xenmig.spec import HostSpec

if TYPE_CHECKING:
    from xenmig.cluster.membership import Membership
    from xenmig.cluster.model import ClusterGuest

META = "app-emulation/xen-migration-meta"
DOM0_PROFILES = {"amd64": f"{OVERLAY_NAME}:xen-dom0/amd64/23.0"}
GENTOO_PROFILES = {
    "amd64": "gentoo:default/linux/amd64/23.0",
    "x86": "gentoo:default/linux/x86/23.0/i686",
}
# The host name and spec file named in the evaluation copy's blocks.
EVALUATION = "xenmig-evaluation"
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
    answers: Answers
    # The host's root (``apply --root``); None when only the spec is evaluated.
    root: Path | None = None
    make_conf: MakeConf = field(default_factory=lambda: MakeConf({}, ()))
    _inputs: dict[tuple[tuple[Contribution, ...], bool], ViewInputs] = field(
        default_factory=dict
    )
    _host_config_files: dict[str, bytes] | None = None
    # Host files xenmig did not read (over the size limit, a link loop):
    # reported by :func:`xenmig.rules.evaluate`.
    refused: list[HostPathError] = field(default_factory=list)

    @property
    def scope(self) -> Scope:
        """The host, as what its findings are about."""
        return Scope.for_host(self.spec.name)

    def guest_scope(self, guest: str) -> Scope:
        """A guest of the host, as what a finding is about."""
        return Scope.for_guest(self.spec.name, guest)

    @property
    def arch(self) -> str:
        return self.spec.host.arch

    @property
    def make_conf_path(self) -> str | None:
        return self.make_conf.paths[-1] if self.make_conf.paths else None

    @functools.cached_property
    def host_root(self) -> HostRoot | None:
        """The root, through which every host file is read (links followed
        as the host sees them, only regular files, size-limited)."""
        return None if self.root is None else HostRoot.of(self.root)

    def host_path(self, target: str) -> Path | None:
        """Where a root-relative target ("/etc/conf.d/net") is on the host
        (links followed within the root); None when only the spec is
        evaluated."""
        if self.host_root is None:
            return None
        try:
            return self.host_root.resolve(target)
        except HostPathError:
            return self.host_root.top / target.lstrip("/")

    def host_file(self, target: str) -> bytes | None:
        """The host's copy of a root-relative target: its bytes, b"" when
        it has none, None without a root or when it cannot be read (the
        writer reports that: a FIFO, a device, a file over the size limit)."""
        if self.host_root is None:
            return None
        try:
            data = self.host_root.read(target)
        except (HostPathError, OSError):
            return None
        return b"" if data is None else data

    @functools.cached_property
    def clusters(self) -> tuple[list[Membership], list[UserError]]:
        """The clusters beside the spec that name this host as a member, and
        the cluster files there that could not be read
        (:mod:`xenmig.cluster.membership`)."""
        from xenmig.cluster.membership import memberships

        return memberships(self.spec)

    def cluster_guest(self, name: str) -> tuple[Membership, ClusterGuest] | None:
        """The cluster that runs this host's guest ``name``, if any."""
        from xenmig.cluster.membership import cluster_guest

        return cluster_guest(self.clusters[0], self.spec.name, name)

    @property
    def profile(self) -> str:
        """The configuration root's profile when it has one, else the
        overlay's dom0 profile for the arch, else ::gentoo's."""
        if self.repos.profile is not None:
            return self.repos.profile
        return DOM0_PROFILES.get(self.arch, GENTOO_PROFILES[self.arch])

    def match_all(self, atom: str) -> tuple[str, ...]:
        """Every version of ``atom`` in the repositories, masked or not."""
        return self.answers.match_all(atom, self.profile)

    def metadata(self, atom: str, keys: tuple[str, ...]) -> dict[str, str] | None:
        """``keys`` of the best version of ``atom`` (masked or not)."""
        return self.answers.metadata(atom, keys, self.profile)

    def resolve(
        self, atoms: tuple[str, ...], contributions: tuple[Contribution, ...] = (), *,
        host_config: bool = True,
    ) -> Resolution:
        """Portage's resolution of ``atoms`` on the evaluation configuration
        :meth:`view_inputs` (``contributions``, ``host_config``).  Hosts with
        equal inputs share the answer (see :mod:`xenmig.gentoo.answers`)."""
        return self.answers.resolve(self.view_inputs(contributions, host_config=host_config),
                                    atoms)

    def view_inputs(
        self, contributions: tuple[Contribution, ...] = (), *, host_config: bool = True
    ) -> ViewInputs:
        """The evaluation configuration: the host's own package.* files
        (when a root is given, unless ``host_config`` is false) with
        ``contributions`` merged in exactly as ``apply`` would write them,
        and the host's make.conf settings that change the resolver's
        decisions."""
        from xenmig.output.writer import plan_writes

        # Only the targets portage's resolver reads (xenmig.output.targets): not
        # make.conf, kernel fragments, boot, network or guest files.
        wanted = tuple(c for c in contributions if resolver_input(c.target))
        key = (wanted, host_config)
        if key in self._inputs:
            return self._inputs[key]
        root = self.root if host_config else None
        files = self._host_files() if root is not None else {}
        settings = {k: v for k, v in self.make_conf.values.items() if k in RESOLVER_VARIABLES}
        # Hosts with the same files, settings and contributions have the
        # same inputs: computed once per fleet.  xenmig's own blocks in the
        # host's files (which name the host) are replaced by the new ones,
        # so they do not count.
        shared = (self.profile, tuple(sorted(settings.items())),
                  tuple((name, _without_block(data)) for name, data in files.items()), wanted)
        inputs = self.answers.inputs.get(shared)
        if inputs is None:
            files = dict(files)
            # The blocks' first lines name the host: the evaluation copy is
            # written for no host in particular, so equal inputs are equal.
            neutral = dataclasses.replace(
                self.spec, path=Path(EVALUATION),
                host=dataclasses.replace(self.spec.host, name=EVALUATION),
            )
            base = root if root is not None else Path("/nonexistent/xenmig-evaluation")
            changes, _ = plan_writes(neutral, base, wanted, report_temps=False,
                                       evaluation=True)
            for change in changes:
                if change.link or change.target.startswith("/") or change.target == MAKE_CONF:
                    continue
                name = change.target
                if change.path.name == MANAGED_FILE and change.target in PACKAGE_TARGETS and \
                        not (base / "etc/portage" / change.target).is_file():
                    name = f"{change.target}/{MANAGED_FILE}"
                if change.new is None:
                    files.pop(name, None)
                else:
                    files[name] = change.new
            inputs = self.answers.inputs[shared] = ViewInputs.of(self.profile, settings, files)
        self._inputs[key] = inputs
        return inputs

    def _host_files(self) -> dict[str, bytes]:
        """The host's package.* files (relative to etc/portage; regular
        ones, links followed within the root), read once."""
        if self._host_config_files is None:
            assert self.host_root is not None
            found: dict[str, bytes] = {}
            for name in HOST_CONFIG:
                found.update(_read_tolerantly(self.host_root, name, self.refused))
            self._host_config_files = dict(sorted(found.items()))
        return self._host_config_files


def _without_block(data: bytes) -> bytes:
    """``data`` with xenmig's intact block (or, without one, the top where
    a new block goes) marked by one line: two files with equal results get
    equal new content once the block is written (a block edited by hand is
    kept as it is, and so is the file)."""
    merged = merge_block(data, "# xenmig block\n", owned=False)
    return merged.content or b"" if isinstance(merged, Merged) else data


def _read_tolerantly(host: HostRoot, name: str,
                     refused: list[HostPathError]) -> dict[str, bytes]:
    """``etc/portage/name`` as portage reads it (a file, or a directory
    read recursively: :meth:`HostRoot.config_files`) as {relative path:
    content}; a file over the size limit goes to ``refused``."""
    found: dict[str, bytes] = {}
    for below, path in host.config_files(f"etc/portage/{name}"):
        try:
            data = host.read(path)
        except HostPathError as error:
            refused.append(error)
            continue
        if data is not None:
            found[f"{name}/{below}" if below else name] = data
    return found
