"""A Deployment's decisions, as pure functions over the Deployment and its ReplicaSets (upstream's
``pkg/controller/deployment``): which ReplicaSet is new, how far each one scales in a step, what the status says.

A rollout is a sequence of level-triggered steps; each reconcile takes at most one:

* **RollingUpdate**: scale the new ReplicaSet up as far as ``replicas + maxSurge`` allows; otherwise scale old
  ones down, unhealthy replicas first, as far as ``replicas - maxUnavailable`` available pods allow. maxSurge rounds
  up and maxUnavailable down when given as percentages; when both resolve to 0, maxUnavailable becomes 1, and both
  *given* as 0 is an invalid strategy (:class:`InvalidStrategy`).
* **Recreate**: scale every old ReplicaSet to 0, wait until none of their pods run, then scale the new one up.
* **A scaling event** (``spec.replicas`` changed, seen as an active ReplicaSet whose ``desired-replicas``
  annotation differs) is spread over the active ReplicaSets in proportion to their size, leftovers to the largest.

Revisions: the new ReplicaSet gets revision ``max(old) + 1`` in ``deployment.kubernetes.io/revision``, copied onto
the Deployment; ReplicaSets beyond ``revisionHistoryLimit`` that are scaled to 0 are deleted, oldest revision first.
"""

from __future__ import annotations

import copy
import math
from datetime import datetime, timedelta

from kubelite.client import Object
from kubelite.kubelet.controllers.conditions import get_condition, remove_condition, set_condition
from kubelite.kubelet.controllers.hashing import template_hash
from kubelite.kubelet.controllers.ownership import is_deleting, owner_reference
from kubelite.kubelet.controllers.podstate import format_time, parse_time

REVISION = "deployment.kubernetes.io/revision"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
HASH_LABEL = "pod-template-hash"

#: Annotations of a Deployment that are not copied onto its ReplicaSets (upstream's ``annotationsToSkip``).
_NOT_COPIED = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION,
        "deployment.kubernetes.io/revision-history",
        DESIRED_REPLICAS,
        MAX_REPLICAS,
        "deprecated.deployment.rollback.to",
    }
)


class InvalidStrategy(ValueError):
    """A rolling update that could never make progress (maxSurge and maxUnavailable both 0), or a bad value."""


# -- numbers ---------------------------------------------------------------------------------------------------------


def replicas_of(obj: Object) -> int:
    value = (obj.get("spec") or {}).get("replicas")
    return 1 if value is None else int(value)


def _status_int(obj: Object, field: str) -> int:
    return int((obj.get("status") or {}).get(field) or 0)


def scaled_value(value: int | str | None, total: int, *, round_up: bool) -> int:
    """An int-or-percent against ``total``: ``"25%"`` of 10 is 3 rounded up, 2 rounded down."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise InvalidStrategy(f"{value!r} is neither an integer nor a percentage")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.endswith("%") and text[:-1].isdigit():
        exact = int(text[:-1]) * total / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    if text.isdigit():
        return int(text)
    raise InvalidStrategy(f"{value!r} is neither an integer nor a percentage")


def _is_zero(value: int | str | None) -> bool:
    return value in (0, "0", "0%")


def is_rolling(deployment: Object) -> bool:
    strategy = (deployment.get("spec") or {}).get("strategy") or {}
    return bool(strategy.get("type", "RollingUpdate") == "RollingUpdate")


def fenceposts(deployment: Object) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) resolved against ``spec.replicas`` (``ResolveFenceposts``)."""
    if not is_rolling(deployment):
        return 0, 0
    rolling = ((deployment.get("spec") or {}).get("strategy") or {}).get("rollingUpdate") or {}
    surge_value = rolling.get("maxSurge", "25%")
    unavailable_value = rolling.get("maxUnavailable", "25%")
    if _is_zero(surge_value) and _is_zero(unavailable_value):
        raise InvalidStrategy("maxUnavailable may not be 0 when maxSurge is 0")
    replicas = replicas_of(deployment)
    surge = scaled_value(surge_value, replicas, round_up=True)
    unavailable = scaled_value(unavailable_value, replicas, round_up=False)
    if surge == 0 and unavailable == 0:
        # NB: a percentage of a small deployment can round both to 0; one unavailable pod keeps it moving.
        unavailable = 1
    return surge, unavailable


def max_surge(deployment: Object) -> int:
    return fenceposts(deployment)[0] if is_rolling(deployment) else 0


