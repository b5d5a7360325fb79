"""The admission plugins' :class:`~garden.admission.request.Reader` over the Kubernetes API (the webhook's garden).

Reads go through :class:`garden.kube.Kube` in a worker thread; a read that fails for any reason but "not found"
refuses the request with a 500 naming what could not be read, so a webhook never admits what it could not check.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from garden.admission.request import Object
from garden.kube import Kube, KubeError, Resource
from kubelite.apiserver.errors import APIError


class KubernetesReader:
    def __init__(self, kube: Kube) -> None:
        self._kube = kube

    @classmethod
    def from_kubeconfig(cls, kubeconfig: Path | None = None) -> KubernetesReader:
        """From a kubeconfig file, or without one the pod's service account; ``ConfigException`` when neither loads."""
        return cls(Kube.from_kubeconfig(kubeconfig))

    def close(self) -> None:
        self._kube.close()

    async def get(self, group: str, version: str, resource: str, namespace: str | None, name: str) -> Object | None:
        if not name:
            raise ValueError(f"get {resource}: the name is empty")
        target = Resource(group, version, resource, namespaced=bool(namespace))
        try:
            return await asyncio.to_thread(self._kube.get, target, namespace, name)
        except KubeError as exc:
            raise _read_error(exc) from exc

    async def list(self, group: str, version: str, resource: str, namespace: str | None = None) -> list[Object]:
        target = Resource(group, version, resource, namespaced=bool(namespace))
        try:
            return await asyncio.to_thread(self._kube.list, target, namespace)
        except KubeError as exc:
            if exc.not_found:
                return []
            raise _read_error(exc) from exc


def _read_error(exc: KubeError) -> APIError:
    return APIError(500, "InternalError", f"admission webhook could not read the garden: {exc}")
