"""The extension controllers: one generic kopf reconciler per extension kind, turning objects into provider calls.

* :mod:`.resources`: the REST resources of the extension and machine kinds;
* :mod:`.operation`: what to do with an object and how its status says it went (pure);
* :mod:`.cluster`: the shoot's :class:`~providers.interface.ClusterInfo` from its ``Cluster`` and credentials;
* :mod:`.actuator`: the small interface a kind's actuator implements;
* :mod:`.actuators`: Infrastructure, DNSRecord, BackupBucket and BackupEntry on a provider;
* :mod:`.osc`: OperatingSystemConfig, rendered as cloud-init with a bootstrap token;
* :mod:`.controller`: the kopf wiring (finalizer, annotation, back-off, status);
* :mod:`.command`: ``gardenlet extensions``.
"""
