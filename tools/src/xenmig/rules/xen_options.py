"""Xen's own command-line options: a name of ``[boot] xen_args`` that Xen
does not know is ignored at boot with only a line in its log ("parameter
... unknown"), so an option carried over from an old host, or misspelt,
would be lost silently.

The names are the ``### name`` entries of docs/misc/xen-command-line.pandoc
(xen-project/xen at 011d20a69cf4, the Xen 4.19 development series).  A
boolean option may also be given as ``no-NAME``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from xenmig.findings import Finding, Level
from xenmig.rules.context import Context

XEN_OPTIONS = frozenset("""
acpi acpi_apic_instance acpi_pstate_strict acpi_skip_timer_override acpi_sleep allow_unsafe
altp2m apic apicv apic_verbosity arat argo asid async-show-all ats availmem badpage bootscrub
bootscrub_chunk cet clocksource cmci-threshold cmos-rtc-probe com1 com2 conring_size console
console_timestamps console_to_ring conswitch core_parking cpu_type cpufreq cpuid cpuid_mask_cpu
cpuid_mask_ecx cpuid_mask_edx cpuid_mask_ext_ecx cpuid_mask_ext_edx cpuid_mask_l7s0_eax
cpuid_mask_l7s0_ebx cpuid_mask_thermal_ecx cpuid_mask_xsave_eax cpuidle cpuinfo crash-debug-
debugkey crash-debug-hwdom crash-debug-kexeccmd crash-debug-panic crash-debug-watchdog
crashinfo_maxaddr crashkernel credit2_balance_over credit2_balance_under credit2_cap_period_ms
credit2_load_precision_shift credit2_load_window_shift credit2_runqueue dbgp debug_stack_lines
debugtrace dit dma_bits dom0 dom0-cpuid dom0-iommu dom0_ioports_disable dom0_max_vcpus dom0_mem
dom0_nodes dom0_vcpus_pin dtuart e820-mtrr-clip e820-verbose edd edid efi ept extra_guest_irqs
ext_regions flask font force-ept gdb gnttab gnttab_max_frames gnttab_max_maptrack_frames global-
pages guest_loglvl hap hap_1gb hap_2mb hardware_dom hest_disable highmem-start hmp-unsafe hpet
hpetbroadcast hvm_debug hvm_fep hvm_port80 idle_latency_factor ioapic_ack iommu
iommu_dev_iotlb_timeout iommu_inclusive_mapping irq_ratelimit irq_vector_map ivmd ivrs_hpet
ivrs_ioapic lapic lapic_timer_c2_ok ler loglvl low_crashinfo low_mem_virq_limit maxcpus
max_cstate max_gsi_irqs max_lpi_bits mce mce_fb mce_verbosity mem memop-max-order mmcfg mmio-
relax msi mtrr.show mwait-idle nmi noapic invpcid noirqbalance nolapic no-real-mode noreboot
nosmp nr_irqs irq-max-guests numa pci pci-phantom pci-passthrough pcid pku ple_gap ple_window
preferred-cstates psr pv pv-linear-pt pv-l1tf pv-shim rcu-idle-timer-period-ms reboot rmrr ro-
hpet sched sched_credit2_max_cpus_runqueue sched_credit2_migrate_resist sched_credit_tslice_ms
sched-gran sched_ratelimit_us sched_smt_power_savings scrub-domheap serial_tx_buffer serrors
shim_mem smap smep smt snb_igd_quirk spec-ctrl sync_console tboot tbuf_size tdt tevt_mask
tickle_one_idle_cpu timer_slop tsc tsx ucode unrestricted_guest vcpu_migration_delay vesa-ram
vga viridian-spinlock-retry-count viridian-version vm-notify-window vpid vpmu vwfi watchdog
watchdog_timeout x2apic x2apic_phys xenheap_megabytes xpti xsave xsm
""".split())  # noqa: SIM905 (a list to read, not to edit)


@dataclass(frozen=True)
class XenOptionUnknown(Finding):
    """An option of ``[boot] xen_args`` that is not one of Xen's documented
    command-line options (xen-command-line(7)): Xen ignores it at boot,
    saying so only in its log.  Check the name (an option of an older Xen
    may be gone or renamed)."""

    level = Level.WARNING

    option: str
    suggestion: str | None

    def describe(self) -> str:
        hint = f" (did you mean {self.suggestion}?)" if self.suggestion else ""
        return f"{self.option}: not an option of Xen's command line{hint}; Xen ignores it"

    def location(self) -> tuple[str | None, str | None]:
        return None, "[boot] xen_args"


def known(name: str) -> bool:
    """Whether Xen reads option ``name`` (a boolean also as ``no-NAME``)."""
    return name in XEN_OPTIONS or (name.startswith("no-") and name[3:] in XEN_OPTIONS)


def check_options(ctx: Context) -> Iterator[Finding]:
    for arg in ctx.spec.boot.xen_args:
        name = arg.split("=", 1)[0]
        if not known(name):
            import difflib  # only for a name Xen does not know

            close = difflib.get_close_matches(name, XEN_OPTIONS, n=1, cutoff=0.75)
            yield XenOptionUnknown(ctx.scope, name, close[0] if close else None)


# The findings this module yields (its rules are checked against it as they run).
FINDINGS: tuple[type[Finding], ...] = (
    XenOptionUnknown,
)
