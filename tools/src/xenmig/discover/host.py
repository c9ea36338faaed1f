"""discover's readers of the host itself: portage (make.conf, the Xen
lines of package.*), the Xen version, the kernel (version, configuration,
storage drivers) and the boot loader's Xen line (GRUB legacy, GRUB 2),
with xend's and xl's memory settings."""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass

from xenmig.discover.model import Discovery, Found, HostFiles, at
from xenmig.discover.sources import captured
from xenmig.errors import XenmigError
from xenmig.kernel.drivers import DRIVERS
from xenmig.spec import Version
from xenmig.spec.settings import XEN_ARGS_FROM_SETTINGS, parse_name

_VERSION = re.compile(r"(\d+\.\d+(?:\.\d+){0,2})")
_XEN_IMAGE = re.compile(r"(?:^|/)xen-(\d+\.\d+(?:\.\d+)?)[^/]*\.gz$")
# A GRUB legacy entry that boots Xen: its kernel is a xen*.gz image.
_XEN_KERNEL = re.compile(r"(?:^|/)xen[^/\s]*\.gz\b")
_STORAGE_CLASSES = ("RAID bus controller", "SCSI storage controller", "SATA controller",
                    "Serial Attached SCSI controller", "Mass storage controller",
                    "IDE interface", "Non-Volatile memory controller")
# Xen's own serial console, as [boot] serial = true writes it.
SERIAL_ARGS = ("com1=115200,8n1",)
_XEN_ARG = re.compile(r"^[a-z][a-z0-9_.-]*(=[A-Za-z0-9_.,:+/-]+)?$")
_MEMORY = re.compile(r"^(\d+)([kKmMgGtT]?)[bB]?$")


def version_of(text: str) -> Version | None:
    """The leading dotted version of a kernel or Xen version string
    (``2.6.18-xen-r12`` is 2.6.18)."""
    m = _VERSION.match(text.strip())
    return Version(m[1]) if m else None


# -- portage -----------------------------------------------------------

# The packages whose flags a host's global USE carries into the spec (the
# Xen stack itself; qemu's or grub's flags are the host's business).
_XEN_STACK = ("app-emulation/xen", "app-emulation/xen-tools", "app-emulation/xen-migration-meta",
              "app-emulation/xen-migration-tools", "sys-kernel/xen-sources")


@functools.cache
def stack_flags() -> frozenset[str]:
    """Every USE flag of the Xen stack (its packages' IUSE in the embedded
    ::gentoo snapshot and the overlay's md5-cache), and the flags of the
    original migration that were replaced."""
    from xenmig.gentoo.repos import SNAPSHOT, find_overlay
    from xenmig.rules.use import REPLACED
    from xenmig.snapshot.md5cache import iter_entries

    caches = [SNAPSHOT / "metadata" / "md5-cache"]
    with contextlib.suppress(XenmigError):  # an installed xenmig without the overlay
        caches.append(find_overlay() / "metadata" / "md5-cache")
    flags = set(REPLACED)
    for cache in caches:
        for entry in iter_entries(cache):
            if any(entry.cpv.startswith(f"{cp}-") for cp in _XEN_STACK):
                flags.update(f.lstrip("+-") for f in entry.get("IUSE").split())
    return frozenset(flags)


@functools.cache
def target_series() -> str:
    """The newest Xen series stable on amd64 in the embedded snapshot."""
    from xenmig.gentoo.repos import SNAPSHOT

    best: Version | None = None
    for path in (SNAPSHOT / "metadata" / "md5-cache" / "app-emulation").glob("xen-[0-9]*"):
        keywords = next((line[9:].split() for line in path.read_text().splitlines()
                         if line.startswith("KEYWORDS=")), [])
        version = version_of(path.name[4:])
        if version and "amd64" in keywords and (best is None or version > best):
            best = version
    return best.series() if best else "4.19"


