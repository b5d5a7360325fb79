"""Actuators for the kinds a provider serves directly: Infrastructure, ControlPlane, DNSRecord, BackupBucket and
BackupEntry.

Each looks up the provider of the object's ``spec.type`` in the registry, builds the request from the object, the
shoot's ``Cluster`` and the credentials Secret, and calls the provider. Configs in ``spec.providerConfig`` are
parsed with the provider's typed model; one that does not parse is ``ERR_CONFIGURATION_PROBLEM`` (a retry cannot
help until the user fixes it).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from pydantic import BaseModel, ValidationError

from garden.api.common import ErrorCode
from kubelite.client import Kube
from providers.extensions.actuator import Context, Outcome
from providers.extensions.cluster import cluster_info, read_credentials
from providers.extensions.resources import CLUSTERS
from providers.interface import (
    BackupActuator,
    BackupBucketRequest,
    ClusterInfo,
    ControlPlaneProvider,
    ControlPlaneRequest,
    DNSActuator,
    DNSRecordRequest,
    InfrastructureRequest,
    Provider,
    ProviderError,
)
from providers.registry import ProviderRegistry, UnknownProviderError

Object = dict[str, Any]


def parse_config(model: type[BaseModel] | None, raw: Object | None, where: str) -> BaseModel | None:
    """``raw`` as the provider's typed config; absent stays None; invalid is a configuration problem."""
    if model is None or raw is None:
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ProviderError(f"{where}: {exc}", ErrorCode.CONFIGURATION_PROBLEM) from exc


def provider_for(registry: ProviderRegistry, ctx: Context) -> Provider:
    try:
        return registry.get(str(ctx.spec.get("type") or ""))
    except UnknownProviderError as exc:
        raise ProviderError(str(exc), ErrorCode.CONFIGURATION_PROBLEM) from exc


def shoot_cluster(kube: Kube, ctx: Context, region: str | None) -> ClusterInfo:
    """The shoot's ClusterInfo; an object in a namespace without a Cluster (a seed's own record) gets a bare one."""
    credentials = read_credentials(kube, ctx.namespace, ctx.spec.get("secretRef"))
    cluster = kube.get(CLUSTERS, None, ctx.namespace) if ctx.namespace else None
    if cluster is None:
        return ClusterInfo(technical_id=ctx.namespace or ctx.name, region=region or "", credentials=credentials)
    return cluster_info(cluster, credentials, region)


