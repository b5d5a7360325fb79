"""A StatefulSet's decisions, as pure functions: which ordinal to create, delete or roll next, and the status.

Pods are ``<set>-<ordinal>`` with a stable identity (hostname = pod name, subdomain = ``serviceName``, the labels
``statefulset.kubernetes.io/pod-name`` and ``apps.kubernetes.io/pod-index``) and stable storage (PVCs
``<template>-<set>-<ordinal>`` from ``volumeClaimTemplates``, created before the pod and kept when it goes unless
``persistentVolumeClaimRetentionPolicy`` says Delete). Each reconcile plans one step, as upstream's
``StatefulSetControl`` does:

* **OrderedReady**: create ordinals in order, each only after all lower ones are Running and Ready (and available
  for ``minReadySeconds``); scale down from the highest ordinal, one at a time, only while all others are healthy.
* **Parallel**: create and delete all at once.
* **RollingUpdate**: once all replicas are healthy, delete the highest ordinal at or above ``partition`` that is not
  at the update revision (it comes back at the new one), one at a time; **OnDelete** waits for the user to delete.

Revisions are ControllerRevisions (:mod:`~kubelite.kubelet.controllers.revisions`): the controller passes the
names of the current and update revisions in, and a pod recreated below the partition comes back at the current
revision (:func:`revision_for`), as upstream's ``newVersionedStatefulSetPod`` does. Without revisions (a server that
does not serve them), both are the name of the set's current template.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime

from kubelite.client import Object
from kubelite.kubelet.controllers.podstate import is_available, is_ready, phase
from kubelite.kubelet.controllers.revisions import REVISION_LABEL, revision_name, revision_of_pod

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"


def spec_of(sts: Object) -> Object:
    return sts.get("spec") or {}


def replicas_of(sts: Object) -> int:
    value = spec_of(sts).get("replicas")
    return 1 if value is None else int(value)


def start_ordinal(sts: Object) -> int:
    return int((spec_of(sts).get("ordinals") or {}).get("start") or 0)


def ordinal_of(sts: Object, pod: Object) -> int | None:
    """The ordinal in the pod's name, or None for a pod not named ``<set>-<n>``."""
    prefix = f"{sts['metadata']['name']}-"
    name = str(pod["metadata"]["name"])
    suffix = name[len(prefix) :] if name.startswith(prefix) else ""
    return int(suffix) if suffix.isdigit() and str(int(suffix)) == suffix else None


def update_revision(sts: Object) -> str:
    """The revision name of the set's current template."""
    return revision_name(sts)


