"""``xenmig gather``: an Ansible playbook that reads, and only reads, what
``xenmig discover`` needs from each host, and runs discover on it.

What is read is :mod:`xenmig.discover.sources` (one list: discover reads
exactly those files).  The hosts need no Python (Xen 3 era hosts have an
old one, or none Ansible still supports): the playbook sends one POSIX
``sh`` script with the ``raw`` module.  The script creates nothing on the
host (no temp file) and prints each file as a line::

    XENMIG-GATHER 1
    FILE <base64 path> <base64 content>     a regular file (links followed)
    LINK <base64 path> <base64 target>      a link kept as a link (/etc/xen/auto)
    NAME <base64 path>                      only the name counts (/boot/xen-*)
    SKIP <base64 path> <reason>             not read: not a regular file,
                                            too large, unreadable
    CMD <name> <status> <base64 output>     a command's output (xl info, ...)
    END

The commands (``xl info``, ``uname -r``, ``lspci -k``) run only when the
root read is ``/`` (``xenmig_root`` may name a mounted disk of an old host,
about which the running system's commands say nothing).

On the controller, :func:`unpack` writes that into ``DIR/<host>/`` with the
host's layout (command outputs under ``.xenmig/``, the skipped files
listed in ``.xenmig/skipped`` so that discover reports them), then the
playbook runs ``xenmig discover`` into ``FLEET/<host>.toml``.  A host that
cannot be reached is in Ansible's recap and the others go on.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from xenmig.discover.sources import CAPTURED, COMMANDS, SOURCES, Source
from xenmig.errors import UserError
from xenmig.hostfiles.root import MAX_HOST_FILE, HostRoot

MAGIC = "XENMIG-GATHER 1"
# Sources whose links discover reads as links (the autostart links, the
# kernel tree's name): sent as LINK, everything else with links followed.
_LINKS_KEPT = ("etc/xen/auto/", "usr/src/linux")
_KIB = MAX_HOST_FILE // 1024


def _keeps_link(source: Source) -> bool:
    return source.path.startswith(_LINKS_KEPT)


def script() -> str:
    """The read-only sh script the playbook runs on each host (``$1``-less:
    the root is the variable R set in front of it)."""
    out = [
        "# xenmig gather: reads the files xenmig discover needs; writes nothing.",
        "e() { base64 | tr -d '\\n'; }",
        "p() { printf %s \"$1\" | e; }",
        f"big() {{ [ -n \"$(find \"$1\" -maxdepth 0 -size +{_KIB}k 2>/dev/null)\" ]; }}",
        "file() {",
        "  if [ -L \"$1\" ] && [ \"$2\" = keep ]; then",
        "    printf 'LINK %s %s\\n' \"$(p \"$1\")\" \"$(p \"$(readlink \"$1\")\")\"",
        "  elif [ -f \"$1\" ]; then",
        "    if [ ! -r \"$1\" ]; then printf 'SKIP %s unreadable\\n' \"$(p \"$1\")\"",
        "    elif big \"$1\"; then printf 'SKIP %s larger than the size limit\\n' \"$(p \"$1\")\"",
        "    else printf 'FILE %s ' \"$(p \"$1\")\"; e < \"$1\"; echo; fi",
        "  elif [ -e \"$1\" ] && [ ! -d \"$1\" ]; then",
        "    printf 'SKIP %s not a regular file\\n' \"$(p \"$1\")\"",
        "  fi",
        "}",
        "tree() {",
        "  [ -d \"$1\" ] || { file \"$1\" follow; return; }",
        "  find -L \"$1\" ! -type d 2>/dev/null |",
        "    while IFS= read -r f; do file \"$f\" follow; done",
        "}",
        "name() { if [ -L \"$1\" ]; then file \"$1\" keep; "
        "elif [ -e \"$1\" ]; then printf 'NAME %s\\n' \"$(p \"$1\")\"; fi; }",
        "cmd() {",
        "  n=$1; shift",
        "  command -v \"$1\" >/dev/null 2>&1 || { printf 'CMD %s 127 \\n' \"$n\"; return; }",
        "  t=; command -v timeout >/dev/null 2>&1 && t='timeout 30'",
        "  o=$($t \"$@\" 2>/dev/null </dev/null); s=$?",
        "  printf 'CMD %s %s ' \"$n\" \"$s\"; printf %s \"$o\" | e; echo",
        "}",
        "cd \"$R\" || { echo 'XENMIG-GATHER no root'; exit 3; }",
        f"echo '{MAGIC}'",
    ]
    for source in SOURCES:
        quoted = _glob(source.path)
        how = {"file": "file \"$x\" " + ("keep" if _keeps_link(source) else "follow"),
               "tree": "tree \"$x\"", "names": "name \"$x\""}[source.kind]
        out.append(f"for x in {quoted}; do [ -e \"$x\" ] || [ -L \"$x\" ] && {how}; done")
    # Commands describe the running system: only when it is the root read.
    out.append('if [ "$R" = / ]; then')
    for command in COMMANDS:
        out.append(f"  cmd {command.saved} {' '.join(map(shlex.quote, command.argv))}")
    out.append("fi")
    out.append("echo END")
    return "\n".join(out) + "\n"


def _glob(path: str) -> str:
    """A source path as a sh word (its glob characters free)."""
    if not re.fullmatch(r"[A-Za-z0-9/._*?\[\]-]+", path):
        raise ValueError(f"{path}: a source path needs quoting")
    return path


def inventory(hosts: Sequence[str]) -> str:
    """The YAML inventory of ``HOST`` / ``HOST=ADDRESS`` arguments (the
    address both as ansible_host and as xenmig_address, which discover
    gets: a delegated task sees the delegate's ansible_host)."""
    from xenmig.spec.settings import parse_host_address, parse_name

    lines = ["# Written by xenmig gather: the hosts to read.", "xenmig_gather:", "  hosts:"]
    seen = set()
    for item in hosts:
        name, _, address = item.partition("=")
        try:
            parse_name(name)
            if address:
                parse_host_address(address)
        except ValueError as error:
            raise UserError(f"host {item!r}: {error}") from None
        if name in seen:
            raise UserError(f"host {name}: given twice")
        seen.add(name)
        value = f"{{ansible_host: {json.dumps(address)}, xenmig_address: " \
            f"{json.dumps(address)}}}" if address else "{}"
        lines.append(f"    {name}: {value}")
    return "\n".join(lines) + "\n"


def playbook(gathered: Path, fleet: Path, command: Sequence[str]) -> str:
    """The playbook: read each host, unpack, discover (``command`` runs
    xenmig on the controller)."""
    xenmig = json.dumps(list(command))
    return f"""\
# Written by xenmig gather.  Reads, on each host, the files xenmig discover
# needs (nothing is written there, nothing needs Python there), keeps them
# in {gathered}/<host>/ and writes {fleet}/<host>.toml with xenmig discover.
# An existing spec with other content is never replaced.  Hosts whose files
# are readable by root only need become (-b).  xenmig_root (default /) is
# the root read on each host: a mounted disk of an old host, say.
#   ansible-playbook -i inventory.yml gather.yml
- name: Read what xenmig discover needs, and discover
  hosts: xenmig_gather
  gather_facts: false
  vars:
    xenmig: {xenmig}
    xenmig_gathered: {json.dumps(str(gathered))}
    xenmig_fleet: {json.dumps(str(fleet))}
  tasks:
    - name: Read the host's files (read-only)
      ansible.builtin.raw: |
        R={{{{ xenmig_root | default('/') | quote }}}}
{_indent(script(), 8)}
      args:
        executable: /bin/sh
      register: xenmig_read
      changed_when: false

    - name: Keep them in {gathered}/<host>
      ansible.builtin.command:
        argv: "{{{{ xenmig + ['gather', '--unpack',
                xenmig_gathered ~ '/' ~ inventory_hostname] }}}}"
        stdin: "{{{{ xenmig_read.stdout }}}}"
      delegate_to: localhost
      register: xenmig_unpacked
      changed_when: true

    - name: What was read (and what could not be)
      ansible.builtin.debug:
        msg: "{{{{ xenmig_unpacked.stdout_lines }}}}"

    - name: Discover the host's spec
      ansible.builtin.command:
        argv: "{{{{ xenmig + ['discover', xenmig_gathered ~ '/' ~ inventory_hostname, '--name',
                inventory_hostname, '--out', xenmig_fleet ~ '/' ~ inventory_hostname ~ '.toml']
                + (['--address', xenmig_address] if xenmig_address is defined else []) }}}}"
      delegate_to: localhost
      register: xenmig_discovered
      changed_when: true
      failed_when: xenmig_discovered.rc not in [0, 1]

    - name: What discover found (TODOs to settle before xenmig check)
      ansible.builtin.debug:
        msg: "{{{{ xenmig_discovered.stdout_lines + xenmig_discovered.stderr_lines }}}}"
"""


def _indent(text: str, n: int) -> str:
    return "\n".join(" " * n + line if line else "" for line in text.splitlines())


def write_gather(directory: Path, hosts: Sequence[str], gathered: Path, fleet: Path,
                 command: Sequence[str] | None = None) -> list[Path]:
    text = inventory(hosts)
    directory.mkdir(parents=True, exist_ok=True)
    fleet.mkdir(parents=True, exist_ok=True)
    command = command or [sys.executable, "-m", "xenmig"]
    files = {directory / "inventory.yml": text,
             directory / "gather.yml": playbook(gathered.resolve(), fleet.resolve(), command)}
    for path, content in files.items():
        path.write_text(content, encoding="utf-8")
    return list(files)


# -- the controller's side -------------------------------------------------

@dataclass
class Unpacked:
    files: int = 0
    links: int = 0
    names: int = 0
    commands: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"{self.files} files, {self.links} links, {self.names} names, commands: "
                f"{', '.join(self.commands) or 'none'}")
        return text + "".join(f"\nnot read: {s}" for s in self.skipped)


