"""What the care controller looks at: the shoot's seed namespace, and the shoot through its own API server.

The gardenlet reaches a shoot with the kubeconfig the secrets manager keeps for it in the seed namespace (config
``gardener``: a client certificate for ``system:masters``, pointing at the shoot's external address), as Gardener's
care controller does. Clients are cached per namespace and rebuilt when that Secret changes (a rotation).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from gardenlet.controllers.care import checks
from gardenlet.controllers.care.conditions import EVERY_NODE_READY, SYSTEM_COMPONENTS_HEALTHY, Check
from gardenlet.secrets.controlplane import GARDENER
from gardenlet.secrets.manager import DATA_KUBECONFIG, LABEL_ISSUED_AT, LABEL_MANAGED_BY, LABEL_NAME, MANAGED_BY
from kubelite.client import DEPLOYMENTS, NODES, SECRETS, STATEFULSETS, Kube, KubeError, Object, Resource
from providers.extensions.resources import (
    DNSRECORDS,
    INFRASTRUCTURES,
    MACHINES,
    OPERATINGSYSTEMCONFIGS,
    WORKERS,
)

DAEMONSETS = Resource("apps", "v1", "daemonsets")
MUTATINGWEBHOOKS = Resource("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", namespaced=False)
VALIDATINGWEBHOOKS = Resource("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", namespaced=False)
EXTENSION_RESOURCES = (INFRASTRUCTURES, DNSRECORDS, OPERATINGSYSTEMCONFIGS, WORKERS)
#: How long one health endpoint request may take (connect, read).
PROBE_TIMEOUT = (3.0, 5.0)


@dataclass
class ShootClient:
    version: str
    server: str
    api_client: Any
    kube: Kube

    def close(self) -> None:
        self.kube.close()


def _kubeconfig_secret(seed: Kube, namespace: str) -> Object | None:
    """The newest ``gardener`` kubeconfig the secrets manager keeps in the namespace."""
    selector = f"{LABEL_MANAGED_BY}={MANAGED_BY},{LABEL_NAME}={GARDENER}"
    found = seed.list(SECRETS, namespace, label_selector=selector)
    if not found:
        return None
    return max(
        found, key=lambda s: (int((s["metadata"].get("labels") or {}).get(LABEL_ISSUED_AT) or 0), s["metadata"]["name"])
    )


def _client(config: Object) -> tuple[Any, Kube]:
    import kubernetes  # noqa: PLC0415  (heavy; loaded by the processes that talk to shoots)

    load: Callable[..., None] = kubernetes.config.load_kube_config_from_dict
    configuration = kubernetes.client.Configuration()
    load(config, client_configuration=configuration)
    configuration.connection_pool_maxsize = 4
    api_client = kubernetes.client.ApiClient(configuration)
    return api_client, Kube(api_client)


class ShootClients:
    """One client per shoot namespace, rebuilt when the kubeconfig Secret changes."""

    def __init__(self, seed: Kube) -> None:
        self.seed = seed
        self._lock = threading.Lock()
        self._clients: dict[str, ShootClient] = {}

    def get(self, namespace: str) -> ShootClient | None:
        secret = _kubeconfig_secret(self.seed, namespace)
        raw = ((secret or {}).get("data") or {}).get(DATA_KUBECONFIG)
        if secret is None or not raw:
            return None
        version = str(secret["metadata"].get("resourceVersion") or "")
        with self._lock:
            cached = self._clients.get(namespace)
            if cached is not None and cached.version == version:
                return cached
            if cached is not None:
                cached.close()
            config = yaml.safe_load(base64.b64decode(raw))
            api_client, kube = _client(config)
            client = ShootClient(version, str(api_client.configuration.host), api_client, kube)
            self._clients[namespace] = client
            return client

    def forget(self, keep: set[str]) -> None:
        """Close the clients of namespaces not in ``keep`` (shoots gone or moved)."""
        with self._lock:
            for namespace in [n for n in self._clients if n not in keep]:
                self._clients.pop(namespace).close()

    def close(self) -> None:
        self.forget(set())


def probe(client: ShootClient, path: str) -> checks.ProbeResult:
    """GET ``path`` with the client's credentials; the status code and body (0 and the error when unanswered)."""
    api = client.api_client
    try:
        method, url, headers, _, _ = api.param_serialize(
            "GET", path, header_params={"Accept": "*/*"}, auth_settings=["BearerToken"]
        )
        response = api.call_api(method, url, headers, _request_timeout=PROBE_TIMEOUT)
        body: bytes = response.read()
    except Exception as exc:  # urllib3 and ssl errors: the API server did not answer
        return checks.ProbeResult(path, 0, f"{type(exc).__name__}: {exc}")
    return checks.ProbeResult(path, int(response.status), body.decode("utf-8", "replace"))