def read_portage(files: HostFiles, found: Discovery) -> None:
    sources = [rel for rel in ("etc/make.conf",) if files.exists(rel)]
    sources += [f"etc/portage/make.conf/{name}" if name else "etc/portage/make.conf"
                for name, _ in files.root.config_files("etc/portage/make.conf")]
    values: dict[str, tuple[str, str]] = {}  # name -> (value, source)
    for rel in sources:
        shell = files.shell(rel)
        if shell is None:
            continue
        for name in ("CHOST", "CFLAGS", "CXXFLAGS", "USE", "FEATURES"):
            value = shell.get(name)
            if value is None:
                found.todo("portage", name.lower(), f"{name} is set by a statement xenmig "
                           "does not run; give its value by hand", rel)
            elif name in shell.values:
                if name in ("USE", "FEATURES") and name in values:
                    value = f"{values[name][0]} {value}"  # incremental across files
                values[name] = (value, at(rel, shell.lines.get(name)))
    if not sources:
        debian = " (a Debian host: Gentoo is installed anew, see xenmig plan)" \
            if files.exists("var/lib/dpkg/status") else ""
        found.comment("portage", "no make.conf (etc/portage/make.conf, etc/make.conf): "
                                 f"nothing to carry{debian}")
    chost = values.get("CHOST")
    if chost:
        found.set("portage", "chost", Found(chost[0], chost[1]))
    cflags = values.get("CFLAGS")
    if cflags and cflags[0].split():
        found.set("portage", "cflags", Found(" ".join(cflags[0].split()), cflags[1]))
    cxx = values.get("CXXFLAGS")
    if cxx and cxx[0].split() and " ".join(cxx[0].split()) != found.get("portage", "cflags"):
        found.set("portage", "cxxflags", Found(" ".join(cxx[0].split()), cxx[1]))
    _use(files, found, values.get("USE"))
    flags = (found.get("portage", "cflags") or "").split()
    if any(f.startswith("-fstack-protector") for f in flags):
        found.set("portage", "no_ssp", Found(
            ["sys-libs/glibc"], found.sections["portage"]["cflags"].source,
            "decided: CFLAGS carry stack protection; the original migration's glibc failed "
            "with -fstack-protector-all"))
    features = values.get("FEATURES")
    if features and "-collision-protect" in features[0].split():
        found.comment("portage", f"{features[1]}: FEATURES has -collision-protect "
                                 "(check reports it; from_xen scopes it to the Xen packages)")


def _use(files: HostFiles, found: Discovery, use: tuple[str, str] | None) -> None:
    stack = stack_flags()
    flags: dict[str, str] = {}
    others = 0
    if use:
        for flag in use[0].split():
            if flag.lstrip("-") in stack:
                flags[flag.lstrip("-")] = flag
            else:
                others += 1
    sources = [use[1]] if use and flags else []
    for base in ("etc/portage/package.use",):
        for name, _ in files.root.config_files(base):
            rel = f"{base}/{name}" if name else base
            text = files.text(rel) or ""
            for number, line in enumerate(text.splitlines(), 1):
                words = line.split("#", 1)[0].split()
                if len(words) > 1 and re.match(r"^[<>=~]*app-emulation/xen(-tools)?\b",
                                               words[0]):
                    for flag in words[1:]:
                        if ":" not in flag and not flag.endswith(":"):
                            flags[flag.lstrip("-")] = flag
                    sources.append(at(rel, number))
    for base in ("etc/portage/package.accept_keywords", "etc/portage/package.keywords"):
        for name, _ in files.root.config_files(base):
            rel = f"{base}/{name}" if name else base
            for number, line in enumerate((files.text(rel) or "").splitlines(), 1):
                if re.search(r"\bapp-emulation/xen|\bsys-kernel/xen-sources", line.split("#")[0]):
                    found.comment("portage", f"{at(rel, number)}: {line.strip()} (xenmig "
                                             "writes the keywords the target needs)")
    if flags:
        note = f"the Xen stack's flags; {others} other flags of USE left to make.conf" \
            if others else ""
        found.set("portage", "use", Found(sorted(flags.values()), ", ".join(sources), note))


