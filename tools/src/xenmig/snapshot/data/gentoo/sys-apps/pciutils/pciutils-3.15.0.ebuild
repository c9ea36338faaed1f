# Metadata replica of ::gentoo's sys-apps/pciutils-3.15.0, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: toolchain-funcs multilib-minimal flag-o-matic
#   verify-sig
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Various utilities dealing with the PCI bus"
HOMEPAGE="https://mj.ucw.cz/sw/pciutils/ https://git.kernel.org/?p=utils/pciutils/pciutils.git"
LICENSE="GPL-2"
SLOT="0"
KEYWORDS="~alpha ~amd64 arm ~arm64 ~hppa ~loong ~m68k ~mips ~ppc ~ppc64 ~riscv ~s390 ~sparc ~x86"
IUSE="dns +kmod static-libs +udev zlib abi_x86_32 abi_x86_64 abi_x86_x32 abi_mips_n32 abi_mips_n64 abi_mips_o32 abi_s390_32 abi_s390_64 verify-sig"
REQUIRED_USE="static-libs? ( !udev )"
BDEPEND="kmod? ( virtual/pkgconfig )"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
