"""The health checks, from what was observed (pure): each returns a :class:`~.conditions.Check`.

The observing (reading the seed namespace, calling the shoot's API server) is :mod:`.observe`; keeping the
decisions here lets tests feed them objects without any server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from garden.api.common import ErrorCode
from gardenlet.components.readiness import daemonset, deployment, statefulset
from gardenlet.controllers.care.conditions import (
    API_SERVER_AVAILABLE,
    CONTROL_PLANE_HEALTHY,
    EVERY_NODE_READY,
    HIBERNATION_POSSIBLE,
    MAINTENANCE_PRECONDITIONS_SATISFIED,
    OBSERVABILITY_COMPONENTS_HEALTHY,
    SYSTEM_COMPONENTS_HEALTHY,
    Check,
)

Object = dict[str, Any]

#: The control-plane workloads every shoot with a control plane has; others found in the namespace are checked too.
REQUIRED_CONTROL_PLANE: tuple[tuple[str, str], ...] = (("Deployment", "kube-apiserver"),)
_READINESS = {"Deployment": deployment, "StatefulSet": statefulset, "DaemonSet": daemonset}


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One GET of a health endpoint: the HTTP status (0: no answer) and the body or error text."""

    path: str
    status: int
    body: str


def api_server(server: str, probes: Sequence[ProbeResult]) -> Check:
    """``APIServerAvailable``: every probed endpoint (``/healthz``, ``/livez``) answered 200."""
    for probe in probes:
        if probe.status == 0:
            return Check.failed(
                API_SERVER_AVAILABLE,
                "HealthzRequestError",
                f"Request to the API server {probe.path} endpoint at {server} failed: {probe.body}",
            )
        if probe.status != 200:
            return Check.failed(
                API_SERVER_AVAILABLE,
                "HealthzRequestFailed",
                f"API server {probe.path} endpoint check returned a non ok status code {probe.status} "
                f"({probe.body.strip()[:200]}).",
            )
    return Check.healthy(
        API_SERVER_AVAILABLE,
        "HealthzRequestSucceeded",
        "API server /healthz endpoint responded with success status code.",
    )


def _workload_problem(kind: str, obj: Mapping[str, Any]) -> str | None:
    reason = _READINESS[kind](dict(obj))
    return None if reason is None else f"{kind} {obj['metadata']['name']} is unhealthy: {reason}"


def control_plane(
    workloads: Mapping[str, Sequence[Mapping[str, Any]]], extensions: Sequence[Mapping[str, Any]]
) -> Check:
    """``ControlPlaneHealthy``: the control-plane Deployments and StatefulSets rolled out, every extension resource
    Succeeded. ``workloads`` maps ``Deployment``/``StatefulSet`` to the objects in the seed namespace."""
    present = {(kind, obj["metadata"]["name"]) for kind, objs in workloads.items() for obj in objs}
    for kind, name in REQUIRED_CONTROL_PLANE:
        if (kind, name) not in present:
            return Check.failed(CONTROL_PLANE_HEALTHY, f"{kind}Missing", f"Missing required {kind} {name}.")
    for kind in sorted(workloads):
        for obj in sorted(workloads[kind], key=lambda o: str(o["metadata"]["name"])):
            problem = _workload_problem(kind, obj)
            if problem is not None:
                return Check.failed(CONTROL_PLANE_HEALTHY, f"{kind}Unhealthy", problem)
    for extension in extensions:
        kind, name = extension.get("kind", "Extension"), extension["metadata"]["name"]
        operation = (extension.get("status") or {}).get("lastOperation") or {}
        state = operation.get("state")
        if state != "Succeeded":
            last_error = (extension.get("status") or {}).get("lastError") or {}
            detail = last_error.get("description") or operation.get("description") or "not reconciled yet"
            codes = [str(c) for c in last_error.get("codes") or []]
            return Check.failed(
                CONTROL_PLANE_HEALTHY,
                "ExtensionResourceUnhealthy",
                f"{kind} {name} is {state or 'not reconciled'}: {detail}",
                *codes,
            )
    return Check.healthy(CONTROL_PLANE_HEALTHY, "ControlPlaneRunning", "All control plane components are healthy.")


