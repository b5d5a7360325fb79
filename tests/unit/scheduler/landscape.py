"""Seeds and shoots as the garden API server stores them, for the scheduler's unit tests."""

from __future__ import annotations

from typing import Any

from garden.scheduler.views import SeedView, ShootView

CORE = "core.gardener.cloud/v1beta1"


def seed_object(
    name: str,
    provider: str = "aws",
    region: str = "eu-central-1",
    *,
    ready: str | None = "True",
    last_operation: bool = True,
    labels: dict[str, str] | None = None,
    taints: list[dict[str, str]] | None = None,
    zones: list[str] | None = None,
    allocatable: int | str | None = None,
    backup: bool = False,
    backup_ready: str | None = None,
    deleting: bool = False,
    visible: bool | None = None,
    nodes: str | None = "10.0.0.0/16",
    pods: str = "10.1.0.0/16",
    services: str = "10.2.0.0/16",
    shoot_defaults: dict[str, str] | None = None,
    access_restrictions: list[str] | None = None,
) -> dict[str, Any]:
    networks: dict[str, Any] = {"pods": pods, "services": services}
    if nodes:
        networks["nodes"] = nodes
    if shoot_defaults:
        networks["shootDefaults"] = shoot_defaults
    spec: dict[str, Any] = {
        "provider": {"type": provider, "region": region},
        "networks": networks,
        "dns": {"provider": {"type": "aws-route53", "secretRef": {"name": "dns", "namespace": "garden"}}},
        "ingress": {"domain": f"ingress.{name}.example.com", "controller": {"kind": "nginx"}},
    }
    if zones is not None:
        spec["provider"]["zones"] = zones
    if taints:
        spec["taints"] = taints
    if backup:
        spec["backup"] = {"provider": provider}
    if visible is not None:
        spec["settings"] = {"scheduling": {"visible": visible}}
    if access_restrictions:
        spec["accessRestrictions"] = [{"name": a} for a in access_restrictions]
    metadata: dict[str, Any] = {"name": name, "resourceVersion": "1"}
    if labels:
        metadata["labels"] = labels
    if deleting:
        metadata["deletionTimestamp"] = "2026-11-25T12:00:00Z"
    status: dict[str, Any] = {}
    conditions = []
    if ready is not None:
        conditions.append({"type": "GardenletReady", "status": ready})
    if backup_ready is not None:
        conditions.append({"type": "BackupBucketsReady", "status": backup_ready})
    if conditions:
        status["conditions"] = conditions
    if last_operation:
        status["lastOperation"] = {
            "type": "Reconcile",
            "state": "Succeeded",
            "progress": 100,
            "lastUpdateTime": "2026-11-25T12:00:00Z",
        }
    if allocatable is not None:
        status["allocatable"] = {"shoots": allocatable}
    return {"apiVersion": CORE, "kind": "Seed", "metadata": metadata, "spec": spec, "status": status}


def seed(name: str, provider: str = "aws", region: str = "eu-central-1", **kwargs: Any) -> SeedView:
    return SeedView.parse(seed_object(name, provider, region, **kwargs))


def shoot_object(
    name: str = "web",
    provider: str = "aws",
    region: str = "eu-central-1",
    *,
    namespace: str = "garden-dev",
    profile: str | None = None,
    seed_name: str | None = None,
    status_seed_name: str | None = None,
    resource_version: str = "10",
    generation: int = 1,
    **spec: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": CORE,
        "kind": "Shoot",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": f"uid-{name}",
            "resourceVersion": resource_version,
            "generation": generation,
        },
        "spec": {
            "cloudProfile": {"kind": "CloudProfile", "name": profile or provider},
            "region": region,
            "provider": {
                "type": provider,
                "workers": [{"name": "worker", "machine": {"type": "m5.large"}, "minimum": 1, "maximum": 2}],
            },
            "kubernetes": {"version": "1.36.2"},
            "networking": {
                "type": "calico",
                "nodes": "10.250.0.0/16",
                "pods": "100.96.0.0/11",
                "services": "100.64.0.0/13",
            },
            "schedulerName": "default-scheduler",
        },
    }
    if seed_name:
        body["spec"]["seedName"] = seed_name
    if status_seed_name:
        body["status"] = {"seedName": status_seed_name}
    body["spec"].update(spec)
    return body


def shoot(name: str = "web", provider: str = "aws", region: str = "eu-central-1", **kwargs: Any) -> ShootView:
    return ShootView.parse(shoot_object(name, provider, region, **kwargs))
