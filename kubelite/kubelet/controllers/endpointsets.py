"""Which pods back a Service, as pure functions: the Endpoints subsets and EndpointSlices upstream would write.

A pod backs a Service when the Service's selector matches its labels, it has a pod IP, it has not finished, and it
is not being deleted. Ready pods are ``addresses``, the others ``notReadyAddresses`` (all of them ready when the
Service publishes not-ready addresses). Each Service port is resolved per pod: a numeric ``targetPort`` as is, a
named one through the pod's container ports (a pod without that name does not serve that port), so pods can differ
and addresses are grouped into one subset per distinct port set, as upstream's ``RepackSubsets`` does.
"""

from __future__ import annotations

from typing import Any

from kubelite.client import Object
from kubelite.kubelet.controllers.hashing import template_hash
from kubelite.kubelet.controllers.ownership import owner_reference
from kubelite.kubelet.controllers.podstate import is_ready, phase

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
MANAGED_BY = "endpointslice-controller.k8s.io"
HEADLESS_LABEL = "service.kubernetes.io/headless"


def selects(service: Object, pod: Object) -> bool:
    """Whether a Service with a selector selects ``pod`` (same namespace, every selector label equal)."""
    selector = (service.get("spec") or {}).get("selector") or {}
    if not selector or pod["metadata"].get("namespace") != service["metadata"].get("namespace"):
        return False
    labels = pod["metadata"].get("labels") or {}
    return all(labels.get(k) == v for k, v in selector.items())


def serves(pod: Object) -> bool:
    restart = (pod.get("spec") or {}).get("restartPolicy", "Always")
    finished = phase(pod) == "Failed" or (phase(pod) == "Succeeded" and restart != "Always")
    return (
        bool((pod.get("status") or {}).get("podIP")) and not finished and not pod["metadata"].get("deletionTimestamp")
    )


def resolve_port(pod: Object, port: Object) -> int | None:
    """The pod's port number for a Service port (``podutil.FindPort``), or None when the pod has no such port."""
    target: Any = port.get("targetPort", port.get("port"))
    if isinstance(target, int):
        return target
    text = str(target)
    if text.isdigit():
        return int(text)
    protocol = port.get("protocol", "TCP")
    for container in (pod.get("spec") or {}).get("containers") or ():
        for container_port in container.get("ports") or ():
            if container_port.get("name") == text and container_port.get("protocol", "TCP") == protocol:
                return int(container_port["containerPort"])
    return None


def _endpoint_port(port: Object, number: int) -> Object:
    result: Object = {"port": number, "protocol": port.get("protocol", "TCP")}
    if port.get("name"):
        result["name"] = port["name"]
    if port.get("appProtocol"):
        result["appProtocol"] = port["appProtocol"]
    return result


def _address(service: Object, pod: Object) -> Object:
    metadata = pod["metadata"]
    spec = pod.get("spec") or {}
    address: Object = {
        "ip": pod["status"]["podIP"],
        "targetRef": {
            "kind": "Pod",
            "namespace": metadata["namespace"],
            "name": metadata["name"],
            "uid": metadata.get("uid", ""),
        },
    }
    if spec.get("nodeName"):
        address["nodeName"] = spec["nodeName"]
    if spec.get("hostname") and spec.get("subdomain") == service["metadata"]["name"]:
        address["hostname"] = spec["hostname"]
    return address


def backing(service: Object, pods: list[Object]) -> list[tuple[Object, bool, tuple[Object, ...]]]:
    """(pod, ready, endpoint ports) for every pod that backs ``service``, sorted by pod IP."""
    publish = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
    ports = (service.get("spec") or {}).get("ports") or []
    result = []
    for pod in pods:
        if not selects(service, pod) or not serves(pod):
            continue
        resolved = []
        for port in ports:
            number = resolve_port(pod, port)
            if number is not None:
                resolved.append(_endpoint_port(port, number))
        if ports and not resolved:
            continue
        result.append((pod, publish or is_ready(pod), tuple(resolved)))
    return sorted(result, key=lambda item: (item[0]["status"]["podIP"], item[0]["metadata"]["name"]))


def _ports_key(ports: tuple[Object, ...]) -> tuple[tuple[str, int, str], ...]:
    return tuple(sorted((p.get("name", ""), p["port"], p["protocol"]) for p in ports))


def endpoint_subsets(service: Object, pods: list[Object]) -> list[Object]:
    groups: dict[tuple[tuple[str, int, str], ...], Object] = {}
    for pod, ready, ports in backing(service, pods):
        subset = groups.setdefault(
            _ports_key(ports), {"ports": sorted(ports, key=lambda p: (p.get("name", ""), p["port"]))}
        )
        subset.setdefault("addresses" if ready else "notReadyAddresses", []).append(_address(service, pod))
    subsets = []
    for key in sorted(groups):
        subset = groups[key]
        ordered: Object = {}
        for field in ("addresses", "notReadyAddresses"):
            if subset.get(field):
                ordered[field] = subset[field]
        if subset["ports"]:
            ordered["ports"] = subset["ports"]
        subsets.append(ordered)
    return subsets


def is_headless(service: Object) -> bool:
    return (service.get("spec") or {}).get("clusterIP") == "None"


def endpoint_labels(service: Object) -> dict[str, str]:
    labels = dict(service["metadata"].get("labels") or {})
    if is_headless(service):
        labels[HEADLESS_LABEL] = ""
    return labels


def desired_endpoints(service: Object, pods: list[Object]) -> Object:
    metadata = service["metadata"]
    endpoints: Object = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": metadata["name"], "namespace": metadata["namespace"], "labels": endpoint_labels(service)},
    }
    subsets = endpoint_subsets(service, pods)
    if subsets:
        endpoints["subsets"] = subsets
    return endpoints


def desired_slices(service: Object, pods: list[Object]) -> list[Object]:
    """One IPv4 EndpointSlice per distinct port set, named ``<service>-<hash of the ports>`` so it is found again."""
    metadata = service["metadata"]
    groups: dict[tuple[tuple[str, int, str], ...], list[Object]] = {}
    port_lists: dict[tuple[tuple[str, int, str], ...], list[Object]] = {}
    for pod, ready, ports in backing(service, pods):
        key = _ports_key(ports)
        port_lists[key] = sorted(ports, key=lambda p: (p.get("name", ""), p["port"]))
        address = _address(service, pod)
        endpoint: Object = {
            "addresses": [address["ip"]],
            "conditions": {"ready": ready, "serving": ready, "terminating": False},
            "targetRef": address["targetRef"],
        }
        if "nodeName" in address:
            endpoint["nodeName"] = address["nodeName"]
        if "hostname" in address:
            endpoint["hostname"] = address["hostname"]
        groups.setdefault(key, []).append(endpoint)
    if not groups:
        # NB: upstream keeps one empty slice per Service, so "no endpoints" is stated rather than unknown.
        groups[()] = []
        port_lists[()] = []
    labels = {**endpoint_labels(service), SERVICE_NAME_LABEL: metadata["name"], MANAGED_BY_LABEL: MANAGED_BY}
    slices = []
    for key in sorted(groups):
        name = f"{metadata['name'][:50]}-{template_hash(list(key))}"
        slices.append(
            {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": {
                    "name": name,
                    "namespace": metadata["namespace"],
                    "labels": labels,
                    "ownerReferences": [owner_reference({**service, "apiVersion": "v1", "kind": "Service"})],
                },
                "addressType": "IPv4",
                "endpoints": groups[key],
                "ports": port_lists[key],
            }
        )
    return slices
