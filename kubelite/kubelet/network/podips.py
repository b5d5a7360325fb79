"""Pod addresses: one loopback address per pod from the node's pod range, kept across kubelet restarts."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable


class PodRangeExhausted(Exception):
    pass


def allocate(cidr: str, used: Iterable[str]) -> str:
    """The first free address of ``cidr``, past the network address and the first host (kept as a gateway)."""
    network = ipaddress.ip_network(cidr)
    taken = set(used)
    for index, address in enumerate(network.hosts()):
        if index == 0:
            continue
        if str(address) not in taken:
            return str(address)
    raise PodRangeExhausted(f"no free pod address left in {cidr}")


def in_range(address: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(cidr)
    except ValueError:
        return False
