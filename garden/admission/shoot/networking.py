"""The shoot's networks: each CIDR parses, is canonical and of the shoot's primary IP family; the pod, service and
node networks do not overlap; and a shoot with workers names its node network (it must match the infrastructure, so
it is never defaulted).
"""

from __future__ import annotations

import ipaddress

from garden.admission.errors import FieldError, duplicate, invalid, required
from garden.api.core.shoot import Networking

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

PATH = "spec.networking"


def validate_networking(networking: Networking | None, has_workers: bool) -> list[FieldError]:
    errors: list[FieldError] = []
    if networking is None:
        return [required(f"{PATH}.nodes", "nodes is required for a shoot with workers")] if has_workers else []
    families = networking.ip_families or ["IPv4"]
    seen: set[str] = set()
    for index, family in enumerate(families):
        if family in seen:
            errors.append(duplicate(f"{PATH}.ipFamilies[{index}]", family))
        seen.add(family)
    primary = families[0]
    parsed: dict[str, IPNetwork] = {}
    for key in ("nodes", "pods", "services"):
        value = getattr(networking, key)
        if value is None:
            continue
        network, problems = _cidr(f"{PATH}.{key}", value, primary)
        errors.extend(problems)
        if network is not None:
            parsed[key] = network
    if networking.nodes is None and has_workers:
        errors.append(required(f"{PATH}.nodes", "nodes is required for a shoot with workers"))
    for first, second, message in (
        ("pods", "services", "pod network intersects with service network"),
        ("nodes", "pods", "node network intersects with pod network"),
        ("nodes", "services", "node network intersects with service network"),
    ):
        a, b = parsed.get(first), parsed.get(second)
        if a is not None and b is not None and a.version == b.version and a.overlaps(b):
            errors.append(invalid(f"{PATH}.{first}", str(a), message))
    return errors


def _cidr(path: str, value: str, family: str) -> tuple[IPNetwork | None, list[FieldError]]:
    try:
        if "/" not in value:
            raise ValueError(value)
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None, [invalid(path, value, f"invalid CIDR address: {value}")]
    errors: list[FieldError] = []
    if str(network) != value:
        errors.append(invalid(path, value, f"must be valid canonical CIDR (e.g. {network})"))
    wanted = 4 if family == "IPv4" else 6
    if network.version != wanted:
        errors.append(invalid(path, value, f"must be a valid {family} address"))
        return None, errors
    return network, errors


__all__ = ["validate_networking"]
