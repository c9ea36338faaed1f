# Metadata replica of ::gentoo's sys-kernel/gentoo-sources-6.12.112, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: check-reqs kernel-2
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Full sources including the Gentoo patchset for the 6.12 kernel tree"
HOMEPAGE="https://dev.gentoo.org/~mpagano/genpatches"
LICENSE="GPL-2"
SLOT="6.12.112"
KEYWORDS="~alpha ~amd64 ~arm ~arm64 ~hppa ~loong ~m68k ~mips ~ppc ~ppc64 ~riscv ~s390 ~sparc ~x86"
IUSE="experimental symlink build vanilla"
RESTRICT="binchecks strip"
RDEPEND="!build? ( app-alternatives/cpio dev-lang/perl app-alternatives/bc dev-build/make sys-devel/bison sys-devel/flex sys-libs/binutils-libs >=sys-libs/ncurses-5.2 virtual/libelf virtual/pkgconfig )"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
