"""The REST resources of the kinds the extension and machine controllers read and write."""

from __future__ import annotations

from kubelite.client import Resource

EXTENSIONS_GROUP = "extensions.gardener.cloud"
MACHINE_GROUP = "machine.sapcloud.io"

CLUSTERS = Resource(EXTENSIONS_GROUP, "v1alpha1", "clusters", namespaced=False)
INFRASTRUCTURES = Resource(EXTENSIONS_GROUP, "v1alpha1", "infrastructures")
WORKERS = Resource(EXTENSIONS_GROUP, "v1alpha1", "workers")
CONTROLPLANES = Resource(EXTENSIONS_GROUP, "v1alpha1", "controlplanes")
DNSRECORDS = Resource(EXTENSIONS_GROUP, "v1alpha1", "dnsrecords")
OPERATINGSYSTEMCONFIGS = Resource(EXTENSIONS_GROUP, "v1alpha1", "operatingsystemconfigs")
BACKUPBUCKETS = Resource(EXTENSIONS_GROUP, "v1alpha1", "backupbuckets", namespaced=False)
BACKUPENTRIES = Resource(EXTENSIONS_GROUP, "v1alpha1", "backupentries", namespaced=False)

MACHINECLASSES = Resource(MACHINE_GROUP, "v1alpha1", "machineclasses")
MACHINEDEPLOYMENTS = Resource(MACHINE_GROUP, "v1alpha1", "machinedeployments")
MACHINESETS = Resource(MACHINE_GROUP, "v1alpha1", "machinesets")
MACHINES = Resource(MACHINE_GROUP, "v1alpha1", "machines")
