# Metadata replica of ::gentoo's app-emulation/xen-4.19.3, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: flag-o-matic mount-boot python-any-r1 secureboot
#   toolchain-funcs
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="The Xen virtual machine monitor"
HOMEPAGE="https://xenproject.org"
LICENSE="GPL-2"
SLOT="0"
KEYWORDS="amd64 ~arm -x86"
IUSE="+boot-symlinks debug uefi flask secureboot"
REQUIRED_USE="arm? ( debug )"
RESTRICT="test splitdebug strip"
DEPEND="|| ( dev-lang/python:3.13 dev-lang/python:3.12 )"
PDEPEND="~app-emulation/xen-tools-4.19.3"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
