# Metadata replica of ::gentoo's sys-devel/bison-3.8.2-r3, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: flag-o-matic multiprocessing verify-sig
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="A general-purpose (yacc-compatible) parser generator"
HOMEPAGE="https://www.gnu.org/software/bison/"
LICENSE="GPL-3+"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 ~sparc x86 ~amd64-linux ~x86-linux ~arm64-macos ~x64-macos ~x64-solaris"
IUSE="examples nls static test verify-sig"
RESTRICT="!test? ( test )"
BDEPEND="test? ( dev-lang/perl )"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