def _ssh_key(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return base64.b64decode(raw, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return raw


class InfrastructureActuator:
    def __init__(self, registry: ProviderRegistry) -> None:
        self.registry = registry

    def _request(self, ctx: Context) -> tuple[Provider, InfrastructureRequest]:
        provider = provider_for(self.registry, ctx)
        cluster = shoot_cluster(ctx.kube, ctx, ctx.spec.get("region"))
        config = parse_config(provider.infrastructure_config, ctx.spec.get("providerConfig"), "spec.providerConfig")
        request = InfrastructureRequest(
            cluster=cluster,
            config=config,
            ssh_public_key=_ssh_key(ctx.spec.get("sshPublicKey")),
            state=ctx.status.get("state"),
        )
        return provider, request

    def reconcile(self, ctx: Context) -> Outcome:
        provider, request = self._request(ctx)
        result = provider.infrastructure(request.cluster).reconcile(request)
        status: Object = {"providerStatus": result.provider_status, "state": result.state}
        if result.nodes_cidr:
            status["nodesCIDR"] = result.nodes_cidr
        if result.egress_cidrs:
            status["egressCIDRs"] = list(result.egress_cidrs)
        return Outcome(status)

    def delete(self, ctx: Context) -> None:
        provider, request = self._request(ctx)
        provider.infrastructure(request.cluster).delete(request)

    def migrate(self, ctx: Context) -> None:
        """Nothing to let go of: what was made is in ``status.state`` already."""

    def restore(self, ctx: Context) -> Outcome:
        return self.reconcile(ctx)


class ControlPlaneActuator:
    """A provider's ``control_plane`` when it has one; otherwise there is nothing cloud-side and the object succeeds
    with an empty provider status (its config must still parse)."""

    def __init__(self, registry: ProviderRegistry) -> None:
        self.registry = registry

    def _request(self, ctx: Context) -> tuple[Provider, ControlPlaneRequest]:
        provider = provider_for(self.registry, ctx)
        cluster = shoot_cluster(ctx.kube, ctx, ctx.spec.get("region"))
        config = parse_config(provider.control_plane_config, ctx.spec.get("providerConfig"), "spec.providerConfig")
        request = ControlPlaneRequest(
            cluster=cluster,
            config=config,
            purpose=str(ctx.spec.get("purpose") or "normal"),
            infrastructure_status=ctx.spec.get("infrastructureProviderStatus"),
        )
        return provider, request

    def reconcile(self, ctx: Context) -> Outcome:
        provider, request = self._request(ctx)
        if not isinstance(provider, ControlPlaneProvider):
            return Outcome({"providerStatus": None})
        return Outcome({"providerStatus": provider.control_plane(request.cluster).reconcile(request)})

    def delete(self, ctx: Context) -> None:
        provider = provider_for(self.registry, ctx)
        if isinstance(provider, ControlPlaneProvider):
            _, request = self._request(ctx)
            provider.control_plane(request.cluster).delete(request)

    def migrate(self, ctx: Context) -> None:
        """Nothing is kept outside the object."""

    def restore(self, ctx: Context) -> Outcome:
        return self.reconcile(ctx)


class DNSRecordActuator:
    def __init__(self, registry: ProviderRegistry) -> None:
        self.registry = registry

    def _actuator(self, ctx: Context, *, deleting: bool = False) -> tuple[DNSActuator | None, DNSRecordRequest]:
        """The provider's DNS actuator and the request; None when deleting for a provider without one (a record
        it could never have made is gone already)."""
        provider = provider_for(self.registry, ctx)
        cluster = shoot_cluster(ctx.kube, ctx, ctx.spec.get("region"))
        dns = provider.dns(cluster)
        if dns is None and not deleting:
            raise ProviderError(f"provider {provider.name!r} has no DNS actuator", ErrorCode.CONFIGURATION_PROBLEM)
        request = DNSRecordRequest(
            cluster=cluster,
            name=str(ctx.spec.get("name") or ""),
            record_type=str(ctx.spec.get("recordType") or ""),
            values=tuple(ctx.spec.get("values") or ()),
            ttl=int(ctx.spec.get("ttl") or 120),
            zone=ctx.spec.get("zone"),
        )
        return dns, request

    def reconcile(self, ctx: Context) -> Outcome:
        dns, request = self._actuator(ctx)
        assert dns is not None
        provider_status = dns.reconcile(request)
        status: Object = {"providerStatus": provider_status}
        if provider_status.get("zone"):
            status["zone"] = provider_status["zone"]
        return Outcome(status)

    def delete(self, ctx: Context) -> None:
        dns, request = self._actuator(ctx, deleting=True)
        if dns is not None:
            dns.delete(request)

    def migrate(self, ctx: Context) -> None:
        """The record stays; the restoring seed adopts it."""

    def restore(self, ctx: Context) -> Outcome:
        return self.reconcile(ctx)


class _Backup:
    def __init__(self, registry: ProviderRegistry) -> None:
        self.registry = registry

    def _actuator(
        self, ctx: Context, bucket: str, *, deleting: bool = False
    ) -> tuple[BackupActuator | None, BackupBucketRequest]:
        """As for DNS: None only when deleting for a provider without backups (nothing was made)."""
        provider = provider_for(self.registry, ctx)
        region = str(ctx.spec.get("region") or "")
        credentials = read_credentials(ctx.kube, None, ctx.spec.get("secretRef"))
        backup = provider.backup(credentials, region)
        if backup is None and not deleting:
            raise ProviderError(f"provider {provider.name!r} has no backup actuator", ErrorCode.CONFIGURATION_PROBLEM)
        return backup, BackupBucketRequest(name=bucket, region=region, credentials=credentials)

    def migrate(self, ctx: Context) -> None:
        """Backups stay where they are."""


class BackupBucketActuator(_Backup):
    def reconcile(self, ctx: Context) -> Outcome:
        backup, request = self._actuator(ctx, ctx.name)
        assert backup is not None
        return Outcome({"providerStatus": backup.reconcile(request)})

    def delete(self, ctx: Context) -> None:
        backup, request = self._actuator(ctx, ctx.name, deleting=True)
        if backup is not None:
            backup.delete(request)

    def restore(self, ctx: Context) -> Outcome:
        return self.reconcile(ctx)


class BackupEntryActuator(_Backup):
    """A shoot's prefix (the entry's name) in a bucket: nothing to make, everything under it to remove on delete."""

    def reconcile(self, ctx: Context) -> Outcome:
        self._actuator(ctx, str(ctx.spec.get("bucketName") or ""))  # the provider and credentials must be usable
        return Outcome({})

    def delete(self, ctx: Context) -> None:
        backup, request = self._actuator(ctx, str(ctx.spec.get("bucketName") or ""), deleting=True)
        if backup is not None:
            backup.delete_entry(request, ctx.name)

    def restore(self, ctx: Context) -> Outcome:
        return self.reconcile(ctx)


__all__ = [
    "BackupBucketActuator",
    "BackupEntryActuator",
    "ControlPlaneActuator",
    "DNSRecordActuator",
    "InfrastructureActuator",
    "parse_config",
    "provider_for",
    "shoot_cluster",
]
