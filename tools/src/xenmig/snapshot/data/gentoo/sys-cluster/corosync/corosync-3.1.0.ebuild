# Metadata replica of ::gentoo's sys-cluster/corosync-3.1.0, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: linux-info autotools
# Distributed under the terms of the GNU General Public License v2

EAPI=7

DESCRIPTION="OSI Certified implementation of a complete cluster engine"
HOMEPAGE="http://www.corosync.org/"
LICENSE="BSD-2 public-domain"
SLOT="0"
KEYWORDS="amd64 ~arm ~arm64 ~hppa ppc ppc64 x86"
IUSE="augeas dbus doc snmp systemd watchdog xml kernel_linux"
BDEPEND="virtual/pkgconfig"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
