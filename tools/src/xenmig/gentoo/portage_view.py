"""The only module that imports portage.

Everything else asks its questions through a :class:`PortageView`: an
evaluation config root (``etc/portage`` with make.conf, repos.conf and a
make.profile link) over a set of repositories.  Tests can replace the view.

Portage installed from PyPI (a "MODULE" install) needs care outside Gentoo:
``portage.const.EPREFIX`` is fixed at import time (from
``PORTAGE_OVERRIDE_EPREFIX``, else the Python prefix), make.globals is read
from ``${EPREFIX}/share/portage/config``, and Debian has no ``portage`` user.
:func:`portage_home` sets that up once per process: a private EPREFIX whose
``share/portage/config`` points at the installed copy and whose (empty) vdb is
the evaluation root, so nothing of the host's /etc/portage or /var/db/pkg is
read.
"""

from __future__ import annotations

import contextlib
import functools
import grp
import hashlib
import importlib.util
import io
import json
import os
import pwd
import re
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from subprocess import CompletedProcess

from xenmig.cache import cache_dir, code_identity, store, unusable
from xenmig.errors import ToolError, XenmigError
from xenmig.hostfiles.root import HostPathError, HostRoot

# Portage's FEATURES that need Gentoo's sandbox or the portage user, neither
# of which exists outside Gentoo; -news/-merge-wait keep runs quiet and simple.
OFFLINE_FEATURES = (
    "-sandbox -usersandbox -userpriv -usersync -userfetch -ipc-sandbox "
    "-network-sandbox -pid-sandbox -mount-sandbox -news -merge-wait"
)
# Where an installed portage keeps make.globals, relative to its EPREFIX:
# a MODULE install uses share/..., a system install usr/share/...
_GLOBAL_CONFIG_DIRS = ("share/portage/config", "usr/share/portage/config")


@dataclass(frozen=True)
class Repo:
    """An ebuild repository as repos.conf names it."""

    name: str
    location: Path
    masters: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """What portage's resolver decided for a set of atoms.

    ``merge_list`` holds ``cat/pkg-ver::repo`` in merge order;
    ``keyword_changes`` the package.accept_keywords lines still needed
    (``=cat/pkg-ver ~arch`` or ``=cat/pkg-ver **``); ``use_changes`` the
    package.use lines (``=cat/pkg-ver flag -flag``).
    """

    success: bool
    merge_list: tuple[str, ...]
    keyword_changes: tuple[str, ...] = ()
    use_changes: tuple[str, ...] = ()
    mask_changes: tuple[str, ...] = ()
    license_changes: tuple[str, ...] = ()
    problems: str = ""

    @property
    def changes(self) -> tuple[str, ...]:
        return self.keyword_changes + self.use_changes + self.mask_changes + self.license_changes


def _global_config_source() -> Path:
    """The make.globals directory of the portage this Python would import."""
    for base in (Path(sys.prefix), Path("/")):
        for rel in _GLOBAL_CONFIG_DIRS:
            if (base / rel / "make.globals").is_file():
                return base / rel
    raise XenmigError("portage's make.globals not found: is portage installed for this Python?")


def _user_and_group() -> tuple[str, str]:
    """Portage's build user: ``portage`` where it exists, else the caller."""
    try:
        pwd.getpwnam("portage")
        grp.getgrnam("portage")
        return "portage", "portage"
    except KeyError:
        return pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name


def portage_home() -> Path:
    """The private EPREFIX of this process (created on first use).

    Must run before portage is imported; later calls return the same path.
    """
    # One home per Python environment: its share/portage/config points into it.
    prefix = hashlib.sha256(sys.prefix.encode()).hexdigest()[:12]
    home = Path(
        os.environ.get("PORTAGE_OVERRIDE_EPREFIX") or cache_dir() / f"portage-home-{prefix}"
    )
    if "portage" in sys.modules:
        import portage

        if Path(portage.const.EPREFIX) != home:
            raise XenmigError(
                f"portage was imported with EPREFIX={portage.const.EPREFIX}, expected {home}"
            )
        return home
    try:
        _make_home(home)
    except OSError as error:  # an unusable cache directory: a private one
        import tempfile

        unusable(home, error)
        home = Path(tempfile.mkdtemp(prefix="xenmig-portage-home-"))
        _make_home(home)
    user, group = _user_and_group()
    os.environ["PORTAGE_OVERRIDE_EPREFIX"] = str(home)
    os.environ.setdefault("PORTAGE_USERNAME", user)
    os.environ.setdefault("PORTAGE_GRPNAME", group)
    return home


