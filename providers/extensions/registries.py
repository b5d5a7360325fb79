"""The extension controllers a provider process runs, as kopf registries (one per kind)."""

from __future__ import annotations

import kopf

from kubelite.client import Kube
from providers.extensions.actuators import (
    BackupBucketActuator,
    BackupEntryActuator,
    ControlPlaneActuator,
    DNSRecordActuator,
    InfrastructureActuator,
)
from providers.extensions.controller import ExtensionKind, extension_registry
from providers.extensions.operation import Backoff
from providers.extensions.osc import OperatingSystemConfigActuator
from providers.extensions.resources import (
    BACKUPBUCKETS,
    BACKUPENTRIES,
    CONTROLPLANES,
    DNSRECORDS,
    INFRASTRUCTURES,
    OPERATINGSYSTEMCONFIGS,
)
from providers.extensions.shoot_access import ShootClients
from providers.registry import ProviderRegistry


def provider_kinds(providers: ProviderRegistry, backoff: Backoff, seed: Kube) -> list[ExtensionKind]:
    """Infrastructure, ControlPlane, DNSRecord, BackupBucket and BackupEntry for the providers' types; OSC for every
    type (the Worker and the machine controller are added by ``gardenlet extensions``)."""
    types = frozenset(providers.names)
    return [
        ExtensionKind("Infrastructure", INFRASTRUCTURES, InfrastructureActuator(providers), types, backoff),
        ExtensionKind("ControlPlane", CONTROLPLANES, ControlPlaneActuator(providers), types, backoff),
        ExtensionKind("DNSRecord", DNSRECORDS, DNSRecordActuator(providers), types, backoff),
        ExtensionKind("BackupBucket", BACKUPBUCKETS, BackupBucketActuator(providers), types, backoff),
        ExtensionKind("BackupEntry", BACKUPENTRIES, BackupEntryActuator(providers), types, backoff),
        ExtensionKind(
            "OperatingSystemConfig",
            OPERATINGSYSTEMCONFIGS,
            OperatingSystemConfigActuator(ShootClients(seed)),
            None,
            backoff,
        ),
    ]


def provider_registries(seed: Kube, providers: ProviderRegistry, backoff: Backoff) -> list[kopf.OperatorRegistry]:
    return [extension_registry(seed, kind) for kind in provider_kinds(providers, backoff, seed)]


__all__ = ["provider_kinds", "provider_registries"]
