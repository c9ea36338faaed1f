# Metadata replica of ::gentoo's sys-firmware/ipxe-1.21.1_p20230601-r1, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: savedconfig secureboot toolchain-funcs
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Open source network boot (PXE) firmware"
HOMEPAGE="https://ipxe.org/"
LICENSE="GPL-2"
SLOT="0"
KEYWORDS="~alpha amd64 ~arm arm64 ~hppa ~loong ~mips ~ppc ppc64 ~riscv x86"
IUSE="+binary uefi32 uefi64 ipv6 iso lkrn +qemu undi usb vmware savedconfig secureboot"
REQUIRED_USE="!amd64? ( !x86? ( binary ) )"
BDEPEND="!binary? ( amd64? ( dev-lang/perl ) x86? ( dev-lang/perl ) )"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
