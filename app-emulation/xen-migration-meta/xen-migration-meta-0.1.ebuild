# Copyright 2026 xen-migration authors
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Meta-package for a Gentoo Xen dom0 migrated with xen-migration"
HOMEPAGE="https://github.com/xen-migration/xen-migration"
S="${WORKDIR}"

LICENSE="metapackage"
SLOT="0"
KEYWORDS="~amd64"
IUSE="cluster +flask old-lts-kernel +pygrub remus"

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
#
# remus: what Xen's remus-netbuf-setup script runs for xl remus's network
# buffering: nl-qdisc-add from libnl's utilities, tc (iproute2, above) and
# ifconfig (net-tools).  xen-tools 4.20 links libnl:3 itself, so its libxl
# has netbuf (and COLO) built in.
#
# cluster: the Corosync/DRBD/resource-agents part of a Pacemaker cluster
# (xenmig cluster render): what ::gentoo carries.  sys-cluster/pacemaker
# itself is not in ::gentoo (and with it drbd-utils' USE=pacemaker, whose
# ocf:linbit:drbd agent the generated CIB uses, cannot be satisfied), nor
# are fence-agents: "xenmig cluster check" reports that and what to do.
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
	cluster? ( sys-cluster/corosync sys-cluster/drbd-utils sys-cluster/resource-agents )
	old-lts-kernel? ( <sys-apps/systemd-utils-260[udev] )
	pygrub? ( app-emulation/xen-tools[pygrub,python] )
	remus? ( dev-libs/libnl:3[utils] sys-apps/net-tools )
"
