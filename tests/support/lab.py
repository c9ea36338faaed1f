"""The lab: Debian's Xen 4.17 under QEMU TCG with a dom0 kernel built from
the fragment xenmig generates, and the files xenmig generates for a host.

Pieces (each a plain function, the test composes them):

* :func:`build_kernel`: tinyconfig (ARCH=x86_64) + fragments, merged and
  checked with xenmig's own :func:`xenmig.kernel.verify.merge` (any line
  that does not survive fails), then ``make bzImage modules``; the result
  is cached under the xenmig cache directory by a digest of its inputs;
* :func:`initramfs`: a busybox-static initramfs with the Xen tools and
  their libraries (ldd, plus libgcc_s.so.1 which glibc dlopen()s for
  pthread_cancel in xl), the kernel's modules and any other files;
* :func:`boot`: QEMU (by default ``-cpu max,-smap``: with SMAP the PV dom0 faults
  under TCG) loads the gunzipped Xen with ``-kernel`` and dom0 and its
  initramfs as multiboot modules; the serial log is returned (QEMU exits 0
  even when dom0 crashes: judge by the log).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.kernel import DEBIAN_TARBALL
from tests.support.shell import bash_values
from xenmig.kernel.verify import merge

XEN_GZ = Path("/boot/xen-4.17-amd64.gz")
XEN_BIN = Path("/usr/lib/xen-4.17/bin")
XEN_TOOLS = ("xl", "xenstored", "xenconsoled", "xen-init-dom0")
BUSYBOX = Path("/bin/busybox")
LIB_DIRS = ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu")
APPLETS = ("sh", "mount", "depmod", "mkdir", "cat", "echo", "ls", "sleep", "grep", "sed", "ip",
           "brctl", "modprobe", "insmod", "poweroff", "ps", "timeout", "uname", "tail",
           "head", "wc", "tr", "cut", "dmesg", "ping", "awk", "dirname", "basename", "expr",
           "logger", "which", "stat", "rm", "readlink", "udhcpc", "chmod", "date", "kill",
           "pidof", "dd", "md5sum")
# What the hotplug scripts (vif-bridge and the files it sources) run besides
# busybox: bash, flock (util-linux) and the xenstore tools (one binary that
# acts by its name).
HOTPLUG_TOOLS = {"/bin/bash": Path("/bin/bash"), "/usr/bin/flock": Path("/usr/bin/flock"),
                 **{f"/usr/bin/xenstore-{name}": Path("/usr/bin/xenstore")
                    for name in ("read", "write", "exists", "rm", "list")}}
XEN_SCRIPTS = Path("/etc/xen/scripts")
QEMU = "qemu-system-x86_64"
REPO = Path(__file__).resolve().parents[2]
LAB_SPEC = REPO / "examples/lab/xen-lab.toml"
LAB_FRAGMENT = REPO / "tests/lab/dom0-lab.config"
# The kernel build started when the lab is collected (conftest), if any.
BACKGROUND_BUILD: Future[tuple[Path, Path]] | None = None


def missing() -> list[str]:
    """The pieces of the lab that are not installed."""
    absent = [str(p) for p in (XEN_GZ, BUSYBOX, XEN_SCRIPTS / "vif-bridge",
                               *(XEN_BIN / t for t in XEN_TOOLS), *HOTPLUG_TOOLS.values())
              if not p.exists()]
    return absent + [tool for tool in (QEMU, "cpio", "make", "gcc")
                     if shutil.which(tool) is None]


def require_lab() -> None:
    """Skip with the reason when a piece of the lab is not installed."""
    if absent := missing():
        pytest.skip("lab needs xen-hypervisor-4.17-amd64, xen-utils-4.17, xenstore-utils, "
                    "qemu-system-x86, busybox-static, cpio, make, gcc; missing: "
                    f"{', '.join(absent)}")


def cache_dir() -> Path:
    """Where built kernels are kept between test runs: $XENMIG_LAB_CACHE,
    else xenmig-lab in the user's cache directory (not the per-run
    XENMIG_CACHE_DIR the test suite sets)."""
    base = os.environ.get("XENMIG_LAB_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "xenmig-lab")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def gcc_version() -> str:
    return subprocess.run(["gcc", "--version"], capture_output=True, text=True,
                          check=True).stdout.splitlines()[0]


def _kernel_dir(makefile: str, fragment: str) -> Path:
    """The cache entry of a build: a digest of the tree's version (the head
    of its Makefile), the fragment and the compiler."""
    version = makefile.split("\n", 6)[:5]
    key = hashlib.sha256("\n".join([*version, fragment, gcc_version()]).encode()).hexdigest()
    return cache_dir() / f"kernel-{key[:16]}"


def _built(out: Path) -> tuple[Path, Path] | None:
    image, modules = out / "bzImage", out / "modules"
    return (image, modules) if image.is_file() and (out / "done").is_file() else None


_running: list[subprocess.Popen[bytes]] = []
_aborted = threading.Event()


def _run(command: list[str], cwd: Path) -> None:
    """Run a build step so that :func:`abort_build` can stop it."""
    if _aborted.is_set():
        raise RuntimeError("lab kernel build aborted")
    with subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                          start_new_session=True) as proc:
        _running.append(proc)
        try:
            if proc.wait() != 0:
                raise subprocess.CalledProcessError(proc.returncode, command)
        finally:
            _running.remove(proc)


def abort_build() -> None:
    """Stop a background build (the session ends without the lab: -x, a
    keyboard interrupt), so that Python does not wait for it at exit."""
    _aborted.set()
    for proc in list(_running):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)


def build_kernel(tree: Path, fragment: str, jobs: int | None = None,
                 nice: bool = False) -> tuple[Path, Path]:
    """(bzImage, installed modules directory) of ``tree`` configured from
    tinyconfig plus ``fragment``; rebuilt only when the tree, the fragment
    or the compiler changed (``nice``: at low priority, beside other work)."""
    out = _kernel_dir((tree / "Makefile").read_text(), fragment)
    if built := _built(out):
        return built
    image, modules = out / "bzImage", out / "modules"
    shutil.rmtree(out, ignore_errors=True)
    build = out / "build"
    config, unmet = merge(tree, "tinyconfig", fragment, "x86_64", out=build)
    assert not unmet, "fragment lines the kernel did not take:\n" + \
        "\n".join(map(str, unmet))
    jobs = jobs or os.cpu_count() or 2
    make = [*(["nice", "-n", "10"] if nice else []), "make", "-s", "ARCH=x86_64", f"O={build}",
            f"-j{jobs}"]
    _run([*make, "bzImage", "modules"], tree)
    _run([*make, "modules_install", f"INSTALL_MOD_PATH={modules}"], tree)
    shutil.copyfile(build / "arch/x86/boot/bzImage", image)
    shutil.copyfile(config, out / "config")
    shutil.rmtree(build)
    (out / "done").write_text(out.name + "\n")
    return image, modules


def lab_fragment(spec: Path, extra: Path) -> str:
    """The lab's kernel fragment: xenmig's dom0 fragment for ``spec`` (the
    same text ``render`` writes to /etc/xenmig/kernel/dom0.config) and the
    lab's own additions."""
    proc = subprocess.run([sys.executable, "-m", "xenmig", "kernel", "fragment", str(spec),
                           "--role", "dom0"], capture_output=True, text=True, check=True)
    return proc.stdout + extra.read_text()


