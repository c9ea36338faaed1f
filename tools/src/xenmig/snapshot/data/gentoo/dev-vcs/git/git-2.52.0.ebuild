# Metadata replica of ::gentoo's dev-vcs/git-2.52.0, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: flag-o-matic toolchain-funcs perl-module shell-
#   completion optfeature plocale python-single-r1 rust systemd meson
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Stupid content tracker: distributed VCS designed for speed and efficiency"
HOMEPAGE="https://www.git-scm.com/"
LICENSE="GPL-2"
SLOT="0"
KEYWORDS="~alpha amd64 arm arm64 ~hppa ~loong ~m68k ~mips ppc ppc64 ~riscv ~s390 ~sparc x86 ~arm64-macos ~x64-macos ~x64-solaris"
IUSE="+curl cgi cvs doc keyring +gpg highlight +iconv +nls +pcre perforce +perl rust +safe-directory selinux subversion test tk +webdav xinetd python_single_target_python3_12 python_single_target_python3_13 python_single_target_python3_14"
REQUIRED_USE="cgi? ( perl ) cvs? ( perl ) perforce? ( ^^ ( python_single_target_python3_12 python_single_target_python3_13 python_single_target_python3_14 ) ) subversion? ( perl ) webdav? ( curl )"
RESTRICT="!test? ( test )"
RDEPEND="perl? ( dev-lang/perl:=[-build(-)] ) perforce? ( python_single_target_python3_12? ( dev-lang/python:3.12 ) python_single_target_python3_13? ( dev-lang/python:3.13 ) python_single_target_python3_14? ( dev-lang/python:3.14 ) )"
DEPEND="perl? ( dev-lang/perl:=[-build(-)] )"
BDEPEND="keyring? ( virtual/pkgconfig ) test? ( dev-lang/perl ) virtual/pkgconfig"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
