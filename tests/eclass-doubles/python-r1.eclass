# Copyright 2026 xen-migration authors
# Distributed under the terms of the GNU General Public License v2

# @ECLASS: python-r1.eclass
# @MAINTAINER:
# xen-migration project <xen-migration@example.org>
# @SUPPORTED_EAPIS: 8
# @BLURB: TEST DOUBLE of ::gentoo's python-r1 for offline tests
# @DESCRIPTION:
# A test double, not ::gentoo's eclass: it implements only what the
# xen-migration ebuilds use (through distutils-r1), so that the tests can
# run portage and pkgcheck on a machine without ::gentoo.  From
# PYTHON_COMPAT it sets IUSE (python_targets_*), PYTHON_DEPS,
# PYTHON_USEDEP and PYTHON_REQUIRED_USE in the form ::gentoo's python-r1
# gives them; unlike the real eclass, PYTHON_DEPS has no
# dev-lang/python-exec, which the embedded snapshot does not carry.

case ${EAPI} in
	8) ;;
	*) die "${ECLASS}: EAPI ${EAPI:-0} not supported" ;;
esac

if [[ -z ${_PYTHON_R1_ECLASS} ]]; then
_PYTHON_R1_ECLASS=1

# @ECLASS_VARIABLE: PYTHON_COMPAT
# @REQUIRED
# @DESCRIPTION:
# Python implementations the package supports (python3_12 ...).
[[ ${#PYTHON_COMPAT[@]} -gt 0 ]] || die "${ECLASS}: PYTHON_COMPAT unset"

# @ECLASS_VARIABLE: PYTHON_DEPS
# @OUTPUT_VARIABLE
# @DESCRIPTION:
# The interpreter dependencies for the enabled targets.

# @ECLASS_VARIABLE: PYTHON_USEDEP
# @OUTPUT_VARIABLE
# @DESCRIPTION:
# USE dependency string passing the enabled targets on.

# @ECLASS_VARIABLE: PYTHON_REQUIRED_USE
# @OUTPUT_VARIABLE
# @DESCRIPTION:
# At least one target must be enabled.

_python_r1_set_globals() {
	local impl slot targets=() deps=() usedep=()
	for impl in "${PYTHON_COMPAT[@]}"; do
		slot=${impl#python}
		targets+=( "python_targets_${impl}" )
		deps+=( "python_targets_${impl}? ( dev-lang/python:${slot/_/.}[threads(+)] )" )
		usedep+=( "python_targets_${impl}(-)?" )
	done
	PYTHON_DEPS="${deps[*]}"
	PYTHON_USEDEP=$(IFS=,; echo "${usedep[*]}")
	PYTHON_REQUIRED_USE="|| ( ${targets[*]} )"
	IUSE="${targets[*]}"
}
_python_r1_set_globals
unset -f _python_r1_set_globals

fi
