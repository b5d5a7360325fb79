"""The extension resources the gardenlet writes into a shoot's seed namespace, as bodies. Pure.

Names follow Gardener: the Infrastructure, Worker and external DNSRecord are named like the shoot; one
OperatingSystemConfig per worker pool (``cloud-config-<pool>``), whose result Secret ``osc-result-<name>`` the
pool's ``userDataSecretRef`` names. Every body carries the ``gardener.cloud/operation: reconcile`` annotation: the
extension controller reconciles, removes it, and the gardenlet waits for that (see :mod:`.extension_wait`).
The ``Cluster`` is cluster-scoped and named like the seed namespace; extensions read the shoot from it.
"""

from __future__ import annotations

from typing import Any

from gardenlet.botanist.shoot import ShootObjects
from providers.extensions.operation import OPERATION_ANNOTATION

Object = dict[str, Any]

API_VERSION = "extensions.gardener.cloud/v1alpha1"
#: The seed-namespace copy of the shoot's cloud-provider credentials every extension's ``secretRef`` names.
CLOUDPROVIDER_SECRET = "cloudprovider"
OSC_RESULT_KEY = "cloud_config"
#: Metadata of a copied object that must not go into the Cluster (the server owns it, or it is just noise).
_SERVER_METADATA = ("managedFields", "resourceVersion", "selfLink")


def _meta(objects: ShootObjects, name: str) -> Object:
    return {
        "name": name,
        "namespace": objects.namespace,
        "annotations": {OPERATION_ANNOTATION: "reconcile"},
    }


def _secret_ref(objects: ShootObjects) -> Object:
    return {"name": CLOUDPROVIDER_SECRET, "namespace": objects.namespace}


def _copy(obj: Object) -> Object:
    metadata = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in _SERVER_METADATA}
    return {**obj, "metadata": metadata}


def cluster(objects: ShootObjects) -> Object:
    shoot = _copy(objects.shoot)
    # Extensions take the technical ID from the copy's status; make sure it is there from the first run on.
    shoot["status"] = {**(shoot.get("status") or {}), "technicalID": objects.namespace}
    return {
        "apiVersion": API_VERSION,
        "kind": "Cluster",
        "metadata": {"name": objects.namespace},
        "spec": {"shoot": shoot, "seed": _copy(objects.seed), "cloudProfile": _copy(objects.cloud_profile)},
    }


def cloudprovider_secret(objects: ShootObjects) -> Object:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": CLOUDPROVIDER_SECRET,
            "namespace": objects.namespace,
            "labels": {"gardener.cloud/purpose": "cloudprovider"},
        },
        "type": "Opaque",
        "data": dict(objects.credentials),
    }


def infrastructure(objects: ShootObjects) -> Object:
    spec: Object = {"type": objects.provider_type, "region": objects.region, "secretRef": _secret_ref(objects)}
    config = (objects.spec.get("provider") or {}).get("infrastructureConfig")
    if config is not None:
        spec["providerConfig"] = config
    return {"apiVersion": API_VERSION, "kind": "Infrastructure", "metadata": _meta(objects, objects.name), "spec": spec}


def dns_record_name(objects: ShootObjects) -> str:
    return f"{objects.name}-external"


def dns_record(objects: ShootObjects, ip: str) -> Object:
    """``api.<domain>`` -> the kube-apiserver's load balancer address."""
    providers = (objects.spec.get("dns") or {}).get("providers") or []
    primary = next((p for p in providers if p.get("primary")), providers[0] if providers else {})
    spec: Object = {
        "type": primary.get("type") or objects.provider_type,
        "region": objects.region,
        "secretRef": _secret_ref(objects),
        "name": f"api.{objects.domain}",
        "recordType": "A",
        "values": [ip],
    }
    return {
        "apiVersion": API_VERSION,
        "kind": "DNSRecord",
        "metadata": _meta(objects, dns_record_name(objects)),
        "spec": spec,
    }


def osc_name(pool: Object) -> str:
    return f"cloud-config-{pool['name']}"


def osc_result_secret(pool: Object) -> str:
    return f"osc-result-{osc_name(pool)}"


def operating_system_configs(objects: ShootObjects) -> list[Object]:
    """One provisioning config per pool; its type is the pool's machine image (the OS it boots)."""
    configs = []
    for pool in objects.workers:
        image = (pool.get("machine") or {}).get("image") or {}
        configs.append(
            {
                "apiVersion": API_VERSION,
                "kind": "OperatingSystemConfig",
                "metadata": _meta(objects, osc_name(pool)),
                "spec": {"type": image.get("name") or objects.provider_type, "purpose": "provision"},
            }
        )
    return configs


def worker(objects: ShootObjects, infrastructure_status: Object | None, *, hibernated: bool) -> Object:
    """The Worker; hibernated, every pool has minimum and maximum 0, so the machines go."""
    pools = []
    for pool in objects.workers:
        machine = pool.get("machine") or {}
        entry: Object = {
            "name": pool["name"],
            "machineType": machine.get("type"),
            "minimum": 0 if hibernated else int(pool.get("minimum") or 0),
            "maximum": 0 if hibernated else int(pool.get("maximum") or 0),
            "maxSurge": pool.get("maxSurge", 1),
            "maxUnavailable": pool.get("maxUnavailable", 0),
            "userDataSecretRef": {"name": osc_result_secret(pool), "key": OSC_RESULT_KEY},
            "kubernetesVersion": ((pool.get("kubernetes") or {}).get("version")) or objects.kubernetes_version,
        }
        image = machine.get("image") or {}
        if image.get("name"):
            entry["machineImage"] = {"name": image["name"], "version": image.get("version") or ""}
        if machine.get("architecture"):
            entry["architecture"] = machine["architecture"]
        for field in ("labels", "annotations", "taints", "zones", "volume", "dataVolumes", "providerConfig"):
            if pool.get(field) is not None:
                entry[field] = pool[field]
        if pool.get("machineControllerManager") is not None:
            entry["machineControllerManager"] = pool["machineControllerManager"]
        pools.append(entry)
    spec: Object = {
        "type": objects.provider_type,
        "region": objects.region,
        "secretRef": _secret_ref(objects),
        "pools": pools,
    }
    if infrastructure_status is not None:
        spec["infrastructureProviderStatus"] = infrastructure_status
    return {"apiVersion": API_VERSION, "kind": "Worker", "metadata": _meta(objects, objects.name), "spec": spec}


__all__ = [
    "CLOUDPROVIDER_SECRET",
    "cloudprovider_secret",
    "cluster",
    "dns_record",
    "dns_record_name",
    "infrastructure",
    "operating_system_configs",
    "osc_name",
    "osc_result_secret",
    "worker",
]
