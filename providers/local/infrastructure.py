"""Local infrastructure: no network to build; the nodes CIDR is chosen and recorded in a ConfigMap.

The ConfigMap ``local-infrastructure`` in the shoot's namespace of the local cloud is what the actuator "made": it
is found by name (idempotent), carries the cluster label (so it shows in the inventory), and goes on delete.
"""

from __future__ import annotations

import ipaddress
import json

from garden.api.common import ErrorCode
from kubelite.client import CONFIGMAPS, Kube, KubeError
from providers.interface import InfrastructureRequest, InfrastructureResult, ProviderError
from providers.local.cloud import CLUSTER_LABEL, as_provider_error, ensure_namespace
from providers.local.config import API_VERSION, InfrastructureConfig

CONFIGMAP = "local-infrastructure"
DEFAULT_NODES_CIDR = "10.250.0.0/16"


def nodes_cidr(request: InfrastructureRequest) -> str:
    config = request.config if isinstance(request.config, InfrastructureConfig) else None
    cidr = (config.nodes if config else None) or request.cluster.networks.nodes or DEFAULT_NODES_CIDR
    try:
        return str(ipaddress.ip_network(cidr, strict=True))
    except ValueError as exc:
        raise ProviderError(f"nodes CIDR {cidr!r}: {exc}", ErrorCode.CONFIGURATION_PROBLEM) from exc


class LocalInfrastructure:
    def __init__(self, kube: Kube) -> None:
        self.kube = kube

    def reconcile(self, request: InfrastructureRequest) -> InfrastructureResult:
        namespace = request.cluster.technical_id
        cidr = nodes_cidr(request)
        record = {"nodesCIDR": cidr, "region": request.cluster.region, "zones": list(request.cluster.zones)}
        body = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": CONFIGMAP, "namespace": namespace, "labels": {CLUSTER_LABEL: namespace}},
            "data": {"infrastructure": json.dumps(record, sort_keys=True)},
        }
        try:
            ensure_namespace(self.kube, namespace)
            current = self.kube.get(CONFIGMAPS, namespace, CONFIGMAP)
            if current is None:
                self.kube.create(CONFIGMAPS, namespace, body)
            elif current.get("data") != body["data"]:
                self.kube.patch(CONFIGMAPS, namespace, CONFIGMAP, {"data": body["data"]})
        except KubeError as exc:
            raise as_provider_error(exc) from exc
        return InfrastructureResult(
            provider_status={"apiVersion": API_VERSION, "kind": "InfrastructureStatus", "nodesCIDR": cidr},
            state={"configMap": f"{namespace}/{CONFIGMAP}"},
            nodes_cidr=cidr,
        )

    def delete(self, request: InfrastructureRequest) -> None:
        try:
            self.kube.delete(CONFIGMAPS, request.cluster.technical_id, CONFIGMAP)
        except KubeError as exc:
            raise as_provider_error(exc) from exc


__all__ = ["CONFIGMAP", "DEFAULT_NODES_CIDR", "LocalInfrastructure", "nodes_cidr"]
