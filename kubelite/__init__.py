"""kubelite: an embedded Kubernetes for one machine and for tests.

It knows nothing of Gardener. It has three parts:

* ``kubelite.apiserver``: a kube-apiserver-compatible HTTPS server (discovery, OpenAPI, registry, watch,
  admission chain) over a revisioned ``Storage`` (SQLite by default, etcd for scale);
* ``kubelite.kubelet``: a process runtime that runs a seed's Deployments and StatefulSets as local processes;
* ``kubelite.nodes``: simulated kubelets that register Nodes and renew their Leases.

The layering contract (``.importlinter``) forbids any import of ``garden``, ``gardenlet`` or ``providers`` here.
"""
