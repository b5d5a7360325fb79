"""The local "cloud": a Kubernetes cluster (normally the seed), reached with the kubeconfig in the credentials."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping

import yaml

from garden.api.common import ErrorCode
from kubelite.client import NAMESPACES, Kube, KubeError
from providers.extensions.shoot_access import client_from_kubeconfig
from providers.interface import ProviderError

#: The label every object the local provider makes carries; the value is the shoot's technical ID.
CLUSTER_LABEL = "local.provider.extensions.gardener.cloud/cluster"

_lock = threading.Lock()
_clients: dict[str, Kube] = {}


def cloud_client(credentials: Mapping[str, str]) -> Kube:
    """A client for the cluster the credentials' ``kubeconfig`` names (cached by its content); else in-cluster."""
    raw = credentials.get("kubeconfig")
    key = hashlib.sha256((raw or "<in-cluster>").encode()).hexdigest()
    with _lock:
        client = _clients.get(key)
        if client is not None:
            return client
        if raw is None:
            try:
                client = Kube.from_kubeconfig(None)
            except Exception as exc:
                raise ProviderError(
                    "the local provider's secret has no 'kubeconfig' and this process runs outside a cluster",
                    ErrorCode.CONFIGURATION_PROBLEM,
                ) from exc
        else:
            config = yaml.safe_load(raw)
            if not isinstance(config, dict) or not config.get("clusters"):
                raise ProviderError(
                    "the local provider's 'kubeconfig' is not a kubeconfig", ErrorCode.CONFIGURATION_PROBLEM
                )
            client = client_from_kubeconfig(config)
        _clients[key] = client
        return client


def ensure_namespace(kube: Kube, name: str) -> None:
    if kube.get(NAMESPACES, None, name) is not None:
        return
    try:
        kube.create(NAMESPACES, None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    except KubeError as exc:
        if not exc.conflict:
            raise


def as_provider_error(exc: KubeError) -> ProviderError:
    """A failed call to the local cloud: 401/403 say the credentials are wrong; the rest may pass."""
    if exc.status == 401:
        return ProviderError(str(exc), ErrorCode.INFRA_UNAUTHENTICATED)
    if exc.status == 403:
        return ProviderError(str(exc), ErrorCode.INFRA_UNAUTHORIZED)
    if exc.status == 429:
        return ProviderError(str(exc), ErrorCode.INFRA_RATE_LIMITS_EXCEEDED)
    return ProviderError(str(exc))


__all__ = ["CLUSTER_LABEL", "as_provider_error", "cloud_client", "ensure_namespace"]
