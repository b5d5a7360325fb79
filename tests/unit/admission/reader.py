"""An in-memory garden for unit tests of admission plugins: objects kept by (group, resource, namespace, name)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from garden.admission.request import Object

ROOT = Path(__file__).resolve().parents[3]

#: kind -> (group, resource) for the kinds plugins read.
RESOURCES = {
    "CloudProfile": ("core.gardener.cloud", "cloudprofiles"),
    "NamespacedCloudProfile": ("core.gardener.cloud", "namespacedcloudprofiles"),
    "Project": ("core.gardener.cloud", "projects"),
    "SecretBinding": ("core.gardener.cloud", "secretbindings"),
    "Quota": ("core.gardener.cloud", "quotas"),
    "Seed": ("core.gardener.cloud", "seeds"),
    "Shoot": ("core.gardener.cloud", "shoots"),
    "ExposureClass": ("core.gardener.cloud", "exposureclasses"),
    "CredentialsBinding": ("security.gardener.cloud", "credentialsbindings"),
    "Secret": ("", "secrets"),
    "Namespace": ("", "namespaces"),
}


class DictReader:
    def __init__(self, *objects: Object) -> None:
        self.objects: dict[tuple[str, str, str, str], Object] = {}
        for obj in objects:
            self.add(obj)

    def add(self, obj: Object) -> None:
        group, resource = RESOURCES[obj["kind"]]
        meta = obj["metadata"]
        self.objects[(group, resource, meta.get("namespace") or "", meta["name"])] = copy.deepcopy(obj)

    async def get(self, group: str, version: str, resource: str, namespace: str | None, name: str) -> Object | None:
        found = self.objects.get((group, resource, namespace or "", name))
        return copy.deepcopy(found) if found is not None else None

    async def list(self, group: str, version: str, resource: str, namespace: str | None = None) -> list[Object]:
        return [
            copy.deepcopy(obj)
            for (g, r, ns, _), obj in sorted(self.objects.items())
            if g == group and r == resource and (namespace is None or ns == namespace)
        ]


def cloud_profile(name: str) -> dict[str, Any]:
    """One of the real catalogues in cloudprofiles/."""
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "cloudprofiles" / f"{name}.yaml").read_text())
    return loaded
