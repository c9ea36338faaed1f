# Metadata replica of ::gentoo's sys-cluster/drbd-utils-9.27.0, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: autotools bash-completion-r1 flag-o-matic linux-
#   info tmpfiles udev
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="mirror/replicate block-devices across a network-connection"
HOMEPAGE="https://www.linbit.com/drbd"
LICENSE="GPL-2"
SLOT="0"
KEYWORDS="~amd64 ~x86"
IUSE="pacemaker +udev xen"
RDEPEND="udev? ( virtual/udev )"
DEPEND="udev? ( virtual/udev )"
BDEPEND="virtual/pkgconfig"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
