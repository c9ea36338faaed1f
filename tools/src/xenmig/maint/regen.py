"""The overlay regenerated from data (``xenmig regen``), for maintainers.

``regen/overlay.toml`` holds what the overlay is made of: the versions of
the packages, the meta-package's dependency set, the kernels and their
patches, and every distfile's Manifest line with its source.  From it and
the jinja2 templates in ``regen/templates`` come:

* the ebuilds of app-emulation/xen-migration-meta, -tools and
  sys-kernel/xen-sources (ebuilds of those packages that the data no longer
  lists are removed);
* the files/ that are generated (the config-fragment patch of xen-sources,
  from xenmig's generic kernel fragments);
* the (thin) Manifests, from the recorded DIST lines: a recorded size or
  hash is never changed; with a DISTDIR the files are checked against them;
* metadata/md5-cache, by egencache on a copy of the overlay.

Everything is computed first, compared with the checkout, and only then
written; ``--commit`` commits each package's changes through gitpython in
Gentoo's style (``cat/pkg: message``).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xenmig.errors import UserError, XenmigError, maint_module
from xenmig.gentoo import depstring
from xenmig.output import writer

DATA = Path("regen/overlay.toml")
TEMPLATES = Path("regen/templates")
META = "app-emulation/xen-migration-meta"
TOOLS = "app-emulation/xen-migration-tools"
KERNEL = "sys-kernel/xen-sources"
PACKAGES = (META, TOOLS, KERNEL)
MD5_CACHE = Path("metadata/md5-cache")
# The parts of the checkout that make the ebuild repository (copied for egencache).
REPOSITORY_PARTS = ("metadata", "profiles", "app-emulation", "sys-kernel")
LIVE = "9999"


@dataclass(frozen=True)
class Dist:
    package: str
    file: str
    size: int
    blake2b: str
    sha512: str
    source: str

    def manifest_line(self) -> str:
        return f"DIST {self.file} {self.size} BLAKE2B {self.blake2b} SHA512 {self.sha512}"


@dataclass(frozen=True)
class Overlay:
    """regen/overlay.toml, checked."""

    path: Path
    values: dict[str, Any]
    dists: tuple[Dist, ...]

    def versions(self, package: str) -> list[str]:
        if package == META:
            return list(self.values["meta"]["versions"])
        if package == TOOLS:
            return [LIVE, *(r["version"] for r in self.values["tools"]["release"])]
        return [k["version"] for k in self.values["kernel"]]


@dataclass(frozen=True)
class Change:
    path: str  # relative to the checkout
    old: bytes | None
    new: bytes | None  # None: removed

    @property
    def status(self) -> str:
        return "create" if self.old is None else "remove" if self.new is None else "update"

    def file_change(self, repo: Path) -> writer.FileChange:
        """The change as the writer carries it out (and shows it)."""
        return writer.FileChange(repo / self.path, self.path, self.old, self.new)

    @property
    def package(self) -> str | None:
        """The cat/pkg the file belongs to (md5-cache entries included)."""
        parts = Path(self.path).parts
        if parts[:2] == MD5_CACHE.parts and len(parts) == 4:
            name = depstring.split_pf(parts[3])[0]
            return f"{parts[2]}/{name}"
        cp = "/".join(parts[:2])
        return cp if cp in PACKAGES else None


def _want(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise UserError(f"{where}: {message}")


def load(repo: Path) -> Overlay:
    """Read and check ``regen/overlay.toml`` of the checkout ``repo``."""
    path = repo / DATA
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path}: {error}") from error
    for key in ("copyright", "homepage"):
        _want(isinstance(values.get(key), str), f"{path}: {key}", "a string is needed")
    strings = {
        "meta": ("versions", "keywords", "iuse", "rdepend"),
        "tools": ("keywords", "iuse", "rdepend", "services"),
    }
    for section, keys in strings.items():
        table = values.get(section)
        if not isinstance(table, dict):
            raise UserError(f"{path}: [{section}]: missing")
        for key in keys:
            value = table.get(key)
            _want(isinstance(value, list) and all(isinstance(v, str) for v in value),
                  f"{path}: [{section}] {key}", "a list of strings is needed")
    for n, release in enumerate(values["tools"].get("release", []), 1):
        for key in ("version", "commit"):
            _want(isinstance(release.get(key), str), f"{path}: [[tools.release]] #{n} {key}",
                  "a string is needed")
        for key in ("iuse", "rdepend", "services"):
            value = release.get(key, [])
            _want(isinstance(value, list) and all(isinstance(v, str) for v in value),
                  f"{path}: [[tools.release]] #{n} {key}", "a list of strings is needed")
    for n, kernel in enumerate(values.get("kernel", []), 1):
        for key in ("version", "genpatches"):
            _want(isinstance(kernel.get(key), str), f"{path}: [[kernel]] #{n} {key}",
                  "a string is needed")
        for key in ("genpatches_sets", "keywords", "patches"):
            value = kernel.get(key)
            _want(isinstance(value, list) and all(isinstance(v, str) for v in value),
                  f"{path}: [[kernel]] #{n} {key}", "a list of strings is needed")
    dists = []
    seen: dict[str, int] = {}
    for n, entry in enumerate(values.get("dist", []), 1):
        where = f"{path}: [[dist]] #{n}"
        for key in ("package", "file", "blake2b", "sha512", "source"):
            _want(isinstance(entry.get(key), str), f"{where} {key}", "a string is needed")
        _want(isinstance(entry.get("size"), int) and entry["size"] >= 0, f"{where} size",
              "a byte count is needed")
        _want(entry["package"] in PACKAGES, f"{where} package",
              f"{entry['package']!r} is not one of {', '.join(PACKAGES)}")
        _want(len(entry["blake2b"]) == 128 and _hex(entry["blake2b"]), f"{where} blake2b",
              "128 hex digits are needed")
        _want(len(entry["sha512"]) == 128 and _hex(entry["sha512"]), f"{where} sha512",
              "128 hex digits are needed")
        _want(entry["file"] not in seen, f"{where} file",
              f"{entry['file']} is also [[dist]] #{seen.get(entry['file'])}")
        seen[entry["file"]] = n
        dists.append(Dist(**{k: entry[k] for k in
                             ("package", "file", "size", "blake2b", "sha512", "source")}))
    return Overlay(path, values, tuple(dists))


def _hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def _depend(items: Iterable[str]) -> str:
    """Dependency lines of an ebuild variable: one atom or USE-conditional
    group per line; an any-of group spread over lines."""
    lines = []
    for item in items:
        if item.startswith("|| ( ") and item.endswith(" )"):
            lines += ["\t|| ("] + [f"\t\t{atom}" for atom in item[5:-2].split()] + ["\t)"]
        else:
            lines.append(f"\t{item}")
    return "\n".join(lines)


def _environment(repo: Path) -> Any:
    jinja2 = maint_module("jinja2")

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(repo / TEMPLATES), undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, autoescape=False,
    )
    environment.filters["depend"] = _depend
    return environment


def render(repo: Path, overlay: Overlay) -> dict[str, bytes]:
    """{path relative to the checkout: content} of every generated file but
    the metadata cache."""
    from xenmig.kernel.fragments import generic_text

    env = _environment(repo)
    values = overlay.values
    common = {"copyright": values["copyright"], "homepage": values["homepage"]}
    out: dict[str, str] = {}
    meta = env.get_template("xen-migration-meta.ebuild.j2").render(**common, meta=values["meta"])
    for version in overlay.versions(META):
        out[f"{META}/{META.split('/')[1]}-{version}.ebuild"] = meta
    template = env.get_template("xen-migration-tools.ebuild.j2")
    releases = {r["version"]: r for r in values["tools"].get("release", [])}
    for version in overlay.versions(TOOLS):
        # a release may name the dependencies of its own code
        own = {k: v for k, v in releases.get(version, {}).items()
               if k in ("iuse", "rdepend", "services")}
        out[f"{TOOLS}/{TOOLS.split('/')[1]}-{version}.ebuild"] = template.render(
            **common, tools={**values["tools"], **own})
    for kernel in values.get("kernel", []):
        out[f"{KERNEL}/{KERNEL.split('/')[1]}-{kernel['version']}.ebuild"] = env.get_template(
            "xen-sources.ebuild.j2").render(**common, kernel=kernel)
    fragments = {role: generic_text(role) for role in ("dom0", "domu")}
    for name, template in values.get("kernel_files", {}).items():
        out[f"{KERNEL}/files/{name}"] = env.get_template(template).render(fragments=fragments)
    for package in PACKAGES:
        lines = sorted(d.manifest_line() for d in overlay.dists if d.package == package)
        if lines:
            out[f"{package}/Manifest"] = "".join(f"{line}\n" for line in lines)
    return {path: text.encode("utf-8") for path, text in out.items()}


def owned(repo: Path, overlay: Overlay) -> set[str]:
    """The checkout's files that regen manages: the packages' ebuilds and
    Manifests, and the generated files/."""
    found = set()
    for package in PACKAGES:
        directory = repo / package
        found |= {f"{package}/{p.name}" for p in directory.glob("*.ebuild")}
        if (directory / "Manifest").exists():
            found.add(f"{package}/Manifest")
    found |= {f"{KERNEL}/files/{name}" for name in overlay.values.get("kernel_files", {})
              if (repo / KERNEL / "files" / name).exists()}
    return found


def differences(repo: Path, wanted: Mapping[str, bytes], paths: Iterable[str]) -> list[Change]:
    """The changes that turn the checkout's ``paths`` into ``wanted``
    (paths not wanted are removed)."""
    changes = []
    for path in sorted(set(paths) | set(wanted)):
        target = repo / path
        old = target.read_bytes() if target.is_file() else None
        new = wanted.get(path)
        if old != new:
            changes.append(Change(path, old, new))
    return changes


def gentoo_master(into: Path, *, gentoo: Path | None, eclasses: Path | None) -> Path:
    """The ::gentoo egencache runs against: ``gentoo`` itself, or the
    embedded snapshot with the eclasses of ``eclasses`` added (a copy under
    ``into``)."""
    if gentoo is not None:
        if not (gentoo / "eclass").is_dir():
            raise UserError(f"--gentoo {gentoo}: no eclass/ there")
        return gentoo
    if eclasses is None or not eclasses.is_dir():
        raise UserError(
            "regen runs egencache, which needs ::gentoo's eclasses: --gentoo DIR (a ::gentoo "
            "checkout), or --eclasses DIR (eclasses over the embedded snapshot)"
        )
    return snapshot_with_eclasses(into / "gentoo", eclasses)


def snapshot_with_eclasses(dest: Path, eclasses: Path) -> Path:
    """A copy of the embedded snapshot at ``dest`` with the eclasses of
    ``eclasses`` added (never the shipped snapshot itself)."""
    from xenmig.gentoo.repos import SNAPSHOT

    shutil.copytree(SNAPSHOT, dest, symlinks=True)
    (dest / "eclass").mkdir(exist_ok=True)
    for eclass in eclasses.glob("*.eclass"):
        shutil.copyfile(eclass, dest / "eclass" / eclass.name)
    return dest


def metadata_cache(repo: Path, files: Mapping[str, bytes | None], master: Path,
                   work: Path) -> dict[str, bytes]:
    """metadata/md5-cache as egencache writes it for the checkout with
    ``files`` changed (None: removed), on a copy under ``work``."""
    from xenmig.gentoo.portage_view import PortageView, Repo
    from xenmig.gentoo.repos import OVERLAY_NAME

    copy = work / "overlay"
    for part in REPOSITORY_PARTS:
        if (repo / part).exists():
            shutil.copytree(repo / part, copy / part, symlinks=True)
    shutil.rmtree(copy / MD5_CACHE, ignore_errors=True)
    for path, data in files.items():
        target = copy / path
        if data is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    repos = [Repo("gentoo", master), Repo(OVERLAY_NAME, copy, ("gentoo",))]
    view = PortageView(work / "config-root", repos, f"{OVERLAY_NAME}:xen-dom0/amd64/23.0")
    view.regen_metadata(OVERLAY_NAME)
    cache = copy / MD5_CACHE
    return {str(MD5_CACHE / p.relative_to(cache)): p.read_bytes()
            for p in sorted(cache.rglob("*")) if p.is_file()}


def without_eclass_sums(data: bytes | None) -> bytes | None:
    """An md5-cache entry without its _eclasses_ line (the checksums of the
    eclasses it was generated against)."""
    if data is None:
        return None
    return b"".join(line for line in data.splitlines(keepends=True)
                    if not line.startswith(b"_eclasses_="))


def verify_distdir(overlay: Overlay, distdir: Path) -> tuple[list[str], list[str]]:
    """(problems, files checked): each recorded distfile present in
    ``distdir`` must have the recorded size and hashes."""
    problems, checked = [], []
    for dist in overlay.dists:
        path = distdir / dist.file
        if not path.is_file():
            continue
        checked.append(dist.file)
        blake, sha, size = hashlib.blake2b(), hashlib.sha512(), 0
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                blake.update(chunk)
                sha.update(chunk)
                size += len(chunk)
        for what, got, recorded in (("size", str(size), str(dist.size)),
                                    ("BLAKE2B", blake.hexdigest(), dist.blake2b),
                                    ("SHA512", sha.hexdigest(), dist.sha512)):
            if got != recorded:
                problems.append(f"{path}: {what} {got} differs from the recorded {recorded} "
                                f"({overlay.path}: [[dist]] {dist.file})")
    return problems, checked


def write(repo: Path, changes: Iterable[Change]) -> None:
    """Carry the changes out with the writer (each file replaced atomically)."""
    writer.write([c.file_change(repo) for c in changes], repo)


def commit_messages(changes: Iterable[Change]) -> dict[str, tuple[str, list[str]]]:
    """{cat/pkg: (commit message, paths)}: one commit per package, in
    Gentoo's style."""
    grouped: dict[str, list[Change]] = {}
    for change in changes:
        package = change.package
        if package is None:
            raise XenmigError(f"{change.path}: not part of a package; commit it by hand")
        grouped.setdefault(package, []).append(change)
    out = {}
    for package, items in sorted(grouped.items()):
        name = package.split("/")[1]
        ebuilds = [c for c in items if c.path.endswith(".ebuild") and
                   Path(c.path).parent == Path(package)]
        added = [_version(name, c.path) for c in ebuilds if c.status == "create"]
        dropped = [_version(name, c.path) for c in ebuilds if c.status == "remove"]
        if added or dropped:
            words = ([f"add {', '.join(added)}"] if added else []) + \
                    ([f"drop {', '.join(dropped)}"] if dropped else [])
            message = f"{package}: {', '.join(words)}"
        elif any(c.path.endswith("/Manifest") for c in items) and len(items) == 1:
            message = f"{package}: update Manifest"
        else:
            message = f"{package}: regenerate from {DATA}"
        out[package] = (message, [c.path for c in items])
    return out


