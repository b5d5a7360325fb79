"""What gardenctl reads from a garden: projects, seeds, shoots, credentials, and the ways into clusters.

:class:`Garden` wraps a client for one garden API server with the lookups the commands share: a project's
namespace, a shoot found by name (in a project, on a seed, or anywhere if the name is unique), a shoot's admin
kubeconfig (``shoots/adminkubeconfig``) and the kubeconfig of a seed.

A seed's kubeconfig comes, in this order, from the gardenctl configuration (``seeds`` of the garden entry: a seed
run beside the garden, such as ``garden up``'s local seed) or, for a ManagedSeed (a shoot registered as a seed,
in namespace ``garden``), from that shoot's admin kubeconfig, as gardenctl-v2 does. Any other seed cannot be
reached from the garden, and gardenctl says so.
"""

from __future__ import annotations

import base64
import binascii

import yaml

from garden.api.wire import dig
from garden.cli.gardenctl.config import GardenConfig
from garden.cli.gardenctl.errors import GardenctlError, NotFoundError
from garden.cli.gardenctl.kubeconfigs import Kubeconfig, focus, read_kubeconfig
from garden.kube import (
    CREDENTIALSBINDINGS,
    PROJECTS,
    SECRETBINDINGS,
    SECRETS,
    SEEDS,
    SHOOTS,
    Kube,
    Object,
    Resource,
)

MANAGEDSEEDS = Resource("seedmanagement.gardener.cloud", "v1alpha1", "managedseeds")
#: Where ManagedSeeds and the shoots behind them live.
GARDEN_NAMESPACE = "garden"
ADMIN_KUBECONFIG_REQUEST = {
    "apiVersion": "authentication.gardener.cloud/v1alpha1",
    "kind": "AdminKubeconfigRequest",
}


def name_of(obj: Object) -> str:
    return str(dig(obj, "metadata", "name") or "")


def namespace_of(obj: Object) -> str:
    return str(dig(obj, "metadata", "namespace") or "")


def seed_of(shoot: Object) -> str:
    """The seed hosting the shoot's control plane (``status.seedName`` during a migration, else the spec)."""
    return str(dig(shoot, "spec", "seedName") or dig(shoot, "status", "seedName") or "")


def technical_id(shoot: Object, project: str) -> str:
    """The shoot's namespace in its seed: ``status.technicalID``, else Gardener's ``shoot--<project>--<name>``."""
    return str(dig(shoot, "status", "technicalID") or f"shoot--{project}--{name_of(shoot)}")


