# Metadata replica of ::gentoo's dev-lang/python-3.12.13_p1, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: autotools check-reqs flag-o-matic
#   multiprocessing pax-utils python-utils-r1 toolchain-funcs verify-sig
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="An interpreted, interactive, object-oriented programming language"
HOMEPAGE="https://www.python.org/ https://github.com/python/cpython/"
LICENSE="PSF-2"
SLOT="3.12"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 ~sparc x86"
IUSE="bluetooth debug +ensurepip examples gdbm libedit +ncurses pgo +readline +sqlite +ssl test tk valgrind verify-sig"
RESTRICT="!test? ( test )"
RDEPEND="ncurses? ( >=sys-libs/ncurses-5.2:= )"
DEPEND="ncurses? ( >=sys-libs/ncurses-5.2:= )"
BDEPEND="virtual/pkgconfig"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
