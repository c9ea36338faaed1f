# Metadata replica of ::gentoo's net-misc/bridge-utils-1.7.1-r1, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: autotools linux-info toolchain-funcs
# Distributed under the terms of the GNU General Public License v2

EAPI=7

DESCRIPTION="Tools for configuring the Linux kernel 802.1d Ethernet Bridge"
HOMEPAGE="https://bridge.sourceforge.net/"
LICENSE="GPL-2+"
SLOT="0"
KEYWORDS="amd64 arm arm64 ~hppa ~ia64 ~mips ppc ppc64 ~riscv sparc x86"
IUSE="selinux"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
