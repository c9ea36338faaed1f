# Metadata replica of ::gentoo's net-misc/netifrc-0.7.8, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: systemd udev
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Gentoo Network Interface Management Scripts"
HOMEPAGE="https://wiki.gentoo.org/wiki/Project:Netifrc"
LICENSE="BSD-2 GPL-2"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~ia64 ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 sparc x86"
IUSE="+dhcp"
RDEPEND=">=sys-apps/openrc-0.15"
BDEPEND="kernel_linux? ( virtual/pkgconfig ) virtual/pkgconfig virtual/pkgconfig"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
