Placeholder for the AIFFWriter.m license of ::gentoo (metadata replica; see licenses/ in Gentoo's repository for the text).
