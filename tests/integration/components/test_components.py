"""Components against a real kubelite API server (no kubelet: statuses are written by the test through the status
subresource, as the kubelet's controllers would): deploy is idempotent, wait reports what is not ready, scale keeps
claims, destroy and wait_cleanup leave nothing behind."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gardenlet.components.base import ChartComponent
from gardenlet.components.coredns import CoreDNS, CoreDNSValues
from gardenlet.components.etcd import Etcd, EtcdValues
from gardenlet.components.interface import Component, ComponentTimeoutError, Scalable
from gardenlet.components.kinds import PERSISTENTVOLUMECLAIMS, resource_of
from gardenlet.components.kube_apiserver import KubeAPIServer
from gardenlet.components.kube_controller_manager import KubeControllerManager, KubeControllerManagerValues
from gardenlet.components.kube_proxy import KubeProxy, KubeProxyValues
from gardenlet.components.kube_scheduler import KubeScheduler, KubeSchedulerValues
from gardenlet.components.machine_controller import MachineController, MachineControllerValues
from gardenlet.components.metrics_server import MetricsServer, MetricsServerValues
from gardenlet.components.namespace import Namespace, NamespaceValues
from kubelite.client import NAMESPACES, Kube
from tests.integration.server import RunningServer
from tests.unit.components.examples import APISERVER_SECRETS, ETCD_TLS, apiserver_values

pytestmark = pytest.mark.integration

FAST = {"interval": 0.05}
NAMESPACE_VALUES = NamespaceValues("it", "web", "local", "local")
NS = NAMESPACE_VALUES.namespace


@pytest.fixture(scope="module")
def kube(kubelite: RunningServer) -> Iterator[Kube]:
    client = Kube.from_kubeconfig(kubelite.kubeconfig)
    yield client
    client.close()


def control_plane(kube: Kube) -> list[ChartComponent]:
    return [
        Etcd(kube, EtcdValues(namespace=NS, role="main", tls=ETCD_TLS), **FAST),
        Etcd(kube, EtcdValues(namespace=NS, role="events", tls=ETCD_TLS), **FAST),
        KubeAPIServer(kube, apiserver_values(namespace=NS, secrets=APISERVER_SECRETS), **FAST),
        KubeControllerManager(
            kube,
            KubeControllerManagerValues(
                namespace=NS,
                kubeconfig_secret="kcm",
                ca_secret="ca",
                service_account_key_secret="sa",
                service_cidr="10.112.0.0/13",
                pod_cidr="10.96.0.0/11",
            ),
            **FAST,
        ),
        KubeScheduler(kube, KubeSchedulerValues(namespace=NS, kubeconfig_secret="scheduler"), **FAST),
        MachineController(
            kube,
            MachineControllerValues(namespace=NS, image="registry.example.com/garden:v0.1.0", command=("run",)),
            **FAST,
        ),
    ]


def versions(kube: Kube, components: list[ChartComponent]) -> dict[tuple[str, str], str]:
    found = {}
    for component in components:
        for obj in component.objects():
            live = kube.get(resource_of(obj), obj["metadata"].get("namespace"), obj["metadata"]["name"])
            assert live is not None, obj["metadata"]
            found[(obj["kind"], obj["metadata"]["name"])] = live["metadata"]["resourceVersion"]
    return found


def report_ready(kube: Kube, obj: dict[str, Any]) -> None:
    """Write the status a healthy rollout ends with, as the kubelet's controllers would."""
    live = kube.get(resource_of(obj), obj["metadata"]["namespace"], obj["metadata"]["name"])
    assert live is not None
    replicas = int(live["spec"].get("replicas", 1))
    status = {
        "observedGeneration": live["metadata"]["generation"],
        "replicas": replicas,
        "readyReplicas": replicas,
        "availableReplicas": replicas,
        "updatedReplicas": replicas,
    }
    kube.update(
        resource_of(obj),
        live["metadata"]["namespace"],
        live["metadata"]["name"],
        {**live, "status": status},
        subresource="status",
    )


@pytest.fixture(scope="module")
def deployed(kube: Kube) -> Iterator[list[ChartComponent]]:
    namespace = Namespace(kube, NAMESPACE_VALUES, **FAST)
    namespace.deploy()
    namespace.wait(timeout=10)
    components = control_plane(kube)
    for component in components:
        component.deploy()
    yield components
    namespace.destroy()


def test_components_keep_the_contract(deployed: list[ChartComponent]) -> None:
    for component in deployed:
        assert isinstance(component, Component)
        assert isinstance(component, Scalable)


def test_namespace_carries_gardeners_labels(kube: Kube, deployed: list[ChartComponent]) -> None:
    namespace = kube.get(NAMESPACES, None, NS)
    assert namespace is not None
    labels = namespace["metadata"]["labels"]
    assert labels["gardener.cloud/role"] == "shoot"
    assert labels["shoot.gardener.cloud/provider"] == "local"


def test_second_deploy_changes_nothing(kube: Kube, deployed: list[ChartComponent]) -> None:
    before = versions(kube, deployed)
    for component in deployed:
        component.deploy()
    assert versions(kube, deployed) == before


def test_deploy_takes_back_a_changed_field(kube: Kube, deployed: list[ChartComponent]) -> None:
    scheduler = next(c for c in deployed if isinstance(c, KubeScheduler))
    configmap = next(o for o in scheduler.objects() if o["kind"] == "ConfigMap")
    kube.patch(resource_of(configmap), NS, configmap["metadata"]["name"], {"data": {"config.yaml": "edited"}})
    scheduler.deploy()
    live = kube.get(resource_of(configmap), NS, configmap["metadata"]["name"])
    assert live is not None and live["data"] == configmap["data"]


