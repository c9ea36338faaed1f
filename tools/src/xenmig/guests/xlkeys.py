"""The keys of an xl domain configuration (xl.cfg(5)) and the values each
takes, so that nothing xl understands is dropped and a typo is an error.

Sources: the key list and each key's value syntax are those of xl.cfg(5)
of Xen 4.17 (the "=item B<key=VALUE>" entries of docs/man/xl.cfg.5.pod.in,
as Debian's xen-utils-4.17 ships it: /usr/share/man/man5/xl.cfg.5.gz), plus
the keys libxl's parser (tools/xl/xl_parse.c) reads without documenting
them (``display``, ``xauthority``: SDL settings of HVM guests) or only
warns about (``device_model``).  ``virtio`` is xl.cfg(5)'s since Xen 4.18.
tests/guests/test_xlkeys.py checks the table against the installed man
page and the xl binary.

libxl's parser (libxlu) has two kinds of value: an atom (a quoted string or
a number: ``xlu_cfg_get_long`` reads a quoted "512" as well) and a list.
What a key takes is given as the forms below; a boolean is a number
(0 false, anything else true).
"""

from __future__ import annotations

from dataclasses import dataclass

STR, NUM, BOOL, LIST = "string", "number", "boolean", "list"


@dataclass(frozen=True)
class XlKey:
    name: str
    forms: tuple[str, ...]
    # The first Xen series whose xl reads the key (xenmig targets 4.19/4.20;
    # its oldest check is 4.17's xl).
    since: str = "4.17"
    # What replaces a key xl still reads but deprecates, or ignores.
    instead: str | None = None


def _keys(forms: tuple[str, ...], names: str, **extra: str) -> list[XlKey]:
    return [XlKey(name, forms, **extra) for name in names.split()]


_TABLE: list[XlKey] = [
    # Mandatory, guest type, CPU, memory, NUMA, event actions.
    *_keys((STR,), "name type pool uuid seclabel init_seclabel"),
    XlKey("builder", (STR,), instead="type"),
    *_keys((NUM,), "vcpus maxvcpus cpu_weight cap memory maxmem"),
    *_keys((STR, LIST), "cpus cpus_soft"),
    *_keys((LIST,), "vnuma"),
    *_keys((STR,), "on_poweroff on_reboot on_watchdog on_crash on_soft_reset"),
    # Direct and firmware boot.
    *_keys((STR,), "kernel ramdisk cmdline root extra firmware bootloader"),
    XlKey("bootloader_args", (LIST, STR)),
    XlKey("pvshim", (BOOL,)),
    *_keys((STR,), "pvshim_path pvshim_cmdline pvshim_extra"),
    # Other general options.
    *_keys((NUM,), "max_grant_frames max_maptrack_frames max_grant_version vmtrace_buf_kb "
                   "max_event_channels rdm_mem_boundary"),
    *_keys((BOOL,), "nomigrate driver_domain xend_suspend_evtchn_compat vpmu e820_host "
                    "pci_permissive pci_msitranslate pci_seize pci_power_mgmt dm_restrict "
                    "msr_relaxed"),
    *_keys((STR,), "device_tree passthrough rdm device_model_user tee gic_version vuart"),
    # Devices.
    *_keys((LIST,), "disk vif vtpm p9 pvcalls vfb channel usbctrl usbdev pci dtdev ioports "
                    "iomem irqs vdispl vsnd vkb mca_caps"),
    XlKey("virtio", (LIST,), since="4.18"),
    XlKey("gfx_passthru", (BOOL, STR)),
    # HVM and PVH.
    *_keys((STR,), "boot hdtype bios bios_path_override altp2m acpi_firmware smbios_firmware "
                   "ms_vm_genid vga vnclisten vncpasswd keymap spicehost spicepasswd "
                   "spice_image_compression spice_streaming_video soundhw vendor_device "
                   "device_model_version device_model_override stubdomain_kernel "
                   "stubdomain_cmdline stubdomain_ramdisk device_model_stubdomain_seclabel "
                   "display xauthority"),
    *_keys((BOOL,), "hap oos pae acpi acpi_s3 acpi_s4 acpi_laptop_slate apic nx hpet altp2mhvm "
                    "nestedhvm localtime vpt_align xen_platform_pci stdvga vnc vncunused sdl "
                    "opengl nographic spice spicedisable_ticketing spiceagent_mouse "
                    "spicevdagent spice_clipboard_sharing vkb_device usb "
                    "device_model_stubdomain_override"),
    *_keys((NUM,), "shadow_memory rtc_timeoffset mmio_hole videoram vncdisplay spiceport "
                   "spicetls_port spiceusbredirection usbversion stubdomain_memory"),
    *_keys((STR, NUM), "tsc_mode timer_mode"),
    *_keys((STR, LIST), "cpuid serial usbdevice"),
    XlKey("viridian", (BOOL, LIST)),
    *_keys((LIST,), "device_model_args device_model_args_pv device_model_args_hvm"),
    # Read by xl only to warn that it is ignored (an xm key).
    XlKey("device_model", (STR,), instead="device_model_override"),
]

