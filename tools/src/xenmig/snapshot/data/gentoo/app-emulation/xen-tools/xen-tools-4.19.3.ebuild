# Metadata replica of ::gentoo's app-emulation/xen-tools-4.19.3, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: bash-completion-r1 flag-o-matic multilib python-
#   single-r1 readme.gentoo-r1 toolchain-funcs
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Xen tools including QEMU and xl"
HOMEPAGE="https://xenproject.org"
LICENSE="GPL-2"
SLOT="0/4.19"
KEYWORDS="amd64 ~arm ~arm64 x86"
IUSE="api debug doc +hvm +ipxe lzma ocaml ovmf pygrub python +qemu +qemu-traditional +rombios screen selinux sdl static-libs system-ipxe system-qemu system-seabios systemd zstd python_single_target_python3_12 python_single_target_python3_13"
REQUIRED_USE="^^ ( python_single_target_python3_12 python_single_target_python3_13 ) ipxe? ( rombios ) ovmf? ( hvm ) pygrub? ( python ) rombios? ( hvm ) system-ipxe? ( rombios ) ?? ( ipxe system-ipxe ) ?? ( qemu system-qemu )"
RESTRICT="test"
RDEPEND="dev-libs/libnl:3 sys-libs/ncurses python_single_target_python3_12? ( dev-lang/python:3.12[ncurses,xml(+),threads(+)] ) python_single_target_python3_13? ( dev-lang/python:3.13[ncurses,xml(+),threads(+)] ) sys-apps/iproute2[-minimal] net-misc/bridge-utils"
DEPEND="dev-libs/libnl:3 sys-libs/ncurses python_single_target_python3_12? ( dev-lang/python:3.12[ncurses,xml(+),threads(+)] ) python_single_target_python3_13? ( dev-lang/python:3.13[ncurses,xml(+),threads(+)] ) x86? ( system-ipxe? ( sys-firmware/ipxe[qemu] ) ) ovmf? ( python_single_target_python3_12? ( dev-lang/python:3.12[sqlite] ) python_single_target_python3_13? ( dev-lang/python:3.13[sqlite] ) ) amd64? ( system-seabios? ( || ( sys-firmware/seabios ) ) system-ipxe? ( sys-firmware/ipxe[qemu] ) ) system-qemu? ( app-emulation/qemu[xen] )"
BDEPEND="dev-lang/perl"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