def max_unavailable(deployment: Object) -> int:
    replicas = replicas_of(deployment)
    if not is_rolling(deployment) or replicas == 0:
        return 0
    return min(fenceposts(deployment)[1], replicas)


# -- which ReplicaSet is new -----------------------------------------------------------------------------------------


def revision_of(rs: Object) -> int:
    value = ((rs.get("metadata") or {}).get("annotations") or {}).get(REVISION, "")
    return int(value) if str(value).isdigit() else 0


def _created(rs: Object) -> tuple[float, str]:
    moment = parse_time((rs.get("metadata") or {}).get("creationTimestamp"))
    return (moment.timestamp() if moment else 0.0, rs["metadata"]["name"])


def template_without_hash(template: Object) -> Object:
    stripped = copy.deepcopy(template)
    labels = (stripped.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
    return stripped


def find_new(deployment: Object, replicasets: list[Object]) -> Object | None:
    """The ReplicaSet whose template is the Deployment's (ignoring the hash label); the oldest when several are."""
    wanted = template_without_hash((deployment.get("spec") or {}).get("template") or {})
    same = [rs for rs in replicasets if template_without_hash((rs.get("spec") or {}).get("template") or {}) == wanted]
    return min(same, key=_created) if same else None


def split(deployment: Object, replicasets: list[Object]) -> tuple[Object | None, list[Object]]:
    new = find_new(deployment, replicasets)
    old = [rs for rs in replicasets if new is None or rs["metadata"]["uid"] != new["metadata"]["uid"]]
    return new, old


def replicaset_name(deployment: Object) -> tuple[str, str]:
    """The new ReplicaSet's name and pod-template-hash (collisionCount changes both)."""
    collisions = (deployment.get("status") or {}).get("collisionCount")
    digest = template_hash((deployment.get("spec") or {}).get("template") or {}, collisions)
    return f"{deployment['metadata']['name']}-{digest}", digest


def replica_annotations(deployment: Object) -> dict[str, str]:
    replicas = replicas_of(deployment)
    return {DESIRED_REPLICAS: str(replicas), MAX_REPLICAS: str(replicas + max_surge(deployment))}


def copied_annotations(deployment: Object) -> dict[str, str]:
    annotations = (deployment.get("metadata") or {}).get("annotations") or {}
    return {k: v for k, v in annotations.items() if k not in _NOT_COPIED}


def new_replicaset(deployment: Object, old: list[Object]) -> Object:
    """The body of the new ReplicaSet for the Deployment's current template."""
    name, digest = replicaset_name(deployment)
    spec = deployment.get("spec") or {}
    template = copy.deepcopy(spec.get("template") or {})
    template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = digest
    selector = copy.deepcopy(spec.get("selector") or {})
    selector.setdefault("matchLabels", {})[HASH_LABEL] = digest
    labels = dict(template["metadata"]["labels"])
    body: Object = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": deployment["metadata"]["namespace"],
            "labels": labels,
            "annotations": {
                **copied_annotations(deployment),
                **replica_annotations(deployment),
                REVISION: str(max_revision(old) + 1),
            },
            "ownerReferences": [owner_reference(deployment)],
        },
        "spec": {
            "replicas": 0,
            "minReadySeconds": int(spec.get("minReadySeconds") or 0),
            "selector": selector,
            "template": template,
        },
    }
    body["spec"]["replicas"] = new_replicas(deployment, old, body)
    return body


def max_revision(replicasets: list[Object]) -> int:
    return max((revision_of(rs) for rs in replicasets), default=0)


# -- one step of a rollout -------------------------------------------------------------------------------------------


def new_replicas(deployment: Object, replicasets: list[Object], new: Object) -> int:
    """How far the new ReplicaSet may grow now (``NewRSNewReplicas``); ``replicasets`` may include it."""
    replicas = replicas_of(deployment)
    if not is_rolling(deployment):
        return replicas
    new_uid = (new.get("metadata") or {}).get("uid")
    others = [rs for rs in replicasets if new_uid is None or rs["metadata"].get("uid") != new_uid]
    current = sum(replicas_of(rs) for rs in others) + replicas_of(new)
    limit = replicas + max_surge(deployment)
    if current >= limit:
        return replicas_of(new)
    return replicas_of(new) + max(0, min(limit - current, replicas - replicas_of(new)))


