"""Reaching a shoot's API server from the seed: the kubeconfig the gardenlet keeps in the shoot's seed namespace.

The gardenlet writes a Secret :data:`SHOOT_ACCESS_SECRET` (key ``kubeconfig``) into every shoot namespace, as
Gardener does for its machine-controller-manager. The machine controller reads Nodes and drains through it; the
OperatingSystemConfig actuator writes bootstrap tokens through it and hands its server URL and CA to new nodes.
Clients are cached per namespace and rebuilt when the Secret changes (its ``resourceVersion``).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from typing import Any

import yaml

from garden.api.common import ErrorCode
from kubelite.client import SECRETS, Kube
from providers.interface import ProviderError

SHOOT_ACCESS_SECRET = "shoot-access-machine-controller-manager"
KUBECONFIG_KEY = "kubeconfig"

Object = dict[str, Any]


def read_kubeconfig(seed: Kube, namespace: str) -> tuple[Object, str]:
    """The shoot kubeconfig (parsed) and the Secret's resourceVersion; missing is retried (the gardenlet writes it)."""
    secret = seed.get(SECRETS, namespace, SHOOT_ACCESS_SECRET)
    raw = ((secret or {}).get("data") or {}).get(KUBECONFIG_KEY)
    if secret is None or not raw:
        raise ProviderError(
            f"secret {namespace}/{SHOOT_ACCESS_SECRET} with key {KUBECONFIG_KEY!r} does not exist yet",
            ErrorCode.RETRYABLE_CONFIGURATION_PROBLEM,
        )
    config = yaml.safe_load(base64.b64decode(raw))
    if not isinstance(config, dict) or not config.get("clusters"):
        raise ProviderError(
            f"secret {namespace}/{SHOOT_ACCESS_SECRET}: not a kubeconfig", ErrorCode.CONFIGURATION_PROBLEM
        )
    return config, str(secret["metadata"].get("resourceVersion") or "")


def client_from_kubeconfig(config: Object) -> Kube:
    import kubernetes  # noqa: PLC0415  (heavy; only processes that talk to shoots need it)

    load: Callable[..., None] = kubernetes.config.load_kube_config_from_dict
    configuration = kubernetes.client.Configuration()
    load(config, client_configuration=configuration)
    configuration.connection_pool_maxsize = 8
    return Kube(kubernetes.client.ApiClient(configuration))


def server_and_ca(config: Object) -> tuple[str, str | None]:
    """The API server URL and base64 CA of a kubeconfig's current (else first) cluster."""
    current = config.get("current-context")
    cluster_name = None
    for context in config.get("contexts") or []:
        if context.get("name") == current:
            cluster_name = (context.get("context") or {}).get("cluster")
    clusters = config.get("clusters") or []
    chosen = next((c for c in clusters if c.get("name") == cluster_name), clusters[0])
    cluster = chosen.get("cluster") or {}
    return str(cluster.get("server") or ""), cluster.get("certificate-authority-data")


class ShootClients:
    """One cached client per shoot namespace, rebuilt when its access Secret changes."""

    def __init__(self, seed: Kube) -> None:
        self.seed = seed
        self._lock = threading.Lock()
        self._clients: dict[str, tuple[str, Kube, Object]] = {}

    def get(self, namespace: str) -> tuple[Kube, Object]:
        config, version = read_kubeconfig(self.seed, namespace)
        with self._lock:
            cached = self._clients.get(namespace)
            if cached is not None and cached[0] == version:
                return cached[1], cached[2]
            if cached is not None:
                cached[1].close()
            client = client_from_kubeconfig(config)
            self._clients[namespace] = (version, client, config)
            return client, config

    def close(self) -> None:
        with self._lock:
            for _, client, _ in self._clients.values():
                client.close()
            self._clients.clear()


__all__ = [
    "KUBECONFIG_KEY",
    "SHOOT_ACCESS_SECRET",
    "ShootClients",
    "client_from_kubeconfig",
    "read_kubeconfig",
    "server_and_ca",
]
