# Metadata replica of ::gentoo's sys-libs/ncurses-6.5_p20250802, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: flag-o-matic toolchain-funcs multilib multilib-
#   minimal preserve-libs usr-ldscript verify-sig
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Console display library"
HOMEPAGE="https://www.gnu.org/software/ncurses/ https://invisible-island.net/ncurses/"
LICENSE="MIT"
SLOT="0/6"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 ~sparc x86 ~amd64-linux ~x86-linux ~arm64-macos ~x64-macos ~x64-solaris"
IUSE="ada +cxx debug doc gpm minimal profile split-usr +stack-realign static-libs test tinfo trace abi_x86_32 abi_x86_64 abi_x86_x32 abi_mips_n32 abi_mips_n64 abi_mips_o32 abi_s390_32 abi_s390_64 split-usr verify-sig"
RESTRICT="!test? ( test ) test"
RDEPEND="!<=sys-libs/ncurses-5.9-r4:5"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
