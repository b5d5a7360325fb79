"""What a fresh garden needs before a user can create a shoot: CloudProfiles, a project, credentials, a binding.

Each object is created only when it is missing, so a second ``garden up`` on the same state directory keeps what the
user changed (a CloudProfile edited, a project's members) and only fills in what was deleted. The objects:

* every CloudProfile shipped in ``cloudprofiles/`` (local, aws, gcp);
* project ``dev`` with its namespace ``garden-dev``;
* the provider's credentials Secret and the SecretBinding shoots name in ``secretBindingName``:
  ``local`` (the seed's kubeconfig, where the local provider runs machines, and a backup directory) or
  ``aws`` (keys for the simulated AWS and its ``endpointURL``).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from garden.kube import CLOUDPROFILES, NAMESPACES, PROJECTS, SECRETBINDINGS, SECRETS
from garden.up.data import cloudprofile_files
from kubelite.client import Kube, Resource

PROJECT = "dev"
PROJECT_NAMESPACE = f"garden-{PROJECT}"


@dataclass(frozen=True, slots=True)
class Credentials:
    """One provider's credentials: the binding's name (what shoots name) and the Secret's data."""

    provider: str
    binding: str
    data: Mapping[str, str]

    @property
    def secret_name(self) -> str:
        return f"{self.binding}-credentials"


def local_credentials(seed_kubeconfig: Path, backups: Path) -> Credentials:
    return Credentials("local", "local", {"kubeconfig": seed_kubeconfig.read_text(), "backupRoot": str(backups)})


def aws_credentials(endpoint: str) -> Credentials:
    """Keys for moto (it accepts any) and the endpoint the AWS provider then talks to instead of AWS."""
    return Credentials(
        "aws", "aws", {"accessKeyID": "garden-up", "secretAccessKey": "garden-up", "endpointURL": endpoint}
    )


def _ensure(kube: Kube, resource: Resource, namespace: str | None, body: dict[str, Any]) -> bool:
    """Create ``body`` unless it exists; whether it was created."""
    if kube.get(resource, namespace, body["metadata"]["name"]) is not None:
        return False
    kube.create(resource, namespace, body)
    return True


def cloudprofiles() -> list[dict[str, Any]]:
    profiles = []
    for path in cloudprofile_files():
        profiles += [doc for doc in yaml.safe_load_all(path.read_text()) if doc and doc.get("kind") == "CloudProfile"]
    return profiles


def seed_garden(kube: Kube, credentials: Credentials) -> list[str]:
    """Create what is missing; a line per object created (empty on a resumed landscape)."""
    created: list[str] = []
    for profile in cloudprofiles():
        if _ensure(kube, CLOUDPROFILES, None, profile):
            created.append(f"CloudProfile {profile['metadata']['name']}")
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": PROJECT_NAMESPACE}}
    _ensure(kube, NAMESPACES, None, namespace)
    project = {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "Project",
        "metadata": {"name": PROJECT},
        "spec": {"namespace": PROJECT_NAMESPACE, "description": "Created by garden up", "purpose": "Development"},
    }
    if _ensure(kube, PROJECTS, None, project):
        created.append(f"Project {PROJECT} (namespace {PROJECT_NAMESPACE})")
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": credentials.secret_name, "namespace": PROJECT_NAMESPACE},
        "type": "Opaque",
        "data": {key: base64.b64encode(value.encode()).decode() for key, value in credentials.data.items()},
    }
    if _ensure(kube, SECRETS, PROJECT_NAMESPACE, secret):
        created.append(f"Secret {PROJECT_NAMESPACE}/{credentials.secret_name}")
    binding = {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "SecretBinding",
        "metadata": {"name": credentials.binding, "namespace": PROJECT_NAMESPACE},
        "provider": {"type": credentials.provider},
        "secretRef": {"name": credentials.secret_name},
    }
    if _ensure(kube, SECRETBINDINGS, PROJECT_NAMESPACE, binding):
        created.append(f"SecretBinding {PROJECT_NAMESPACE}/{credentials.binding}")
    return created


__all__ = ["PROJECT", "PROJECT_NAMESPACE", "Credentials", "aws_credentials", "local_credentials", "seed_garden"]
