"""Admission checks for the AWS provider configs, beyond what their types already refuse.

Garden admission calls these with the shoot's networks and zones and gets every problem at once, as field errors
with paths under the config's place in the Shoot (``spec.provider.infrastructureConfig...``). The rules are Gardener's:
exactly one of ``vpc.id`` and ``vpc.cidr``; one zone entry per zone the workers use, no more; every subnet CIDR
inside the VPC's CIDR and the workers' inside the shoot's nodes CIDR; no two subnets overlapping, and none overlapping
the pods or services networks; ``ignoreTags`` may not take the tags the provider itself manages.

:func:`validate_shoot` is the provider's admission hook (:class:`~providers.interface.ShootValidator`): it takes a
Shoot's spec as written and runs each check on the config that is present, with the shoot's networks and the zones
its worker pools use.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

from kubelite.apiserver.errors import FieldError, forbidden, invalid, required
from providers.aws.config import ControlPlaneConfig, InfrastructureConfig, WorkerConfig
from providers.interface import (
    CONTROL_PLANE_CONFIG_PATH,
    INFRASTRUCTURE_CONFIG_PATH,
    Networks,
    config_errors,
    worker_config_path,
)

INFRASTRUCTURE_PATH = INFRASTRUCTURE_CONFIG_PATH
RESERVED_TAG_KEYS = ("Name",)
RESERVED_TAG_PREFIXES = ("kubernetes.io/", "gardener.cloud/")
#: Volume types that take provisioned IOPS, and the one that takes throughput.
IOPS_VOLUME_TYPES = ("io1", "io2", "gp3")
THROUGHPUT_VOLUME_TYPES = ("gp3",)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _cidr(value: str | None, path: str, problems: list[FieldError]) -> Network | None:
    if value is None:
        return None
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        problems.append(invalid(path, value, f"must be a valid CIDR: {exc}"))
        return None


def validate_infrastructure_config(
    config: InfrastructureConfig | dict[str, Any],
    networks: Networks,
    zones: Sequence[str],
    path: str = INFRASTRUCTURE_PATH,
) -> list[FieldError]:
    """Every problem with an InfrastructureConfig for a shoot with these networks and worker zones."""
    if not isinstance(config, InfrastructureConfig):
        problems = config_errors(InfrastructureConfig, config, path)
        if problems:
            return problems
        config = InfrastructureConfig.model_validate(config)
    problems = []
    vpc = config.networks.vpc
    vpc_path = f"{path}.networks.vpc"
    if bool(vpc.id) == bool(vpc.cidr):
        problems.append(invalid(vpc_path, vpc.model_dump(exclude_none=True), "exactly one of id and cidr must be set"))
    vpc_cidr = _cidr(vpc.cidr, f"{vpc_path}.cidr", problems)
    nodes = _cidr(networks.nodes, "spec.networking.nodes", problems)
    others = [
        (name, net)
        for name, net in (
            ("pods", _cidr(networks.pods, "spec.networking.pods", problems)),
            ("services", _cidr(networks.services, "spec.networking.services", problems)),
        )
        if net is not None
    ]
    zones_path = f"{path}.networks.zones"
    if not config.networks.zones:
        problems.append(required(zones_path, "at least one zone is needed"))
    seen: dict[str, int] = {}
    subnets: list[tuple[str, Network]] = []
    for i, zone in enumerate(config.networks.zones):
        zone_path = f"{zones_path}[{i}]"
        if zone.name in seen:
            problems.append(invalid(f"{zone_path}.name", zone.name, f"duplicates {zones_path}[{seen[zone.name]}]"))
        seen.setdefault(zone.name, i)
        for purpose in ("workers", "public", "internal"):
            where = f"{zone_path}.{purpose}"
            net = _cidr(getattr(zone, purpose), where, problems)
            if net is None:
                continue
            if vpc_cidr is not None and not net.subnet_of(vpc_cidr):  # type: ignore[arg-type]
                problems.append(invalid(where, str(net), f"must be a subset of {vpc_path}.cidr ({vpc_cidr})"))
            if purpose == "workers" and nodes is not None and not net.subnet_of(nodes):  # type: ignore[arg-type]
                problems.append(invalid(where, str(net), f"must be a subset of spec.networking.nodes ({nodes})"))
            for name, other in others:
                if net.overlaps(other):
                    problems.append(invalid(where, str(net), f"must not overlap spec.networking.{name} ({other})"))
            for other_path, other in subnets:
                if net.overlaps(other):
                    problems.append(invalid(where, str(net), f"must not overlap {other_path} ({other})"))
            subnets.append((where, net))
    for zone_name in zones:
        if zone_name not in seen:
            problems.append(required(zones_path, f"the workers use zone {zone_name}, which has no entry here"))
    for zone_name, i in seen.items():
        if zones and zone_name not in zones:
            problems.append(invalid(f"{zones_path}[{i}].name", zone_name, "no worker pool uses this zone"))
    if config.ignore_tags:
        tags_path = f"{path}.ignoreTags"
        for j, key in enumerate(config.ignore_tags.keys or ()):
            if key in RESERVED_TAG_KEYS or key.startswith(RESERVED_TAG_PREFIXES):
                problems.append(forbidden(f"{tags_path}.keys[{j}]", f"{key!r} is managed by the provider"))
        for j, prefix in enumerate(config.ignore_tags.key_prefixes or ()):
            if any(reserved.startswith(prefix) for reserved in (*RESERVED_TAG_KEYS, *RESERVED_TAG_PREFIXES)):
                problems.append(
                    forbidden(f"{tags_path}.keyPrefixes[{j}]", f"{prefix!r} covers tags managed by the provider")
                )
    return problems


def validate_worker_config(
    config: WorkerConfig | dict[str, Any], volume_type: str | None, path: str
) -> list[FieldError]:
    """Problems with one pool's WorkerConfig (``path``: ``spec.provider.workers[i].providerConfig``)."""
    if not isinstance(config, WorkerConfig):
        problems = config_errors(WorkerConfig, config, path)
        if problems:
            return problems
        config = WorkerConfig.model_validate(config)
    problems = []
    if config.volume:
        if config.volume.iops is not None and volume_type not in IOPS_VOLUME_TYPES:
            problems.append(
                forbidden(f"{path}.volume.iops", f"only volume types {', '.join(IOPS_VOLUME_TYPES)} take IOPS")
            )
        if config.volume.iops is not None and config.volume.iops <= 0:
            problems.append(invalid(f"{path}.volume.iops", config.volume.iops, "must be positive"))
        if config.volume.throughput is not None and volume_type not in THROUGHPUT_VOLUME_TYPES:
            problems.append(forbidden(f"{path}.volume.throughput", "only gp3 volumes take a throughput"))
    profile = config.iam_instance_profile
    if profile is not None and bool(profile.name) == bool(profile.arn):
        problems.append(invalid(f"{path}.iamInstanceProfile", profile.model_dump(), "exactly one of name and arn"))
    names = [volume.name for volume in config.data_volumes or ()]
    for j, name in enumerate(names):
        if names.index(name) != j:
            problems.append(invalid(f"{path}.dataVolumes[{j}].name", name, "duplicate data volume name"))
    return problems