def test_wait_names_what_is_not_ready(deployed: list[ChartComponent]) -> None:
    etcd = deployed[0]
    with pytest.raises(ComponentTimeoutError) as caught:
        etcd.wait(timeout=0.3)
    message = str(caught.value)
    assert message.startswith("etcd-main: not ready after 0.3 s: ")
    assert f"StatefulSet {NS}/etcd-main: " in message


def test_wait_returns_once_statuses_are_ready(kube: Kube, deployed: list[ChartComponent]) -> None:
    apiserver, kcm = deployed[2], deployed[3]
    for component in (apiserver, kcm):
        for obj in component.objects():
            if obj["kind"] == "Deployment":
                report_ready(kube, obj)
        component.wait(timeout=5)
    # A new generation (a changed flag) is not ready until its rollout is observed.
    changed = KubeControllerManager(
        kube,
        KubeControllerManagerValues(
            namespace=NS,
            kubeconfig_secret="kcm",
            ca_secret="ca",
            service_account_key_secret="sa",
            service_cidr="10.112.0.0/13",
            pod_cidr=None,
        ),
        **FAST,
    )
    changed.deploy()
    with pytest.raises(ComponentTimeoutError, match="generation 2 not observed yet"):
        changed.wait(timeout=0.2)


def test_hibernation_scales_to_zero_and_keeps_claims(kube: Kube, deployed: list[ChartComponent]) -> None:
    etcd = deployed[1]
    assert isinstance(etcd, Etcd)
    # The claim the StatefulSet controller would make for member 0.
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "etcd-events-etcd-events-0", "namespace": NS},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}},
    }
    kube.create(PERSISTENTVOLUMECLAIMS, NS, claim)
    etcd.scale(0)
    sts = next(o for o in etcd.objects() if o["kind"] == "StatefulSet")
    live = kube.get(resource_of(sts), NS, "etcd-events")
    assert live is not None and live["spec"]["replicas"] == 0
    with pytest.raises(ComponentTimeoutError, match="generation 2 not observed yet"):
        etcd.wait(timeout=0.2)
    report_ready(kube, sts)  # what the StatefulSet controller reports once the member's pod is gone
    etcd.wait(timeout=5)
    assert [c["metadata"]["name"] for c in etcd.claims()] == ["etcd-events-etcd-events-0"]
    # Deploying the hibernated values keeps 0 replicas (the first apply takes back ownership of the field the
    # scale subresource wrote); from then on deploys change nothing.
    hibernated = Etcd(kube, EtcdValues(namespace=NS, role="events", tls=ETCD_TLS, hibernated=True), **FAST)
    hibernated.deploy()
    live = kube.get(resource_of(sts), NS, "etcd-events")
    assert live is not None and live["spec"]["replicas"] == 0
    before = versions(kube, [hibernated])
    hibernated.deploy()
    assert versions(kube, [hibernated]) == before
    with pytest.raises(ValueError, match="cannot scale"):
        etcd.scale(-1)


def test_destroy_and_wait_cleanup_remove_everything(kube: Kube, deployed: list[ChartComponent]) -> None:
    for component in deployed:
        component.destroy()
    for component in deployed:
        component.wait_cleanup(timeout=30)
        for obj in component.objects():
            assert kube.get(resource_of(obj), NS, obj["metadata"]["name"]) is None
    assert kube.list(PERSISTENTVOLUMECLAIMS, NS) == []
    # Destroying what is gone is fine (a resumed delete flow does it).
    deployed[0].destroy()


def test_wait_cleanup_times_out_naming_what_is_left(kube: Kube, deployed: list[ChartComponent]) -> None:
    scheduler = KubeScheduler(kube, KubeSchedulerValues(namespace=NS, kubeconfig_secret="x"), **FAST)
    scheduler.deploy()
    with pytest.raises(ComponentTimeoutError, match=f"still present after 0.2 s: ConfigMap {NS}/kube-scheduler-config"):
        scheduler.wait_cleanup(timeout=0.2)
    scheduler.destroy()
    scheduler.wait_cleanup(timeout=30)


def test_shoot_system_components(kube: Kube) -> None:
    if kube.get(NAMESPACES, None, "kube-system") is None:
        kube.create(NAMESPACES, None, {"metadata": {"name": "kube-system"}})
    system: list[ChartComponent] = [
        CoreDNS(kube, CoreDNSValues(cluster_ip="10.96.0.10", service_cidr="10.96.0.0/12"), **FAST),
        KubeProxy(kube, KubeProxyValues(kubeconfig_secret="kube-proxy", pod_cidr="10.244.0.0/16"), **FAST),
        MetricsServer(kube, MetricsServerValues(), **FAST),
    ]
    for component in system:
        component.deploy()
    before = versions(kube, system)
    for component in system:
        component.deploy()
    assert versions(kube, system) == before
    with pytest.raises(ComponentTimeoutError, match="DaemonSet kube-system/kube-proxy"):
        system[1].wait(timeout=0.2)
    for component in system:
        component.destroy()
    for component in system:
        component.wait_cleanup(timeout=30)


def test_namespace_destroy_and_cleanup(kube: Kube) -> None:
    namespace = Namespace(kube, NamespaceValues("it", "gone", "local", "local"), **FAST)
    namespace.deploy()
    namespace.wait(timeout=10)
    namespace.destroy()
    namespace.wait_cleanup(timeout=30)
    assert kube.get(NAMESPACES, None, "shoot--it--gone") is None