def tarball_makefile(tarball: Path) -> str:
    return subprocess.run(["tar", "-xOf", str(tarball), "linux-source-6.12/Makefile"],
                          capture_output=True, text=True, check=True).stdout


def cached_kernel(tarball: Path, fragment: str) -> tuple[Path, Path] | None:
    """The cached build of the tarball's tree with ``fragment``, if any."""
    return _built(_kernel_dir(tarball_makefile(tarball), fragment))


def start_kernel_build(spec: Path, extra: Path, tarball: Path,
                       workdir: Path) -> Future[tuple[Path, Path]]:
    """Build the lab's kernel in the background (at low priority) while
    the other tests run; a cached build returns at once.  The tree is
    unpacked only when there is something to build."""

    def job() -> tuple[Path, Path]:
        fragment = lab_fragment(spec, extra)
        if built := cached_kernel(tarball, fragment):
            return built
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            _run(["tar", "-xf", str(tarball), "-C", str(workdir)], workdir)
            return build_kernel(workdir / "linux-source-6.12", fragment, nice=True)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    executor = ThreadPoolExecutor(1, thread_name_prefix="lab-kernel")
    future = executor.submit(job)
    executor.shutdown(wait=False)
    return future


def grub_args(host: Path) -> tuple[str, str]:
    """Xen's command line and dom0's arguments as the generated
    /etc/default/grub of the rendered ``host`` tree gives them (GRUB's
    20_linux_xen: Xen gets both XEN variables, dom0 both REPLACE ones)."""
    grub = bash_values(host / "etc/default/grub", "GRUB_CMDLINE_XEN", "GRUB_CMDLINE_XEN_DEFAULT",
                       "GRUB_CMDLINE_LINUX_XEN_REPLACE",
                       "GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT")
    xen_args = " ".join(v for v in (grub.get("GRUB_CMDLINE_XEN", ""),
                                    grub["GRUB_CMDLINE_XEN_DEFAULT"]) if v)
    dom0_args = " ".join(v for v in (grub["GRUB_CMDLINE_LINUX_XEN_REPLACE"],
                                     grub["GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT"]) if v)
    return xen_args, dom0_args


def lab_kernel(request: pytest.FixtureRequest, host: Path) -> tuple[Path, Path]:
    """The lab's kernel for the rendered lab ``host`` tree: its generated
    dom0 fragment plus the lab's additions, which must be what the build
    started in the background at collection (conftest) used; that build, or
    a cached one, or one built now."""
    fragment = (host / "etc/xenmig/kernel/dom0.config").read_text() + \
        LAB_FRAGMENT.read_text()
    assert fragment == lab_fragment(LAB_SPEC, LAB_FRAGMENT)
    if BACKGROUND_BUILD is not None:
        return BACKGROUND_BUILD.result()
    if DEBIAN_TARBALL.is_file() and (cached := cached_kernel(DEBIAN_TARBALL, fragment)):
        return cached
    return build_kernel(request.getfixturevalue("linux_tree"), fragment)