def _version(name: str, path: str) -> str:
    return Path(path).name[len(name) + 1 : -len(".ebuild")]


def commit(repo: Path, changes: list[Change]) -> list[str]:
    """One commit per package with its changes; returns the messages."""
    from xenmig.maint.git_view import GitView

    git = GitView(repo)
    if git.has_staged_changes():
        raise UserError(f"{repo}: the index has staged changes; commit or unstage them first")
    messages = []
    for message, paths in commit_messages(changes).values():
        git.commit_paths(paths, message)
        messages.append(message)
    return messages


def plan(repo: Path, overlay: Overlay, master: Path, *, eclass_sums: bool,
         work: Path | None = None) -> list[Change]:
    """Every change regen would make to the checkout (``eclass_sums``:
    whether md5-cache entries that differ only in their eclass checksums
    count as different)."""
    wanted = render(repo, overlay)
    changes = differences(repo, wanted, owned(repo, overlay))
    with tempfile.TemporaryDirectory(prefix="xenmig-regen-", dir=work) as tmp:
        cache = metadata_cache(repo, {c.path: c.new for c in changes}, master, Path(tmp))
    committed = {str(p.relative_to(repo)) for p in (repo / MD5_CACHE).rglob("*") if p.is_file()}
    for change in differences(repo, cache, committed):
        if not eclass_sums and without_eclass_sums(change.old) == without_eclass_sums(
                change.new):
            continue
        changes.append(change)
    return changes
