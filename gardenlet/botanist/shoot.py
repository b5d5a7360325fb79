"""Everything the botanist reads from the garden for one shoot, and the names derived from it.

The shoot controller loads a :class:`ShootObjects` at the start of every flow run (the Shoot as the watch delivered
it, its Seed, CloudProfile, project and cloud-provider credentials), so a flow works on one consistent snapshot and
never reads the garden halfway through. Names that must not change for the life of the shoot (the technical ID)
come from its status once it has one.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from garden.api.common import ErrorCode
from garden.api.core.shoot import Shoot
from garden.kube import (
    CLOUDPROFILES,
    CREDENTIALSBINDINGS,
    NAMESPACEDCLOUDPROFILES,
    PROJECTS,
    SECRETBINDINGS,
    SECRETS,
    SEEDS,
    Kube,
)
from gardenlet.components.namespace import technical_id

Object = dict[str, Any]

DEFAULT_SERVICES_CIDR = "100.64.0.0/13"
DEFAULT_PODS_CIDR = "100.96.0.0/11"


class ShootLoadError(RuntimeError):
    """Something the shoot refers to is missing in the garden; ``codes`` says whether waiting can help."""

    def __init__(self, message: str, *codes: ErrorCode) -> None:
        super().__init__(message)
        self.codes = codes


@dataclass(frozen=True)
class ShootObjects:
    """One shoot and what it refers to, as read from the garden at the start of a flow run."""

    shoot: Object
    seed: Object
    cloud_profile: Object
    project: str
    #: The cloud-provider Secret's ``data`` (base64 values, as stored).
    credentials: dict[str, str] = field(default_factory=dict)

    @property
    def model(self) -> Shoot:
        return Shoot.parse(self.shoot)

    @property
    def name(self) -> str:
        return str(self.shoot["metadata"]["name"])

    @property
    def garden_namespace(self) -> str:
        return str(self.shoot["metadata"]["namespace"])

    @property
    def uid(self) -> str:
        return str(self.shoot["metadata"].get("uid") or "")

    @property
    def generation(self) -> int:
        return int(self.shoot["metadata"].get("generation") or 0)

    @property
    def spec(self) -> Object:
        return dict(self.shoot.get("spec") or {})

    @property
    def status(self) -> Object:
        return dict(self.shoot.get("status") or {})

    @property
    def namespace(self) -> str:
        """The technical ID: the shoot's namespace in the seed, kept from the status once written."""
        return str(self.status.get("technicalID") or technical_id(self.project, self.name))

    @property
    def provider_type(self) -> str:
        return str(self.spec["provider"]["type"])

    @property
    def region(self) -> str:
        return str(self.spec.get("region") or "")

    @property
    def workers(self) -> list[Object]:
        return list((self.spec.get("provider") or {}).get("workers") or [])

    @property
    def kubernetes_version(self) -> str:
        return str((self.spec.get("kubernetes") or {}).get("version") or "")

    @property
    def networking(self) -> Object:
        return dict(self.spec.get("networking") or {})

    @property
    def services_cidr(self) -> str:
        return str(self.networking.get("services") or DEFAULT_SERVICES_CIDR)

    @property
    def pods_cidr(self) -> str:
        return str(self.networking.get("pods") or DEFAULT_PODS_CIDR)

    @property
    def domain(self) -> str | None:
        domain = (self.spec.get("dns") or {}).get("domain")
        return str(domain) if domain else None

    @property
    def wants_hibernation(self) -> bool:
        return bool((self.spec.get("hibernation") or {}).get("enabled"))

    @property
    def is_hibernated(self) -> bool:
        """What the status says now (the last flow's result), not what the spec wants."""
        return bool(self.status.get("hibernated"))

    @property
    def seed_provider(self) -> str:
        return str(((self.seed.get("spec") or {}).get("provider") or {}).get("type") or self.provider_type)

    def decoded_credentials(self) -> dict[str, str]:
        return {key: base64.b64decode(value).decode() for key, value in self.credentials.items()}


