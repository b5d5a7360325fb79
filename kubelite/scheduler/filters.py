"""Where a pod may go, as a chain of pure filters and one score, as kube-scheduler's default profile decides.

Each filter returns the nodes that pass and a reason for the rest, so a pod that fits nowhere says exactly why,
in upstream's words: ``0/3 nodes are available: 1 node(s) were not ready, 2 node(s) had untolerated taint
{dedicated: infra}.``

* **NodeReady**: the node's Ready condition is True (upstream reads the not-ready taint the node lifecycle
  controller sets; kubelite's controller-manager does not taint, so the condition is read directly);
* **NodeUnschedulable**: not cordoned, unless the pod tolerates ``node.kubernetes.io/unschedulable``;
* **NodeAffinity**: ``nodeSelector`` and required node affinity;
* **TaintToleration**: every NoSchedule/NoExecute taint tolerated;
* **NodeResourcesFit** (pods only): fewer active pods on the node than its allocatable ``pods``.

The score spreads pods: the node with the fewest active pods wins (``LeastAllocated``); the ``bin-packing``
profile (``NodeResourcesFit`` with ``MostAllocated``) packs them onto the fullest node instead. Ties go to the
node whose name sorts first, so a decision is reproducible.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from kubelite.client import Object
from kubelite.kubelet.controllers.placement import UNSCHEDULABLE, is_node_ready, matches_node, untolerated_taint

#: ``filter(pod_spec, node, pods_on_node)`` -> "" when the node passes, else the reason (upstream's phrase).
Filter = Callable[[Mapping[str, object], Object, int], str]


def _ready(_: Mapping[str, object], node: Object, __: int) -> str:
    return "" if is_node_ready(node) else "node(s) were not ready"


def _unschedulable(spec: Mapping[str, object], node: Object, _: int) -> str:
    if not (node.get("spec") or {}).get("unschedulable"):
        return ""
    cordon = {"key": UNSCHEDULABLE, "effect": "NoSchedule"}
    tolerations = spec.get("tolerations") or []
    assert isinstance(tolerations, list)
    if untolerated_taint(tolerations, {"spec": {"taints": [cordon]}}) is None:
        return ""
    return "node(s) were unschedulable"


def _affinity(spec: Mapping[str, object], node: Object, _: int) -> str:
    return "" if matches_node(spec, node) else "node(s) didn't match Pod's node affinity/selector"


def _taints(spec: Mapping[str, object], node: Object, _: int) -> str:
    tolerations = spec.get("tolerations") or []
    assert isinstance(tolerations, list)
    taint = untolerated_taint(tolerations, node)
    if taint is None:
        return ""
    return f"node(s) had untolerated taint {{{taint.get('key')}: {taint.get('value') or ''}}}"


def _pods_fit(_: Mapping[str, object], node: Object, pods: int) -> str:
    allocatable = str(((node.get("status") or {}).get("allocatable") or {}).get("pods") or "")
    return "Too many pods" if allocatable.isdigit() and pods >= int(allocatable) else ""


FILTERS: tuple[tuple[str, Filter], ...] = (
    ("NodeReady", _ready),
    ("NodeUnschedulable", _unschedulable),
    ("NodeAffinity", _affinity),
    ("TaintToleration", _taints),
    ("NodeResourcesFit", _pods_fit),
)


@dataclass(frozen=True, slots=True)
class Decision:
    """The chosen node, or None and the message for ``PodScheduled=False``."""

    node: str | None
    message: str = ""


def decide(pod: Object, nodes: Iterable[Object], pods_per_node: Mapping[str, int], *, pack: bool = False) -> Decision:
    spec = pod.get("spec") or {}
    candidates = sorted(nodes, key=lambda n: str(n["metadata"]["name"]))
    total = len(candidates)
    reasons: Counter[str] = Counter()
    for _, check in FILTERS:
        passed = []
        for node in candidates:
            reason = check(spec, node, pods_per_node.get(str(node["metadata"]["name"]), 0))
            if reason:
                reasons[reason] += 1
            else:
                passed.append(node)
        candidates = passed
    if not candidates:
        detail = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
        message = f"0/{total} nodes are available" + (f": {detail}." if detail else ".")
        return Decision(None, message)

    def load(node: Object) -> int:
        return pods_per_node.get(str(node["metadata"]["name"]), 0)

    best = max(candidates, key=load) if pack else min(candidates, key=load)
    return Decision(str(best["metadata"]["name"]))