def read_hostname(files: HostFiles, found: Discovery, given: str | None,
                  fallback: str) -> None:
    if given:
        found.set("host", "name", Found(given, None, "given with --name"))
        return
    candidates: list[tuple[str, str]] = []
    text = files.text("etc/hostname")
    if text and text.split():
        candidates.append((text.split()[0], "etc/hostname:1"))
    shell = files.shell("etc/conf.d/hostname")
    if shell and shell.get("hostname"):
        candidates.append((str(shell.get("hostname")),
                           at("etc/conf.d/hostname", shell.lines.get("hostname"))))
    candidates.append((re.sub(r"[^a-z0-9]+", "-", fallback.lower()).strip("-"), ""))
    for name, source in candidates:
        short = name.split(".")[0].lower()
        try:
            parse_name(short)
        except ValueError:
            continue
        found.set("host", "name", Found(short, source or None,
                                        "" if source else "the directory's name"))
        return
    found.todo("host", "name", "no usable host name (etc/hostname, etc/conf.d/hostname): "
               "name the host", None)


def read_arch(found: Discovery, config: dict[str, str]) -> None:
    chost = found.sections.get("portage", {}).get("chost")
    if chost is not None:
        cpu = str(chost.value).split("-", 1)[0]
        arch = "amd64" if cpu == "x86_64" else "x86" if re.fullmatch(r"i[3-6]86", cpu) else None
        if arch:
            found.set("host", "arch", Found(arch, chost.source, f"CHOST {chost.value}"))
            return
        found.todo("host", "arch", f"CHOST {chost.value} is neither amd64 nor x86: xenmig "
                   "migrates x86 Xen hosts only", chost.source, value=f"TODO: {cpu}")
        return
    if config.get("CONFIG_X86_64") == "y":
        found.set("host", "arch", Found("amd64", config.get(""), "CONFIG_X86_64=y"))
    elif config.get("CONFIG_X86_32") == "y" or config.get("CONFIG_X86") == "y":
        found.set("host", "arch", Found("x86", config.get(""), "32-bit x86 kernel"))
    else:
        found.todo("host", "arch", "no CHOST and no kernel configuration tell the "
                   "architecture: amd64 or x86", None, value="TODO: amd64 or x86")


# -- Xen -----------------------------------------------------------------

def _info_version(text: str) -> Version | None:
    fields = dict(re.findall(r"^(xen_major|xen_minor|xen_extra)\s*:\s*(\S*)", text, re.M))
    if "xen_major" in fields and "xen_minor" in fields:
        extra = re.match(r"\.?(\d+)", fields.get("xen_extra", ""))
        return Version(f"{fields['xen_major']}.{fields['xen_minor']}"
                       + (f".{extra[1]}" if extra else ""))
    return None


def read_xen_version(files: HostFiles, found: Discovery, grub_xen: tuple[str, str] | None) -> None:
    """from_xen: what runs (a captured xl/xm info), what boots (the GRUB
    entry's image), what is installed (Gentoo's vdb, Debian's dpkg status)
    or the newest image in /boot, in that order."""
    for name in ("xl-info", "xm-info"):
        text = files.text(captured(name))
        version = _info_version(text or "")
        if version:
            found.set("host", "from_xen", Found(version.text, captured(name), "running"))
            return
    if grub_xen:
        m = _XEN_IMAGE.search(grub_xen[0])
        if m:
            found.set("host", "from_xen", Found(m[1], grub_xen[1], f"boots {grub_xen[0]}"))
            return
    installed = [n for n in files.names("var/db/pkg/app-emulation")
                 if re.fullmatch(r"xen-\d.*", n)]
    if installed:
        name = max(installed, key=lambda n: version_of(n[4:]) or Version("0.0"))
        version = version_of(name[4:])
        if version:
            found.set("host", "from_xen", Found(version.text,
                                                f"var/db/pkg/app-emulation/{name}", "installed"))
            return
    status = files.text("var/lib/dpkg/status")
    if status:
        for block in status.split("\n\n"):
            package = re.search(r"^Package: (xen-hypervisor-\S+)", block, re.M)
            state = re.search(r"^Status: .* installed$", block, re.M)
            ver = re.search(r"^Version: (?:\d+:)?(\S+)", block, re.M)
            if package and state and ver and (version := version_of(ver[1])):
                found.set("host", "from_xen", Found(version.text, "var/lib/dpkg/status",
                                                    f"{package[1]} {ver[1]} installed"))
                return
    images = {n: Version(m[1]) for n in files.names("boot") if (m := _XEN_IMAGE.search(n))}
    if images:
        best = max(images, key=images.__getitem__)
        found.set("host", "from_xen", Found(images[best].text, f"boot/{best}",
                                            "the newest Xen image"))
        return
    found.comment("host", "no Xen found (no xl/xm info, Xen entry, package or image): "
                          "from_xen unset, a host that becomes a Xen host")


