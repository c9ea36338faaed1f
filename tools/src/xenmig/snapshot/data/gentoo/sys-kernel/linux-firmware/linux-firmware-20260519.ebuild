# Metadata replica of ::gentoo's sys-kernel/linux-firmware-20260519, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: dist-kernel-utils eapi9-ver linux-info mount-
#   boot savedconfig
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Linux firmware files"
HOMEPAGE="https://git.kernel.org/?p=linux/kernel/git/firmware/linux-firmware.git"
LICENSE="GPL-2 GPL-2+ GPL-3 BSD MIT || ( MPL-1.1 GPL-2 ) redistributable? ( linux-fw-redistributable BSD-2 BSD BSD-4 ISC MIT ) unknown-license? ( all-rights-reserved )"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 ~sparc x86"
IUSE="bindist compress-xz compress-zstd deduplicate dist-kernel +initramfs +redistributable unknown-license savedconfig"
REQUIRED_USE="initramfs? ( redistributable ) ?? ( compress-xz compress-zstd ) savedconfig? ( !deduplicate )"
RESTRICT="binchecks strip test !bindist? ( bindist ) unknown-license? ( bindist )"
RDEPEND="dist-kernel? ( virtual/dist-kernel initramfs? ( app-alternatives/cpio ) )"
BDEPEND="initramfs? ( app-alternatives/cpio )"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