def xen_image(dest: Path) -> Path:
    """Xen as the multiboot ELF QEMU's -kernel loads (gunzipped)."""
    target = dest / "xen-4.17-amd64"
    with gzip.open(XEN_GZ) as packed, target.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return target


def _libraries(binaries: list[Path]) -> set[Path]:
    env = {**os.environ, "LD_LIBRARY_PATH": ":".join(LIB_DIRS)}
    found: set[Path] = set()
    for binary in binaries:
        out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True,
                             check=True, env=env).stdout
        for line in out.splitlines():
            parts = line.split()
            path = parts[2] if "=>" in parts and len(parts) > 2 else parts[0]
            if path.startswith("/"):
                found.add(Path(path))
    for directory in LIB_DIRS:
        gcc_s = Path(directory) / "libgcc_s.so.1"
        if gcc_s.exists():
            found.add(gcc_s)
    return found


def initramfs(dest: Path, init: str, files: dict[str, Path | bytes], *,
              xen_tools: bool = False, modules: Path | None = None,
              tools: dict[str, Path] | None = None) -> Path:
    """A gzipped cpio archive: busybox, ``init`` as /init, ``files``
    ({path in the archive: source file or content}), the Xen tools with
    their libraries, further ``tools`` ({path in the archive: binary}, with
    their libraries too), the kernel's modules."""
    root = dest.with_suffix(".d")
    shutil.rmtree(root, ignore_errors=True)
    for sub in ("bin", "sbin", "usr/sbin", "usr/lib", "lib64", "proc", "sys", "dev", "tmp",
                "run", "etc/xen", "var/log/xen", "var/lib/xen", "var/lib/xenstored",
                "var/run/xen", "var/run/xenstored"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(BUSYBOX, root / "bin/busybox")
    (root / "bin/busybox").chmod(0o755)
    for applet in APPLETS:
        (root / "bin" / applet).symlink_to("busybox")
    if xen_tools:
        binaries = [XEN_BIN / tool for tool in XEN_TOOLS]
        for binary in binaries:
            shutil.copy2(binary, root / "usr/sbin" / binary.name)
        for name, tool in {**HOTPLUG_TOOLS, **(tools or {})}.items():
            (root / name.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(tool, root / name.lstrip("/"))
            binaries.append(tool)
        shutil.copytree(XEN_SCRIPTS, root / XEN_SCRIPTS.relative_to("/"))
        (root / "var/lock").mkdir(parents=True, exist_ok=True)
        for library in _libraries(binaries):
            where = root / ("lib64" if str(library).startswith("/lib64") else "usr/lib")
            shutil.copyfile(library, where / library.name)
            (where / library.name).chmod(0o755)
        (root / "etc/ld.so.conf").write_text("/usr/lib\n")
    if modules is not None and (modules / "lib/modules").is_dir():
        shutil.copytree(modules / "lib/modules", root / "lib/modules", symlinks=True)
    for path, source in files.items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, bytes):
            target.write_bytes(source)
        else:
            shutil.copyfile(source, target)
    (root / "init").write_text(init)
    (root / "init").chmod(0o755)
    listing = subprocess.run(["find", "."], cwd=root, capture_output=True, check=True).stdout
    archive = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root,
                             input=listing, capture_output=True, check=True).stdout
    dest.write_bytes(gzip.compress(archive, compresslevel=1))
    shutil.rmtree(root)
    return dest


def boot(xen: Path, xen_args: str, kernel: Path, kernel_args: str, initrd: Path,
         log: Path, timeout: int = 420, cpu: str = "max,-smap") -> str:
    """Boot Xen with dom0 ``kernel`` under QEMU TCG on the QEMU ``cpu``;
    the serial log."""
    for path in (kernel, initrd):
        if " " in str(path) or "," in str(path):
            raise ValueError(f"{path}: QEMU's multiboot module list takes no spaces or commas")
    command = [
        QEMU, "-accel", "tcg,thread=multi", "-cpu", cpu, "-m", "2048", "-smp", "2",
        "-nographic", "-no-reboot", "-serial", "mon:stdio", "-display", "none",
        # one NIC on QEMU's user network, whose DHCP server answers the
        # lab's DHCP bridge
        "-nic", "user,model=e1000", "-kernel", str(xen), "-append", xen_args,
        "-initrd", f"{kernel} {kernel_args},{initrd}",
    ]
    with log.open("wb") as out:
        try:
            subprocess.run(command, stdin=subprocess.DEVNULL, stdout=out,
                           stderr=subprocess.STDOUT, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            out.write(f"\n[lab: QEMU killed after {timeout} s]\n".encode())
    # hvc and the serial port turn "\n" into "\r\n", each on its way
    return re.sub(r"\r+\n", "\n", log.read_bytes().decode("utf-8", "replace"))
