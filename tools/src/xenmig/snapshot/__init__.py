"""The embedded ::gentoo snapshot: a small ebuild repository named ``gentoo``
built from real md5-cache entries and profile files, shipped in ``data/``.

It is the master repository when a machine has no ::gentoo configured, and
the master in the tests.
"""
