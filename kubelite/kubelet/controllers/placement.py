"""Whether a pod may run on a node, as pure functions: node selector, required node affinity, taints and
tolerations. The DaemonSet controller asks "should this node run a daemon pod", the scheduler "may this pod go
there"; both ask through these, so they never disagree.

As upstream's ``NodeAffinity`` and ``TaintToleration`` filters: ``nodeSelector`` labels must all match; the
``requiredDuringSchedulingIgnoredDuringExecution`` terms are ORed, the expressions within a term ANDed (``In``,
``NotIn``, ``Exists``, ``DoesNotExist``, ``Gt``, ``Lt`` on labels; ``matchFields`` on ``metadata.name``); every
``NoSchedule`` and ``NoExecute`` taint must be tolerated (``PreferNoSchedule`` only steers scoring).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kubelite.client import Object

#: The taints a not-ready or cordoned node carries (the node lifecycle controller and ``kubectl cordon`` set them).
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"


def tolerates(toleration: Mapping[str, Any], taint: Mapping[str, Any]) -> bool:
    """``ToleratesTaint``: an empty effect matches every effect, ``Exists`` with no key every key."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    operator = toleration.get("operator") or "Equal"
    key = toleration.get("key") or ""
    if operator == "Exists":
        return not key or key == taint.get("key")
    return key == taint.get("key") and (toleration.get("value") or "") == (taint.get("value") or "")


def untolerated_taint(tolerations: Iterable[Mapping[str, Any]], node: Object) -> Object | None:
    """The first NoSchedule/NoExecute taint of ``node`` that no toleration covers, or None."""
    listed = list(tolerations)
    for taint in (node.get("spec") or {}).get("taints") or ():
        if taint.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not any(tolerates(t, taint) for t in listed):
            return dict(taint)
    return None


def _expression(expression: Mapping[str, Any], values: Mapping[str, str]) -> bool:
    key = str(expression.get("key", ""))
    operator = expression.get("operator")
    wanted = [str(v) for v in expression.get("values") or ()]
    present = key in values
    if operator == "In":
        return present and values[key] in wanted
    if operator == "NotIn":
        return not present or values[key] not in wanted
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    if operator in ("Gt", "Lt") and present and len(wanted) == 1:
        try:
            have, limit = int(values[key]), int(wanted[0])
        except ValueError:
            return False
        return have > limit if operator == "Gt" else have < limit
    return False


def _term(term: Mapping[str, Any], labels: Mapping[str, str], fields: Mapping[str, str]) -> bool:
    expressions = term.get("matchExpressions") or []
    field_expressions = term.get("matchFields") or []
    if not expressions and not field_expressions:
        return False  # an empty term matches nothing, as upstream says
    return all(_expression(e, labels) for e in expressions) and all(_expression(e, fields) for e in field_expressions)


def matches_node(pod_spec: Mapping[str, Any], node: Object) -> bool:
    """``nodeSelector`` and required node affinity against the node's labels (and ``metadata.name``)."""
    metadata = node.get("metadata") or {}
    labels = metadata.get("labels") or {}
    for key, value in (pod_spec.get("nodeSelector") or {}).items():
        if labels.get(key) != value:
            return False
    required = (
        ((pod_spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution"
        )
        or {}
    ).get("nodeSelectorTerms")
    if not required:
        return True
    fields = {"metadata.name": str(metadata.get("name", ""))}
    return any(_term(term, labels, fields) for term in required)


def is_node_ready(node: Object | None) -> bool:
    if node is None:
        return False
    for condition in (node.get("status") or {}).get("conditions") or ():
        if condition.get("type") == "Ready":
            return bool(condition.get("status") == "True")
    return False


def why_not(pod_spec: Mapping[str, Any], node: Object) -> str:
    """Why the pod may not go to ``node`` ("" when it may): the reason the scheduler's filter reports."""
    if not matches_node(pod_spec, node):
        return "didn't match Pod's node affinity/selector"
    taint = untolerated_taint(pod_spec.get("tolerations") or (), node)
    if taint is not None:
        return f"had untolerated taint {{{taint.get('key')}: {taint.get('value') or ''}}}"
    return ""
