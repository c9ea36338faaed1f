Placeholder for the bufexplorer.vim license of ::gentoo (metadata replica; see licenses/ in Gentoo's repository for the text).