def _list_optional(kube: Kube, resource: Resource, namespace: str | None) -> list[Object]:
    """A list, empty when the server does not serve the resource."""
    try:
        return kube.list(resource, namespace)
    except KubeError as exc:
        if exc.not_found:
            return []
        raise


def control_plane(seed: Kube, namespace: str) -> Check:
    workloads = {"Deployment": seed.list(DEPLOYMENTS, namespace), "StatefulSet": seed.list(STATEFULSETS, namespace)}
    extensions = [obj for resource in EXTENSION_RESOURCES for obj in _list_optional(seed, resource, namespace)]
    return checks.control_plane(workloads, extensions)


def machine_count(seed: Kube, namespace: str) -> int:
    """The Worker's machines (those not being deleted)."""
    return sum(1 for m in _list_optional(seed, MACHINES, namespace) if not m["metadata"].get("deletionTimestamp"))


@dataclass(frozen=True, slots=True)
class Observation:
    checks: list[Check]
    #: The constraint checks, or None when they could not be made (the shoot did not answer).
    constraints: list[Check] | None


def observe(seed: Kube, clients: ShootClients, namespace: str, *, workerless: bool) -> Observation:
    """Every health check of one awake shoot whose control plane lives in ``namespace``."""
    client = clients.get(namespace)
    found: list[Check] = []
    if client is None:
        down = "no kubeconfig for the gardenlet in the seed namespace yet"
        found.append(Check.failed("APIServerAvailable", "APIServerCredentialsMissing", down))
        reachable = False
    else:
        api = checks.api_server(client.server, [probe(client, "/healthz"), probe(client, "/livez")])
        found.append(api)
        reachable = api.outcome == "healthy"
        down = api.message
    found.append(control_plane(seed, namespace))
    found.append(checks.observability())
    shoot_side = ([] if workerless else [EVERY_NODE_READY]) + [SYSTEM_COMPONENTS_HEALTHY]
    if not reachable or client is None:
        found += [checks.shoot_unreachable(t, down) for t in shoot_side]
        return Observation(found, None)
    try:
        if not workerless:
            found.append(checks.every_node(client.kube.list(NODES), machine_count(seed, namespace)))
        workloads = {
            "Deployment": client.kube.list(DEPLOYMENTS, "kube-system"),
            "DaemonSet": client.kube.list(DAEMONSETS, "kube-system"),
            "StatefulSet": client.kube.list(STATEFULSETS, "kube-system"),
        }
        found.append(checks.system_components(workloads))
        webhooks = [
            {**configuration, "kind": kind}
            for kind, resource in (
                ("MutatingWebhookConfiguration", MUTATINGWEBHOOKS),
                ("ValidatingWebhookConfiguration", VALIDATINGWEBHOOKS),
            )
            for configuration in _list_optional(client.kube, resource, None)
        ]
    except KubeError as exc:
        done = {c.type for c in found}
        found += [checks.shoot_unreachable(t, str(exc)) for t in shoot_side if t not in done]
        return Observation(found, None)
    return Observation(found, checks.constraints(webhooks))


__all__ = ["Observation", "ShootClient", "ShootClients", "machine_count", "observe", "probe"]