def _node_ready(node: Mapping[str, Any]) -> tuple[bool, str]:
    for condition in (node.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return condition.get("status") == "True", str(condition.get("message") or condition.get("reason") or "")
    return False, "no Ready condition"


def every_node(nodes: Sequence[Mapping[str, Any]], machines: int) -> Check:
    """``EveryNodeReady``: every Node Ready and as many Nodes as the Worker has machines."""
    for node in sorted(nodes, key=lambda n: str(n["metadata"]["name"])):
        ready, why = _node_ready(node)
        if not ready:
            return Check.failed(
                EVERY_NODE_READY, "NodeUnhealthy", f"Node {node['metadata']['name']} is not ready: {why}"
            )
    if len(nodes) < machines:
        return Check.failed(
            EVERY_NODE_READY,
            "MissingNodes",
            f"Not enough worker nodes registered to meet the machine count ({len(nodes)}/{machines}).",
        )
    if len(nodes) > machines:
        return Check.failed(
            EVERY_NODE_READY,
            "TooManyNodes",
            f"More nodes registered than the worker has machines ({len(nodes)}/{machines}).",
        )
    return Check.healthy(EVERY_NODE_READY, "EveryNodeReady", "All nodes are ready.")


def system_components(workloads: Mapping[str, Sequence[Mapping[str, Any]]]) -> Check:
    """``SystemComponentsHealthy``: the shoot's Deployments, DaemonSets and StatefulSets in kube-system are ready."""
    for kind in sorted(workloads):
        for obj in sorted(workloads[kind], key=lambda o: str(o["metadata"]["name"])):
            problem = _workload_problem(kind, obj)
            if problem is not None:
                return Check.failed(SYSTEM_COMPONENTS_HEALTHY, f"{kind}Unhealthy", problem)
    if not any(workloads.values()):
        return Check.healthy(
            SYSTEM_COMPONENTS_HEALTHY, "SystemComponentsRunning", "No system components are deployed in kube-system."
        )
    return Check.healthy(SYSTEM_COMPONENTS_HEALTHY, "SystemComponentsRunning", "All system components are healthy.")


def observability() -> Check:
    """``ObservabilityComponentsHealthy``: this gardenlet deploys no monitoring or logging stack, so none can fail."""
    return Check.healthy(
        OBSERVABILITY_COMPONENTS_HEALTHY,
        "ObservabilityComponentsNotDeployed",
        "No observability components are deployed for this shoot; nothing to check.",
    )


def shoot_unreachable(condition_type: str, error: str) -> Check:
    """A shoot-side check that could not run because the shoot's API server did not answer."""
    return Check.unknown(condition_type, "APIServerDown", f"Could not reach the shoot's API server: {error}")


#: Resources whose webhooks with ``failurePolicy: Fail`` can block hibernation, wake-up and maintenance: the
#: control plane and nodes need to write these while the webhook's backend may be down.
_CRITICAL_RESOURCES = frozenset(
    {"*", "pods", "nodes", "leases", "endpoints", "endpointslices", "configmaps", "secrets", "services",
     "serviceaccounts", "namespaces"}
)  # fmt: skip
_CRITICAL_GROUPS = frozenset({"*", "", "coordination.k8s.io", "discovery.k8s.io"})


def _problematic(webhook: Mapping[str, Any]) -> bool:
    if (webhook.get("failurePolicy") or "Fail") != "Fail":
        return False
    for rule in webhook.get("rules") or []:
        operations = set(rule.get("operations") or [])
        groups = set(rule.get("apiGroups") or [])
        resources = {str(r).split("/", 1)[0] for r in rule.get("resources") or []}
        if operations & {"*", "CREATE", "UPDATE"} and groups & _CRITICAL_GROUPS and resources & _CRITICAL_RESOURCES:
            return True
    return False


def constraints(configurations: Sequence[Mapping[str, Any]]) -> list[Check]:
    """``HibernationPossible`` and ``MaintenancePreconditionsSatisfied`` from the shoot's webhook configurations.

    A webhook that fails closed (``failurePolicy: Fail``) on resources the cluster itself must write while it
    hibernates, wakes up or is maintained (pods, nodes, leases, endpoints ...) can block those operations.
    """
    found = [
        f"{configuration.get('kind', 'WebhookConfiguration')} {configuration['metadata']['name']}/{webhook.get('name')}"
        for configuration in configurations
        for webhook in configuration.get("webhooks") or []
        if _problematic(webhook)
    ]
    if found:
        message = "Webhooks that fail closed on resources the cluster must write: " + ", ".join(sorted(found))
        return [
            Check.failed(HIBERNATION_POSSIBLE, "ProblematicWebhooks", message, ErrorCode.PROBLEMATIC_WEBHOOK.value),
            Check.failed(
                MAINTENANCE_PRECONDITIONS_SATISFIED, "ProblematicWebhooks", message, ErrorCode.PROBLEMATIC_WEBHOOK.value
            ),
        ]
    return [
        Check.healthy(HIBERNATION_POSSIBLE, "NoProblematicWebhooks", "All webhooks are properly configured."),
        Check.healthy(
            MAINTENANCE_PRECONDITIONS_SATISFIED, "NoProblematicWebhooks", "All webhooks are properly configured."
        ),
    ]


__all__ = [
    "REQUIRED_CONTROL_PLANE",
    "ProbeResult",
    "api_server",
    "constraints",
    "control_plane",
    "every_node",
    "observability",
    "shoot_unreachable",
    "system_components",
]
