# Metadata replica of ::gentoo's sys-boot/grub-2.14-r4, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: autotools bash-completion-r1 eapi9-pipestatus
#   eapi9-ver flag-o-matic multibuild optfeature python-any-r1 secureboot
#   toolchain-funcs verify-sig
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="GNU GRUB boot loader"
HOMEPAGE="https://www.gnu.org/software/grub/"
LICENSE="GPL-3+ BSD MIT fonts? ( GPL-2-with-font-exception ) themes? ( CC-BY-SA-3.0 BitstreamVera )"
SLOT="2/2.14-r4"
KEYWORDS="amd64 arm arm64 ~loong ppc ppc64 ~riscv ~sparc x86"
IUSE="+branding +device-mapper doc efiemu +fonts mount nls protect sdl test +themes truetype libzfs grub_platforms_coreboot grub_platforms_efi-32 grub_platforms_efi-64 grub_platforms_emu grub_platforms_ieee1275 grub_platforms_loongson grub_platforms_multiboot grub_platforms_qemu grub_platforms_qemu-mips grub_platforms_pc grub_platforms_uboot grub_platforms_xen grub_platforms_xen-32 grub_platforms_xen-pvh secureboot verify-sig"
REQUIRED_USE="grub_platforms_coreboot? ( fonts ) grub_platforms_qemu? ( fonts ) grub_platforms_ieee1275? ( fonts ) grub_platforms_loongson? ( fonts )"
RESTRICT="!test? ( test ) test? ( userpriv )"
RDEPEND=">=sys-libs/ncurses-5.2-r5:0= !sys-boot/grub:0"
DEPEND=">=sys-libs/ncurses-5.2-r5:0="
BDEPEND="|| ( dev-lang/python:3.14 dev-lang/python:3.13 dev-lang/python:3.12 dev-lang/python:3.11 ) >=sys-devel/flex-2.5.35 sys-devel/bison fonts? ( virtual/pkgconfig ) test? ( app-alternatives/cpio app-emulation/qemu ) themes? ( virtual/pkgconfig ) truetype? ( virtual/pkgconfig )"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
