"""An in-memory stand-in for the few ``kubelite.client.Kube`` calls the secrets manager makes (list by label,
create, delete), for unit tests of its decisions; the integration tests run it against a real API server."""

from __future__ import annotations

import copy
from typing import Any

from kubelite.client import KubeError, Resource


class MemoryKube:
    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], dict[str, Any]] = {}
        self.writes: list[tuple[str, str]] = []
        self._revision = 0

    def list(self, resource: Resource, namespace: str | None = None, *, label_selector: str = "") -> list[Any]:
        wanted = dict(term.split("=", 1) for term in label_selector.split(",") if term)
        return [
            copy.deepcopy(obj)
            for (ns, _), obj in sorted(self.objects.items())
            if ns == namespace and all(obj["metadata"].get("labels", {}).get(k) == v for k, v in wanted.items())
        ]

    def create(self, resource: Resource, namespace: str | None, body: dict[str, Any]) -> dict[str, Any]:
        assert namespace is not None
        key = (namespace, body["metadata"]["name"])
        if key in self.objects:
            raise KubeError("POST", resource.collection(namespace), 409, "AlreadyExists", f"{key[1]} exists")
        self._revision += 1
        stored = copy.deepcopy(body)
        stored["metadata"]["resourceVersion"] = str(self._revision)
        self.objects[key] = stored
        self.writes.append(("create", key[1]))
        return copy.deepcopy(stored)

    def delete(self, resource: Resource, namespace: str | None, name: str, *, missing_ok: bool = True) -> None:
        assert namespace is not None
        self.objects.pop((namespace, name), None)
        self.writes.append(("delete", name))
