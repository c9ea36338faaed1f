# Metadata replica of ::gentoo's dev-python/setuptools-80.9.0, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: distutils-r1 pypi
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Collection of extensions to Distutils"
HOMEPAGE="https://github.com/pypa/setuptools/ https://pypi.org/project/setuptools/"
LICENSE="MIT"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 sparc x86 ~arm64-macos ~x64-macos ~x64-solaris"
IUSE="test python_targets_pypy3_11 python_targets_python3_13t python_targets_python3_14t python_targets_python3_11 python_targets_python3_12 python_targets_python3_13 python_targets_python3_14"
REQUIRED_USE="|| ( python_targets_pypy3_11 python_targets_python3_13t python_targets_python3_14t python_targets_python3_11 python_targets_python3_12 python_targets_python3_13 python_targets_python3_14 )"
RESTRICT="!test? ( test )"
RDEPEND="python_targets_python3_13t? ( dev-lang/python:3.13t[xml(+)] ) python_targets_python3_14t? ( dev-lang/python:3.14t[xml(+)] ) python_targets_python3_11? ( dev-lang/python:3.11[xml(+)] ) python_targets_python3_12? ( dev-lang/python:3.12[xml(+)] ) python_targets_python3_13? ( dev-lang/python:3.13[xml(+)] ) python_targets_python3_14? ( dev-lang/python:3.14[xml(+)] )"
BDEPEND="python_targets_python3_13t? ( dev-lang/python:3.13t[xml(+)] ) python_targets_python3_14t? ( dev-lang/python:3.14t[xml(+)] ) python_targets_python3_11? ( dev-lang/python:3.11[xml(+)] ) python_targets_python3_12? ( dev-lang/python:3.12[xml(+)] ) python_targets_python3_13? ( dev-lang/python:3.13[xml(+)] ) python_targets_python3_14? ( dev-lang/python:3.14[xml(+)] ) >=dev-python/gpep517-16[python_targets_pypy3_11(-)?,python_targets_python3_13t(-)?,python_targets_python3_14t(-)?,python_targets_python3_11(-)?,python_targets_python3_12(-)?,python_targets_python3_13(-)?,python_targets_python3_14(-)?]"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
