"""Values and extension bodies from a shoot: names, addresses, hibernation, what each extension is told."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml

from gardenlet.botanist import extensions, values
from gardenlet.botanist.plan import plan_for
from gardenlet.botanist.shoot import ShootObjects
from gardenlet.config import ControlPlaneSettings
from gardenlet.secrets.controlplane import ControlPlaneSecrets

ROOT = Path(__file__).resolve().parents[3]
ENDPOINT = values.APIEndpoint(load_balancer="https://127.1.0.5:10443", ip="127.1.0.5")


def objects(**spec: object) -> ShootObjects:
    shoot = yaml.safe_load((ROOT / "examples" / "shoot-local.yaml").read_text())
    shoot["metadata"].update(uid="1234", generation=3)
    shoot["spec"].update(spec)
    seed = {"metadata": {"name": "local"}, "spec": {"provider": {"type": "local"}}}
    credentials = {"kubeconfig": base64.b64encode(b"apiVersion: v1").decode()}
    return ShootObjects(shoot, seed, {"metadata": {"name": "local"}, "spec": {}}, "dev", credentials)


def secret_names() -> ControlPlaneSecrets:
    return ControlPlaneSecrets(**{name: f"{name.replace('_', '-')}-abc" for name in ControlPlaneSecrets.__slots__})


def test_names_follow_gardener() -> None:
    shoot = objects()
    assert shoot.namespace == "shoot--dev--local"
    assert values.namespace_values(shoot).zones == ("0",)
    technical = objects()
    technical.shoot["status"] = {"technicalID": "shoot--old--id"}
    assert technical.namespace == "shoot--old--id", "the technical ID never changes once written"


def test_the_serving_certificate_names_the_load_balancer_and_the_domain() -> None:
    endpoint = values.APIEndpoint(load_balancer=ENDPOINT.load_balancer, ip=ENDPOINT.ip, hostname="api.web.example.com")
    secrets = values.secrets_values(objects(), endpoint)
    assert secrets.api_ips == ("127.1.0.5",)
    assert secrets.api_domains == ("api.web.example.com",)
    assert secrets.external_server == "https://127.1.0.5:10443"
    assert [a["url"] for a in endpoint.advertised_addresses()] == [
        "https://127.1.0.5:10443",
        "https://api.web.example.com",
    ]
    access = values.shoot_access_config(objects(), endpoint)
    assert access.kubeconfig is not None and access.kubeconfig.server == "https://127.1.0.5:10443"


def test_hibernated_values_have_no_replicas() -> None:
    shoot, settings = objects(), ControlPlaneSettings(storage="sqlite")
    awake = values.kube_apiserver_values(shoot, settings, secret_names(), ENDPOINT, hibernated=False)
    asleep = values.kube_apiserver_values(shoot, settings, secret_names(), ENDPOINT, hibernated=True)
    assert (awake.replicas, asleep.replicas) == (1, 0)
    assert awake.storage == "sqlite" and awake.secrets.etcd_ca is None
    assert awake.image == "registry.k8s.io/kube-apiserver:v1.37"
    etcd = values.etcd_values(shoot, secret_names(), "main", hibernated=True)
    assert etcd.replicas == 0 and etcd.members == 1


def test_plan_follows_the_spec_and_the_seed_settings() -> None:
    plan = plan_for(objects(hibernation={"enabled": True}), ControlPlaneSettings(storage="sqlite"))
    assert plan.hibernated and plan.embedded_control_plane and not plan.dns and plan.workers
    plan = plan_for(objects(dns={"domain": "web.example.com"}), ControlPlaneSettings(seedWideMachineController=False))
    assert plan.dns and plan.etcd and plan.machine_controller and not plan.hibernated


def test_extension_bodies_ask_for_a_reconcile() -> None:
    shoot = objects(provider={**objects().spec["provider"], "infrastructureConfig": {"nodes": "10.10.0.0/16"}})
    infrastructure = extensions.infrastructure(shoot)
    assert infrastructure["metadata"]["annotations"] == {"gardener.cloud/operation": "reconcile"}
    assert infrastructure["spec"]["providerConfig"] == {"nodes": "10.10.0.0/16"}
    assert infrastructure["spec"]["secretRef"] == {"name": "cloudprovider", "namespace": "shoot--dev--local"}
    cluster = extensions.cluster(shoot)
    assert cluster["metadata"] == {"name": "shoot--dev--local"}
    assert cluster["spec"]["shoot"]["status"]["technicalID"] == "shoot--dev--local"


@pytest.mark.parametrize("hibernated", [False, True])
def test_the_worker_scales_to_zero_when_hibernated(hibernated: bool) -> None:
    shoot = objects()
    [osc] = extensions.operating_system_configs(shoot)
    worker = extensions.worker(shoot, {"nodes": "x"}, hibernated=hibernated)
    [pool] = worker["spec"]["pools"]
    assert (pool["minimum"], pool["maximum"]) == ((0, 0) if hibernated else (1, 2))
    assert pool["userDataSecretRef"] == {"name": f"osc-result-{osc['metadata']['name']}", "key": "cloud_config"}
    assert pool["zones"] == ["0"] and pool["kubernetesVersion"] == "1.37"
    assert worker["spec"]["infrastructureProviderStatus"] == {"nodes": "x"}
