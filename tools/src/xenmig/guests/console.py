"""The console a guest's kernel needs, by the era of the guest's kernel.

The original migration's guests stayed silent in ``xl console`` until their
kernel was told where the Xen console is, and a getty was started there:

* a current (pvops) kernel has the Xen console as ``hvc0``: ``console=hvc0``,
  and a getty on hvc0 inside the guest (systemd starts one for the console
  by itself; sysvinit needs an inittab line);
* a XenLinux-era (2.6.18-xen) Gentoo guest: ``xencons=tty console=tty1``
  puts the Xen console on tty1, where the guest's getty already runs;
* a ClearOS/CentOS 5-era guest: ``xencons=ttyS`` puts it on ttyS0, and
  the guest needs ``s0:12345:respawn:/sbin/mingetty ttyS0`` in its
  /etc/inittab.
"""

from __future__ import annotations

OSES = {
    "modern": "a current Linux kernel (pvops): console=hvc0 and xvd* disks",
    "xenlinux": "a XenLinux-era (2.6.18-xen) Gentoo guest: xencons=tty console=tty1",
    "clearos": "a ClearOS/CentOS 5-era guest: xencons=ttyS and a getty on ttyS0",
}
CLEAROS_INITTAB = "s0:12345:respawn:/sbin/mingetty ttyS0"
# sysvinit's agetty on the Xen console (hvc ignores the speed; agetty wants one).
HVC0_INITTAB = "h0:12345:respawn:/sbin/agetty -L 115200 hvc0 vt100"
_ARGS = {
    "modern": ("console=hvc0",),
    "xenlinux": ("xencons=tty", "console=tty1"),
    "clearos": ("xencons=ttyS",),
}


def console_args(os_name: str) -> tuple[str, ...]:
    """The kernel arguments that put a PV guest's console where xl console
    reads it."""
    return _ARGS[os_name]


def is_console_arg(arg: str) -> bool:
    return arg.startswith(("xencons=", "console="))


def inittab_line(os_name: str) -> str | None:
    """The line the guest's /etc/inittab needs for a getty on its Xen
    console (None: the guest's own gettys already cover it)."""
    return {"modern": HVC0_INITTAB, "clearos": CLEAROS_INITTAB}.get(os_name)
