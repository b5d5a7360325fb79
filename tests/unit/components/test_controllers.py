"""kube-controller-manager, kube-scheduler and the machine controller: flags, configuration and mounts."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from gardenlet.components.base import ChartComponent
from gardenlet.components.kube_controller_manager import KubeControllerManagerValues
from gardenlet.components.machine_controller import MachineControllerValues
from gardenlet.components.values import SHOOT_KUBECONFIG
from tests.unit.components.examples import NS, components

pytestmark = pytest.mark.unit


def deployment(component: ChartComponent) -> dict[str, Any]:
    (found,) = [o for o in component.objects() if o["kind"] == "Deployment"]
    return found


def mounts(workload: dict[str, Any]) -> dict[str, str]:
    """mount path -> Secret or ConfigMap name."""
    pod = workload["spec"]["template"]["spec"]
    sources = {
        v["name"]: (v.get("secret") or {}).get("secretName") or (v.get("configMap") or {}).get("name")
        for v in pod.get("volumes") or []
    }
    (container,) = pod["containers"]
    return {m["mountPath"]: sources[m["name"]] for m in container.get("volumeMounts") or []}


def test_controller_manager_flags_and_secrets() -> None:
    kcm = deployment(components()["kube-controller-manager"])
    command = kcm["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command[0] == "/usr/local/bin/kube-controller-manager"
    for expected in (
        f"--kubeconfig={SHOOT_KUBECONFIG}",
        f"--cluster-name={NS}",
        "--cluster-signing-cert-file=/srv/kubernetes/ca/ca.crt",
        "--service-account-private-key-file=/srv/kubernetes/service-account-key/id_rsa",
        "--service-cluster-ip-range=10.112.0.0/13",
        "--allocate-node-cidrs=true",
        "--cluster-cidr=10.96.0.0/11",
        "--controllers=*,bootstrapsigner,tokencleaner",
        "--secure-port=10257",
        "--tls-cert-file=/srv/kubernetes/tls/tls.crt",
    ):
        assert expected in command
    assert mounts(kcm) == {
        "/var/run/secrets/gardener.cloud/shoot/kubeconfig": "shoot-access-kube-controller-manager",
        "/srv/kubernetes/ca": "ca",
        "/srv/kubernetes/service-account-key": "service-account-key",
        "/srv/kubernetes/tls": "kube-controller-manager-server",
    }
    probe = kcm["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]
    assert (probe["path"], probe["scheme"]) == ("/healthz", "HTTPS")


def test_scheduler_reads_its_configuration() -> None:
    component = components()["kube-scheduler-bin-packing"]
    (configmap,) = [o for o in component.objects() if o["kind"] == "ConfigMap"]
    config = yaml.safe_load(configmap["data"]["config.yaml"])
    assert config["kind"] == "KubeSchedulerConfiguration"
    assert config["clientConnection"]["kubeconfig"] == SHOOT_KUBECONFIG
    assert config["profiles"][0]["pluginConfig"][0]["args"]["scoringStrategy"]["type"] == "MostAllocated"
    scheduler = deployment(component)
    command = scheduler["spec"]["template"]["spec"]["containers"][0]["command"]
    assert "--config=/var/lib/kube-scheduler-config/config.yaml" in command
    assert mounts(scheduler)["/var/lib/kube-scheduler-config"] == "kube-scheduler-config"


def test_machine_controller_runs_the_given_command_with_its_own_identity() -> None:
    component = components()["machine-controller"]
    objects = {o["kind"]: o for o in component.objects()}
    pod = objects["Deployment"]["spec"]["template"]["spec"]
    assert pod["containers"][0]["command"] == ["gardenlet", "machines", f"--namespace={NS}"]
    assert pod["serviceAccountName"] == objects["ServiceAccount"]["metadata"]["name"]
    assert objects["RoleBinding"]["roleRef"]["name"] == objects["Role"]["metadata"]["name"]
    groups = {g for rule in objects["Role"]["rules"] for g in rule["apiGroups"]}
    assert "machine.sapcloud.io" in groups
    assert mounts(objects["Deployment"]) == {
        "/var/run/secrets/gardener.cloud/shoot/kubeconfig": "shoot-access-machine-controller-manager"
    }
    bare = {o["kind"]: o for o in components()["machine-controller-no-probes"].objects()}
    assert "Service" not in bare
    assert "readinessProbe" not in bare["Deployment"]["spec"]["template"]["spec"]["containers"][0]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: MachineControllerValues(namespace=NS, image="img", command=()), "command"),
        (lambda: MachineControllerValues(namespace=NS, image="img", command=("x",), replicas=2), "replicas"),
        (lambda: MachineControllerValues(namespace=NS, image="img", command=("x",), health_port=0), "health_port"),
        (
            lambda: KubeControllerManagerValues(
                namespace=NS,
                kubeconfig_secret="k",
                ca_secret="c",
                service_account_key_secret="s",
                service_cidr="10.0.0.0/8",
                node_cidr_mask_size=31,
            ),
            "node_cidr_mask_size",
        ),
        (
            lambda: KubeControllerManagerValues(
                namespace=NS,
                kubeconfig_secret="k",
                ca_secret="UPPER",
                service_account_key_secret="s",
                service_cidr="10.0.0.0/8",
            ),
            "ca_secret",
        ),
    ],
)
def test_bad_values_are_refused(build: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()
