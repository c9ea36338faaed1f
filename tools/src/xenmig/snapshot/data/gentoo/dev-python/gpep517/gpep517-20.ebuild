# Metadata replica of ::gentoo's dev-python/gpep517-20, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: distutils-r1
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="A backend script to aid installing Python packages in Gentoo"
HOMEPAGE="https://pypi.org/project/gpep517/ https://github.com/gentoo/gpep517/"
LICENSE="GPL-2+"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 ~sparc x86 ~arm64-macos ~x64-macos ~x64-solaris"
IUSE="test python_targets_python3_12 python_targets_python3_13 python_targets_python3_14t python_targets_python3_14 python_targets_python3_15t python_targets_python3_15"
REQUIRED_USE="|| ( python_targets_python3_12 python_targets_python3_13 python_targets_python3_14t python_targets_python3_14 python_targets_python3_15t python_targets_python3_15 )"
RESTRICT="!test? ( test )"
RDEPEND="python_targets_python3_12? ( dev-lang/python:3.12 ) python_targets_python3_13? ( dev-lang/python:3.13 ) python_targets_python3_14t? ( dev-lang/python:3.14t ) python_targets_python3_14? ( dev-lang/python:3.14 ) python_targets_python3_15t? ( dev-lang/python:3.15t ) python_targets_python3_15? ( dev-lang/python:3.15 )"
DEPEND="python_targets_python3_12? ( dev-lang/python:3.12 ) python_targets_python3_13? ( dev-lang/python:3.13 ) python_targets_python3_14t? ( dev-lang/python:3.14t ) python_targets_python3_14? ( dev-lang/python:3.14 ) python_targets_python3_15t? ( dev-lang/python:3.15t ) python_targets_python3_15? ( dev-lang/python:3.15 )"
BDEPEND="python_targets_python3_12? ( dev-lang/python:3.12 ) python_targets_python3_13? ( dev-lang/python:3.13 ) python_targets_python3_14t? ( dev-lang/python:3.14t ) python_targets_python3_14? ( dev-lang/python:3.14 ) python_targets_python3_15t? ( dev-lang/python:3.15t ) python_targets_python3_15? ( dev-lang/python:3.15 )"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
