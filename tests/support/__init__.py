"""Shared test support: running Gentoo's own tools offline."""
