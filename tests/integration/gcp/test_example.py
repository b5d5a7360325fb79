"""examples/shoot-gcp.yaml end to end: admitted by the garden, then its Infrastructure and Worker reconciled against
the Compute fake by the extension controllers until Succeeded, its machines joined as nodes, and everything removed.

The garden admits the example (defaulting its Kubernetes version, machine image and networks) and the extension
objects are written from the admitted Shoot the way the gardenlet writes them. Needs the ``gcp`` entry point of the
``garden.providers`` group installed (the landscape's controllers find providers there).
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

import pytest
import yaml

from kubelite.client import NAMESPACES, NODES, SECRETS, Kube, Resource
from providers.extensions.resources import CLUSTERS, INFRASTRUCTURES, OPERATINGSYSTEMCONFIGS, WORKERS
from providers.extensions.shoot_access import SHOOT_ACCESS_SECRET
from providers.registry import GROUP
from tests.fakes.gce.boot import InstanceBoot
from tests.fakes.gce.keys import credentials
from tests.fakes.gce.server import ComputeFake, gce_server
from tests.integration.garden.conftest import garden
from tests.integration.garden.objects import ROOT
from tests.integration.providers.conftest import CREDENTIALS_SECRET, Landscape, landscape, secret
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        "gcp" not in {ep.name for ep in entry_points(group=GROUP)},
        reason="the garden.providers entry point gcp is not installed (pyproject.toml, then reinstall the project)",
    ),
]
__all__ = ["garden", "landscape"]

API = "extensions.gardener.cloud/v1alpha1"
PROJECT = "my-gcp-project"


def admitted_shoot(garden: RunningServer) -> dict[str, Any]:
    garden.kubectl("apply", "-f", str(ROOT / "cloudprofiles" / "gcp.yaml"))
    garden.kubectl("apply", "-f", str(ROOT / "examples" / "project.yaml"))
    garden.kubectl("create", "namespace", "garden-dev")
    garden.kubectl("apply", "-f", str(ROOT / "examples" / "credentialsbinding-gcp.yaml"))
    created = garden.kubectl("create", "-f", str(ROOT / "examples" / "shoot-gcp.yaml"), check=False)
    assert created.returncode == 0, created.stderr
    shoot: dict[str, Any] = garden.kubectl_yaml("get", "shoot", "gcp-dev", "-n", "garden-dev")
    return shoot


def create(kube: Kube, resource: Resource, kind: str, namespace: str, name: str, spec: dict[str, Any]) -> None:
    meta = {"name": name, "namespace": namespace}
    kube.create(resource, namespace, {"apiVersion": API, "kind": kind, "metadata": meta, "spec": spec})


def succeeded(kube: Kube, resource: Resource, namespace: str, name: str, timeout: float = 60) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        obj = kube.get(resource, namespace, name)
        last = ((obj or {}).get("status") or {}).get("lastOperation") or {}
        return obj if last.get("state") == "Succeeded" else None

    found: dict[str, Any] = wait_for(probe, f"{resource.plural} {name} to succeed", timeout)
    return found


def gone(kube: Kube, resource: Resource, namespace: str, name: str) -> None:
    kube.delete(resource, namespace, name)
    wait_for(lambda: kube.get(resource, namespace, name) is None, f"{resource.plural} {name} to be gone", 90)


def test_the_gcp_example_is_admitted_reconciled_against_the_fake_and_removed(
    garden: RunningServer, landscape: Landscape, tmp_path_factory: pytest.TempPathFactory
) -> None:
    shoot = admitted_shoot(garden)
    spec = shoot["spec"]
    [pool] = spec["provider"]["workers"]
    assert pool["machine"]["image"]["name"], "admission defaulted the machine image"
    profile = yaml.safe_load((ROOT / "cloudprofiles" / "gcp.yaml").read_text())["spec"]
    namespace = "shoot--dev--gcp-dev"
    seed, shoot_kube = landscape.seed_kube, landscape.shoot_kube

    with gce_server(ComputeFake()) as fake, InstanceBoot(fake, tmp_path_factory.mktemp("example-instances")):
        fake.add_account(f"garden@{PROJECT}.iam.gserviceaccount.com", PROJECT)
        seed.create(NAMESPACES, None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
        seed.create(SECRETS, namespace, secret(CREDENTIALS_SECRET, namespace, credentials(fake.url, PROJECT)))
        access = {"kubeconfig": landscape.shoot.kubeconfig.read_text()}
        seed.create(SECRETS, namespace, secret(SHOOT_ACCESS_SECRET, namespace, access))
        seed.create(
            CLUSTERS,
            None,
            {
                "apiVersion": API,
                "kind": "Cluster",
                "metadata": {"name": namespace},
                "spec": {
                    "shoot": {**shoot, "status": {"technicalID": namespace}},
                    "seed": {"metadata": {"name": "local"}},
                    "cloudProfile": {"metadata": {"name": "gcp"}, "spec": profile},
                },
            },
        )
        secret_ref = {"name": CREDENTIALS_SECRET, "namespace": namespace}
        infrastructure = {
            "type": "gcp",
            "region": spec["region"],
            "secretRef": secret_ref,
            "providerConfig": spec["provider"]["infrastructureConfig"],
        }
        create(seed, INFRASTRUCTURES, "Infrastructure", namespace, "gcp-dev", infrastructure)
        infra = succeeded(seed, INFRASTRUCTURES, namespace, "gcp-dev")
        assert infra["status"]["nodesCIDR"] == spec["provider"]["infrastructureConfig"]["networks"]["workers"]
        osc = {"type": "ubuntu", "purpose": "provision", "units": [{"name": "kubelet.service", "command": "start"}]}
        create(seed, OPERATINGSYSTEMCONFIGS, "OperatingSystemConfig", namespace, "cloud-config-default", osc)
        succeeded(seed, OPERATINGSYSTEMCONFIGS, namespace, "cloud-config-default")
        worker = {
            "type": "gcp",
            "region": spec["region"],
            "secretRef": secret_ref,
            "infrastructureProviderStatus": infra["status"]["providerStatus"],
            "pools": [
                {
                    "name": pool["name"],
                    "machineType": pool["machine"]["type"],
                    "machineImage": pool["machine"]["image"],
                    "volume": pool["volume"],
                    "minimum": pool["minimum"],
                    "maximum": pool["maximum"],
                    "maxSurge": pool.get("maxSurge", 1),
                    "maxUnavailable": pool.get("maxUnavailable", 0),
                    "zones": pool["zones"],
                    "userDataSecretRef": {"name": "osc-result-cloud-config-default", "key": "cloud_config"},
                }
            ],
        }
        create(seed, WORKERS, "Worker", namespace, "gcp-dev", worker)
        succeeded(seed, WORKERS, namespace, "gcp-dev", timeout=90)
        instances = [i for i in fake.resources("instances") if i["labels"]["k8s-cluster-name"] == namespace]
        assert len(instances) == pool["minimum"]
        assert instances[0]["machineType"].endswith(f"/machineTypes/{pool['machine']['type']}")
        node_ids = {n["spec"].get("providerID") for n in shoot_kube.list(NODES)}
        assert {f"gce://{PROJECT}/{i['zone'].rsplit('/', 1)[1]}/{i['name']}" for i in instances} <= node_ids

        gone(seed, WORKERS, namespace, "gcp-dev")
        gone(seed, OPERATINGSYSTEMCONFIGS, namespace, "cloud-config-default")
        gone(seed, INFRASTRUCTURES, namespace, "gcp-dev")
        assert fake.inventory(namespace) == []
