# Copyright 2026 xen-migration authors
# Distributed under the terms of the GNU General Public License v2

# @ECLASS: kernel-2.eclass
# @MAINTAINER:
# xen-migration project <xen-migration@example.org>
# @SUPPORTED_EAPIS: 8
# @BLURB: TEST DOUBLE of ::gentoo's kernel-2 for offline tests
# @DESCRIPTION:
# A test double, not ::gentoo's eclass: it implements only what
# sys-kernel/xen-sources uses, for ETYPE=sources with genpatches.
# detect_version/detect_arch set KV_*, KV_FULL, S, KERNEL_URI and
# GENPATCHES_URI with the distfile names and mirrors that ::gentoo's
# gentoo-sources metadata shows (linux-X.Y.tar.xz from kernel.org,
# genpatches-X.Y-N.{base,extras,experimental}.tar.xz); src_unpack unpacks
# the kernel, applies the genpatches and UNIPATCH_LIST, src_install copies
# the tree to /usr/src.  Sets IUSE="symlink build", SLOT=${PVR}, RESTRICT
# and the RDEPEND on the kernel build tools like the real eclass: the set
# ::gentoo's kernel-2 gives for ETYPE=sources in late 2026, as the md5-cache
# of sys-kernel/gentoo-sources-6.12.112 shows it.

case ${EAPI} in
	8) ;;
	*) die "${ECLASS}: EAPI ${EAPI:-0} not supported" ;;
esac

if [[ -z ${_KERNEL_2_ECLASS} ]]; then
_KERNEL_2_ECLASS=1

[[ ${ETYPE} == sources ]] || die "${ECLASS}: the double only supports ETYPE=sources"

HOMEPAGE="https://www.kernel.org/ https://wiki.gentoo.org/wiki/Kernel ${HOMEPAGE}"
LICENSE="GPL-2"
SLOT="${PVR}"
IUSE="symlink build"
RESTRICT="binchecks strip"
RDEPEND="!build? (
	app-alternatives/cpio
	dev-lang/perl
	app-alternatives/bc
	dev-build/make
	sys-devel/bison
	sys-devel/flex
	sys-libs/binutils-libs
	>=sys-libs/ncurses-5.2
	virtual/libelf
	virtual/pkgconfig
)"

# @ECLASS_VARIABLE: K_WANT_GENPATCHES
# @DESCRIPTION:
# Genpatches sets to apply: any of "base extras experimental".

# @ECLASS_VARIABLE: K_GENPATCHES_VER
# @DESCRIPTION:
# Version of the genpatches tarballs.

# @ECLASS_VARIABLE: UNIPATCH_LIST
# @DESCRIPTION:
# Further patches applied after the genpatches.

# @FUNCTION: detect_version
# @DESCRIPTION:
# Set KV_MAJOR, KV_MINOR, KV_PATCH, KV_FULL, S, KERNEL_URI, GENPATCHES_URI.
detect_version() {
	[[ -n ${KV_FULL} ]] && return 0
	KV_MAJOR=$(ver_cut 1)
	KV_MINOR=$(ver_cut 2)
	KV_PATCH=$(ver_cut 3)
	KV_FULL="${KV_MAJOR}.${KV_MINOR}.${KV_PATCH}-${PN%%-*}"
	[[ ${PR} != r0 ]] && KV_FULL+="-${PR}"
	S="${WORKDIR}/linux-${KV_FULL}"
	KERNEL_URI="https://www.kernel.org/pub/linux/kernel/v${KV_MAJOR}.x/linux-${KV_MAJOR}.${KV_MINOR}.tar.xz"
	GENPATCHES_URI=""
	local set tarball uris
	for set in ${K_WANT_GENPATCHES}; do
		tarball="genpatches-${KV_MAJOR}.${KV_MINOR}-${K_GENPATCHES_VER}.${set}.tar.xz"
		uris="https://distfiles.gentoo.org/pub/proj/kernel/genpatches/${tarball}"
		uris+=" https://dev.gentoo.org/~alicef/dist/genpatches/${tarball}"
		uris+=" https://dev.gentoo.org/~mpagano/dist/genpatches/${tarball}"
		if [[ ${set} == experimental ]]; then
			GENPATCHES_URI+=" experimental? ( ${uris} )"
		else
			GENPATCHES_URI+=" ${uris}"
		fi
	done
}

# @FUNCTION: detect_arch
# @DESCRIPTION:
# Set ARCH_URI (no arch-specific patches in the double).
detect_arch() {
	ARCH_URI=""
}

# @FUNCTION: kernel-2_src_unpack
# @DESCRIPTION:
# Unpack the kernel tree, apply genpatches and UNIPATCH_LIST, set EXTRAVERSION.
kernel-2_src_unpack() {
	unpack "linux-${KV_MAJOR}.${KV_MINOR}.tar.xz"
	mv "${WORKDIR}/linux-${KV_MAJOR}.${KV_MINOR}" "${S}" || die
	local set patch
	for set in ${K_WANT_GENPATCHES}; do
		[[ ${set} == experimental ]] && ! use experimental && continue
		mkdir -p "${T}/genpatches-${set}" || die
		tar -xf "${DISTDIR}/genpatches-${KV_MAJOR}.${KV_MINOR}-${K_GENPATCHES_VER}.${set}.tar.xz" \
			-C "${T}/genpatches-${set}" || die
		for patch in "${T}/genpatches-${set}"/*/[0-9]*.patch; do
			[[ -e ${patch} ]] || continue
			patch -d "${S}" -p1 -s < "${patch}" || die "${patch##*/} failed"
		done
	done
	for patch in ${UNIPATCH_LIST}; do
		patch -d "${S}" -p1 -s < "${patch}" || die "${patch##*/} failed"
	done
	sed -i -e "s:^\(EXTRAVERSION =\).*:\1 -${KV_FULL#*-}:" "${S}/Makefile" || die
}

# @FUNCTION: kernel-2_src_compile
# @DESCRIPTION:
# Nothing to compile for sources.
kernel-2_src_compile() {
	:
}

# @FUNCTION: kernel-2_src_install
# @DESCRIPTION:
# Install the tree to /usr/src/linux-${KV_FULL}.
kernel-2_src_install() {
	dodir /usr/src
	mv "${S}" "${ED}/usr/src/" || die
}

# @FUNCTION: kernel-2_pkg_postinst
# @DESCRIPTION:
# Point /usr/src/linux at the new tree where asked or where it is missing.
kernel-2_pkg_postinst() {
	if use symlink || [[ ! -e ${EROOT}/usr/src/linux ]]; then
		ln -snf "linux-${KV_FULL}" "${EROOT}/usr/src/linux" || die
	fi
}

fi

EXPORT_FUNCTIONS src_unpack src_compile src_install pkg_postinst
