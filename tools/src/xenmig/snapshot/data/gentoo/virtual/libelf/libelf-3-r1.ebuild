# Metadata replica of ::gentoo's virtual/libelf-3-r1, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: multilib-build
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Virtual for libelf.so.1 provider dev-libs/elfutils"
SLOT="0/1"
KEYWORDS="~alpha amd64 arm arm64 hppa ~ia64 ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 sparc x86 ~amd64-linux ~x86-linux"
IUSE="abi_x86_32 abi_x86_64 abi_x86_x32 abi_mips_n32 abi_mips_n64 abi_mips_o32 abi_s390_32 abi_s390_64"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
