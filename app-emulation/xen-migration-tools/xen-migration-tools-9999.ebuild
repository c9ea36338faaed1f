# Copyright 2026 xen-migration authors
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DISTUTILS_USE_PEP517=setuptools
PYTHON_COMPAT=( python3_{12..14} )

inherit distutils-r1

if [[ ${PV} == 9999 ]]; then
	inherit git-r3
	EGIT_REPO_URI="https://github.com/xen-migration/xen-migration.git"
	# The Python project lives in tools/ of the repository.
	S="${WORKDIR}/${P}/tools"
else
	# A reproducible tar of tools/ at the release commit (xenmig dist).
	SRC_URI="https://github.com/xen-migration/xen-migration/releases/download/tools-v${PV}/${P}.tar"
	KEYWORDS="~amd64"
fi

DESCRIPTION="Migrate Gentoo Xen hosts: host specs to portage, kernel, boot and guest configs"
HOMEPAGE="https://github.com/xen-migration/xen-migration"

LICENSE="GPL-2"
SLOT="0"
IUSE="maint"

RDEPEND="
	dev-libs/tree-sitter-bash[python,${PYTHON_USEDEP}]
	dev-python/tree-sitter[${PYTHON_USEDEP}]
	sys-apps/portage[${PYTHON_USEDEP}]
	maint? ( dev-python/gitpython[${PYTHON_USEDEP}] dev-python/jinja2[${PYTHON_USEDEP}] )
"

python_install_all() {
	distutils-r1_python_install_all
	# Remus protection of a guest: xenmig links xenmig-remus.GUEST to the
	# service and writes its /etc/conf.d file.
	newinitd "${FILESDIR}"/xenmig-remus.initd xenmig-remus
	exeinto /usr/libexec/xenmig
	newexe "${FILESDIR}"/xenmig-remus-loop remus-loop
}
