# Metadata replica of ::gentoo's sys-apps/openrc-0.64.1, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: branding eapi9-ver meson pam
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="OpenRC manages the services, startup and shutdown of a host"
HOMEPAGE="https://github.com/openrc/openrc/"
LICENSE="BSD-2"
SLOT="0"
KEYWORDS="~alpha ~amd64 ~arm ~arm64 ~hppa ~loong ~m68k ~mips ~ppc ~ppc64 ~riscv ~s390 ~sparc ~x86"
IUSE="audit bash debug pam newnet +netifrc selinux s6 +sysvinit sysv-utils unicode"
PDEPEND="netifrc? ( net-misc/netifrc )"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
