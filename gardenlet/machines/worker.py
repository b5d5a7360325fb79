"""The Worker actuator: pools -> one MachineClass and one MachineDeployment per zone, then waits for the machines.

For each pool and zone the provider resolves the image and network settings (``machine_class`` when it has one,
else :func:`~providers.interface.default_machine_class`). The class's name ends in a hash of everything a machine
is made from (machine type, image, kubelet version, volume, provider spec, the user data with bootstrap tokens
masked), so a change makes a new class, the deployment's template points at it, and the machine controller rolls
the machines. Each class has a Secret of the same name with the user data; its credentials are the Worker's.

A deployment's replicas start at its minimum and are afterwards kept within [minimum, maximum] (an autoscaler may
move them). Deployments and classes of the Worker that are no longer wanted are deleted (a class only once no
Machine uses it). The reconcile succeeds when every deployment is rolled out and all its machines are Running;
until then it requeues with the count in ``lastOperation.description``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from garden.api.common import ErrorCode
from gardenlet.machines.distribution import deployment_name, distribute, distribute_int_or_percent
from gardenlet.machines.labels import DEPLOYMENT_LABEL, POOL_LABEL, USERDATA_KEY, WORKER_LABEL
from kubelite.client import SECRETS, Kube
from providers.extensions import bootstrap_token
from providers.extensions.actuator import Context, Outcome, Requeue
from providers.extensions.actuators import parse_config, provider_for
from providers.extensions.cluster import cloud_profile_of, cluster_info, decode_secret, read_cluster, read_credentials
from providers.extensions.operation import now
from providers.extensions.resources import MACHINECLASSES, MACHINEDEPLOYMENTS, MACHINES, WORKERS
from providers.interface import (
    ClusterInfo,
    MachineClassRequest,
    MachineClassResult,
    Provider,
    ProviderError,
    default_machine_class,
)
from providers.registry import ProviderRegistry

Object = dict[str, Any]
API_VERSION = "machine.sapcloud.io/v1alpha1"


def class_hash(parts: Object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:5]


def pool_userdata(kube: Kube, namespace: str, pool: Object) -> bytes:
    ref = pool.get("userDataSecretRef") or {}
    secret = kube.get(SECRETS, namespace, ref.get("name") or "")
    if secret is None:
        raise ProviderError(
            f"pool {pool['name']}: user data secret {ref.get('name')} does not exist yet",
            ErrorCode.RETRYABLE_CONFIGURATION_PROBLEM,
        )
    data = decode_secret(secret)
    if ref.get("key") not in data:
        raise ProviderError(f"pool {pool['name']}: secret {ref.get('name')} has no key {ref.get('key')!r}")
    return data[ref["key"]].encode()


def _machine_class(provider: Provider, request: MachineClassRequest) -> MachineClassResult:
    builder = getattr(provider, "machine_class", None)
    result = builder(request) if builder is not None else default_machine_class(request)
    if not isinstance(result, MachineClassResult):
        raise TypeError(f"{provider.name}.machine_class returned {type(result).__name__}")
    return result


def desired_objects(
    ctx: Context, provider: Provider, cluster: ClusterInfo, cloud_profile: Object
) -> tuple[list[Object], list[Object], list[Object]]:
    """(classes, class secrets, deployments) the Worker wants, deployments without their replicas."""
    namespace = str(ctx.namespace)
    spec = ctx.spec
    classes, secrets, deployments = [], [], []
    for pool in spec.get("pools") or []:
        zones = pool.get("zones") or [cluster.region or "default"]
        userdata = pool_userdata(ctx.kube, namespace, pool)
        worker_config = parse_config(
            provider.worker_config, pool.get("providerConfig"), f"pool {pool['name']}: providerConfig"
        )
        image = pool.get("machineImage") or {}
        mcm = pool.get("machineControllerManager") or {}
        for index, zone in enumerate(zones):
            name = deployment_name(namespace, pool["name"], index)
            result = _machine_class(
                provider,
                MachineClassRequest(
                    cluster=cluster,
                    pool=pool["name"],
                    zone=zone,
                    zone_index=index,
                    machine_type=pool["machineType"],
                    image_name=image.get("name"),
                    image_version=image.get("version"),
                    architecture=pool.get("architecture"),
                    worker_config=worker_config,
                    infrastructure_status=spec.get("infrastructureProviderStatus"),
                    cloud_profile=cloud_profile.get("spec"),
                ),
            )
            provider_spec = {
                **result.provider_spec,
                "machineType": pool["machineType"],
                "image": result.image,
                "zone": zone,
                "volume": pool.get("volume"),
                "kubernetesVersion": pool.get("kubernetesVersion"),
            }
            fingerprint = bootstrap_token.mask(userdata.decode(errors="replace"))
            class_name = f"{name}-{class_hash({'spec': provider_spec, 'userdata': fingerprint})}"
            labels = {WORKER_LABEL: ctx.name, POOL_LABEL: pool["name"]}
            secrets.append(
                {
                    "apiVersion": "v1",
                    "kind": "Secret",
                    "metadata": {"name": class_name, "namespace": namespace, "labels": labels},
                    "data": {USERDATA_KEY: base64.b64encode(userdata).decode()},
                }
            )
            classes.append(
                {
                    "apiVersion": API_VERSION,
                    "kind": "MachineClass",
                    "metadata": {"name": class_name, "namespace": namespace, "labels": labels},
                    "provider": provider.name,
                    "providerSpec": provider_spec,
                    "secretRef": {"name": class_name, "namespace": namespace},
                    "credentialsSecretRef": {
                        "name": spec["secretRef"]["name"],
                        "namespace": spec["secretRef"].get("namespace") or namespace,
                    },
                    "nodeTemplate": {
                        "capacity": ((pool.get("nodeTemplate") or {}).get("capacity")) or {},
                        "instanceType": pool["machineType"],
                        "region": cluster.region,
                        "zone": zone,
                    },
                }
            )
            zones_count = len(zones)
            node_labels = {**(pool.get("labels") or {}), POOL_LABEL: pool["name"]}
            template_spec: Object = {
                "class": {"apiGroup": "machine.sapcloud.io", "kind": "MachineClass", "name": class_name},
                "nodeTemplate": {
                    "metadata": {"labels": node_labels, "annotations": pool.get("annotations") or {}},
                    "spec": {"taints": pool.get("taints") or []},
                },
            }
            for key, field in (
                ("machineCreationTimeout", "creationTimeout"),
                ("machineHealthTimeout", "healthTimeout"),
                ("machineDrainTimeout", "drainTimeout"),
            ):
                if mcm.get(key):
                    template_spec[field] = mcm[key]
            deployments.append(
                {
                    "apiVersion": API_VERSION,
                    "kind": "MachineDeployment",
                    "metadata": {"name": name, "namespace": namespace, "labels": labels},
                    "spec": {
                        "minimum": distribute(int(pool["minimum"]), zones_count, index),
                        "maximum": distribute(int(pool["maximum"]), zones_count, index),
                        "selector": {"matchLabels": {DEPLOYMENT_LABEL: name}},
                        "strategy": {
                            "type": "RollingUpdate",
                            "rollingUpdate": {
                                "maxSurge": distribute_int_or_percent(pool["maxSurge"], zones_count, index),
                                "maxUnavailable": distribute_int_or_percent(pool["maxUnavailable"], zones_count, index),
                            },
                        },
                        "template": {"metadata": {"labels": {DEPLOYMENT_LABEL: name}}, "spec": template_spec},
                        "minReadySeconds": 0,
                    },
                }
            )
    return classes, secrets, deployments


def _apply(kube: Kube, resource: Any, body: Object, fields: tuple[str, ...]) -> Object:
    meta = body["metadata"]
    current = kube.get(resource, meta["namespace"], meta["name"])
    if current is None:
        return kube.create(resource, meta["namespace"], body)
    patch = {key: body[key] for key in fields if current.get(key) != body.get(key)}
    if current["metadata"].get("labels") != meta.get("labels"):
        patch["metadata"] = {"labels": meta.get("labels")}
    return kube.patch(resource, meta["namespace"], meta["name"], patch) if patch else current


def deployment_ready(deployment: Object) -> bool:
    spec, status = deployment.get("spec") or {}, deployment.get("status") or {}
    replicas = int(spec.get("replicas") or 0)
    return (
        status.get("observedGeneration") == deployment["metadata"].get("generation")
        and int(status.get("updatedReplicas") or 0) == replicas
        and int(status.get("availableReplicas") or 0) == replicas
        and int(status.get("replicas") or 0) == replicas
    )


class WorkerActuator:
    def __init__(self, registry: ProviderRegistry, poll: float = 5.0) -> None:
        self.registry = registry
        self.poll = poll

    def reconcile(self, ctx: Context) -> Outcome:
        kube, namespace = ctx.kube, str(ctx.namespace)
        provider = provider_for(self.registry, ctx)
        cluster_object = read_cluster(kube, namespace)
        cluster = cluster_info(
            cluster_object, read_credentials(kube, namespace, ctx.spec.get("secretRef")), ctx.spec.get("region")
        )
        classes, secrets, deployments = desired_objects(ctx, provider, cluster, cloud_profile_of(cluster_object))
        for secret in secrets:
            _apply(kube, SECRETS, secret, ("data",))
        for machine_class in classes:
            _apply(
                kube,
                MACHINECLASSES,
                machine_class,
                ("providerSpec", "secretRef", "credentialsSecretRef", "nodeTemplate", "provider"),
            )
        applied = []
        for deployment in deployments:
            spec = deployment["spec"]
            minimum, maximum = spec.pop("minimum"), spec.pop("maximum")
            current = kube.get(MACHINEDEPLOYMENTS, namespace, deployment["metadata"]["name"])
            replicas = (
                minimum
                if current is None
                else min(maximum, max(minimum, int((current.get("spec") or {}).get("replicas") or 0)))
            )
            spec["replicas"] = replicas
            applied.append((_apply(kube, MACHINEDEPLOYMENTS, deployment, ("spec",)), minimum, maximum))
        wanted = {d["metadata"]["name"] for d in deployments}
        for existing in kube.list(MACHINEDEPLOYMENTS, namespace, label_selector=f"{WORKER_LABEL}={ctx.name}"):
            if existing["metadata"]["name"] not in wanted:
                kube.delete(MACHINEDEPLOYMENTS, namespace, existing["metadata"]["name"])
        self._collect_classes(kube, namespace, ctx.name, {c["metadata"]["name"] for c in classes})
        refs = [{"name": d["metadata"]["name"], "minimum": lo, "maximum": hi} for d, lo, hi in applied]
        ready = sum(1 for d, _, _ in applied if deployment_ready(d))
        if ready < len(applied):
            kube.patch(
                WORKERS,
                namespace,
                ctx.name,
                {"status": {"machineDeployments": refs, "machineDeploymentsLastUpdateTime": now()}},
                subresource="status",
            )
            running = sum(int((d.get("status") or {}).get("availableReplicas") or 0) for d, _, _ in applied)
            wanted_count = sum(int(d["spec"].get("replicas") or 0) for d, _, _ in applied)
            progress = 50 + (40 * running // wanted_count if wanted_count else 0)
            raise Requeue(
                f"Waiting until the machine deployments are rolled out: {ready}/{len(applied)} ready, "
                f"{running}/{wanted_count} machines running",
                delay=self.poll,
                progress=progress,
            )
        return Outcome({"machineDeployments": refs, "machineDeploymentsLastUpdateTime": now()})

    def _collect_classes(self, kube: Kube, namespace: str, worker: str, keep: set[str]) -> None:
        used = {((m.get("spec") or {}).get("class") or {}).get("name") for m in kube.list(MACHINES, namespace)}
        for machine_class in kube.list(MACHINECLASSES, namespace, label_selector=f"{WORKER_LABEL}={worker}"):
            name = machine_class["metadata"]["name"]
            if name not in keep and name not in used:
                kube.delete(MACHINECLASSES, namespace, name)
                kube.delete(SECRETS, namespace, name)

    def delete(self, ctx: Context) -> None:
        kube, namespace = ctx.kube, str(ctx.namespace)
        remaining = kube.list(MACHINEDEPLOYMENTS, namespace, label_selector=f"{WORKER_LABEL}={ctx.name}")
        for deployment in remaining:
            if not deployment["metadata"].get("deletionTimestamp"):
                kube.delete(MACHINEDEPLOYMENTS, namespace, deployment["metadata"]["name"])
        if remaining:
            raise Requeue(f"Waiting until {len(remaining)} machine deployment(s) are deleted", delay=self.poll)
        self._collect_classes(kube, namespace, ctx.name, set())

    def migrate(self, ctx: Context) -> None:
        """Machines keep running; the restoring seed's controller adopts the objects the gardenlet moves over."""

    def restore(self, ctx: Context) -> Outcome:
        return self.reconcile(ctx)


__all__ = ["WorkerActuator", "class_hash", "deployment_ready", "desired_objects"]
