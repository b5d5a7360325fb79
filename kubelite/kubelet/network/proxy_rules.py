"""What the service proxy serves, as pure functions: a listener per Service port, each with its backends.

kube-proxy's userspace mode, on loopback: a Service port ``port`` is served on ``vip:host_port(port)`` (and on
``127.0.0.1:nodePort`` when the Service has one); each connection goes to a ready endpoint of that port, at
``podIP:host_port(endpoint port)``, because the pods' processes bind their container ports shifted the same way.
Only TCP is proxied.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubelite.client import Object
from kubelite.kubelet.network.addresses import host_port, service_vip

NODE_ADDRESS = "127.0.0.1"


@dataclass(frozen=True, order=True)
class Listen:
    host: str
    port: int


@dataclass(frozen=True)
class Rule:
    """One listening address of one Service port, and where its connections go."""

    service: str
    port_name: str
    listen: Listen
    backends: tuple[tuple[str, int], ...]


def backends(endpoints: Object | None, port_name: str) -> tuple[tuple[str, int], ...]:
    """Ready ``(ip, host port)`` pairs of the endpoint port named ``port_name`` (unnamed for a single port)."""
    if endpoints is None:
        return ()
    found: list[tuple[str, int]] = []
    for subset in endpoints.get("subsets") or ():
        for port in subset.get("ports") or ():
            if port.get("name", "") != port_name or port.get("protocol", "TCP") != "TCP":
                continue
            for address in subset.get("addresses") or ():
                pair = (str(address["ip"]), host_port(int(port["port"])))
                if pair not in found:
                    found.append(pair)
    return tuple(sorted(found))


def rules(services: list[Object], endpoints: list[Object]) -> list[Rule]:
    by_key = {f"{e['metadata'].get('namespace')}/{e['metadata']['name']}": e for e in endpoints}
    result: list[Rule] = []
    for service in services:
        spec = service.get("spec") or {}
        vip = service_vip(str(spec.get("clusterIP") or ""))
        if vip is None:
            continue
        key = f"{service['metadata'].get('namespace')}/{service['metadata']['name']}"
        for port in spec.get("ports") or ():
            if port.get("protocol", "TCP") != "TCP":
                continue
            name = str(port.get("name") or "")
            targets = backends(by_key.get(key), name)
            result.append(Rule(key, name, Listen(vip, host_port(int(port["port"]))), targets))
            if port.get("nodePort"):
                result.append(Rule(key, name, Listen(NODE_ADDRESS, int(port["nodePort"])), targets))
    return result


def load_balancer_ingress(service: Object) -> list[Object] | None:
    """The ``status.loadBalancer.ingress`` a LoadBalancer Service gets, or None for other Services."""
    spec = service.get("spec") or {}
    if spec.get("type") != "LoadBalancer":
        return None
    vip = service_vip(str(spec.get("clusterIP") or ""))
    if vip is None:
        return None
    ports = [
        {"port": host_port(int(p["port"])), "protocol": "TCP"}
        for p in spec.get("ports") or ()
        if p.get("protocol", "TCP") == "TCP"
    ]
    return [{"ip": vip, "ipMode": "VIP", "ports": ports}]
