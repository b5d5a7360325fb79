"""SeedValidator: Gardener's static Seed validation.

A seed's networks (pods, services, nodes) and the shoot defaults it hands out are canonical CIDRs that overlap
neither each other nor the VPN range Gardener reserves; provider type and region are given; taints have unique
keys; a backup names its provider (and a region when the provider differs from the seed's). Provider type,
networks, the ingress domain and the backup's provider and region do not change once set.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from garden.admission.errors import FieldError, check, duplicate, invalid, required
from garden.admission.landscape.fields import immutable, label_errors, subdomain_errors
from garden.admission.landscape.wire import CORE_GROUP, dicts, mapping, meta, name_of, spec, text, writes
from garden.admission.parsing import parse
from garden.admission.request import Plugin, Request
from garden.api.core.seed import Seed

#: The range Gardener's VPN between control plane and shoot uses; no seed or shoot network may overlap it.
VPN_RANGE = ipaddress.ip_network("192.168.123.0/24")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_cidr(path: str, value: object) -> tuple[Network | None, list[FieldError]]:
    """The network, or why ``value`` is not a canonical CIDR."""
    if not isinstance(value, str) or not value:
        return None, [invalid(path, value, "must be a valid CIDR (e.g. 10.0.0.0/16)")]
    try:
        return ipaddress.ip_network(value, strict=True), []
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None, [invalid(path, value, "must be a valid CIDR (e.g. 10.0.0.0/16)")]
    return None, [invalid(path, value, f"must be a canonical CIDR: the network address is {loose}")]


def overlap_errors(networks: list[tuple[str, str, Network]]) -> list[FieldError]:
    """Each network that overlaps one listed before it, and each that overlaps the VPN range."""
    problems: list[FieldError] = []
    for i, (path, value, network) in enumerate(networks):
        for earlier_path, earlier_value, earlier in networks[:i]:
            if network.version == earlier.version and network.overlaps(earlier):
                problems.append(invalid(path, value, f"must not overlap with {earlier_path} ({earlier_value})"))
        if network.version == VPN_RANGE.version and network.overlaps(VPN_RANGE):
            problems.append(invalid(path, value, f"must not overlap with the VPN range {VPN_RANGE}"))
    return problems


def network_errors(networks_spec: dict[str, Any]) -> list[FieldError]:
    base = "spec.networks"
    problems: list[FieldError] = []
    parsed: list[tuple[str, str, Network]] = []
    shoot_defaults = mapping(networks_spec.get("shootDefaults"))
    candidates = [
        ("pods", networks_spec.get("pods"), True),
        ("services", networks_spec.get("services"), True),
        ("nodes", networks_spec.get("nodes"), False),
        ("shootDefaults.pods", shoot_defaults.get("pods"), False),
        ("shootDefaults.services", shoot_defaults.get("services"), False),
    ]
    for suffix, value, mandatory in candidates:
        path = f"{base}.{suffix}"
        if value is None:
            if mandatory:
                problems.append(required(path))
            continue
        network, errors = parse_cidr(path, value)
        problems += errors
        if network is not None:
            parsed.append((path, str(value), network))
    problems += overlap_errors(parsed)
    for i, block in enumerate(networks_spec.get("blockCIDRs") or []):
        problems += parse_cidr(f"{base}.blockCIDRs[{i}]", block)[1]
    return problems


def spec_errors(seed_spec: dict[str, Any]) -> list[FieldError]:
    problems: list[FieldError] = []
    provider = mapping(seed_spec.get("provider"))
    if not text(provider.get("type")):
        problems.append(required("spec.provider.type", "must provide a provider type"))
    if not text(provider.get("region")):
        problems.append(required("spec.provider.region", "must provide a provider region"))
    problems += network_errors(mapping(seed_spec.get("networks")))
    seen: set[str] = set()
    for i, taint in enumerate(dicts(seed_spec.get("taints"))):
        key = text(taint.get("key"))
        if not key:
            problems.append(required(f"spec.taints[{i}].key", "cannot be empty"))
        elif key in seen:
            problems.append(duplicate(f"spec.taints[{i}].key", key))
        seen.add(key)
    backup = seed_spec.get("backup")
    if isinstance(backup, dict):
        if not text(backup.get("provider")):
            problems.append(required("spec.backup.provider", "must provide a backup cloud provider name"))
        elif text(backup.get("provider")) != text(provider.get("type")) and not text(backup.get("region")):
            problems.append(
                required(
                    "spec.backup.region",
                    "region must be specified if the backup provider differs from the seed's provider "
                    "(spec.provider.type)",
                )
            )
    scheduling = mapping(seed_spec.get("settings")).get("scheduling")
    if isinstance(scheduling, dict) and not isinstance(scheduling.get("visible"), bool):
        problems.append(invalid("spec.settings.scheduling.visible", scheduling.get("visible"), "must be true or false"))
    ingress = mapping(seed_spec.get("ingress"))
    if text(ingress.get("domain")):
        problems += subdomain_errors("spec.ingress.domain", text(ingress.get("domain")))
    return problems


def update_errors(new: dict[str, Any], old: dict[str, Any]) -> list[FieldError]:
    problems: list[FieldError] = []
    new_provider, old_provider = mapping(new.get("provider")), mapping(old.get("provider"))
    if new_provider.get("type") != old_provider.get("type"):
        problems.append(immutable("spec.provider.type", new_provider.get("type")))
    new_networks, old_networks = mapping(new.get("networks")), mapping(old.get("networks"))
    for key in ("pods", "services", "nodes", "ipFamilies"):
        if key in old_networks and new_networks.get(key) != old_networks[key]:
            problems.append(immutable(f"spec.networks.{key}", new_networks.get(key)))
    old_domain = text(mapping(old.get("ingress")).get("domain"))
    new_domain = text(mapping(new.get("ingress")).get("domain"))
    if old_domain and new_domain != old_domain:
        problems.append(immutable("spec.ingress.domain", new_domain or None))
    old_backup = old.get("backup")
    if isinstance(old_backup, dict):
        new_backup = new.get("backup")
        if not isinstance(new_backup, dict):
            problems.append(invalid("spec.backup", new_backup, "backup cannot be removed once configured"))
        else:
            for key in ("provider", "region"):
                if new_backup.get(key) != old_backup.get(key):
                    problems.append(immutable(f"spec.backup.{key}", new_backup.get(key)))
    return problems


class SeedValidator(Plugin):
    name = "SeedValidator"

    async def validate(self, request: Request) -> None:
        if not writes(request, CORE_GROUP, "seeds"):
            return
        seed = request.object
        assert seed is not None
        name = request.name or name_of(seed)
        old = request.old_object if request.operation == "UPDATE" else None
        if old is not None and meta(seed).get("deletionTimestamp"):
            return
        parse(Seed, seed)
        problems = label_errors("metadata.name", name) + spec_errors(spec(seed))
        if old is not None:
            problems += update_errors(spec(seed), spec(old))
        check("Seed", CORE_GROUP, name, problems)


__all__ = ["VPN_RANGE", "SeedValidator", "network_errors", "overlap_errors", "parse_cidr"]
