# Metadata replica of ::gentoo's dev-build/make-4.4.1-r100, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: flag-o-matic unpacker verify-sig guile-single
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Standard tool to compile source trees"
HOMEPAGE="https://www.gnu.org/software/make/make.html"
LICENSE="GPL-3+"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 ~sparc x86 ~amd64-linux ~x86-linux ~arm64-macos ~x64-macos ~x64-solaris"
IUSE="doc guile nls static test verify-sig guile_single_target_2-2 guile_single_target_3-0"
REQUIRED_USE="guile? ( ^^ ( guile_single_target_2-2 guile_single_target_3-0 ) )"
RESTRICT="!test? ( test )"
BDEPEND="test? ( dev-lang/perl ) virtual/pkgconfig"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
