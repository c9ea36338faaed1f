# Metadata replica of ::gentoo's app-alternatives/cpio-0, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: app-alternatives
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="CPIO symlink"
HOMEPAGE="https://wiki.gentoo.org/wiki/Project:Base/Alternatives"
LICENSE="CC0-1.0"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 ~sparc x86 ~amd64-linux ~x86-linux ~arm64-macos ~x64-macos ~x64-solaris"
IUSE="split-usr +gnu libarchive"
REQUIRED_USE="^^ ( gnu libarchive )"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
