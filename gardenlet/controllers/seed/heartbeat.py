"""The gardenlet's heartbeat: a Lease in the garden, renewed every ``heartbeatSeconds``.

As in Gardener, the Lease lives in ``gardener-system-seed-lease``, is named after the seed, held by the gardenlet,
and owned by the Seed (deleting the Seed removes it). The garden controller-manager's seed lifecycle controller
(:mod:`garden.controllermanager.seedlifecycle`) reads ``spec.renewTime``: once it is older than its
``--seed-grace-seconds`` the Seed's ``GardenletReady`` turns Unknown. The gardenlet itself never marks its seed
Unknown on shutdown; a stopped gardenlet and a crashed one look the same to the garden, which is the point.
``leaseDurationSeconds`` says how long a renewal is meant to last (a few heartbeats), for anyone reading the Lease.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from garden.controllermanager.seedlifecycle import LEASE_NAMESPACE
from garden.kube import LEASES, NAMESPACES, Kube, KubeError

Object = dict[str, Any]

#: A renewal is meant to last this many heartbeats.
LEASE_HEARTBEATS = 4


def micro_time(moment: datetime) -> str:
    """``metav1.MicroTime`` as the API writes it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def lease_body(seed: Mapping[str, Any], now: datetime, heartbeat_seconds: float) -> Object:
    name = str(seed["metadata"]["name"])
    metadata: Object = {"name": name, "namespace": LEASE_NAMESPACE}
    uid = seed["metadata"].get("uid")
    if uid:
        metadata["ownerReferences"] = [
            {"apiVersion": "core.gardener.cloud/v1beta1", "kind": "Seed", "name": name, "uid": uid}
        ]
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": metadata,
        "spec": {
            "holderIdentity": name,
            "leaseDurationSeconds": max(1, math.ceil(heartbeat_seconds * LEASE_HEARTBEATS)),
            "renewTime": micro_time(now),
        },
    }


def ensure_lease_namespace(garden: Kube) -> None:
    """The lease namespace, created if the garden lacks it (a gardenlet allowed to may; else it must exist)."""
    if garden.get(NAMESPACES, None, LEASE_NAMESPACE) is not None:
        return
    try:
        garden.create(
            NAMESPACES, None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": LEASE_NAMESPACE}}
        )
    except KubeError as exc:
        if exc.status != 409:
            raise


def renew(garden: Kube, seed: Mapping[str, Any], now: datetime, heartbeat_seconds: float) -> Object:
    """Create or renew the seed's Lease; the Lease as stored."""
    body = lease_body(seed, now, heartbeat_seconds)
    name = body["metadata"]["name"]
    existing = garden.get(LEASES, LEASE_NAMESPACE, name)
    if existing is None:
        try:
            return garden.create(LEASES, LEASE_NAMESPACE, body)
        except KubeError as exc:
            if exc.status != 409:
                raise
    return garden.patch(LEASES, LEASE_NAMESPACE, name, {"metadata": body["metadata"], "spec": body["spec"]})


__all__ = ["LEASE_HEARTBEATS", "ensure_lease_namespace", "lease_body", "micro_time", "renew"]
