"""The informers the controllers share: one list + watch per resource, however many controllers read it."""

from __future__ import annotations

from dataclasses import dataclass, fields

from kubelite.client import (
    CONTROLLERREVISIONS,
    DAEMONSETS,
    DEPLOYMENTS,
    ENDPOINTS,
    ENDPOINTSLICES,
    NODES,
    PERSISTENTVOLUMECLAIMS,
    PODS,
    REPLICASETS,
    SERVICES,
    STATEFULSETS,
    Kube,
    Resource,
)
from kubelite.kubelet.informer import Informer


@dataclass
class Caches:
    pods: Informer
    replicasets: Informer
    deployments: Informer
    statefulsets: Informer
    daemonsets: Informer
    controllerrevisions: Informer
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
            daemonsets=informer(DAEMONSETS),
            controllerrevisions=informer(CONTROLLERREVISIONS),
            services=informer(SERVICES),
            endpoints=informer(ENDPOINTS),
            endpointslices=informer(ENDPOINTSLICES),
            nodes=informer(NODES),
            persistentvolumeclaims=informer(PERSISTENTVOLUMECLAIMS),
        )

    def all(self) -> list[Informer]:
        return [getattr(self, f.name) for f in fields(self)]