def partition_of(sts: Object) -> int:
    return int(((spec_of(sts).get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition") or 0)


def revision_for(sts: Object, ordinal: int, current: str, update: str) -> str:
    """The revision a new pod of ``ordinal`` is made at: the current one below the partition of a RollingUpdate (or,
    without a partition, below the pods already at the current revision), the update revision otherwise."""
    strategy = spec_of(sts).get("updateStrategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return update
    start = start_ordinal(sts)
    if "partition" in (strategy.get("rollingUpdate") or {}):
        below = start + partition_of(sts)
    else:
        below = start + int((sts.get("status") or {}).get("currentReplicas") or 0)
    return current if ordinal < below else update


def claim_name(template: Object, sts: Object, ordinal: int) -> str:
    return f"{template['metadata']['name']}-{sts['metadata']['name']}-{ordinal}"


def retention(sts: Object) -> tuple[str, str]:
    """(whenDeleted, whenScaled), each Retain or Delete."""
    policy = spec_of(sts).get("persistentVolumeClaimRetentionPolicy") or {}
    return str(policy.get("whenDeleted") or "Retain"), str(policy.get("whenScaled") or "Retain")


def new_claims(sts: Object, ordinal: int) -> list[Object]:
    """The PVCs of one ordinal; owned by the set (not as its controller) when they go with it."""
    when_deleted, _ = retention(sts)
    selector_labels = (spec_of(sts).get("selector") or {}).get("matchLabels") or {}
    claims = []
    for template in spec_of(sts).get("volumeClaimTemplates") or ():
        metadata: Object = {
            "name": claim_name(template, sts, ordinal),
            "namespace": sts["metadata"]["namespace"],
            "labels": {**((template.get("metadata") or {}).get("labels") or {}), **selector_labels},
        }
        if (template.get("metadata") or {}).get("annotations"):
            metadata["annotations"] = dict(template["metadata"]["annotations"])
        if when_deleted == "Delete":
            metadata["ownerReferences"] = [
                {
                    "apiVersion": "apps/v1",
                    "kind": "StatefulSet",
                    "name": sts["metadata"]["name"],
                    "uid": sts["metadata"]["uid"],
                    "controller": False,
                    "blockOwnerDeletion": True,
                }
            ]
        claims.append(
            {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": metadata,
                "spec": copy.deepcopy(template.get("spec") or {}),
            }
        )
    return claims


def pod_identity(sts: Object, ordinal: int, revision: str) -> tuple[dict[str, str], Object]:
    """The labels and spec fields that make a pod ``<set>-<ordinal>`` of ``revision``."""
    name = f"{sts['metadata']['name']}-{ordinal}"
    labels = {POD_NAME_LABEL: name, POD_INDEX_LABEL: str(ordinal), REVISION_LABEL: revision}
    spec: Object = {"hostname": name}
    if spec_of(sts).get("serviceName"):
        spec["subdomain"] = spec_of(sts)["serviceName"]
    return labels, spec


def with_claim_volumes(sts: Object, ordinal: int, pod_spec: Object) -> Object:
    """``pod_spec`` with a persistentVolumeClaim volume per claim template (replacing a volume of that name)."""
    templates = spec_of(sts).get("volumeClaimTemplates") or []
    if not templates:
        return pod_spec
    names = {t["metadata"]["name"] for t in templates}
    volumes = [v for v in pod_spec.get("volumes") or [] if v.get("name") not in names]
    for template in templates:
        volumes.append(
            {
                "name": template["metadata"]["name"],
                "persistentVolumeClaim": {"claimName": claim_name(template, sts, ordinal)},
            }
        )
    return {**pod_spec, "volumes": volumes}


def healthy(pod: Object, min_ready_seconds: int, moment: datetime) -> bool:
    """Running, Ready, available for minReadySeconds, and not being deleted (``isHealthy`` + availability)."""
    return (
        phase(pod) == "Running"
        and is_available(pod, min_ready_seconds, moment)
        and not pod["metadata"].get("deletionTimestamp")
    )


@dataclass
class Step:
    """What one reconcile does: ordinals to create (claims first), pods to delete."""

    create: list[int] = field(default_factory=list)
    delete: list[Object] = field(default_factory=list)
    #: Why nothing more happens now, for logs (empty when the set is where it should be).
    waiting: str = ""


def plan(sts: Object, pods: list[Object], moment: datetime, update: str | None = None) -> Step:
    """The next step for a set, from its pods (owned, any state) and its update revision's name."""
    spec = spec_of(sts)
    ordered = spec.get("podManagementPolicy", "OrderedReady") != "Parallel"
    min_ready = int(spec.get("minReadySeconds") or 0)
    start = start_ordinal(sts)
    wanted = range(start, start + replicas_of(sts))
    by_ordinal: dict[int, Object] = {}
    condemned: list[Object] = []
    for pod in pods:
        ordinal = ordinal_of(sts, pod)
        if ordinal is not None and ordinal in wanted:
            by_ordinal[ordinal] = pod
        else:
            condemned.append(pod)
    step = Step()
    for ordinal in wanted:
        existing = by_ordinal.get(ordinal)
        if existing is None:
            step.create.append(ordinal)
            if ordered:
                step.waiting = f"creating {sts['metadata']['name']}-{ordinal}"
                return step
            continue
        if phase(existing) in ("Failed", "Succeeded") and not existing["metadata"].get("deletionTimestamp"):
            step.delete.append(existing)  # recreated by the next step
            if ordered:
                step.waiting = f"replacing failed {existing['metadata']['name']}"
                return step
            continue
        if ordered and not healthy(existing, min_ready, moment):
            step.waiting = f"waiting for {existing['metadata']['name']} to be Running and Ready"
            return step
    if step.create or step.delete:
        return step
    condemned.sort(key=lambda p: -1 if (o := ordinal_of(sts, p)) is None else o, reverse=True)
    for pod in condemned:
        if pod["metadata"].get("deletionTimestamp"):
            if ordered:
                step.waiting = f"waiting for {pod['metadata']['name']} to terminate"
                return step
            continue
        step.delete.append(pod)
        if ordered:
            return step
    if step.delete:
        return step
    return _rolling_update(sts, by_ordinal, wanted, min_ready, moment, update or update_revision(sts))


def _rolling_update(
    sts: Object, by_ordinal: dict[int, Object], wanted: range, min_ready: int, moment: datetime, revision: str
) -> Step:
    strategy = spec_of(sts).get("updateStrategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return Step()
    partition = partition_of(sts)
    for ordinal in reversed(wanted):
        if ordinal < wanted.start + partition:
            break
        pod = by_ordinal[ordinal]
        if revision_of_pod(pod) != revision and not pod["metadata"].get("deletionTimestamp"):
            return Step(delete=[pod], waiting=f"updating {pod['metadata']['name']}")
        if not healthy(pod, min_ready, moment):
            return Step(waiting=f"waiting for {pod['metadata']['name']} to be healthy")
    return Step()


def claims_to_delete(sts: Object, pods: list[Object], claims: list[Object]) -> list[Object]:
    """With ``whenScaled: Delete``, the claims of ordinals scaled away whose pod is gone."""
    _, when_scaled = retention(sts)
    if when_scaled != "Delete":
        return []
    start = start_ordinal(sts)
    wanted = range(start, start + replicas_of(sts))
    live = {ordinal_of(sts, p) for p in pods}
    doomed = []
    for template in spec_of(sts).get("volumeClaimTemplates") or ():
        prefix = f"{template['metadata']['name']}-{sts['metadata']['name']}-"
        for claim in claims:
            suffix = (
                str(claim["metadata"]["name"])[len(prefix) :]
                if str(claim["metadata"]["name"]).startswith(prefix)
                else ""
            )
            if suffix.isdigit() and int(suffix) not in wanted and int(suffix) not in live:
                doomed.append(claim)
    return doomed


def statefulset_status(
    sts: Object, pods: list[Object], moment: datetime, current_revision: str = "", update: str = ""
) -> Object:
    """Counts and revisions (``computeReplicaStatus`` + ``completeRollingUpdate``)."""
    current = sts.get("status") or {}
    min_ready = int(spec_of(sts).get("minReadySeconds") or 0)
    update = update or update_revision(sts)
    current_revision = current_revision or current.get("currentRevision") or update
    running_ready = [
        p for p in pods if phase(p) == "Running" and is_ready(p) and not p["metadata"].get("deletionTimestamp")
    ]
    status: Object = {
        "observedGeneration": sts["metadata"].get("generation", 0),
        "replicas": len(pods),
        "readyReplicas": len(running_ready),
        "availableReplicas": sum(1 for p in running_ready if is_available(p, min_ready, moment)),
        "currentReplicas": sum(1 for p in pods if revision_of_pod(p) == current_revision),
        "updatedReplicas": sum(1 for p in pods if revision_of_pod(p) == update),
        "currentRevision": current_revision,
        "updateRevision": update,
        "collisionCount": int(current.get("collisionCount") or 0),
    }
    rolling = (spec_of(sts).get("updateStrategy") or {}).get("type", "RollingUpdate") == "RollingUpdate"
    replicas = replicas_of(sts)
    if (
        rolling
        and status["updatedReplicas"] == replicas
        and status["readyReplicas"] == replicas
        and status["replicas"] == replicas
    ):
        status["currentRevision"] = update
        status["currentReplicas"] = status["updatedReplicas"]
    if current.get("conditions"):
        status["conditions"] = current["conditions"]
    return status