def validate_control_plane_config(config: ControlPlaneConfig | dict[str, Any], path: str) -> list[FieldError]:
    """Problems with a ControlPlaneConfig (``path``: ``spec.provider.controlPlaneConfig``): its types only."""
    if isinstance(config, ControlPlaneConfig):
        return []
    return config_errors(ControlPlaneConfig, config, path)


def _text(obj: Any, key: str) -> str | None:
    value = obj.get(key) if isinstance(obj, Mapping) else None
    return value if isinstance(value, str) and value else None


def validate_shoot(spec: Mapping[str, Any]) -> list[FieldError]:
    """Every problem with the AWS configs of a Shoot's ``spec`` (the configs present; absent ones are not checked)."""
    provider = spec.get("provider")
    if not isinstance(provider, Mapping):
        return []
    listed = provider.get("workers")
    workers = [w if isinstance(w, Mapping) else {} for w in listed] if isinstance(listed, list) else []
    zones: list[str] = []
    for worker in workers:
        for zone in worker.get("zones") or ():
            if isinstance(zone, str) and zone not in zones:
                zones.append(zone)
    problems: list[FieldError] = []
    infrastructure = provider.get("infrastructureConfig")
    if infrastructure is not None:
        networking = spec.get("networking")
        networks = Networks(
            nodes=_text(networking, "nodes"), pods=_text(networking, "pods"), services=_text(networking, "services")
        )
        problems += validate_infrastructure_config(infrastructure, networks, zones)
    control_plane = provider.get("controlPlaneConfig")
    if control_plane is not None:
        problems += validate_control_plane_config(control_plane, CONTROL_PLANE_CONFIG_PATH)
    for index, worker in enumerate(workers):
        config = worker.get("providerConfig")
        if config is not None:
            volume_type = _text(worker.get("volume"), "type")
            problems += validate_worker_config(config, volume_type, worker_config_path(index))
    return problems


__all__ = [
    "validate_control_plane_config",
    "validate_infrastructure_config",
    "validate_shoot",
    "validate_worker_config",
]