def new_target(deployment: Object, replicasets: list[Object], new: Object) -> int | None:
    """The new ReplicaSet's next size, or None when it stays (``reconcileNewReplicaSet``)."""
    replicas = replicas_of(deployment)
    current = replicas_of(new)
    if current == replicas:
        return None
    if current > replicas:
        return replicas
    target = new_replicas(deployment, replicasets, new)
    return target if target != current else None


def old_targets(deployment: Object, old: list[Object], new: Object | None) -> dict[str, int]:
    """Old ReplicaSets' next sizes in a rolling update (``reconcileOldReplicaSets``): unhealthy first, then down to
    what keeps ``replicas - maxUnavailable`` pods available."""
    sizes = {rs["metadata"]["name"]: replicas_of(rs) for rs in old}
    if not sum(sizes.values()):
        return {}
    everything = [*old, *([new] if new is not None else [])]
    all_pods = sum(replicas_of(rs) for rs in everything)
    min_available = replicas_of(deployment) - max_unavailable(deployment)
    new_unavailable = replicas_of(new) - _status_int(new, "availableReplicas") if new is not None else 0
    budget = all_pods - min_available - new_unavailable
    if budget <= 0:
        return {}
    oldest_first = sorted(old, key=_created)
    cleaned = 0
    for rs in oldest_first:
        name = rs["metadata"]["name"]
        if cleaned >= budget:
            break
        unhealthy = sizes[name] - _status_int(rs, "availableReplicas")
        if sizes[name] == 0 or unhealthy <= 0:
            continue
        down = min(budget - cleaned, unhealthy)
        sizes[name] -= down
        cleaned += down
    available = sum(_status_int(rs, "availableReplicas") for rs in everything)
    if available > min_available:
        to_scale_down = available - min_available
        scaled = 0
        for rs in oldest_first:
            name = rs["metadata"]["name"]
            if scaled >= to_scale_down:
                break
            if sizes[name] == 0:
                continue
            down = min(sizes[name], to_scale_down - scaled)
            sizes[name] -= down
            scaled += down
    return {
        rs["metadata"]["name"]: sizes[rs["metadata"]["name"]]
        for rs in old
        if sizes[rs["metadata"]["name"]] != replicas_of(rs)
    }


def is_scaling_event(deployment: Object, replicasets: list[Object]) -> bool:
    """An active ReplicaSet was sized for another ``spec.replicas`` than the Deployment's now."""
    replicas = str(replicas_of(deployment))
    for rs in replicasets:
        if replicas_of(rs) <= 0:
            continue
        desired = ((rs.get("metadata") or {}).get("annotations") or {}).get(DESIRED_REPLICAS)
        if desired is not None and desired != replicas:
            return True
    return False


def _saturated(deployment: Object, rs: Object | None) -> bool:
    if rs is None:
        return False
    desired = ((rs.get("metadata") or {}).get("annotations") or {}).get(DESIRED_REPLICAS)
    replicas = replicas_of(deployment)
    return desired == str(replicas) and _status_int(rs, "availableReplicas") == replicas


def scale_targets(deployment: Object, new: Object | None, old: list[Object]) -> dict[str, int]:
    """Sizes for a scaling event (``scale``): ReplicaSet name -> replicas, for those that change."""
    replicas = replicas_of(deployment)
    newest_first = sorted(old, key=_created, reverse=True)
    active = [rs for rs in [*newest_first, *([new] if new is not None else [])] if replicas_of(rs) > 0]
    if new is not None or old:
        only: Object | None = None
        if not active:
            only = new if new is not None else newest_first[0]
        elif len(active) == 1:
            only = active[0]
        if only is not None:
            return {} if replicas_of(only) == replicas else {only["metadata"]["name"]: replicas}
    if _saturated(deployment, new):
        return {rs["metadata"]["name"]: 0 for rs in old if replicas_of(rs) > 0}
    if not is_rolling(deployment):
        return {}
    allowed = replicas + max_surge(deployment) if replicas > 0 else 0
    to_add = allowed - sum(replicas_of(rs) for rs in active)
    if to_add > 0:
        ordered = sorted(active, key=lambda rs: (-replicas_of(rs), -_created(rs)[0]))
    else:
        ordered = sorted(active, key=lambda rs: (-replicas_of(rs), _created(rs)[0]))
    sizes: dict[str, int] = {}
    added = 0
    for rs in ordered:
        proportion = _proportion(deployment, rs, to_add, added)
        sizes[rs["metadata"]["name"]] = replicas_of(rs) + proportion
        added += proportion
    if ordered and to_add != added:
        first = ordered[0]["metadata"]["name"]
        sizes[first] = max(0, sizes[first] + to_add - added)
    return {
        rs["metadata"]["name"]: sizes[rs["metadata"]["name"]]
        for rs in ordered
        if sizes[rs["metadata"]["name"]] != replicas_of(rs)
    }


