"""The shoot as providers see it: :class:`~providers.interface.ClusterInfo` from the ``Cluster`` object and a Secret.

The gardenlet writes one cluster-scoped ``Cluster`` (``extensions.gardener.cloud/v1alpha1``) per shoot, named like
the shoot's seed namespace and carrying copies of the Shoot, Seed and CloudProfile. Extensions read the shoot's
region, zones and networks from it rather than from the garden, which they cannot reach.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from garden.api.common import ErrorCode
from kubelite.client import SECRETS, Kube
from providers.extensions.resources import CLUSTERS
from providers.interface import ClusterInfo, Networks, ProviderError

Object = dict[str, Any]


def decode_secret(secret: Object) -> dict[str, str]:
    """A Secret's ``data`` (base64) and ``stringData``, decoded to text."""
    decoded: dict[str, str] = {}
    for key, value in (secret.get("data") or {}).items():
        try:
            decoded[key] = base64.b64decode(value).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            name = (secret.get("metadata") or {}).get("name")
            raise ProviderError(
                f"secret {name}: key {key} is not base64 text", ErrorCode.CONFIGURATION_PROBLEM
            ) from exc
    decoded.update(secret.get("stringData") or {})
    return decoded


def read_credentials(kube: Kube, namespace: str | None, secret_ref: Object | None) -> dict[str, str]:
    """The data of the Secret ``secret_ref`` names (``{name, namespace}``); a missing one is a configuration error."""
    if not secret_ref or not secret_ref.get("name"):
        raise ProviderError("spec.secretRef names no secret", ErrorCode.CONFIGURATION_PROBLEM)
    where = secret_ref.get("namespace") or namespace
    secret = kube.get(SECRETS, where, secret_ref["name"])
    if secret is None:
        raise ProviderError(
            f"secret {where}/{secret_ref['name']} (spec.secretRef) does not exist",
            ErrorCode.RETRYABLE_CONFIGURATION_PROBLEM,
        )
    return decode_secret(secret)


def read_cluster(kube: Kube, namespace: str) -> Object:
    """The ``Cluster`` of the shoot whose seed namespace is ``namespace``; retried while the gardenlet writes it."""
    cluster = kube.get(CLUSTERS, None, namespace)
    if cluster is None:
        raise ProviderError(
            f"cluster {namespace} does not exist (the gardenlet writes it before any extension object)",
            ErrorCode.RETRYABLE_CONFIGURATION_PROBLEM,
        )
    return cluster


def shoot_of(cluster: Object) -> Object:
    return ((cluster.get("spec") or {}).get("shoot")) or {}


def cloud_profile_of(cluster: Object) -> Object:
    return ((cluster.get("spec") or {}).get("cloudProfile")) or {}


def cluster_info(cluster: Object, credentials: dict[str, str], region: str | None = None) -> ClusterInfo:
    """ClusterInfo from a Cluster: the technical ID is its name; zones are every worker pool's, in order."""
    name = (cluster.get("metadata") or {}).get("name") or ""
    shoot_spec = shoot_of(cluster).get("spec") or {}
    zones: list[str] = []
    for worker in (shoot_spec.get("provider") or {}).get("workers") or []:
        for zone in worker.get("zones") or []:
            if zone not in zones:
                zones.append(zone)
    networking = shoot_spec.get("networking") or {}
    technical_id = (shoot_of(cluster).get("status") or {}).get("technicalID") or name
    return ClusterInfo(
        technical_id=technical_id,
        region=region or shoot_spec.get("region") or "",
        credentials=credentials,
        zones=tuple(zones),
        networks=Networks(
            nodes=networking.get("nodes"), pods=networking.get("pods"), services=networking.get("services")
        ),
    )


def load_cluster_info(kube: Kube, namespace: str, secret_ref: Object | None, region: str | None = None) -> ClusterInfo:
    return cluster_info(read_cluster(kube, namespace), read_credentials(kube, namespace, secret_ref), region)


__all__ = [
    "cloud_profile_of",
    "cluster_info",
    "decode_secret",
    "load_cluster_info",
    "read_cluster",
    "read_credentials",
    "shoot_of",
]
