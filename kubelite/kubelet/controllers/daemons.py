"""A DaemonSet's decisions, as pure functions: which nodes run a daemon pod, which pods to create or delete for a
rolling update, and the status.

As upstream's DaemonSet controller:

* a node *should run* the daemon when the template's node selector and required node affinity match it and its
  NoSchedule/NoExecute taints are tolerated, counting the tolerations every daemon pod gets (not-ready, unreachable,
  the pressure conditions, unschedulable): so a cordoned or NotReady node keeps its daemon, as kube-proxy needs;
* per node (:func:`manage`): none where one should run is created; one where none should is deleted; of several the
  oldest stays; a failed one is deleted (and so recreated);
* a RollingUpdate (:func:`rolling_update`) replaces pods not at the update revision: with ``maxSurge`` 0 it deletes
  up to ``maxUnavailable`` old pods at a time (an old pod that is unavailable anyway goes at once), the manage step
  then creates the new one; with ``maxSurge`` > 0 it first starts a new pod beside up to ``maxSurge`` old ones and
  deletes each old pod once its new one is available. Both are ints or percentages of ``desiredNumberScheduled``
  (rounded up); both 0 means ``maxUnavailable`` 1. OnDelete replaces nothing by itself.

Daemon pods carry ``controller-revision-hash`` = the hash of their template's ControllerRevision (bare, unlike a
StatefulSet pod's full revision name) and are placed by setting ``spec.nodeName``, so a one-node kubelite with no
scheduler runs them as well as a cluster with one.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from datetime import datetime

from kubelite.client import Object
from kubelite.kubelet.controllers.placement import UNSCHEDULABLE, matches_node, untolerated_taint
from kubelite.kubelet.controllers.podstate import is_available, is_ready, parse_time, phase
from kubelite.kubelet.controllers.revisions import REVISION_LABEL, revision_of_pod

TEMPLATE_GENERATION_LABEL = "pod-template-generation"

#: The tolerations upstream adds to every daemon pod (``AddOrUpdateDaemonPodTolerations``).
DAEMON_TOLERATIONS: tuple[Object, ...] = (
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": UNSCHEDULABLE, "operator": "Exists", "effect": "NoSchedule"},
)


class InvalidStrategy(ValueError):
    """maxSurge/maxUnavailable that cannot be used (not an int or a percentage)."""


def spec_of(ds: Object) -> Object:
    return ds.get("spec") or {}


def pod_spec_of(ds: Object) -> Object:
    return (spec_of(ds).get("template") or {}).get("spec") or {}


def with_daemon_tolerations(pod_spec: Object) -> Object:
    """The template's pod spec plus the daemon tolerations it does not already carry."""
    tolerations = list(pod_spec.get("tolerations") or [])
    for toleration in DAEMON_TOLERATIONS:
        if not any(t.get("key") == toleration["key"] and t.get("effect") == toleration["effect"] for t in tolerations):
            tolerations.append(dict(toleration))
    return {**pod_spec, "tolerations": tolerations}


def should_run(ds: Object, node: Object) -> bool:
    spec = with_daemon_tolerations(pod_spec_of(ds))
    return matches_node(spec, node) and untolerated_taint(spec["tolerations"], node) is None


def daemon_pod(ds: Object, template: Object, node_name: str, revision_hash: str) -> Object:
    """The spec fields and labels of a daemon pod for ``node_name`` (the caller adds name and owner)."""
    template = copy.deepcopy(template)
    metadata = template.setdefault("metadata", {})
    labels = metadata.setdefault("labels", {})
    labels[REVISION_LABEL] = revision_hash
    labels[TEMPLATE_GENERATION_LABEL] = str(ds["metadata"].get("generation", 1))
    template["spec"] = {**with_daemon_tolerations(template.get("spec") or {}), "nodeName": node_name}
    return template


def _scaled(value: int | str | None, total: int, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, int):
        return max(0, value)
    text = str(value).strip()
    if text.endswith("%") and text[:-1].isdigit():
        return math.ceil(int(text[:-1]) * total / 100)
    if text.isdigit():
        return int(text)
    raise InvalidStrategy(f"{value!r} is neither an integer nor a percentage")