def project_of(garden: Kube, namespace: str) -> str:
    """The project whose namespace holds the shoot; ``garden-<project>`` when no Project names it."""
    for project in garden.list(PROJECTS):
        if (project.get("spec") or {}).get("namespace") == namespace:
            return str(project["metadata"]["name"])
    if namespace.startswith("garden-"):
        return namespace.removeprefix("garden-")
    raise ShootLoadError(f"no project has namespace {namespace}", ErrorCode.RETRYABLE_CONFIGURATION_PROBLEM)


def load(garden: Kube, shoot: Object, seed_name: str, seed_fallback: Object | None = None) -> ShootObjects:
    """Read the shoot's Seed, CloudProfile, project and credentials from the garden."""
    namespace = str(shoot["metadata"]["namespace"])
    spec = shoot.get("spec") or {}
    seed = garden.get(SEEDS, None, seed_name) or seed_fallback
    if seed is None:
        raise ShootLoadError(
            f"seed {seed_name} is not registered in the garden", ErrorCode.RETRYABLE_CONFIGURATION_PROBLEM
        )
    return ShootObjects(
        shoot=shoot,
        seed=seed,
        cloud_profile=_cloud_profile(garden, namespace, spec),
        project=project_of(garden, namespace),
        credentials=_credentials(garden, namespace, spec),
    )


def _cloud_profile(garden: Kube, namespace: str, spec: Object) -> Object:
    reference = spec.get("cloudProfile") or {}
    name = reference.get("name") or spec.get("cloudProfileName")
    if not name:
        raise ShootLoadError("the shoot names no cloud profile", ErrorCode.CONFIGURATION_PROBLEM)
    if reference.get("kind") == "NamespacedCloudProfile":
        namespaced = garden.get(NAMESPACEDCLOUDPROFILES, namespace, name)
        if namespaced is None:
            raise ShootLoadError(
                f"namespaced cloud profile {namespace}/{name} not found", ErrorCode.CONFIGURATION_PROBLEM
            )
        # The namespaced profile's status carries the merged spec of its parent and itself.
        merged = (namespaced.get("status") or {}).get("cloudProfileSpec")
        return {**namespaced, "spec": merged or namespaced.get("spec") or {}}
    profile = garden.get(CLOUDPROFILES, None, name)
    if profile is None:
        raise ShootLoadError(f"cloud profile {name} not found", ErrorCode.CONFIGURATION_PROBLEM)
    return profile


def _credentials(garden: Kube, namespace: str, spec: Object) -> dict[str, str]:
    """The data of the Secret the shoot's SecretBinding or CredentialsBinding points at."""
    if spec.get("secretBindingName"):
        binding = garden.get(SECRETBINDINGS, namespace, spec["secretBindingName"])
        what = f"secret binding {namespace}/{spec['secretBindingName']}"
        ref = (binding or {}).get("secretRef") or {}
    elif spec.get("credentialsBindingName"):
        binding = garden.get(CREDENTIALSBINDINGS, namespace, spec["credentialsBindingName"])
        what = f"credentials binding {namespace}/{spec['credentialsBindingName']}"
        ref = (binding or {}).get("credentialsRef") or {}
    else:
        return {}
    if binding is None:
        raise ShootLoadError(f"{what} not found", ErrorCode.CONFIGURATION_PROBLEM)
    secret = garden.get(SECRETS, ref.get("namespace") or namespace, ref.get("name") or "")
    if secret is None:
        raise ShootLoadError(f"{what}: its secret {ref.get('name')} not found", ErrorCode.CONFIGURATION_PROBLEM)
    return {str(k): str(v) for k, v in (secret.get("data") or {}).items()}


__all__ = ["ShootLoadError", "ShootObjects", "load", "project_of"]