XL_KEYS: dict[str, XlKey] = {key.name: key for key in _TABLE}
assert len(XL_KEYS) == len(_TABLE), "a key twice in the xl key table"

# The keys of a vif specification (xl-network-configuration(5), Xen 4.17).
VIF_KEYS = ("mac", "bridge", "gatewaydev", "type", "model", "vifname", "script", "ip",
            "backend", "rate", "devid", "mtu")

XlValue = str | int | list["XlValue"]


def series_keys(series: str) -> dict[str, XlKey]:
    """The keys xl of Xen ``series`` ("4.19") reads."""
    def number(version: str) -> tuple[int, ...]:
        return tuple(int(p) for p in version.split("."))
    return {n: k for n, k in XL_KEYS.items() if number(k.since) <= number(series)}


def value_form(value: object) -> str | None:
    """The xl form of a value: a string, a number (a bool is one) or a list."""
    if isinstance(value, bool | int):
        return NUM
    if isinstance(value, str):
        return STR
    if isinstance(value, list | tuple):
        return LIST
    return None


def check_value(key: XlKey, value: object) -> str | None:
    """Why ``value`` is not one ``key`` takes (None: it is)."""
    form = value_form(value)
    if form is None:
        return f"{type(value).__name__} is no xl value"
    wanted = {NUM if f == BOOL else f for f in key.forms}
    if isinstance(value, int) and not isinstance(value, bool) and value < 0 \
            and key.name != "rtc_timeoffset":
        return f"{value}: a negative number"
    if form not in wanted:
        if form == NUM and STR in wanted:
            return None  # xl reads a number where it wants a string (name = 5)
        if form == STR and NUM in wanted and isinstance(value, str) and _numeric(value):
            return None  # xl reads a quoted number: memory = "512"
        return f"takes {' or '.join(key.forms)}, not {form}"
    if isinstance(value, list | tuple):
        for item in value:
            if value_form(item) is None:
                return f"{type(item).__name__} in a list is no xl value"
    return None


def _numeric(text: str) -> bool:
    try:
        int(text, 0)
    except ValueError:
        return False
    return True


# Keys of other tools (xm, libvirt habits) and the xl key they mean.
_ALIASES = {"initrd": "ramdisk", "bootargs": "bootloader_args", "cpu_cap": "cap",
            "cpu_weight_": "cpu_weight", "vcpu_avail": "vcpus", "vncport": "vncdisplay"}


def suggest(name: str, series: str = "4.20") -> str:
    """ ' (did you mean X?)' for a misspelt or foreign key, else ''."""
    import difflib

    if name in _ALIASES:
        return f" (did you mean {_ALIASES[name]}?)"
    close = difflib.get_close_matches(name, series_keys(series), n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""
