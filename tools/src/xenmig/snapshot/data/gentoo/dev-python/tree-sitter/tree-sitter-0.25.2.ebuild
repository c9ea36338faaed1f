# Metadata replica of ::gentoo's dev-python/tree-sitter-0.25.2, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: distutils-r1
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Python bindings to the Tree-sitter parsing library"
HOMEPAGE="https://github.com/tree-sitter/py-tree-sitter/ https://pypi.org/project/tree-sitter/"
LICENSE="MIT"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~mips ppc ppc64 ~riscv ~s390 ~sparc x86"
IUSE="test python_targets_python3_12 python_targets_python3_13 python_targets_python3_14 debug"
REQUIRED_USE="|| ( python_targets_python3_12 python_targets_python3_13 python_targets_python3_14 )"
RESTRICT="!test? ( test )"
RDEPEND="=dev-libs/tree-sitter-0.25*:= python_targets_python3_12? ( dev-python/setuptools[python_targets_python3_12(-)?,python_targets_python3_13(-)?] ) python_targets_python3_13? ( dev-python/setuptools[python_targets_python3_12(-)?,python_targets_python3_13(-)?] ) python_targets_python3_12? ( dev-lang/python:3.12 ) python_targets_python3_13? ( dev-lang/python:3.13 ) python_targets_python3_14? ( dev-lang/python:3.14 )"
DEPEND="=dev-libs/tree-sitter-0.25*:= python_targets_python3_12? ( dev-lang/python:3.12 ) python_targets_python3_13? ( dev-lang/python:3.13 ) python_targets_python3_14? ( dev-lang/python:3.14 )"
BDEPEND="test? ( =dev-libs/tree-sitter-0.25*:= python_targets_python3_12? ( dev-python/setuptools[python_targets_python3_12(-)?,python_targets_python3_13(-)?] ) python_targets_python3_13? ( dev-python/setuptools[python_targets_python3_12(-)?,python_targets_python3_13(-)?] ) ) python_targets_python3_12? ( dev-lang/python:3.12 ) python_targets_python3_13? ( dev-lang/python:3.13 ) python_targets_python3_14? ( dev-lang/python:3.14 ) >=dev-python/gpep517-16[python_targets_python3_12(-)?,python_targets_python3_13(-)?,python_targets_python3_14(-)?] dev-python/setuptools[python_targets_python3_12(-)?,python_targets_python3_13(-)?,python_targets_python3_14(-)?]"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
