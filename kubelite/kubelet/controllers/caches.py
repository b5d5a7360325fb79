"""The informers the controllers share: one list + watch per resource, however many controllers read it."""

from __future__ import annotations

from dataclasses import dataclass, fields

from kubelite.client import (
    DEPLOYMENTS,
    ENDPOINTS,
    ENDPOINTSLICES,
    NODES,
    PODS,
    REPLICASETS,
    SERVICES,
    STATEFULSETS,
    Kube,
    Resource,
)
from kubelite.kubelet.controllers.informer import Informer

PERSISTENTVOLUMECLAIMS = Resource("", "v1", "persistentvolumeclaims")


@dataclass
class Caches:
    pods: Informer
    replicasets: Informer
    deployments: Informer
    statefulsets: Informer
    services: Informer
    endpoints: Informer
    endpointslices: Informer
    nodes: Informer
    persistentvolumeclaims: Informer

    @classmethod
    def build(cls, kube: Kube, *, resync: float = 300.0) -> Caches:
        def informer(resource: Resource) -> Informer:
            return Informer(kube, resource, resync=resync)

        return cls(
            pods=informer(PODS),
            replicasets=informer(REPLICASETS),
            deployments=informer(DEPLOYMENTS),
            statefulsets=informer(STATEFULSETS),
            services=informer(SERVICES),
            endpoints=informer(ENDPOINTS),
            endpointslices=informer(ENDPOINTSLICES),
            nodes=informer(NODES),
            persistentvolumeclaims=informer(PERSISTENTVOLUMECLAIMS),
        )

    def all(self) -> list[Informer]:
        return [getattr(self, f.name) for f in fields(self)]
