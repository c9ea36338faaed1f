# Copyright 2026 xen-migration authors
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Meta-package for a Gentoo Xen dom0 migrated with xen-migration"
HOMEPAGE="https://github.com/xen-migration/xen-migration"
S="${WORKDIR}"

LICENSE="metapackage"
SLOT="0"
KEYWORDS="~amd64"
IUSE="+flask old-lts-kernel +pygrub"

# The USE flags of the original migration (Xen 3.2, 2010), as they exist today:
# - flask: still a flag of app-emulation/xen; it builds the hypervisor with
#   CONFIG_XSM=y, which selects the FLASK security module.
# - xsm: gone as a flag; its job is done by flask (above).
# - pygrub: now on app-emulation/xen-tools, where REQUIRED_USE needs python.
# - pae: gone; the hypervisor is 64-bit only (app-emulation/xen is -x86), and
#   PAE is a kernel option of 32-bit guests, handled by the kernel tools.
#
# old-lts-kernel: systemd 260 raised its minimum kernel to 5.10 (260 NEWS:
# "baseline 5.4 -> 5.10"); 258 and 259 need 5.4.  systemd-utils-259 is
# therefore the last udev provider for a dom0 that must stay on 5.4-5.9.
RDEPEND="
	app-emulation/xen[flask?]
	app-emulation/xen-tools
	app-emulation/xen-migration-tools
	net-misc/bridge-utils
	net-misc/netifrc
	sys-apps/iproute2
	|| (
		virtual/dist-kernel
		sys-kernel/xen-sources
	)
	old-lts-kernel? ( <sys-apps/systemd-utils-260[udev] )
	pygrub? ( app-emulation/xen-tools[pygrub,python] )
"
