# Metadata replica of ::gentoo's sys-firmware/edk2-202608, written by "xenmig snapshot" from
# its md5-cache entry (sources: README.md); not buildable.  Dependencies on
# packages outside the snapshot are pruned.
# Eclasses of the original: edo multiprocessing prefix python-any-r1
#   readme.gentoo-r1 secureboot toolchain-funcs
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="TianoCore EDK II UEFI firmware for virtual machines"
HOMEPAGE="https://github.com/tianocore/edk2"
LICENSE="BSD-2-with-patent MIT"
SLOT="0"
KEYWORDS="-* ~amd64 ~arm64 ~loong ~riscv"
IUSE="secureboot"
BDEPEND="|| ( dev-lang/python:3.14[sqlite] dev-lang/python:3.13[sqlite] dev-lang/python:3.12[sqlite] ) app-emulation/qemu"

pkg_setup() {
	die "${CATEGORY}/${PF} is a metadata replica and cannot be built"
}
