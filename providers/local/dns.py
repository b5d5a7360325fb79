"""Local DNS: records kept in ConfigMaps of the namespace ``local-dns`` of the local cloud, one per hosted zone.

A ConfigMap ``zone-<zone>`` (zone ``local`` unless the DNSRecord names one) has one key per record,
``<name>_<type>`` (dots kept, ``*`` written ``wildcard``), holding ``{"values": [...], "ttl": n}``. Nothing
resolves these names; they are the record of what a DNS provider would serve, for tests and ``kubectl get``.
"""

from __future__ import annotations

import json

from garden.api.common import ErrorCode
from kubelite.client import CONFIGMAPS, Kube, KubeError
from providers.interface import JSON, DNSRecordRequest, ProviderError
from providers.local.cloud import as_provider_error, ensure_namespace
from providers.local.config import API_VERSION

NAMESPACE = "local-dns"
DEFAULT_ZONE = "local"
RECORD_TYPES = ("A", "AAAA", "CNAME", "TXT")


def record_key(name: str, record_type: str) -> str:
    return f"{name.rstrip('.').replace('*', 'wildcard')}_{record_type}"


def zone_configmap(zone: str) -> str:
    return f"zone-{zone.lower().replace('.', '-')}"


class LocalDNS:
    def __init__(self, kube: Kube) -> None:
        self.kube = kube

    def reconcile(self, request: DNSRecordRequest) -> JSON:
        if request.record_type not in RECORD_TYPES:
            raise ProviderError(
                f"record type {request.record_type!r} is not one of {RECORD_TYPES}", ErrorCode.CONFIGURATION_PROBLEM
            )
        if not request.values:
            raise ProviderError(f"record {request.name}: no values", ErrorCode.CONFIGURATION_PROBLEM)
        zone = request.zone or DEFAULT_ZONE
        name = zone_configmap(zone)
        value = json.dumps({"values": list(request.values), "ttl": request.ttl}, sort_keys=True)
        key = record_key(request.name, request.record_type)
        try:
            ensure_namespace(self.kube, NAMESPACE)
            current = self.kube.get(CONFIGMAPS, NAMESPACE, name)
            if current is None:
                body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": NAMESPACE}}
                try:
                    self.kube.create(CONFIGMAPS, NAMESPACE, {**body, "data": {key: value}})
                except KubeError as exc:
                    if not exc.conflict:
                        raise
                    self.kube.patch(CONFIGMAPS, NAMESPACE, name, {"data": {key: value}})
            elif (current.get("data") or {}).get(key) != value:
                self.kube.patch(CONFIGMAPS, NAMESPACE, name, {"data": {key: value}})
        except KubeError as exc:
            raise as_provider_error(exc) from exc
        return {"apiVersion": API_VERSION, "kind": "DNSRecordStatus", "zone": zone}

    def delete(self, request: DNSRecordRequest) -> None:
        name = zone_configmap(request.zone or DEFAULT_ZONE)
        key = record_key(request.name, request.record_type)
        try:
            current = self.kube.get(CONFIGMAPS, NAMESPACE, name)
            if current is None or key not in (current.get("data") or {}):
                return
            self.kube.patch(CONFIGMAPS, NAMESPACE, name, {"data": {key: None}})
        except KubeError as exc:
            raise as_provider_error(exc) from exc

    def records(self, zone: str = DEFAULT_ZONE) -> dict[str, str]:
        """Every record of a zone (key -> JSON), for the inventory."""
        current = self.kube.get(CONFIGMAPS, NAMESPACE, zone_configmap(zone))
        return dict((current or {}).get("data") or {})


__all__ = ["DEFAULT_ZONE", "NAMESPACE", "LocalDNS", "record_key", "zone_configmap"]