def surge_and_unavailable(ds: Object, desired: int) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) for ``desired`` nodes; both 0 becomes (0, 1) as upstream."""
    rolling = (spec_of(ds).get("updateStrategy") or {}).get("rollingUpdate") or {}
    surge = _scaled(rolling.get("maxSurge"), desired, 0)
    unavailable = _scaled(rolling.get("maxUnavailable"), desired, 1)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def _created(pod: Object) -> tuple[float, str]:
    moment = parse_time((pod.get("metadata") or {}).get("creationTimestamp"))
    return (moment.timestamp() if moment else 0.0, str(pod["metadata"].get("name", "")))


def _alive(pods: list[Object]) -> list[Object]:
    return [p for p in pods if not p["metadata"].get("deletionTimestamp")]


@dataclass
class Step:
    """Nodes to create a daemon pod on, pods to delete."""

    create: list[str] = field(default_factory=list)
    delete: list[Object] = field(default_factory=list)


def allows_surge(ds: Object) -> bool:
    strategy = spec_of(ds).get("updateStrategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return False
    return _scaled((strategy.get("rollingUpdate") or {}).get("maxSurge"), 100, 0) > 0


def manage(ds: Object, nodes: list[Object], by_node: dict[str, list[Object]], revision_hash: str) -> Step:
    """Daemon pods where they belong and nowhere else (``podsShouldBeOnNode``)."""
    step = Step()
    surge = allows_surge(ds)
    names = set()
    for node in sorted(nodes, key=lambda n: str(n["metadata"]["name"])):
        name = str(node["metadata"]["name"])
        names.add(name)
        pods = sorted(_alive(by_node.get(name, [])), key=_created)
        failed = [p for p in pods if phase(p) == "Failed"]
        running = [p for p in pods if phase(p) != "Failed"]
        step.delete.extend(failed)
        if not should_run(ds, node):
            step.delete.extend(running)
        elif not running:
            if len(pods) == len(by_node.get(name, [])):  # none still terminating here
                step.create.append(name)
        elif not surge:
            step.delete.extend(running[1:])  # the oldest stays
        else:
            # A surge keeps the oldest pod of each revision; the rolling update retires the old one.
            kept_new = kept_old = False
            for pod in running:
                if revision_of_pod(pod) == revision_hash and not kept_new:
                    kept_new = True
                elif revision_of_pod(pod) != revision_hash and not kept_old:
                    kept_old = True
                else:
                    step.delete.append(pod)
    for name, pods in sorted(by_node.items()):
        if name not in names:
            step.delete.extend(_alive(pods))  # the node is gone
    return step


def _split(pods: list[Object], revision_hash: str) -> tuple[Object | None, Object | None, bool]:
    """(new pod, old pod, ok) on one node: ok is False when there are more than one of either."""
    alive = [p for p in _alive(pods) if phase(p) != "Failed"]
    new = [p for p in alive if revision_of_pod(p) == revision_hash]
    old = [p for p in alive if revision_of_pod(p) != revision_hash]
    if len(new) > 1 or len(old) > 1:
        return None, None, False
    return (new[0] if new else None), (old[0] if old else None), True


def rolling_update(
    ds: Object, nodes: list[Object], by_node: dict[str, list[Object]], revision_hash: str, moment: datetime
) -> Step:
    """One step of a RollingUpdate over the nodes that should run the daemon."""
    spec = spec_of(ds)
    if (spec.get("updateStrategy") or {}).get("type", "RollingUpdate") != "RollingUpdate":
        return Step()
    min_ready = int(spec.get("minReadySeconds") or 0)
    eligible = sorted(str(n["metadata"]["name"]) for n in nodes if should_run(ds, n))
    max_surge, max_unavailable = surge_and_unavailable(ds, len(eligible))
    step = Step()
    if max_surge == 0:
        unavailable = 0
        allowed: list[Object] = []
        candidates: list[Object] = []
        for name in eligible:
            new, old, ok = _split(by_node.get(name, []), revision_hash)
            if not ok or (new is None) == (old is None):
                unavailable += 1  # the manage step is creating or cleaning up here
            elif new is not None:
                unavailable += 0 if is_available(new, min_ready, moment) else 1
            elif old is not None and not is_available(old, min_ready, moment):
                allowed.append(old)
            elif old is not None and unavailable < max_unavailable:
                candidates.append(old)
        room = max(0, min(max_unavailable - unavailable, len(candidates)))
        step.delete = [*allowed, *candidates[:room]]
        return step
    surging = 0
    allowed_nodes: list[str] = []
    candidate_nodes: list[str] = []
    for name in eligible:
        new, old, ok = _split(by_node.get(name, []), revision_hash)
        if not ok:
            surging += 1
        elif old is None:
            continue
        elif new is None:
            if not is_available(old, min_ready, moment):
                allowed_nodes.append(name)
            elif surging < max_surge:
                candidate_nodes.append(name)
        elif not is_available(new, min_ready, moment):
            surging += 1
        else:
            step.delete.append(old)
    room = max(0, min(max_surge - surging, len(candidate_nodes)))
    step.create = [*allowed_nodes, *candidate_nodes[:room]]
    return step


def daemonset_status(
    ds: Object, nodes: list[Object], by_node: dict[str, list[Object]], revision_hash: str, moment: datetime
) -> Object:
    """``updateDaemonSetStatus``: counts over the nodes that should and should not run the daemon."""
    min_ready = int(spec_of(ds).get("minReadySeconds") or 0)
    desired = scheduled = misscheduled = ready = available = updated = 0
    for node in nodes:
        pods = sorted(_alive(by_node.get(str(node["metadata"]["name"]), [])), key=_created)
        if should_run(ds, node):
            desired += 1
            if not pods:
                continue
            scheduled += 1
            # NB: upstream counts the oldest pod on a node for readiness, and any pod at the update revision.
            ready += 1 if is_ready(pods[0]) else 0
            available += 1 if is_available(pods[0], min_ready, moment) else 0
            updated += 1 if any(revision_of_pod(p) == revision_hash for p in pods) else 0
        elif pods:
            misscheduled += 1
    status: Object = {
        "observedGeneration": ds["metadata"].get("generation", 0),
        "desiredNumberScheduled": desired,
        "currentNumberScheduled": scheduled,
        "numberMisscheduled": misscheduled,
        "numberReady": ready,
        "numberAvailable": available,
        "numberUnavailable": max(0, desired - available),
        "updatedNumberScheduled": updated,
    }
    current = ds.get("status") or {}
    if current.get("collisionCount"):
        status["collisionCount"] = current["collisionCount"]
    if current.get("conditions"):
        status["conditions"] = current["conditions"]
    if status["numberUnavailable"] == 0:
        status.pop("numberUnavailable")  # omitted when zero, as the API omits it
    return status
