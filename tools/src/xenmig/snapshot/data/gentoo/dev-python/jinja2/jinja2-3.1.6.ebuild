# Metadata replica of ::gentoo's dev-python/jinja2-3.1.6, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: distutils-r1 pypi
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="A full-featured template engine for Python"
HOMEPAGE="https://palletsprojects.com/p/jinja/ https://github.com/pallets/jinja/ https://pypi.org/project/Jinja2/"
LICENSE="BSD"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 ~sparc x86 ~x64-macos ~x64-solaris"
IUSE="doc test python_targets_python3_12 python_targets_python3_13 python_targets_python3_14 python_targets_python3_15 verify-provenance"
REQUIRED_USE="|| ( python_targets_python3_12 python_targets_python3_13 python_targets_python3_14 python_targets_python3_15 )"
RESTRICT="!test? ( test )"
RDEPEND="python_targets_python3_12? ( dev-lang/python:3.12[threads(+)] ) python_targets_python3_13? ( dev-lang/python:3.13[threads(+)] ) python_targets_python3_14? ( dev-lang/python:3.14[threads(+)] ) python_targets_python3_15? ( dev-lang/python:3.15[threads(+)] )"
BDEPEND="doc? ( || ( ( dev-lang/python:3.15[threads(+)] ) ( dev-lang/python:3.14[threads(+)] ) ( dev-lang/python:3.13[threads(+)] ) ( dev-lang/python:3.12[threads(+)] ) ) ) python_targets_python3_12? ( dev-lang/python:3.12[threads(+)] ) python_targets_python3_13? ( dev-lang/python:3.13[threads(+)] ) python_targets_python3_14? ( dev-lang/python:3.14[threads(+)] ) python_targets_python3_15? ( dev-lang/python:3.15[threads(+)] ) >=dev-python/gpep517-16[python_targets_python3_12(-)?,python_targets_python3_13(-)?,python_targets_python3_14(-)?,python_targets_python3_15(-)?]"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
