"""Cluster names and addresses to loopback addresses, from the names table the service side writes.

The table (``<root-dir>/network/names.json``, replaced atomically)::

    {"clusterDomain": "cluster.local",
     "services": {"<ns>/<svc>": {"clusterIP": "10.96.0.10", "vip": "127.96.0.10", "addresses": ["127.244.0.7"]}},
     "pods": {"<ns>/<hostname>.<subdomain>": "127.244.0.7"}}

Pure functions over that document, shared by the Python hook (inside workloads) and the kubelet's flag rewriting
for native binaries, so both resolve a name the same way.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping
from typing import Any

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
WILDCARDS = frozenset({"", "0.0.0.0", "::", "*"})

Table = Mapping[str, Any]


def is_loopback_v4(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.version == 4 and address.is_loopback


def is_local(host: str) -> bool:
    """``localhost`` and 127.0.0.1 (``::1`` too): inside a pod, these mean the pod itself."""
    return host.lower() in LOCAL_NAMES or host in ("127.0.0.1", "::1")


def resolve_name(host: str, namespace: str, table: Table) -> str | None:
    """The loopback address of a Service, a StatefulSet pod or a cluster IP named ``host``; None if not one.

    ``<svc>``, ``<svc>.<ns>``, ``<svc>.<ns>.svc``, ``<svc>.<ns>.svc.<domain>``; ``<pod>.<svc>.<ns>.svc[.<domain>]``
    for pods of headless Services; a Service's cluster IP literal. Headless Services resolve to their first ready
    address.
    """
    services: Mapping[str, Any] = table.get("services") or {}
    pods: Mapping[str, Any] = table.get("pods") or {}
    if _is_ip(host):
        for service in services.values():
            if isinstance(service, dict) and service.get("clusterIP") == host and service.get("vip"):
                return str(service["vip"])
        return None
    name = host.lower().rstrip(".")
    domain = str(table.get("clusterDomain") or "cluster.local").lower()
    for suffix in (f".svc.{domain}", ".svc"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    parts = name.split(".")
    if len(parts) == 1:
        return _service_address(services.get(f"{namespace}/{parts[0]}"))
    if len(parts) == 2:
        return _service_address(services.get(f"{parts[1]}/{parts[0]}"))
    if len(parts) == 3:
        address = pods.get(f"{parts[2]}/{parts[0]}.{parts[1]}")
        return str(address) if address else None
    return None


def _service_address(service: Any) -> str | None:
    if not isinstance(service, dict):
        return None
    if service.get("vip"):
        return str(service["vip"])
    addresses = service.get("addresses") or []
    return str(addresses[0]) if addresses else None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class TableFile:
    """The names table, re-read when its mtime changes (a missing or torn file reads as empty)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._mtime: float | None = None
        self._table: Table = {}

    def current(self) -> Table:
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except OSError:
            return self._table
        if mtime != self._mtime:
            try:
                with open(self.path, encoding="utf-8") as handle:
                    loaded = json.load(handle)
            except (OSError, ValueError):
                return self._table
            if isinstance(loaded, dict):
                self._table = loaded
                self._mtime = mtime
        return self._table