def _proportion(deployment: Object, rs: Object, to_add: int, added: int) -> int:
    if replicas_of(rs) == 0 or to_add in (0, added):
        return 0
    replicas = replicas_of(deployment)
    if replicas == 0:
        fraction = -replicas_of(rs)
    else:
        target = replicas + max_surge(deployment)
        annotated = ((rs.get("metadata") or {}).get("annotations") or {}).get(MAX_REPLICAS, "")
        basis = int(annotated) if str(annotated).isdigit() else _status_int(deployment, "replicas")
        fraction = round(replicas_of(rs) * target / basis) - replicas_of(rs) if basis else 0
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def replicasets_to_clean(deployment: Object, old: list[Object]) -> list[Object]:
    """Old, empty ReplicaSets beyond ``revisionHistoryLimit``, oldest revision first (``cleanupDeployment``)."""
    limit = (deployment.get("spec") or {}).get("revisionHistoryLimit")
    if limit is None:
        return []
    alive = [rs for rs in old if not is_deleting(rs)]
    excess = len(alive) - int(limit)
    if excess <= 0:
        return []
    by_revision = sorted(alive, key=lambda rs: (revision_of(rs), _created(rs)))
    return [
        rs
        for rs in by_revision[:excess]
        if replicas_of(rs) == 0
        and _status_int(rs, "replicas") == 0
        and (rs["metadata"].get("generation") or 0) <= _status_int(rs, "observedGeneration")
    ]


# -- status ----------------------------------------------------------------------------------------------------------

AVAILABLE = "Available"
PROGRESSING = "Progressing"


def calculate_status(deployment: Object, replicasets: list[Object], new: Object | None, moment: datetime) -> Object:
    """Counts and the Available condition (``calculateStatus``); Progressing is left as it was."""
    current = deployment.get("status") or {}
    available = sum(_status_int(rs, "availableReplicas") for rs in replicasets)
    total = sum(replicas_of(rs) for rs in replicasets)
    status: Object = {
        "observedGeneration": deployment["metadata"].get("generation", 0),
        "replicas": sum(_status_int(rs, "replicas") for rs in replicasets),
        "updatedReplicas": _status_int(new, "replicas") if new is not None else 0,
        "readyReplicas": sum(_status_int(rs, "readyReplicas") for rs in replicasets),
        "availableReplicas": available,
        "unavailableReplicas": max(0, total - available),
    }
    if current.get("collisionCount") is not None:
        status["collisionCount"] = current["collisionCount"]
    conditions = list(current.get("conditions") or [])
    if available >= replicas_of(deployment) - max_unavailable(deployment):
        conditions = set_condition(
            conditions, AVAILABLE, "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", moment
        )
    else:
        conditions = set_condition(
            conditions,
            AVAILABLE,
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            moment,
        )
    status["conditions"] = conditions
    return status


def has_deadline(deployment: Object) -> bool:
    deadline = (deployment.get("spec") or {}).get("progressDeadlineSeconds")
    return deadline is not None and int(deadline) != 2**31 - 1


def is_complete(deployment: Object, status: Object) -> bool:
    replicas = replicas_of(deployment)
    return (
        int(status.get("updatedReplicas") or 0) == replicas
        and int(status.get("replicas") or 0) == replicas
        and int(status.get("availableReplicas") or 0) == replicas
        and int(status.get("observedGeneration") or 0) >= int(deployment["metadata"].get("generation") or 0)
    )


def _progressing(old: Object, new: Object) -> bool:
    def old_pods(status: Object) -> int:
        return int(status.get("replicas") or 0) - int(status.get("updatedReplicas") or 0)

    return (
        int(new.get("updatedReplicas") or 0) > int(old.get("updatedReplicas") or 0)
        or old_pods(new) < old_pods(old)
        or int(new.get("readyReplicas") or 0) > int(old.get("readyReplicas") or 0)
        or int(new.get("availableReplicas") or 0) > int(old.get("availableReplicas") or 0)
    )


