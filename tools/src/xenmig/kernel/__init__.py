"""The dom0/domU kernel: configuration fragments and a .config checker.

* :mod:`~xenmig.kernel.config` reads a kernel ``.config`` (any file name;
  the version from its header);
* :mod:`~xenmig.kernel.fragments` builds the dom0 and domU option sets for a
  host spec;
* :mod:`~xenmig.kernel.check` reports what a .config lacks for its role;
* :mod:`~xenmig.kernel.model` reads a kernel tree's Kconfig (with
  kconfiglib, cached per tree) to explain why an option is off.
"""
