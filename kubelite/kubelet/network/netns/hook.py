"""Patches ``socket`` so a Python workload behaves as if it ran in its pod's network namespace.

* ``bind`` of a wildcard or local address binds the pod address; ports below 1024 move to :func:`host_port`.
* ``getaddrinfo`` resolves Service names, StatefulSet pod names and cluster IPs to their loopback addresses, and
  ``localhost`` to the pod address; the port moves to :func:`host_port` when the answer is a loopback address.
* ``connect``/``connect_ex`` to loopback literals (``127.0.0.1``: the pod itself) and cluster IPs do the same.

Only the address and port change, never the name a client asked for, so TLS hostname verification still checks
the certificate against ``etcd.ns.svc``. IPv6 wildcard sockets are left alone (the pod network is IPv4).
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any

from kubelite.kubelet.network.addresses import host_port
from kubelite.kubelet.network.netns.resolve import WILDCARDS, TableFile, is_local, is_loopback_v4, resolve_name

ENV = "KUBELITE_POD_NETWORK"

_installed = False


class PodNetwork:
    def __init__(self, pod_ip: str, namespace: str, names_path: str) -> None:
        self.pod_ip = pod_ip
        self.namespace = namespace
        self.table = TableFile(names_path)

    def address(self, host: str) -> str | None:
        """Where ``host`` lives on this machine, when it is a pod-network name or address; else None."""
        if is_local(host):
            return self.pod_ip
        resolved = resolve_name(host, self.namespace, self.table.current())
        if resolved is not None:
            return resolved
        return host if is_loopback_v4(host) else None

    def bind_address(self, address: Any) -> Any:
        if not (isinstance(address, tuple) and len(address) == 2 and isinstance(address[0], str)):
            return address
        host, port = address
        if host in WILDCARDS or is_local(host):
            host = self.pod_ip
        return (host, host_port(port) if isinstance(port, int) and port > 0 else port)

    def connect_address(self, address: Any) -> Any:
        if not (isinstance(address, tuple) and len(address) >= 2 and isinstance(address[0], str)):
            return address
        host, port = address[0], address[1]
        target = self.address(host)
        if target is None or not isinstance(port, int) or port <= 0:
            return address
        return (target, host_port(port), *address[2:]) if ":" not in target else address


def install(network: PodNetwork) -> None:
    """Patch ``socket`` once for this process."""
    global _installed  # noqa: PLW0603  (one process, one pod network)
    if _installed:
        return
    _installed = True
    original_getaddrinfo = socket.getaddrinfo
    original_bind = socket.socket.bind
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0) -> Any:
        name = host.decode("idna") if isinstance(host, bytes) else host
        target = network.address(name) if isinstance(name, str) else None
        if target is None:
            return original_getaddrinfo(host, port, family, type, proto, flags)
        number = int(port) if isinstance(port, int) or (isinstance(port, str) and port.isdigit()) else 0
        # NB: pod and Service addresses are IPv4; a caller asking for AF_INET6 gets them anyway.
        return original_getaddrinfo(target, host_port(number) if number else port, socket.AF_INET, type, proto, flags)

    def bind(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_INET:
            address = network.bind_address(address)
        original_bind(self, address)

    def connect(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_INET:
            address = network.connect_address(address)
        original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family == socket.AF_INET:
            address = network.connect_address(address)
        return original_connect_ex(self, address)

    socket.getaddrinfo = getaddrinfo
    socket.socket.bind = bind  # type: ignore[method-assign,assignment]
    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]


def install_from_environment() -> bool:
    """Install the hook when ``KUBELITE_POD_NETWORK`` names a readable pod network file; True if installed."""
    path = os.environ.get(ENV)
    if not path:
        return False
    with open(path, encoding="utf-8") as handle:
        config = json.load(handle)
    install(PodNetwork(str(config["podIP"]), str(config.get("namespace") or "default"), str(config.get("names") or "")))
    return True