# The caller's variables that reach portage: where programs, the home
# directory and temporary space are, and the locale.  Nothing portage reads
# as configuration (USE, ACCEPT_*, the USE_EXPAND variables, FEATURES, ROOT,
# PORTDIR*, PORTAGE_* ...) passes: every answer is the same whatever shell
# xenmig runs in, so answers can be remembered without the environment in
# their key.
PASSED_ENV = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "TERM")


def portage_env() -> dict[str, str]:
    """The environment portage gets: :data:`PASSED_ENV` from the caller and
    xenmig's own settings (the private EPREFIX, the build user)."""
    env = {k: v for k, v in os.environ.items() if k in PASSED_ENV}
    home = portage_home()
    env.update(PORTAGE_OVERRIDE_EPREFIX=str(home),
               PORTAGE_USERNAME=os.environ["PORTAGE_USERNAME"],
               PORTAGE_GRPNAME=os.environ["PORTAGE_GRPNAME"])
    return env


def _make_home(home: Path) -> None:
    source = _global_config_source()
    for rel in _GLOBAL_CONFIG_DIRS:
        link = home / rel
        if link.is_symlink() and link.resolve() != source.resolve():
            link.unlink()  # left by an environment that moved
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                link.symlink_to(source)
    (home / "var/db/pkg").mkdir(parents=True, exist_ok=True)


def _import_portage() -> Any:
    portage_home()
    import portage

    portage._internal_caller = True
    portage._disable_legacy_globals()
    return portage


def repos_conf(repos: Sequence[Repo]) -> str:
    """repos.conf text for ``repos``; the first repository without masters
    is the main one."""
    main = next((r.name for r in repos if not r.masters), repos[0].name)
    lines = [f"[DEFAULT]\nmain-repo = {main}\n"]
    for repo in repos:
        lines.append(f"\n[{repo.name}]\nlocation = {repo.location}\nauto-sync = no\n")
        if repo.masters:
            lines.append(f"masters = {' '.join(repo.masters)}\n")
    return "".join(lines)


@dataclass(frozen=True)
class MakeConf:
    """make.conf as portage reads it; ``error`` when it could not be read."""

    values: dict[str, str]
    paths: tuple[str, ...]
    error: str | None = None
    # Not read at all: not a regular file, over the size limit (an error).
    refused: bool = False


def portage_identity() -> str:
    """Which portage this is, without importing it: its package's location
    and the size and mtime of its __init__.py (an upgrade changes them)."""
    spec = importlib.util.find_spec("portage")
    if spec is None or spec.origin is None:
        return "none"
    st = os.stat(spec.origin)
    return f"{spec.origin}:{st.st_size}:{st.st_mtime_ns}"


# A make.conf line that sources another file: what it reads is not known
# before reading it, so such a make.conf is never remembered.
_SOURCING = re.compile(rb"(?:^|[\s;])(?:source|\.)(?:\s|$)", re.MULTILINE)
def _make_conf_files(host: HostRoot, top: str) -> list[Path]:
    """The files portage reads for ``top`` (:meth:`HostRoot.config_files`).
    A FIFO, socket or device at ``top`` itself is :class:`NotRegular`
    (portage would skip it silently; xenmig says so)."""
    if host.kind(top) == "other":
        host.read(top)  # raises NotRegular, naming what it is
    return [path for _, path in host.config_files(top)]


