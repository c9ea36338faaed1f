# Metadata replica of ::gentoo's dev-libs/tree-sitter-0.25.10, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: optfeature toolchain-funcs
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Tree-sitter is a parser generator tool and an incremental parsing library"
HOMEPAGE="https://github.com/tree-sitter/tree-sitter"
LICENSE="MIT"
SLOT="0/0.25.10"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~mips ~ppc ~ppc64 ~riscv ~s390 ~sparc x86 ~x64-macos"
RESTRICT="test"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
