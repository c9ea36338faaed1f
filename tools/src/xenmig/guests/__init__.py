"""Guests: reading xm/xend-era configurations and writing xl ones."""
