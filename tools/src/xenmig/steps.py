"""``xenmig plan``: the ordered migration steps of a host.

A host that can be migrated in place gets the in-place steps; a host with
error findings (32-bit, a 2.6 kernel) is reinstalled as amd64: xenmig
derives the new host's spec from the old one (:func:`reinstall_spec`),
evaluates it as well and plans the reinstall around it.  Every step names
the findings it acts on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from xenmig.cluster.bootstrap import bootstrap
from xenmig.cluster.membership import Membership
from xenmig.findings import Finding, Level
from xenmig.guests.console import inittab_line
from xenmig.host import Assessment
from xenmig.kernel import check as kernel_check
from xenmig.rules import arch, boot, guests, keywords, ssp, udev, upgrade, use, xen_series
from xenmig.rules import cluster as cluster_rules
from xenmig.rules.context import DOM0_PROFILES
from xenmig.spec import HostSpec, Version
from xenmig.spec.dump import dump

# The dom0 kernel series of a reinstalled host: the overlay's xen-sources
# and the stable dist-kernel series.
REINSTALL_KERNEL = Version("6.12")
REINSTALL_CHOST = "x86_64-pc-linux-gnu"
# Compiler flags that only make sense on 32-bit x86 (dropped on amd64):
# -mno-tls-direct-seg-refs was the Xen 3 advice for 32-bit PV (TLS segment
# trapping); -march values of 32-bit CPUs are replaced by the x86-64 baseline.
_X86_ONLY_FLAGS = ("-mno-tls-direct-seg-refs", "-m32")


@dataclass(frozen=True)
class Step:
    title: str
    commands: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class HostPlan:
    host: str
    mode: str  # "in-place" | "reinstall"
    steps: tuple[Step, ...]
    reinstall_spec: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "host": self.host, "mode": self.mode,
            "steps": [s.as_json() for s in self.steps],
            "reinstall_spec": self.reinstall_spec,
        }


def _amd64_cflags(cflags: str | None) -> str | None:
    if cflags is None:
        return None
    kept = []
    for flag in cflags.split():
        if flag in _X86_ONLY_FLAGS:
            continue
        if flag.startswith(("-march=", "-mtune=")) and flag.split("=", 1)[1] != "native":
            flag = flag.split("=", 1)[0] + "=x86-64"
        kept.append(flag)
    return " ".join(kept)


KERNEL_NOTE = (
    "gentoo-kernel merges the rendered /etc/kernel/config.d/90-xenmig-dom0.config; with "
    "xen-sources, merge /etc/xenmig/kernel/dom0.config with scripts/kconfig/merge_config.sh"
)


def reinstall_spec(spec: HostSpec) -> HostSpec:
    """The amd64 host that replaces ``spec``'s host (same name, guests,
    bridges, storage and Xen arguments; a current kernel, GRUB 2; no
    in-place upgrade state)."""
    host = dataclasses.replace(
        spec.host, arch="amd64", kernel=REINSTALL_KERNEL, from_xen=None
    )
    portage = dataclasses.replace(
        spec.portage,
        cflags=_amd64_cflags(spec.portage.cflags),
        cxxflags=_amd64_cflags(spec.portage.cxxflags),
        chost=REINSTALL_CHOST if spec.portage.chost else None,
    )
    # A fresh install boots with GRUB 2: GRUB legacy (sys-boot/grub:0) is
    # gone from ::gentoo; the Xen and dom0 arguments go to /etc/default/grub.
    boot = dataclasses.replace(spec.boot, loader="grub2") \
        if spec.boot.loader == "grub-legacy" else spec.boot
    path = spec.path.with_name(f"{spec.path.stem}-amd64{spec.path.suffix}")
    return dataclasses.replace(spec, path=path, host=host, portage=portage, boot=boot)


def _names(findings: list[Finding], *classes: type[Finding]) -> tuple[str, ...]:
    """Names of ``findings`` (only those of ``classes`` when given)."""
    wanted = {c.__name__ for c in classes} if classes else None
    return tuple(dict.fromkeys(
        f.name for f in findings if wanted is None or f.name in wanted
    ))


def in_place_steps(assessment: Assessment) -> list[Step]:
    spec = assessment.spec
    findings = assessment.findings
    ssp_first = _names(findings, ssp.GlibcFiltersSspItself)
    collision = _names(findings, upgrade.CollisionProtectScoped)
    udev_pin = _names(findings, udev.UdevPinned)
    steps = [
        Step(
            "Add the xen-migration repository and select its dom0 profile",
            ("eselect repository add xen-migration git "
             "https://github.com/xen-migration/xen-migration.git",
             "emaint sync --repo xen-migration",
             f"eselect profile set {DOM0_PROFILES['amd64']}"),
        ),
        Step(
            "Review, then apply the portage configuration",
            (f"xenmig apply {spec.path} --root / --dry-run --diff",
             f"xenmig apply {spec.path} --root /"),
            _names([f for f in findings if f.level is not Level.ERROR]),
        ),
    ]
    if ssp_first:
        steps.append(Step(
            "Rebuild the packages that must not use stack protection first",
            (" ".join(
                ["emerge --oneshot", *dict.fromkeys(("sys-libs/glibc", *spec.portage.no_ssp))]
            ),),
            ssp_first,
        ))
    steps.append(Step(
        "Update the system and install the Xen stack",
        ("emerge --ask --update --deep --newuse @world",
         "emerge --ask app-emulation/xen-migration-meta"),
        _names(findings, keywords.TestingKeywordNeeded, xen_series.XenSeriesPinned,
               udev.UdevPinned, upgrade.CollisionProtectScoped),
    ))
    legacy = spec.boot.loader == "grub-legacy"
    steps.append(Step(
        "Build the dom0 kernel and add a GRUB entry for Xen, keeping a non-Xen fallback",
        (f"xenmig kernel check /usr/src/linux/.config --spec {spec.path}",
         *(() if legacy else ("grub-mkconfig -o /boot/grub/grub.cfg",))),
        _names(findings, kernel_check.StorageDriverUnknown, boot.GrubLegacyDefault,
               boot.GrubLegacyUnread, boot.XenEfi),
        note=KERNEL_NOTE,
    ))
    steps.append(Step("Reboot into Xen and check the host", ("xl info", "xl list")))
    found = assessment.clusters
    clustered = {g.name for m in found for g in m.cluster.guests if g.home == spec.name}
    own = [d for d in spec.domu if d.name not in clustered]
    if own:
        gettys = [d.name for d in own if d.type != "hvm" and inittab_line(d.os)]
        steps.append(Step(
            "Start the guests (xendomains starts the ones linked in /etc/xen/auto at boot)",
            tuple(f"xl create /etc/xen/{d.name}.cfg" for d in own),
            _names(findings, guests.PvhGrubImage, guests.GuestNicChanged,
                   guests.GuestFirmwareChanged, guests.GuestDeviceModelChanged,
                   guests.GuestSettingOverridden),
            f"inside {', '.join(gettys)}, add the line of /etc/xenmig/guests/<name>/inittab "
            "to its /etc/inittab (sysvinit guests) so that xl console gets a login"
            if gettys else "",
        ))
    for membership in found:
        steps.append(_cluster_step(membership, findings))
    if collision:
        steps.append(Step(
            "Re-enable collision protection for the Xen packages",
            (f"xenmig apply {spec.path} --root /",),
            collision,
            f"first remove from_xen from {spec.path}",
        ))
    if udev_pin:
        steps.append(Step(
            "After the dom0 kernel upgrade, drop the udev pin",
            (f"xenmig apply {spec.path} --root /",),
            udev_pin,
            f"first set the new version as [host] kernel in {spec.path}",
        ))
    return steps


def _cluster_step(membership: Membership, findings: list[Finding]) -> Step:
    """The bootstrap of a cluster the host is a member of (``xenmig
    cluster plan``), once for the whole cluster, in a maintenance window."""
    cluster = membership.cluster
    commands = tuple(command for step in bootstrap(cluster, membership.specs)
                     for command in step.commands)
    return Step(
        f"Bootstrap cluster {cluster.name} ({', '.join(cluster.members)}) once, in a "
        "maintenance window, after every member runs Xen with its rendered files: DRBD's first "
        "sync, Corosync and Pacemaker, the CIB; Pacemaker then starts "
        f"{', '.join(g.name for g in cluster.guests) or 'its guests'}",
        commands,
        _names(findings, *cluster_rules.FINDINGS),
        f"each command runs on the member it names; xenmig cluster plan {cluster.path} "
        "prints them with their reasons",
    )


def reinstall_steps(old: Assessment, new: Assessment) -> list[Step]:
    new_spec = new.spec
    blocking = _names([f for f in old.findings if f.level is Level.ERROR])
    storage = ", ".join(old.spec.host.storage) or "the host's storage controllers"
    return [
        Step(
            "Write the spec of the reinstalled amd64 host",
            (f"xenmig check {new_spec.path}",),
            blocking,
            f"the host cannot be migrated in place; write {new_spec.path} as shown below "
            "and review -march and the kernel",
        ),
        Step(
            "Render the new host's portage configuration",
            (f"xenmig render {new_spec.path} --out rendered/",),
            _names(new.findings),
        ),
        Step(
            "Install Gentoo amd64 (stage3) on the replacement system, with the rendered "
            "/etc/portage, the xen-migration repository and profile",
            ("eselect repository add xen-migration git "
             "https://github.com/xen-migration/xen-migration.git",
             f"eselect profile set {DOM0_PROFILES['amd64']}",
             "emerge --ask app-emulation/xen-migration-meta"),
            _names(old.findings, arch.Dom0Is32Bit, arch.UserlandNotAmd64),
        ),
        Step(
            f"Build the dom0 kernel (>= {REINSTALL_KERNEL}) with the drivers for {storage}, "
            "and boot Xen from GRUB 2 with a non-Xen fallback entry",
            (f"xenmig kernel check /usr/src/linux/.config --spec {new_spec.path}",),
            _names(old.findings, udev.KernelTooOldForGlibc, udev.NoUdevForKernel),
            KERNEL_NOTE,
        ),
        Step(
            "Convert the guests: xm configuration to xl, 32-bit PV guests need PAE kernels",
            findings=_names(new.findings, use.FlagReplaced),
        ),
        Step(
            "Cut over guest by guest: pre-copy its disks while it runs, shut it down on the "
            "old host, final sync, xl create on the new host, verify; keep the old host "
            "until every guest runs",
            tuple(f"xenmig move {d.name} --from {old.spec.path} --to {new_spec.path} --run"
                  for d in old.spec.domu),
            note="without --run, xenmig move prints the steps and their undo; run it again "
                 "to resume, --rollback --run starts the guest on the old host again",
        ),
    ]


def plan_host(old: Assessment, reinstalled: Assessment | None) -> HostPlan:
    if reinstalled is None:
        return HostPlan(old.spec.name, "in-place", tuple(in_place_steps(old)))
    return HostPlan(
        old.spec.name, "reinstall", tuple(reinstall_steps(old, reinstalled)),
        dump(reinstalled.spec),
    )


def format_plan(plan: HostPlan) -> str:
    lines = [f"== {plan.host}: {plan.mode}"]
    for number, step in enumerate(plan.steps, 1):
        lines.append(f"{number}. {step.title}")
        lines += [f"     $ {command}" for command in step.commands]
        if step.note:
            lines.append(f"     ({step.note})")
        if step.findings:
            lines.append(f"     findings: {', '.join(step.findings)}")
    if plan.reinstall_spec:
        lines.append("reinstall spec:")
        lines += [f"  {line}" if line else "" for line in plan.reinstall_spec.splitlines()]
    return "\n".join(lines)