class Garden:
    """One garden API server, reached through the kubeconfig of its gardenctl configuration entry."""

    def __init__(self, config: GardenConfig, kube: Kube) -> None:
        self.config = config
        self.kube = kube
        self._projects: list[Object] | None = None

    @property
    def identity(self) -> str:
        return self.config.identity

    # -- projects --------------------------------------------------------------------------------------------------

    def projects(self) -> list[Object]:
        if self._projects is None:
            self._projects = self.kube.list(PROJECTS)
        return self._projects

    def project(self, name: str) -> Object:
        project = self.kube.get(PROJECTS, None, name)
        if project is None:
            raise GardenctlError(f'project "{name}" does not exist in garden "{self.identity}"')
        return project

    def project_namespace(self, name: str) -> str:
        namespace = dig(self.project(name), "spec", "namespace")
        if not namespace:
            raise GardenctlError(f'project "{name}" has no namespace yet (the project controller sets it)')
        return str(namespace)

    def project_of_namespace(self, namespace: str) -> str:
        """The project whose namespace this is (Gardener's ``garden-<project>`` when no project claims it)."""
        for project in self.projects():
            if dig(project, "spec", "namespace") == namespace:
                return name_of(project)
        return namespace.removeprefix("garden-")

    # -- seeds and shoots ----------------------------------------------------------------------------------------------

    def seed(self, name: str) -> Object:
        seed = self.kube.get(SEEDS, None, name)
        if seed is None:
            raise GardenctlError(f'seed "{name}" does not exist in garden "{self.identity}"')
        return seed

    def shoots(self, project: str = "", seed: str = "") -> list[Object]:
        """Shoots of a project, or of every project; only those on ``seed`` when it is given."""
        namespace = self.project_namespace(project) if project else None
        shoots = self.kube.list(SHOOTS, namespace)
        return [s for s in shoots if seed_of(s) == seed] if seed else shoots

    def find_shoot(self, name: str, project: str = "", seed: str = "") -> tuple[Object, str]:
        """The shoot called ``name`` and its project: in ``project``, else on ``seed``, else the only one anywhere."""
        if project:
            shoot = self.kube.get(SHOOTS, self.project_namespace(project), name)
            if shoot is None:
                raise NotFoundError(f'shoot "{name}" does not exist in project "{project}"')
            return shoot, project
        found = [s for s in self.shoots(seed=seed) if name_of(s) == name]
        where = f'on seed "{seed}"' if seed else f'in garden "{self.identity}"'
        if not found:
            raise NotFoundError(f'shoot "{name}" does not exist {where}')
        if len(found) > 1:
            projects = sorted(self.project_of_namespace(namespace_of(s)) for s in found)
            raise GardenctlError(
                f'shoot "{name}" exists in several projects ({", ".join(projects)}) {where}: add --project'
            )
        return found[0], self.project_of_namespace(namespace_of(found[0]))

    # -- credentials ---------------------------------------------------------------------------------------------------

    def admin_kubeconfig(self, shoot: Object, seconds: int) -> Kubeconfig:
        """A short-lived cluster-admin kubeconfig for the shoot (``shoots/adminkubeconfig``)."""
        request = {**ADMIN_KUBECONFIG_REQUEST, "spec": {"expirationSeconds": seconds}}
        path = SHOOTS.item(namespace_of(shoot), name_of(shoot), "adminkubeconfig")
        answer = self.kube.request("POST", path, request)
        try:
            config = yaml.safe_load(base64.b64decode(str(dig(answer, "status", "kubeconfig") or ""), validate=True))
        except (binascii.Error, yaml.YAMLError) as exc:
            raise GardenctlError(f"the garden answered an unreadable admin kubeconfig: {exc}") from None
        if not isinstance(config, dict):
            raise GardenctlError("the garden answered an empty admin kubeconfig")
        return config

    def seed_kubeconfig(self, seed: str, seconds: int = 3600) -> Kubeconfig:
        """The seed's kubeconfig: from the gardenctl configuration, else as a ManagedSeed's shoot (see above)."""
        access = self.config.seed(seed)
        if access is not None:
            config = read_kubeconfig(access.kubeconfig, f'seed "{seed}"')
            return focus(config, access.context)
        managed = self.kube.get(MANAGEDSEEDS, GARDEN_NAMESPACE, seed)
        if managed is None:
            self.seed(seed)
            raise GardenctlError(
                f'seed "{seed}" cannot be reached: it is not a ManagedSeed, and the gardenctl configuration of garden '
                f'"{self.identity}" names no kubeconfig for it (seeds: [{{name: {seed}, kubeconfig: ...}}])'
            )
        shoot_name = str(dig(managed, "spec", "shoot", "name") or "")
        shoot = self.kube.get(SHOOTS, GARDEN_NAMESPACE, shoot_name) if shoot_name else None
        if shoot is None:
            raise GardenctlError(f'managed seed "{seed}" names shoot "{shoot_name}", which does not exist')
        return self.admin_kubeconfig(shoot, seconds)

    def provider_credentials(self, shoot: Object) -> dict[str, str]:
        """The decoded data of the Secret behind the shoot's SecretBinding or CredentialsBinding."""
        namespace = namespace_of(shoot)
        if binding_name := dig(shoot, "spec", "secretBindingName"):
            binding = self.kube.get(SECRETBINDINGS, namespace, str(binding_name))
            what = f'secret binding "{binding_name}"'
            ref = dig(binding, "secretRef") if binding else None
        elif binding_name := dig(shoot, "spec", "credentialsBindingName"):
            binding = self.kube.get(CREDENTIALSBINDINGS, namespace, str(binding_name))
            what = f'credentials binding "{binding_name}"'
            ref = dig(binding, "credentialsRef") if binding else None
            if isinstance(ref, dict) and ref.get("kind", "Secret") != "Secret":
                raise GardenctlError(f"{what} refers to a {ref.get('kind')}, not to a Secret with static credentials")
        else:
            raise GardenctlError(f'shoot "{name_of(shoot)}" names no secret or credentials binding')
        if binding is None:
            raise GardenctlError(f'{what} of shoot "{name_of(shoot)}" does not exist')
        if not isinstance(ref, dict) or not ref.get("name"):
            raise GardenctlError(f"{what} refers to no secret")
        secret = self.kube.get(SECRETS, str(ref.get("namespace") or namespace), str(ref["name"]))
        if secret is None:
            raise GardenctlError(f'secret "{ref["name"]}" of {what} does not exist')
        return _decoded(secret)


def _decoded(secret: Object) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (secret.get("data") or {}).items():
        try:
            out[str(key)] = base64.b64decode(str(value)).decode()
        except (binascii.Error, UnicodeDecodeError):
            continue
    out.update({str(k): str(v) for k, v in (secret.get("stringData") or {}).items()})
    return out


__all__ = ["GARDEN_NAMESPACE", "MANAGEDSEEDS", "Garden", "name_of", "namespace_of", "seed_of", "technical_id"]
