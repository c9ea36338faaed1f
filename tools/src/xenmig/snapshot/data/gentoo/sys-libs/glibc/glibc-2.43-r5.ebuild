# Metadata replica of ::gentoo's sys-libs/glibc-2.43-r5, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: python-any-r1 prefix preserve-libs toolchain-
#   funcs flag-o-matic gnuconfig multilib systemd multiprocessing tmpfiles
#   eapi9-ver verify-sig
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="GNU libc C library"
HOMEPAGE="https://www.gnu.org/software/libc/"
LICENSE="LGPL-2.1+ BSD HPND ISC inner-net rc PCRE"
SLOT="2.2"
IUSE="audit caps cet clang compile-locales custom-cflags doc gd hash-sysv-compat headers-only +multiarch multilib multilib-bootstrap nscd perl profile selinux sframe +ssp stack-realign +static-libs suid systemd systemtap test vanilla verify-sig"
RESTRICT="!test? ( test )"
RDEPEND="perl? ( dev-lang/perl )"
BDEPEND="|| ( dev-lang/python:3.14 dev-lang/python:3.13 dev-lang/python:3.12 ) sys-devel/bison doc? ( dev-lang/perl ) test? ( dev-lang/perl ) virtual/pkgconfig"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
