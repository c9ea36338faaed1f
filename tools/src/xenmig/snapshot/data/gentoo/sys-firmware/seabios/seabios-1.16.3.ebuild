# Metadata replica of ::gentoo's sys-firmware/seabios-1.16.3, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: toolchain-funcs python-any-r1
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Open Source implementation of a 16-bit x86 BIOS"
HOMEPAGE="https://www.seabios.org/"
LICENSE="LGPL-3 GPL-3"
SLOT="0"
KEYWORDS="~alpha amd64 arm64 ~loong ~m68k ~mips ppc ppc64 x86"
IUSE="debug +seavgabios"
BDEPEND="|| ( dev-lang/python:3.13 dev-lang/python:3.12 )"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