# -- kernel ------------------------------------------------------------

def read_kernel(files: HostFiles, found: Discovery,
                grub_dom0: tuple[str, str] | None) -> dict[str, str]:
    """[host] kernel, and the kernel configuration that goes with it
    ({option: value}, with "" naming where it was read)."""
    candidates: list[tuple[str, str, str]] = []  # (text, source, note)
    if files.exists(captured("uname-r")):
        candidates.append(((files.text(captured("uname-r")) or "").strip(),
                           captured("uname-r"), "running"))
    if files.exists("proc/version"):
        m = re.match(r"Linux version (\S+)", files.text("proc/version") or "")
        if m:
            candidates.append((m[1], "proc/version:1", "running"))
    if grub_dom0:
        m = re.search(r"vmlinu[xz]-(\S+)$", grub_dom0[0].split()[0])
        if m:
            candidates.append((m[1], grub_dom0[1], f"dom0 kernel {grub_dom0[0].split()[0]}"))
    link = files.root.readlink("usr/src/linux")
    if link:
        m = re.search(r"linux-(\S+?)/?$", link)
        if m:
            candidates.append((m[1], "usr/src/linux", f"-> {link}"))
    kernels = [n[8:] for n in files.names("boot") if n.startswith("vmlinuz-")]
    kernels.sort(key=lambda v: version_of(v) or Version("0.0"))
    if kernels:
        candidates.append((kernels[-1], f"boot/vmlinuz-{kernels[-1]}", "the newest kernel"))
    configs = _kernel_configs(files)
    release = None
    for text, source, note in candidates:
        version = version_of(text)
        if version:
            found.set("host", "kernel", Found(version.text, source, note))
            release = text
            break
    else:
        for rel, options in configs:
            version = version_of(options.get("#version", ""))
            if version:
                found.set("host", "kernel", Found(version.text, rel, "the kernel configuration "
                                                  "of a Xen dom0" if _dom0(options) else
                                                  "the newest kernel configuration"))
                return options
        found.todo("host", "kernel", "no running or installed kernel found: give the dom0 "
                   "kernel's version", None, value="TODO: version")
    if release:
        for rel, options in configs:
            if rel in ("proc/config.gz", f"boot/config-{release}"):
                return options
        for _, options in configs:
            if options.get("#version") == release:
                return options
    return configs[0][1] if configs else {}


_HEADER = re.compile(r"^# (?:Linux/\S+ |Linux kernel version: )(\S+)", re.M)


def _dom0(options: dict[str, str]) -> bool:
    return options.get("CONFIG_XEN_DOM0") == "y" or \
        options.get("CONFIG_XEN_PRIVILEGED_GUEST") == "y"


def _kernel_configs(files: HostFiles) -> list[tuple[str, dict[str, str]]]:
    """The kernel configurations of the host ({option: value}, with
    "#version" from the header and "" naming the file): the running
    kernel's first, then dom0 configurations, then the newest."""
    rels = [n for n in ("usr/src/linux/.config",) if files.exists(n)]
    rels += [f"boot/{n}" for n in files.names("boot") if n.startswith("config-")]
    rels += [f"etc/kernels/{n}" for n in files.names("etc/kernels")
             if files.root.kind(f"etc/kernels/{n}") == "file"]
    found: list[tuple[str, dict[str, str]]] = []
    if files.exists("proc/config.gz"):
        text = files.gzip_text("proc/config.gz")
        if text is not None:
            found.append(("proc/config.gz", _options(text, "proc/config.gz")))
    rest = []
    for rel in rels:
        text = files.text(rel)
        if text is not None and "CONFIG_" in text:
            rest.append((rel, _options(text, rel)))
    rest.sort(key=lambda item: (_dom0(item[1]), version_of(item[1].get("#version", ""))
                                or Version("0.0")), reverse=True)
    return found + rest


def _options(text: str, rel: str) -> dict[str, str]:
    options = dict(re.findall(r"^(CONFIG_\w+)=(\S+)", text, re.M))
    header = _HEADER.search(text[:2000])
    if header:
        options["#version"] = header[1]
    options[""] = rel
    return options