def _path(encoded: str, line: int) -> str:
    """A host path as sent, checked: relative, without . or .. components."""
    try:
        text = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise UserError(f"gathered line {line}: not a base64 path") from None
    parts = PurePosixPath(text.removeprefix("./")).parts
    if not parts or text.startswith("/") or any(p in (".", "..") for p in parts) or \
            parts[0] == CAPTURED or "\0" in text:
        raise UserError(f"gathered line {line}: {text!r}: not a path below the root")
    return "/".join(parts)


def unpack(stream: str, into: Path) -> Unpacked:
    """What the gather script printed, as the host's tree under ``into``
    (replaced as a whole once complete).  Files are created without
    following any link (a link the host sent cannot redirect a write), and
    links are made last."""
    lines = stream.splitlines()
    start = next((n for n, line in enumerate(lines) if line.strip() == MAGIC), None)
    if start is None or "END" not in (line.strip() for line in lines[start:]):
        raise UserError("the gathered output is incomplete (no XENMIG-GATHER header or END): "
                        "the host was not fully read")
    into.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{into.name}.", dir=into.parent))
    root = HostRoot(staging)
    done = Unpacked()
    links: list[tuple[str, str]] = []
    captured: dict[str, bytes] = {}
    known = {c.saved for c in COMMANDS}
    seen: set[str] = set()  # a file two sources name (etc/xen/xl.conf, etc/xen/*) comes twice
    try:
        for number, line in enumerate(lines[start + 1:], start + 2):
            kind, _, rest = line.strip().partition(" ")
            fields = rest.split(" ")
            if kind == "END":
                break
            if kind == "FILE" and len(fields) in (1, 2):
                data = base64.b64decode(fields[1] if len(fields) == 2 else "")
                if len(data) > MAX_HOST_FILE:
                    done.skipped.append(f"{_path(fields[0], number)}: larger than the size limit")
                    continue
                rel = _path(fields[0], number)
                if rel not in seen:
                    seen.add(rel)
                    _create(root, rel, data)
                    done.files += 1
            elif kind == "NAME" and len(fields) == 1:
                rel = _path(fields[0], number)
                if rel not in seen:
                    seen.add(rel)
                    _create(root, rel, b"")
                    done.names += 1
            elif kind == "LINK" and len(fields) == 2:
                target = base64.b64decode(fields[1]).decode("utf-8", "replace")
                rel = _path(fields[0], number)
                if rel not in seen:
                    seen.add(rel)
                    links.append((rel, target))
            elif kind == "SKIP" and fields:
                done.skipped.append(f"{_path(fields[0], number)}: {' '.join(fields[1:])}")
            elif kind == "CMD" and len(fields) in (2, 3) and fields[0] in known:
                if fields[1] == "0":
                    captured[fields[0]] = base64.b64decode(fields[2] if len(fields) == 3 else "")
                    done.commands.append(fields[0])
            else:
                raise UserError(f"gathered line {number}: not understood: {line[:60]!r}")
        for rel, target in links:
            try:
                _link(root, rel, target)
                done.links += 1
            except FileExistsError:  # files were sent below it: the output contradicts itself
                done.skipped.append(f"{rel}: a link to {target} where files were sent too")
        for name, data in captured.items():
            _create(root, f"{CAPTURED}/{name}", data)
        _create(root, f"{CAPTURED}/skipped", "".join(f"{s}\n" for s in done.skipped).encode())
        old = into.with_name(f".{into.name}.old")
        if into.exists():
            os.rename(into, old)
        os.rename(staging, into)
        shutil.rmtree(old, ignore_errors=True)
    except (binascii.Error, ValueError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise UserError(f"the gathered output is damaged: {error}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return done


def _create(root: HostRoot, rel: str, data: bytes) -> None:
    path = root.top / rel
    with root.directory(path.parent, create=True) as dirfd:
        fd = os.open(path.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW |
                     os.O_CLOEXEC, 0o600, dir_fd=dirfd)
        with os.fdopen(fd, "wb") as out:
            out.write(data)


def _link(root: HostRoot, rel: str, target: str) -> None:
    path = root.top / rel
    with root.directory(path.parent, create=True) as dirfd:
        os.symlink(target, path.name, dir_fd=dirfd)
