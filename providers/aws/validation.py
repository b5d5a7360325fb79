"""Admission checks for the AWS provider configs, beyond what their types already refuse.

Garden admission calls these with the shoot's networks and zones and gets every problem at once, as field errors
with paths under the config's place in the Shoot (``spec.provider.infrastructureConfig...``). The rules are Gardener's:
exactly one of ``vpc.id`` and ``vpc.cidr``; one zone entry per zone the workers use, no more; every subnet CIDR
inside the VPC's CIDR and the workers' inside the shoot's nodes CIDR; no two subnets overlapping, and none overlapping
the pods or services networks; ``ignoreTags`` may not take the tags the provider itself manages.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from kubelite.apiserver.errors import FieldError, forbidden, invalid, required
from providers.aws.config import ControlPlaneConfig, InfrastructureConfig, WorkerConfig
from providers.interface import Networks

INFRASTRUCTURE_PATH = "spec.provider.infrastructureConfig"
RESERVED_TAG_KEYS = ("Name",)
RESERVED_TAG_PREFIXES = ("kubernetes.io/", "gardener.cloud/")
#: Volume types that take provisioned IOPS, and the one that takes throughput.
IOPS_VOLUME_TYPES = ("io1", "io2", "gp3")
THROUGHPUT_VOLUME_TYPES = ("gp3",)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _pydantic_errors(exc: ValidationError, path: str) -> list[FieldError]:
    problems = []
    for error in exc.errors(include_url=False):
        where = path + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
        if error["type"] == "missing":
            problems.append(required(where))
        else:
            problems.append(invalid(where, error.get("input"), str(error["msg"])))
    return problems


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
        try:
            config = InfrastructureConfig.model_validate(config)
        except ValidationError as exc:
            return _pydantic_errors(exc, path)
    problems: list[FieldError] = []
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
        try:
            config = WorkerConfig.model_validate(config)
        except ValidationError as exc:
            return _pydantic_errors(exc, path)
    problems: list[FieldError] = []
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
    try:
        ControlPlaneConfig.model_validate(config)
    except ValidationError as exc:
        return _pydantic_errors(exc, path)
    return []


__all__ = ["validate_control_plane_config", "validate_infrastructure_config", "validate_worker_config"]