def read_storage(files: HostFiles, found: Discovery, config: dict[str, str]) -> None:
    drivers: dict[str, str] = {}
    if files.exists(captured("lspci-k")):
        device = ""
        for number, line in enumerate((files.text(captured("lspci-k")) or "").splitlines(), 1):
            if line and not line[0].isspace():
                device = line
            m = re.match(r"\s+Kernel driver in use:\s*(\S+)", line)
            if m and any(f" {cls}" in device for cls in _STORAGE_CLASSES):
                drivers.setdefault(m[1], at(captured("lspci-k"), number))
    if not drivers and files.exists("proc/modules"):
        for number, line in enumerate((files.text("proc/modules") or "").splitlines(), 1):
            name = line.split(" ", 1)[0]
            if name in DRIVERS:
                drivers.setdefault(name, at("proc/modules", number))
    note = ""
    if not drivers and config.get(""):
        kernel = version_of(str(found.get("host", "kernel") or "")) or Version("2.6")
        for module, driver in DRIVERS.items():
            symbol, _ = driver.symbol(kernel)
            if config.get(f"CONFIG_{symbol}") == "y":
                drivers.setdefault(module, config[""])
        note = "built into the kernel configuration (neither a gathered lspci -k nor " \
               "/proc/modules named one): keep the host's own controllers"
    if drivers:
        found.set("host", "storage", Found(sorted(drivers), ", ".join(dict.fromkeys(
            drivers.values())), note))
    else:
        found.comment("host", "storage: no storage driver found (gather lspci -k for it)")


# -- boot ----------------------------------------------------------------

@dataclass
class XenLine:
    """Xen's and dom0's command lines of the entry the host boots."""

    loader: str
    source: str
    image: str
    xen_args: list[str]
    dom0: str | None


def read_grub(files: HostFiles, found: Discovery) -> XenLine | None:
    from xenmig.hostfiles.grub import read_legacy_menu

    for rel in ("boot/grub/grub.conf", "boot/grub/menu.lst"):
        text = files.text(rel)
        if text is None:
            continue
        menu = read_legacy_menu(text)
        xen = [e for e in menu.entries if _XEN_KERNEL.search(e.commands.get("kernel") or "")]
        if not xen:
            continue
        default = menu.settings.get("default", "0")
        chosen = xen[0]
        if default.isdigit() and int(default) < len(menu.entries) \
                and menu.entries[int(default)] in xen:
            chosen = menu.entries[int(default)]
        kernel = chosen.commands["kernel"].split()
        source = f"{at(rel, chosen.line)} (entry {chosen.title!r})"
        return XenLine("grub-legacy", source, kernel[0], kernel[1:],
                       chosen.commands.get("module1"))
    if files.exists("etc/default/grub"):
        shell = files.shell("etc/default/grub")
        if shell is not None:
            args: list[str] = []
            lines = []
            for name in ("GRUB_CMDLINE_XEN", "GRUB_CMDLINE_XEN_DEFAULT"):
                value = shell.get(name)
                if value is None:
                    found.todo("boot", "xen_args", f"{name} is set by a statement xenmig does "
                               "not run", "etc/default/grub")
                elif value:
                    args += value.split()
                    lines.append(at("etc/default/grub", shell.lines.get(name)))
            return XenLine("grub2", ", ".join(lines) or "etc/default/grub", "", args, None)
    return None


def _size(value: str) -> str | None:
    """A Xen memory size as [boot] dom0_mem writes it (``1024M``); Xen's
    default unit is KiB."""
    m = _MEMORY.match(value)
    if not m:
        return None
    number, unit = int(m[1]), (m[2] or "k").lower()
    kib = number * {"k": 1, "m": 1024, "g": 1024 ** 2, "t": 1024 ** 3}[unit]
    if kib % 1024 or not kib:
        return None
    mib = kib // 1024
    return f"{mib // 1024}G" if unit in "gt" and mib % 1024 == 0 else f"{mib}M"


