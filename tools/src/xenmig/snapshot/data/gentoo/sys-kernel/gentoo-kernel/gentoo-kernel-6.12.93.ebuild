# Metadata replica of ::gentoo's sys-kernel/gentoo-kernel-6.12.93, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: kernel-build toolchain-funcs verify-sig
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Linux kernel built with Gentoo patches"
HOMEPAGE="https://wiki.gentoo.org/wiki/Project:Distribution_Kernel https://www.kernel.org/"
LICENSE="GPL-2 generic-uki? ( GPL-2+ LGPL-2.1+ || ( BSD GPL-2 ) LGPL-2.1 || ( GPL-2 BSD ) GPL-2 GPL-3 GPL-3+ LGPL-2.1 LGPL-2 || ( BSD GPL-2 ) LGPL-2.1 GPL-3 GPL-3+ BSD BSD LGPL-2.1+ || ( Apache-2.0 CC0-1.0 ) BZIP2 LGPL-2.1+ public-domain BSD BSD-2 GPL-2 || ( BSD GPL-3 HIDAPI ) || ( AFL-2.1 GPL-2 ) MIT MIT || ( MPL-2.0 GPL-2 LGPL-2.1 ) GPL-2+ LGPL-2 LGPL-2.1 BSD-2 GPL-2 GPL-3+ GPL-3+ LGPL-2.1 GPL-2+ BSD-2 BSD curl ISC LGPL-2 CC0-1.0 GPL-2 LGPL-2.1 GPL-2+ GPL-2 BSD GPL-2 BSD LGPL-2.1 GPL-2 GPL-2 LGPL-2.1 MIT GPL-2 GPL-3 LGPL-2.1 BSD-4 MIT public-domain x86? ( intel-ucode ) GPL-2 LGPL-2.1 public-domain GPL-2 LGPL-2.1 MIT public-domain ZLIB amd64? ( intel-ucode ) MIT GPL-2+ GPL-2 GPL-3 LGPL-2.1 LGPL-2.1 GPL-2 MIT LGPL-2.1 || ( GPL-2+ LGPL-3+ ) GPL-3+ unicode GPL-2 GPL-2 GPL-2+ LGPL-2.1+ GPL-2+ LGPL-2+ LGPL-2.1+ LGPL-2.1+ OPENLDAP GPL-2 GPL-2 GPL-2 BSD BSD-2 BSD-4 LGPL-2.1+ GPL-2 GPL-2 GPL-3+ GPL-3 BSD-2 LGPL-2.1+ BSD HPND ISC inner-net rc PCRE BSD public-domain LGPL-2.1+ GPL-2+ CC0-1.0 BSD-with-attribution LGPL-2.1+ MIT CC-BY-3.0 MIT GPL-2 LGPL-2.1+ LGPL-2.1 GPL-2+ LGPL-2.1+ GPL-3+ LGPL-3+ || ( GPL-3+ libgcc libstdc++ gcc-runtime-library-exception-3.1 ) FDL-1.3+ || ( LGPL-3+ GPL-2+ ) || ( FDL-1.2 GPL-3+ ) GPL-3+ Apache-2.0 BSD GPL-2 GPL-2 GPL-2 GPL-2+ GPL-3 BSD MIT || ( MPL-1.1 GPL-2 ) linux-fw-redistributable BSD-2 BSD BSD-4 ISC MIT || ( GPL-3 BSD-2 ) GPL-3+ LGPL-2.1 LGPL-2.1+ LGPL-2.1 MIT BSD ISC MIT GPL-3+ GPL-2 LGPL-2.1+ MIT LGPL-2.1 CC0-1.0 MIT ISC GPL-2 )"
SLOT="6.12.93"
KEYWORDS="amd64 ~arm arm64 ~hppa ~loong ppc ppc64 ~riscv ~sparc x86"
IUSE="debug hardened savedconfig secureboot +initramfs test generic-uki modules-compress +strip modules-sign verify-sig"
REQUIRED_USE="arm? ( savedconfig ) hppa? ( savedconfig ) sparc? ( savedconfig ) secureboot? ( modules-sign )"
RESTRICT="!test? ( test ) test? ( userpriv ) arm? ( test )"
RDEPEND="virtual/libelf"
BDEPEND="test? ( amd64? ( app-emulation/qemu[qemu_softmmu_targets_x86_64] ) arm64? ( app-emulation/qemu[qemu_softmmu_targets_aarch64] ) ppc? ( app-emulation/qemu[qemu_softmmu_targets_ppc] ) ppc64? ( app-emulation/qemu[qemu_softmmu_targets_ppc64] ) sparc? ( app-emulation/qemu[qemu_softmmu_targets_sparc,qemu_softmmu_targets_sparc64] ) x86? ( app-emulation/qemu[qemu_softmmu_targets_i386] ) ) || ( dev-lang/python:3.14 dev-lang/python:3.13 dev-lang/python:3.12 ) app-alternatives/cpio app-alternatives/bc dev-lang/perl sys-devel/bison sys-devel/flex virtual/libelf generic-uki? ( sys-libs/ncurses sys-libs/glibc sys-apps/iproute2 sys-kernel/linux-firmware[redistributable,-unknown-license] )"
PDEPEND=">=virtual/dist-kernel-6.12.93"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
