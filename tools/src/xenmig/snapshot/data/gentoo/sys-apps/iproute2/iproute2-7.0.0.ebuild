# Metadata replica of ::gentoo's sys-apps/iproute2-7.0.0, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: dot-a edo toolchain-funcs flag-o-matic
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="kernel routing and traffic control utilities"
HOMEPAGE="https://wiki.linuxfoundation.org/networking/iproute2"
LICENSE="GPL-2"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 ~sparc x86"
IUSE="atm berkdb bpf caps elf +iptables minimal nfs selinux"
RESTRICT="test"
RDEPEND="elf? ( virtual/libelf:= )"
DEPEND="elf? ( virtual/libelf:= )"
BDEPEND=">=sys-devel/bison-2.4 virtual/pkgconfig"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
