# Metadata replica of ::gentoo's virtual/pkgconfig-3, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: none
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Virtual for the pkg-config implementation"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 ~sparc x86 ~amd64-linux ~x86-linux ~arm64-macos ~x64-macos ~x64-solaris"
IUSE="+native-symlinks"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