def _timed_out(deployment: Object, conditions: list[Object], moment: datetime) -> bool:
    condition = get_condition(conditions, PROGRESSING)
    if condition is None or condition.get("reason") == "NewReplicaSetAvailable":
        return False
    if condition.get("reason") == "ProgressDeadlineExceeded":
        return True
    since = parse_time(condition.get("lastUpdateTime"))
    deadline = int((deployment.get("spec") or {}).get("progressDeadlineSeconds") or 0)
    return since is not None and since + timedelta(seconds=deadline) < moment


def rollout_status(deployment: Object, status: Object, new: Object | None, moment: datetime) -> Object:
    """``status`` with the Progressing condition a rollout step leaves (``syncRolloutStatus``)."""
    conditions = list(status.get("conditions") or [])
    if not has_deadline(deployment):
        return {**status, "conditions": remove_condition(conditions, PROGRESSING)}
    current = get_condition(conditions, PROGRESSING)
    name = new["metadata"]["name"] if new is not None else ""
    done = (
        status.get("replicas") == status.get("updatedReplicas")
        and current is not None
        and current.get("reason") == "NewReplicaSetAvailable"
    )
    if done:
        return status
    if is_complete(deployment, status):
        conditions = set_condition(
            conditions,
            PROGRESSING,
            "True",
            "NewReplicaSetAvailable",
            f'ReplicaSet "{name}" has successfully progressed.',
            moment,
        )
    elif _progressing(deployment.get("status") or {}, status):
        stamp = format_time(moment)
        since = current["lastTransitionTime"] if current is not None and current.get("status") == "True" else stamp
        conditions = [
            *remove_condition(conditions, PROGRESSING),
            {
                "type": PROGRESSING,
                "status": "True",
                "lastUpdateTime": stamp,
                "lastTransitionTime": since,
                "reason": "ReplicaSetUpdated",
                "message": f'ReplicaSet "{name}" is progressing.',
            },
        ]
    elif _timed_out(deployment, conditions, moment):
        conditions = set_condition(
            conditions,
            PROGRESSING,
            "False",
            "ProgressDeadlineExceeded",
            f'ReplicaSet "{name}" has timed out progressing.',
            moment,
        )
    return {**status, "conditions": conditions}


def paused_conditions(deployment: Object, moment: datetime) -> list[Object] | None:
    """The conditions after pausing or resuming (Progressing Unknown), or None when nothing changes."""
    conditions = list((deployment.get("status") or {}).get("conditions") or [])
    if not has_deadline(deployment):
        return None
    current = get_condition(conditions, PROGRESSING)
    if current is not None and current.get("reason") == "ProgressDeadlineExceeded":
        return None
    paused_shown = current is not None and current.get("reason") == "DeploymentPaused"
    paused = bool((deployment.get("spec") or {}).get("paused"))
    if paused and not paused_shown:
        return set_condition(conditions, PROGRESSING, "Unknown", "DeploymentPaused", "Deployment is paused", moment)
    if not paused and paused_shown:
        return set_condition(conditions, PROGRESSING, "Unknown", "DeploymentResumed", "Deployment is resumed", moment)
    return None


def created_condition(conditions: list[Object], name: str, moment: datetime) -> list[Object]:
    return set_condition(
        conditions, PROGRESSING, "True", "NewReplicaSetCreated", f'Created new replica set "{name}"', moment
    )


def found_condition(conditions: list[Object], name: str, moment: datetime) -> list[Object]:
    if get_condition(conditions, PROGRESSING) is not None:
        return conditions
    return set_condition(
        conditions, PROGRESSING, "True", "FoundNewReplicaSet", f'Found new replica set "{name}"', moment
    )


def seconds_until_deadline(deployment: Object, moment: datetime) -> float | None:
    """When a rollout still in progress would pass its deadline, so it is looked at again then."""
    if not has_deadline(deployment):
        return None
    condition = get_condition(list((deployment.get("status") or {}).get("conditions") or []), PROGRESSING)
    if condition is None or condition.get("status") != "True" or condition.get("reason") == "NewReplicaSetAvailable":
        return None
    since = parse_time(condition.get("lastUpdateTime"))
    if since is None:
        return None
    deadline = int((deployment.get("spec") or {}).get("progressDeadlineSeconds") or 0)
    left = (since + timedelta(seconds=deadline) - moment).total_seconds()
    return max(left, 0.0) + 1.0
