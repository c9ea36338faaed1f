# Copyright 2026 xen-migration authors
# Distributed under the terms of the GNU General Public License v2

# @ECLASS: git-r3.eclass
# @MAINTAINER:
# xen-migration project <xen-migration@example.org>
# @SUPPORTED_EAPIS: 8
# @BLURB: TEST DOUBLE of ::gentoo's git-r3 for offline tests
# @DESCRIPTION:
# A test double, not ::gentoo's eclass: it implements only what the
# xen-migration live ebuild uses, so that the tests can merge it offline.
# src_unpack clones EGIT_REPO_URI, or the EGIT_OVERRIDE_REPO_<NAME>
# variable that ::gentoo's git-r3 honours too (NAME: the repository path of
# the URI, upper case, non-alphanumerics as _), into EGIT_CHECKOUT_DIR.
# Sets PROPERTIES=live and, as the real eclass does for EAPI 7 and later,
# BDEPEND=">=dev-vcs/git-1.8.2.1[curl]".

case ${EAPI} in
	8) ;;
	*) die "${ECLASS}: EAPI ${EAPI:-0} not supported" ;;
esac

if [[ -z ${_GIT_R3_ECLASS} ]]; then
_GIT_R3_ECLASS=1

PROPERTIES+=" live"
BDEPEND=">=dev-vcs/git-1.8.2.1[curl]"

# @ECLASS_VARIABLE: EGIT_REPO_URI
# @REQUIRED
# @DESCRIPTION:
# URI of the repository to clone.

# @ECLASS_VARIABLE: EGIT_CHECKOUT_DIR
# @DESCRIPTION:
# Where to check out; defaults to ${WORKDIR}/${P}.

# @FUNCTION: git-r3_src_unpack
# @DESCRIPTION:
# Clone the repository (or its override) into EGIT_CHECKOUT_DIR.
git-r3_src_unpack() {
	local name=${EGIT_REPO_URI#*://*/}
	name=${name%.git}
	name=${name//[^a-zA-Z0-9]/_}
	local override=EGIT_OVERRIDE_REPO_${name^^}
	local uri=${!override:-${EGIT_REPO_URI}}
	git clone --quiet --depth 1 "${uri}" "${EGIT_CHECKOUT_DIR:-${WORKDIR}/${P}}" ||
		die "${ECLASS}: git clone ${uri} failed"
}

fi

EXPORT_FUNCTIONS src_unpack
