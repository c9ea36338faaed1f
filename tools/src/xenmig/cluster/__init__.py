"""Clusters of a fleet's hosts: Corosync, Pacemaker and DRBD configuration
generated from a cluster file (``clusters/NAME.toml``) and the member specs
it names (:mod:`xenmig.cluster.model`, :mod:`xenmig.cluster.render`,
:mod:`xenmig.cluster.check`)."""