def read_boot(found: Discovery, line: XenLine | None) -> None:
    if line is None:
        found.comment("boot", "no Xen entry in GRUB legacy's grub.conf/menu.lst and no "
                              "/etc/default/grub: the boot settings are xenmig's defaults")
        return
    found.set("boot", "loader", Found(line.loader, line.source))
    extra: list[str] = []
    serial_ok = False
    for arg in line.xen_args:
        name, _, value = arg.partition("=")
        if name == "dom0_mem":
            parts = dict(p.partition(":")[::2] if ":" in p else ("", p) for p in value.split(","))
            size = _size(parts.get("", ""))
            if size and "min" not in parts and _size(parts.get("max", parts[""])) == size:
                found.set("boot", "dom0_mem", Found(size, line.source, f"Xen's {arg}"))
            else:
                found.todo("boot", "dom0_mem", f"Xen's {arg}: not a fixed size, which [boot] "
                           "dom0_mem is; choose the size", line.source)
        elif name == "dom0_max_vcpus":
            if value.isdigit() and int(value) > 0:
                found.set("boot", "dom0_max_vcpus", Found(int(value), line.source))
            else:
                found.todo("boot", "dom0_max_vcpus", f"Xen's {arg}: a range; choose a count",
                           line.source)
        elif arg in SERIAL_ARGS:
            serial_ok = True
        elif not _XEN_ARG.fullmatch(arg) or name in XEN_ARGS_FROM_SETTINGS:
            found.todo("boot", "xen_args", f"Xen's {arg!r} is not an option xenmig can "
                       "write; carry it by hand", line.source)
        else:
            extra.append(arg)
    consoles = [a for a in extra if a.startswith("console=")]
    if serial_ok and consoles and "com1" in consoles[0].split("=", 1)[1].split(","):
        extra = [a for a in extra if not a.startswith("console=")]
        if consoles[0] != "console=com1,vga":
            extra.append(consoles[0])
            found.todo("boot", "xen_args", f"Xen's {consoles[0]} and [boot] serial's "
                       "console=com1,vga would both be on the line; keep one", line.source)
        found.set("boot", "serial", Found(True, line.source, "com1=115200,8n1 console=com1"))
    else:
        if serial_ok:
            extra.insert(0, SERIAL_ARGS[0])
        found.set("boot", "serial", Found(False, line.source,
                                          "the old Xen line has no serial console of "
                                          "[boot] serial's form (true adds com1=115200,8n1 "
                                          "console=com1,vga)"))
    if extra:
        found.set("boot", "xen_args", Found(extra, line.source, "the rest of Xen's line"))
    if line.dom0:
        found.comment("boot", f"dom0's line on the old host ({line.source}): {line.dom0} "
                              "(apply reads it from the host's GRUB files)")


def read_xend_memory(files: HostFiles, found: Discovery, sxp: dict[str, object]) -> None:
    """xend's dom0-min-mem / enable-dom0-ballooning / dom0-cpus, and xl.conf's
    autoballoon, where the GRUB line fixed nothing."""
    from xenmig.hostfiles.sxp import SxpSetting

    rel = "etc/xen/xend-config.sxp"
    settings = {k: v for k, v in sxp.items() if isinstance(v, SxpSetting)}
    minimum = settings.get("dom0-min-mem")
    balloon = settings.get("enable-dom0-ballooning")
    if minimum and found.get("boot", "dom0_mem") is None and minimum.value.isdigit() \
            and int(minimum.value) > 0:
        where = at(rel, minimum.line)
        if balloon and balloon.value.lower() in ("no", "false", "0"):
            found.set("boot", "dom0_mem", Found(f"{int(minimum.value)}M", where,
                                                f"dom0-min-mem {minimum.value} with "
                                                f"enable-dom0-ballooning {balloon.value} "
                                                f"({at(rel, balloon.line)}): a fixed dom0"))
        else:
            found.todo("boot", "dom0_mem", f"xend ballooned dom0 down to no less than "
                       f"{minimum.value} MiB; today dom0 gets a fixed size (dom0_mem, "
                       f"autoballoon off): e.g. \"{int(minimum.value)}M\"", where)
    cpus = settings.get("dom0-cpus")
    if cpus and cpus.value.isdigit() and int(cpus.value) > 0 \
            and found.get("boot", "dom0_max_vcpus") is None:
        found.set("boot", "dom0_max_vcpus", Found(int(cpus.value), at(rel, cpus.line),
                                                  "xend's dom0-cpus"))
