# Copyright 2026 xen-migration authors
# Distributed under the terms of the GNU General Public License v2

# @ECLASS: distutils-r1.eclass
# @MAINTAINER:
# xen-migration project <xen-migration@example.org>
# @SUPPORTED_EAPIS: 8
# @PROVIDES: python-r1
# @BLURB: TEST DOUBLE of ::gentoo's distutils-r1 for offline tests
# @DESCRIPTION:
# A test double, not ::gentoo's eclass: it implements only what the
# xen-migration ebuilds use of distutils-r1, so that the tests can run
# portage and pkgcheck on a machine without ::gentoo.  Tests that use it say
# "against eclass doubles".
#
# Metadata: inherits the python-r1 double and, like the real eclass, sets
# REQUIRED_USE, RDEPEND and BDEPEND from it, and adds the BDEPEND the real
# eclass adds for DISTUTILS_USE_PEP517=setuptools: gpep517 and the backend,
# with the versions ::gentoo's distutils-r1 asks for in late 2026 (as the
# md5-cache of dev-python/gitpython-3.1.47 shows them, distutils-r1 md5
# fa417e51408bf16a2c13f1730b404226).
#
# Phases: the PEP 517 build and install are done with the pip of the
# python3 on PATH (the test venv), whatever PYTHON_TARGETS says, with
# --no-build-isolation and no network.

case ${EAPI} in
	8) ;;
	*) die "${ECLASS}: EAPI ${EAPI:-0} not supported" ;;
esac

if [[ -z ${_DISTUTILS_R1_ECLASS} ]]; then
_DISTUTILS_R1_ECLASS=1

# @ECLASS_VARIABLE: DISTUTILS_USE_PEP517
# @REQUIRED
# @DESCRIPTION:
# The build backend; the double accepts any value and builds with pip.
[[ -n ${DISTUTILS_USE_PEP517} ]] || die "${ECLASS}: DISTUTILS_USE_PEP517 unset"

inherit python-r1

REQUIRED_USE="${PYTHON_REQUIRED_USE}"
RDEPEND="${PYTHON_DEPS}"
BDEPEND="${PYTHON_DEPS}
	>=dev-python/gpep517-16[${PYTHON_USEDEP}]"
case ${DISTUTILS_USE_PEP517} in
	setuptools) BDEPEND+=" >=dev-python/setuptools-78.1.0[${PYTHON_USEDEP}]" ;;
	*) die "${ECLASS}: the double only knows DISTUTILS_USE_PEP517=setuptools" ;;
esac

# @FUNCTION: distutils-r1_src_compile
# @DESCRIPTION:
# Build a wheel of the project in ${S} with pip.
distutils-r1_src_compile() {
	python3 -m pip wheel --no-deps --no-build-isolation --no-index \
		--no-cache-dir --wheel-dir "${T}/wheels" "${S}" ||
		die "${ECLASS}: building the wheel failed"
}

# @FUNCTION: distutils-r1_src_install
# @DESCRIPTION:
# Install the wheel into ${D}/usr.
distutils-r1_src_install() {
	# --ignore-installed: without it pip would also uninstall the package
	# from the environment pip runs in, --root or not.
	python3 -m pip install --no-deps --no-index --no-cache-dir --no-compile \
		--ignore-installed --no-warn-script-location \
		--root "${D}" --prefix "${EPREFIX}/usr" "${T}"/wheels/*.whl ||
		die "${ECLASS}: installing the wheel failed"
	einstalldocs
}

fi

EXPORT_FUNCTIONS src_compile src_install
