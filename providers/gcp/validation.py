"""Admission checks for the GCP provider configs, beyond what their types already refuse.

Garden admission calls these with the shoot's networks and zones and gets every problem at once, as field errors with
paths under the config's place in the Shoot (``spec.provider.infrastructureConfig...``). The rules are Gardener's:
the workers' CIDR is set (``workers``, or the deprecated ``worker``), valid and inside the shoot's nodes CIDR; neither
it nor the internal CIDR overlaps another or the pods and services networks; a Cloud Router is named only with an
existing VPC; Cloud NAT port numbers are within GCE's bounds (powers of two with dynamic port allocation, a maximum
only with it); the control plane's zone is one the workers use; a pool's service account has an email and scopes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kubelite.apiserver.errors import FieldError, forbidden, invalid, not_supported, required
from providers.gcp.config import ControlPlaneConfig, InfrastructureConfig, WorkerConfig
from providers.gcp.names import NAME
from providers.interface import Networks

INFRASTRUCTURE_PATH = "spec.provider.infrastructureConfig"
CONTROL_PLANE_PATH = "spec.provider.controlPlaneConfig"
MIN_PORTS, MAX_PORTS = 32, 65536

M = TypeVar("M", bound=BaseModel)
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


def _parse(model: type[M], config: M | dict[str, Any], path: str) -> M | list[FieldError]:
    if isinstance(config, model):
        return config
    try:
        return model.model_validate(config)
    except ValidationError as exc:
        return _pydantic_errors(exc, path)


def _cidr(value: str | None, path: str, problems: list[FieldError]) -> Network | None:
    if value is None:
        return None
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        problems.append(invalid(path, value, f"must be a valid CIDR: {exc}"))
        return None


def _power_of_two(value: int) -> bool:
    return value > 0 and value & (value - 1) == 0


def validate_infrastructure_config(
    config: InfrastructureConfig | dict[str, Any], networks: Networks, path: str = INFRASTRUCTURE_PATH
) -> list[FieldError]:
    """Every problem with an InfrastructureConfig for a shoot with these networks."""
    parsed = _parse(InfrastructureConfig, config, path)
    if isinstance(parsed, list):
        return parsed
    problems: list[FieldError] = []
    net = parsed.networks
    npath = f"{path}.networks"
    if net.workers and net.worker:
        problems.append(forbidden(f"{npath}.worker", "is deprecated and must not be set together with workers"))
    workers_path = f"{npath}.workers" if net.workers or not net.worker else f"{npath}.worker"
    if not net.workers_cidr:
        problems.append(required(f"{npath}.workers", "the nodes' subnetwork CIDR is needed"))
    workers = _cidr(net.workers_cidr, workers_path, problems)
    internal = _cidr(net.internal, f"{npath}.internal", problems)
    nodes = _cidr(networks.nodes, "spec.networking.nodes", problems)
    others = [
        (name, cidr)
        for name, cidr in (
            ("pods", _cidr(networks.pods, "spec.networking.pods", problems)),
            ("services", _cidr(networks.services, "spec.networking.services", problems)),
        )
        if cidr is not None
    ]
    if workers is not None and nodes is not None and not workers.subnet_of(nodes):  # type: ignore[arg-type]
        problems.append(invalid(workers_path, str(workers), f"must be a subset of spec.networking.nodes ({nodes})"))
    for where, cidr in ((workers_path, workers), (f"{npath}.internal", internal)):
        if cidr is None:
            continue
        for name, other in others:
            if cidr.overlaps(other):
                problems.append(invalid(where, str(cidr), f"must not overlap spec.networking.{name} ({other})"))
    if workers is not None and internal is not None and workers.overlaps(internal):
        problems.append(invalid(f"{npath}.internal", str(internal), f"must not overlap {workers_path} ({workers})"))
    if net.vpc is not None and not NAME.match(net.vpc.name):
        problems.append(invalid(f"{npath}.vpc.name", net.vpc.name, "must be a valid GCE network name"))
    if net.vpc is not None and net.vpc.cloud_router is not None and not NAME.match(net.vpc.cloud_router.name):
        problems.append(
            invalid(f"{npath}.vpc.cloudRouter.name", net.vpc.cloud_router.name, "must be a valid GCE router name")
        )
    if net.cloud_nat is not None:
        problems += _cloud_nat(net.cloud_nat, f"{npath}.cloudNAT")
    return problems


def _cloud_nat(nat: Any, path: str) -> list[FieldError]:
    problems: list[FieldError] = []
    dynamic = bool(nat.enable_dynamic_port_allocation)
    for field, value in (("minPortsPerVM", nat.min_ports_per_vm), ("maxPortsPerVM", nat.max_ports_per_vm)):
        if value is None:
            continue
        if not MIN_PORTS <= value <= MAX_PORTS:
            problems.append(invalid(f"{path}.{field}", value, f"must be between {MIN_PORTS} and {MAX_PORTS}"))
        elif dynamic and not _power_of_two(value):
            problems.append(invalid(f"{path}.{field}", value, "must be a power of two with dynamic port allocation"))
    if nat.max_ports_per_vm is not None and not dynamic:
        problems.append(forbidden(f"{path}.maxPortsPerVM", "is only allowed with enableDynamicPortAllocation"))
    if (
        nat.min_ports_per_vm is not None
        and nat.max_ports_per_vm is not None
        and nat.min_ports_per_vm > nat.max_ports_per_vm
    ):
        problems.append(invalid(f"{path}.minPortsPerVM", nat.min_ports_per_vm, "must not exceed maxPortsPerVM"))
    seen: set[str] = set()
    for i, entry in enumerate(nat.nat_ip_names or ()):
        if not NAME.match(entry.name):
            problems.append(invalid(f"{path}.natIPNames[{i}].name", entry.name, "must be a valid GCE address name"))
        if entry.name in seen:
            problems.append(invalid(f"{path}.natIPNames[{i}].name", entry.name, "duplicate address name"))
        seen.add(entry.name)
    return problems


def validate_control_plane_config(
    config: ControlPlaneConfig | dict[str, Any], zones: Sequence[str], path: str = CONTROL_PLANE_PATH
) -> list[FieldError]:
    """Problems with a ControlPlaneConfig: its types, and its zone must be one the workers use."""
    parsed = _parse(ControlPlaneConfig, config, path)
    if isinstance(parsed, list):
        return parsed
    if parsed.zone is not None and zones and parsed.zone not in zones:
        return [not_supported(f"{path}.zone", parsed.zone, list(zones))]
    return []


def validate_worker_config(config: WorkerConfig | dict[str, Any], path: str) -> list[FieldError]:
    """Problems with one pool's WorkerConfig (``path``: ``spec.provider.workers[i].providerConfig``)."""
    parsed = _parse(WorkerConfig, config, path)
    if isinstance(parsed, list):
        return parsed
    problems: list[FieldError] = []
    if parsed.gpu is not None and not parsed.gpu.accelerator_type:
        problems.append(required(f"{path}.gpu.acceleratorType"))
    account = parsed.service_account
    if account is not None:
        if "@" not in account.email:
            problems.append(invalid(f"{path}.serviceAccount.email", account.email, "must be an email address"))
        if not account.scopes:
            problems.append(required(f"{path}.serviceAccount.scopes", "at least one scope is needed"))
    names = [volume.name for volume in parsed.data_volumes or ()]
    for j, name in enumerate(names):
        if names.index(name) != j:
            problems.append(invalid(f"{path}.dataVolumes[{j}].name", name, "duplicate data volume name"))
    return problems


def validate_shoot(spec: dict[str, Any]) -> list[FieldError]:
    """Every problem with the GCP configs of a Shoot's ``spec`` (infrastructure, control plane, each pool)."""
    provider = spec.get("provider") or {}
    networking = spec.get("networking") or {}
    networks = Networks(nodes=networking.get("nodes"), pods=networking.get("pods"), services=networking.get("services"))
    workers = provider.get("workers") or []
    zones = [zone for worker in workers for zone in worker.get("zones") or ()]
    problems: list[FieldError] = []
    if provider.get("infrastructureConfig") is not None:
        problems += validate_infrastructure_config(provider["infrastructureConfig"], networks)
    if provider.get("controlPlaneConfig") is not None:
        problems += validate_control_plane_config(provider["controlPlaneConfig"], zones)
    for i, worker in enumerate(workers):
        if worker.get("providerConfig") is not None:
            problems += validate_worker_config(worker["providerConfig"], f"spec.provider.workers[{i}].providerConfig")
    return problems


__all__ = [
    "validate_control_plane_config",
    "validate_infrastructure_config",
    "validate_shoot",
    "validate_worker_config",
]
