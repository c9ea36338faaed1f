# Metadata replica of ::gentoo's sys-apps/portage-3.0.81.2, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: meson linux-info python-r1 tmpfiles
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="The package management and distribution system for Gentoo"
HOMEPAGE="https://wiki.gentoo.org/wiki/Project:Portage"
LICENSE="GPL-2"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 ~sparc x86"
IUSE="apidoc build doc gentoo-dev +ipc +native-extensions +rsync-verify selinux test xattr python_targets_python3_12 python_targets_python3_13 python_targets_python3_14 python_targets_python3_15"
REQUIRED_USE="|| ( python_targets_python3_12 python_targets_python3_13 python_targets_python3_14 python_targets_python3_15 )"
RESTRICT="!test? ( test )"
RDEPEND="python_targets_python3_12? ( dev-lang/python:3.12[bzip2(+),threads(+)] ) python_targets_python3_13? ( dev-lang/python:3.13[bzip2(+),threads(+)] ) python_targets_python3_14? ( dev-lang/python:3.14[bzip2(+),threads(+)] ) python_targets_python3_15? ( dev-lang/python:3.15[bzip2(+),threads(+)] )"
BDEPEND="python_targets_python3_12? ( dev-lang/python:3.12[bzip2(+),threads(+)] ) python_targets_python3_13? ( dev-lang/python:3.13[bzip2(+),threads(+)] ) python_targets_python3_14? ( dev-lang/python:3.14[bzip2(+),threads(+)] ) python_targets_python3_15? ( dev-lang/python:3.15[bzip2(+),threads(+)] ) !build? ( python_targets_python3_12? ( dev-lang/python:3.12[ssl(+)] ) python_targets_python3_13? ( dev-lang/python:3.13[ssl(+)] ) python_targets_python3_14? ( dev-lang/python:3.14[ssl(+)] ) python_targets_python3_15? ( dev-lang/python:3.15[ssl(+)] ) ) test? ( dev-vcs/git )"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
