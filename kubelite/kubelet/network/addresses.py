"""Where pods and Services live on the host: loopback addresses, and ports a user without root can bind.

Linux routes all of 127.0.0.0/8 to the loopback device, so every pod gets an address of its own there (from the
pod range, 127.244.0.0/16 by default) and every Service a virtual IP derived from its cluster IP (10.96.0.10 ->
127.96.0.10), reachable from the host and from every workload. Ports below 1024 need privileges; they are served
10000 higher (443 -> 10443), on pods and Services alike.
"""

from __future__ import annotations

import ipaddress

DEFAULT_POD_CIDR = "127.244.0.0/16"
PRIVILEGED_PORT_SHIFT = 10000
FIRST_UNPRIVILEGED_PORT = 1024


def host_port(port: int) -> int:
    """The port a workload's ``port`` is served on: itself, or 10000 higher when binding it needs privileges."""
    if not 0 < port < 65536:
        raise ValueError(f"{port} is not a port")
    return port + PRIVILEGED_PORT_SHIFT if port < FIRST_UNPRIVILEGED_PORT else port


def service_vip(cluster_ip: str) -> str | None:
    """The loopback address a Service with ``cluster_ip`` is served on; None for headless or non-IPv4 Services.

    127.b.c.d for a cluster IP a.b.c.d: the default service range (10.96.0.0/12) keeps its last three octets, so
    two Services of one range never share an address.
    """
    if not cluster_ip or cluster_ip == "None":
        return None
    try:
        address = ipaddress.ip_address(cluster_ip)
    except ValueError:
        return None
    if address.version != 4:
        return None
    if address.is_loopback:
        return cluster_ip
    _, b, c, d = cluster_ip.split(".")
    return f"127.{b}.{c}.{d}"
