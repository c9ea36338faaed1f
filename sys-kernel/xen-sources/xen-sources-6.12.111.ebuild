# Copyright 2026 xen-migration authors
# Distributed under the terms of the GNU General Public License v2

EAPI=8

ETYPE="sources"
K_WANT_GENPATCHES="base extras experimental"
K_GENPATCHES_VER="123"

inherit kernel-2
detect_version
detect_arch

DESCRIPTION="Linux ${KV_MAJOR}.${KV_MINOR} with genpatches and Xen dom0/domU config fragments"
HOMEPAGE="https://github.com/xen-migration/xen-migration"
SRC_URI="${KERNEL_URI} ${GENPATCHES_URI} ${ARCH_URI}"

KEYWORDS="~amd64"
IUSE="experimental"

# Adds kernel/configs/xen-dom0.config and xen-domu.config, so that
# "make defconfig xen-dom0.config" configures a dom0 kernel.
UNIPATCH_LIST="${FILESDIR}/${PN}-6.12-xen-config-fragments.patch"

pkg_postinst() {
	kernel-2_pkg_postinst
	elog "Configure a Xen host kernel with:"
	elog "  make defconfig xen-dom0.config   (or: make xen-domu.config for guests)"
	elog "xenmig kernel fragment writes the same options for a host spec."
}
