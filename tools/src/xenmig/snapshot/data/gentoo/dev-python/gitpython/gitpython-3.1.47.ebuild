# Metadata replica of ::gentoo's dev-python/gitpython-3.1.47, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: distutils-r1 pypi
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Library used to interact with Git repositories"
HOMEPAGE="https://github.com/gitpython-developers/GitPython/ https://pypi.org/project/GitPython/"
LICENSE="BSD"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~mips ppc ppc64 ~riscv ~s390 ~sparc x86"
IUSE="test python_targets_python3_11 python_targets_python3_12 python_targets_python3_13 python_targets_python3_14"
REQUIRED_USE="|| ( python_targets_python3_11 python_targets_python3_12 python_targets_python3_13 python_targets_python3_14 )"
RESTRICT="!test? ( test )"
RDEPEND="dev-vcs/git python_targets_python3_11? ( dev-lang/python:3.11[threads(+)] ) python_targets_python3_12? ( dev-lang/python:3.12[threads(+)] ) python_targets_python3_13? ( dev-lang/python:3.13[threads(+)] ) python_targets_python3_14? ( dev-lang/python:3.14[threads(+)] )"
BDEPEND="test? ( dev-vcs/git ) python_targets_python3_11? ( dev-lang/python:3.11[threads(+)] ) python_targets_python3_12? ( dev-lang/python:3.12[threads(+)] ) python_targets_python3_13? ( dev-lang/python:3.13[threads(+)] ) python_targets_python3_14? ( dev-lang/python:3.14[threads(+)] ) >=dev-python/gpep517-16[python_targets_python3_11(-)?,python_targets_python3_12(-)?,python_targets_python3_13(-)?,python_targets_python3_14(-)?] >=dev-python/setuptools-78.1.0[python_targets_python3_11(-)?,python_targets_python3_12(-)?,python_targets_python3_13(-)?,python_targets_python3_14(-)?]"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
