# Metadata replica of ::gentoo's sys-cluster/resource-agents-4.15.1, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: autotools tmpfiles
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Resources pack for Heartbeat / Pacemaker"
HOMEPAGE="http://www.linux-ha.org/wiki/Resource_Agents"
LICENSE="GPL-2"
SLOT="0"
KEYWORDS="~amd64 ~hppa x86"
IUSE="doc libnet rgmanager systemd"
RDEPEND="sys-apps/iproute2"
DEPEND="sys-apps/iproute2"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