def _make_conf_key(host: HostRoot, files: Sequence[Path]) -> str | None:
    """A digest of the make.conf files' names and contents (None when one
    sources another file)."""
    digest = hashlib.sha256(portage_identity().encode() + code_identity())
    for path in files:
        data = host.read(path) or b""
        if _SOURCING.search(data):
            return None
        digest.update(host.relative(path).encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def read_make_conf(config_root: Path) -> MakeConf:
    """Read ``etc/make.conf`` and ``etc/portage/make.conf`` (file or
    directory) under ``config_root`` the way portage.config does:
    getconfig with sourcing, variable expansion across the files, and
    recursion into a make.conf directory, every path (the files, what they
    ``source``) resolved inside the root (:mod:`xenmig.hostfiles.root`).  What
    portage read from the same contents before is remembered (portage is
    then not even imported)."""
    host = HostRoot.of(config_root)
    tops = ("etc/make.conf", "etc/portage/make.conf")
    try:
        files = [f for top in tops for f in _make_conf_files(host, top)]
        found = tuple(str(config_root / t) for t in tops if host.kind(t) != "missing")
        if not found:
            return MakeConf({}, ())
        key = _make_conf_key(host, files)
    except HostPathError as error:
        return MakeConf({}, (error.path,), str(error), refused=True)
    except OSError as error:
        where = str(config_root / tops[1])
        return MakeConf({}, (where,), f"{where}: {error.strerror}")
    memo = cache_dir() / "make-conf" / f"{key}.json" if key else None
    if memo is not None:
        remembered: Any = None
        with contextlib.suppress(OSError, ValueError):
            remembered = json.loads(memo.read_bytes())
        # another shape (other code, damage) is a miss, as for the answers
        if isinstance(remembered, dict) and all(
                isinstance(v, str) for v in remembered.values()):
            return MakeConf(remembered, found)
    result = _read_make_conf(host, files, found)
    if memo is not None and result.error is None:
        store(memo, json.dumps(result.values).encode())
    return result


def _read_make_conf(host: HostRoot, files: Sequence[Path], found: tuple[str, ...]) -> MakeConf:
    portage = _import_portage()
    values: dict[str, str] = {}
    for path in files:
        noise = io.StringIO()
        try:
            with contextlib.redirect_stderr(noise), _sourcing_in(portage, host):
                loaded = portage.util.getconfig(
                    str(path), tolerant=False, allow_sourcing=True, expand=values,
                    recursive=False,
                )
        except HostPathError as error:
            return MakeConf(values, found, f"{path}: source {error}", refused=True)
        except (portage.exception.PortageException, ValueError) as error:
            said = noise.getvalue().strip() or str(error)
            return MakeConf(values, found, f"{path}: {said}")
        except OSError as error:
            return MakeConf(values, found, f"{path}: {error.strerror}")
        values.update(loaded or {})
    return MakeConf(values, found)


@contextlib.contextmanager
def _sourcing_in(portage: Any, host: HostRoot) -> Any:
    """While getconfig runs: a ``source`` in make.conf reads the file inside
    the root (an absolute path is taken relative to it, as in a chroot),
    only a regular file within the size limit.  portage's lexer class is
    swapped for a subclass for the call (getconfig creates its own)."""
    base = portage.util._getconfig_shlex

    class Confined(base):  # type: ignore[misc, valid-type]
        def sourcehook(self, newfile: str) -> tuple[str, io.StringIO]:
            newfile = portage.util.varexpand(newfile, self.var_expand_map)
            if not newfile.startswith("/") and isinstance(self.infile, str):
                newfile = os.path.join(os.path.dirname(self.infile), newfile)
            path = host.resolve(newfile)
            data = host.read(path)
            if data is None:
                raise portage.exception.ParseError(
                    f"{self.error_leader()}{newfile}: No such file or directory")
            return str(path), io.StringIO(data.decode("utf-8", "replace"))

    portage.util._getconfig_shlex = Confined
    try:
        yield
    finally:
        portage.util._getconfig_shlex = base


@dataclass(frozen=True)
class ConfigRoot:
    """What a portage configuration root says about repositories and profile.

    ``repos`` are the configured repositories whose location exists;
    ``profile`` is the selected profile as ``repo:path`` when it lies in one
    of them (else None); ``problems`` are portage's own complaints (missing
    repository locations, a dangling make.profile), one per line.
    """

    path: Path
    repos: tuple[Repo, ...]
    profile: str | None
    problems: tuple[str, ...]


def read_config_root(config_root: Path) -> ConfigRoot:
    """Read ``config_root``'s repos.conf and make.profile with portage.config."""
    portage = _import_portage()
    messages = io.StringIO()
    with contextlib.redirect_stderr(messages), contextlib.redirect_stdout(messages):
        try:
            settings = portage.config(
                config_root=str(config_root), target_root=str(config_root),
                env=portage_env(),
            )
        except (portage.exception.PortageException, OSError) as error:
            raise XenmigError(
                f"--config-root {config_root}: portage cannot read it: {error}"
            ) from error
    repos: list[Repo] = []
    for repo in settings.repositories:
        location = Path(repo.location) if repo.location else None
        if location is None or not (location / "profiles").is_dir():
            continue
        masters = tuple(m.name for m in repo.masters or ())
        repos.append(Repo(repo.name, location, masters))
    profile = None
    if settings.profile_path:
        target = Path(settings.profile_path).resolve()
        for repo in repos:
            base = (repo.location / "profiles").resolve()
            if target.is_relative_to(base) and target != base:
                profile = f"{repo.name}:{target.relative_to(base)}"
                break
    problems = tuple(
        line.strip(" !*\t") for line in messages.getvalue().splitlines() if line.strip(" !*\t")
    )
    return ConfigRoot(config_root, tuple(repos), profile, problems)


@dataclass
class PortageView:
    """An evaluation config root over ``repos`` with ``profile`` selected.

    ``profile`` is ``repo:path`` (``xen-migration:xen-dom0/amd64/23.0``).
    ``settings`` are extra make.conf assignments.
    """

    root: Path
    repos: Sequence[Repo]
    profile: str
    settings: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.home = portage_home()
        by_name = {r.name: r for r in self.repos}
        repo_name, _, path = self.profile.partition(":")
        if repo_name not in by_name or not path:
            raise XenmigError(f"profile {self.profile}: not of the form <repo>:<path>")
        profile_dir = by_name[repo_name].location / "profiles" / path
        if not profile_dir.is_dir():
            raise XenmigError(f"profile {self.profile}: {profile_dir} does not exist")
        etc = self.root / "etc/portage"
        (etc / "repos.conf").mkdir(parents=True, exist_ok=True)
        for sub in ("distfiles", "tmp", "packages"):
            (self.root / sub).mkdir(exist_ok=True)
        user, group = os.environ["PORTAGE_USERNAME"], os.environ["PORTAGE_GRPNAME"]
        make_conf = {
            "FEATURES": OFFLINE_FEATURES,
            "PORTAGE_USERNAME": user,
            "PORTAGE_GRPNAME": group,
            "DISTDIR": str(self.root / "distfiles"),
            "PORTAGE_TMPDIR": str(self.root / "tmp"),
            "PKGDIR": str(self.root / "packages"),
            "PORTAGE_LOGDIR": "",
            "CLEAN_DELAY": "0",
            "EMERGE_WARNING_DELAY": "0",
            **self.settings,
        }
        (etc / "make.conf").write_text(
            "# Evaluation config root written by xenmig (portage_view).\n"
            + "".join(f'{k}="{v}"\n' for k, v in make_conf.items()),
            encoding="utf-8",
        )
        (etc / "repos.conf/xenmig.conf").write_text(repos_conf(self.repos), encoding="utf-8")
        link = etc / "make.profile"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(profile_dir)

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for portage on this config root (its tools, and the
        trees in process): built from what xenmig decides, never the
        caller's configuration (see :func:`portage_env`)."""
        env = portage_env()
        env.update(
            PORTAGE_CONFIGROOT=str(self.root),
            PORTAGE_OVERRIDE_EPREFIX=str(self.home),
            PYTHONDONTWRITEBYTECODE="1",
        )
        env.update(extra)
        return env

    def run(
        self, argv: Sequence[str], *, cwd: Path | None = None, **extra_env: str
    ) -> CompletedProcess[str]:
        """Run a portage tool (emerge, egencache, ebuild) on this config root."""
        import subprocess

        return subprocess.run(
            list(argv),
            env=self.env(**extra_env),
            cwd=cwd,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )

    @functools.cached_property
    def _portdb(self) -> Any:
        portage = _import_portage()
        with warnings.catch_warnings():
            # the trees are lazy: the porttree (and its config) is built on access
            warnings.simplefilter("ignore")
            trees = portage.create_trees(
                config_root=str(self.root), target_root="/", env=self.env()
            )
            return trees[trees._target_eroot]["porttree"].dbapi

    def match_all(self, atom: str) -> list[str]:
        """Every cpv matching ``atom`` in the repositories, masked or not."""
        return list(self._portdb.xmatch("match-all", atom))

    def metadata(self, atom: str, keys: Sequence[str]) -> dict[str, str] | None:
        """``keys`` of the highest version matching ``atom`` in any repository
        (masked or not), or None when nothing matches."""
        matches = self.match_all(atom)
        if not matches:
            return None
        best = _import_portage().best(matches)
        return dict(zip(keys, self._portdb.aux_get(best, list(keys)), strict=True))

    def regen_metadata(self, repo_name: str, jobs: int = 2) -> None:
        """Regenerate ``metadata/md5-cache`` of a repository (egencache)."""
        egencache = Path(sys.executable).with_name("egencache")
        argv = [str(egencache) if egencache.exists() else "egencache"]
        # egencache ignores the config root's repos.conf (it runs with
        # local_config=False), so the repositories are passed explicitly.
        repos_conf = (self.root / "etc/portage/repos.conf/xenmig.conf").read_text(encoding="utf-8")
        argv += ["--repositories-configuration", repos_conf]
        argv += ["--update", "--repo", repo_name, "--jobs", str(jobs)]
        proc = self.run(argv)
        if proc.returncode != 0:
            raise ToolError(f"egencache --repo {repo_name} failed:\n{proc.stdout}")

    def dependency_cps(self, cpvs: Sequence[str]) -> set[str]:
        """The packages (``cat/pkg``) named in the dependencies of ``cpvs``
        (``cat/pkg-ver`` or ``cat/pkg-ver::repo``): what a resolution
        consulted besides the packages it merges."""
        from xenmig.gentoo import depstring

        found: set[str] = set()
        keys = ["DEPEND", "RDEPEND", "BDEPEND", "PDEPEND", "IDEPEND"]
        for cpv in cpvs:
            try:
                values = self._portdb.aux_get(cpv.split("::")[0], keys)
            except KeyError:
                continue
            for value in values:
                for atom in depstring.atoms(depstring.parse(value)):
                    with contextlib.suppress(depstring.DepSyntaxError):
                        found.add(depstring.atom_cp(atom))
        return found

    def resolve(self, atoms: Sequence[str]) -> Resolution:
        """Resolve ``atoms`` as ``emerge --pretend --autounmask`` would, in process."""
        portage = _import_portage()
        import _emerge.emergelog
        from _emerge.actions import load_emerge_config
        from _emerge.create_depgraph_params import create_depgraph_params
        from _emerge.depgraph import backtrack_depgraph

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            config = load_emerge_config(env=self.env())
        trees = config.trees
        settings = trees[trees._target_eroot]["vartree"].settings
        options: dict[str, Any] = {"--pretend": True, "--autounmask": True}
        params = create_depgraph_params(options, None)
        noise, elog = portage.util.noiselimit, _emerge.emergelog._disable
        color = portage.output.havecolor
        problems = io.StringIO()
        try:
            portage.util.noiselimit = -2
            portage.output.havecolor = 0
            _emerge.emergelog._disable = True
            with contextlib.redirect_stdout(problems), contextlib.redirect_stderr(problems), \
                    warnings.catch_warnings():
                # e.g. "package.keywords is deprecated" about the evaluation root
                warnings.simplefilter("ignore")
                success, graph, _ = backtrack_depgraph(
                    settings, trees, options, params, None, list(atoms), None
                )
                graph._show_merge_list()
                if not success:
                    portage.util.noiselimit = 0
                    graph.display_problems()
        finally:
            portage.util.noiselimit, _emerge.emergelog._disable = noise, elog
            portage.output.havecolor = color
        return _resolution(graph, settings["ARCH"], success, problems.getvalue())


def _resolution(graph: Any, arch: str, success: bool, problems: str) -> Resolution:
    dynamic = graph._dynamic_config
    tasks = dynamic._serialized_tasks_cache or []
    merge_list = tuple(
        f"{task.cpv}::{task.repo}" for task in tasks if getattr(task, "operation", "") == "merge"
    )

    def keyword(pkg: Any) -> str:
        return f"~{arch}" if f"~{arch}" in pkg._metadata["KEYWORDS"].split() else "**"

    keywords = sorted(f"={p.cpv} {keyword(p)}" for p in dynamic._needed_unstable_keywords)
    uses = sorted(
        f"={p.cpv} " + " ".join(f if on else f"-{f}" for f, on in sorted(change[1].items()))
        for p, change in dynamic._needed_use_config_changes.items()
    )
    masks = sorted(f"={p.cpv}" for p in dynamic._needed_p_mask_changes)
    licenses = sorted(
        f"={p.cpv} {' '.join(sorted(missing))}"
        for p, missing in dynamic._needed_license_changes.items()
    )
    return Resolution(
        success=bool(success) and not (keywords or uses or masks or licenses),
        merge_list=merge_list,
        keyword_changes=tuple(keywords),
        use_changes=tuple(uses),
        mask_changes=tuple(masks),
        license_changes=tuple(licenses),
        problems=problems,
    )

