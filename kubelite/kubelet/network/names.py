"""The names table: how workloads resolve ``<svc>.<ns>.svc[.cluster.local]`` and ``<host>.<subdomain>`` names.

Processes run by the kubelet share the host's resolver, which knows nothing of Services; the kubelet's network
hook and argument rewriting read this file instead, and the service proxy keeps it current::

    {"clusterDomain": "cluster.local",
     "services": {"<ns>/<svc>": {"clusterIP": "10.96.0.10", "vip": "127.96.0.10", "addresses": ["127.244.0.7"]}},
     "pods": {"<ns>/<hostname>.<subdomain>": "127.244.0.7"}}

``vip`` is where the proxy serves the Service (None for headless ones, whose clients connect to ``addresses``, the
ready pod IPs). Pods with both hostname and subdomain are listed, as cluster DNS answers for StatefulSet pods.
The file is replaced atomically (a temporary file renamed over it), and only when its content changes, so readers
never see half a table and can cache it by modification time.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from kubelite.client import Object
from kubelite.kubelet.network.addresses import service_vip

CLUSTER_DOMAIN = "cluster.local"


def ready_addresses(endpoints: Object | None) -> list[str]:
    """The ready IPs of an Endpoints object, sorted and without repeats."""
    if endpoints is None:
        return []
    ips = {a["ip"] for s in endpoints.get("subsets") or () for a in s.get("addresses") or () if a.get("ip")}
    return sorted(ips)


def names_table(
    services: list[Object], endpoints: list[Object], pods: list[Object], cluster_domain: str = CLUSTER_DOMAIN
) -> dict[str, Any]:
    by_key = {f"{e['metadata'].get('namespace')}/{e['metadata']['name']}": e for e in endpoints}
    table_services: dict[str, Any] = {}
    for service in services:
        metadata = service["metadata"]
        key = f"{metadata.get('namespace')}/{metadata['name']}"
        cluster_ip = str((service.get("spec") or {}).get("clusterIP") or "")
        if (service.get("spec") or {}).get("type") == "ExternalName":
            continue
        table_services[key] = {
            "clusterIP": cluster_ip,
            "vip": service_vip(cluster_ip),
            "addresses": ready_addresses(by_key.get(key)),
        }
    table_pods: dict[str, str] = {}
    for pod in pods:
        spec = pod.get("spec") or {}
        ip = (pod.get("status") or {}).get("podIP")
        if spec.get("hostname") and spec.get("subdomain") and ip and not pod["metadata"].get("deletionTimestamp"):
            table_pods[f"{pod['metadata'].get('namespace')}/{spec['hostname']}.{spec['subdomain']}"] = ip
    return {
        "clusterDomain": cluster_domain,
        "services": dict(sorted(table_services.items())),
        "pods": dict(sorted(table_pods.items())),
    }


def write_table(path: Path, table: dict[str, Any]) -> bool:
    """Replace the file at ``path`` with ``table`` when it differs; True when it was written."""
    text = json.dumps(table, indent=1, sort_keys=True) + "\n"
    try:
        if path.read_text() == text:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
