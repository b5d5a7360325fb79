"""CoreDNS, kube-proxy and metrics-server, applied into the shoot's kube-system."""

from __future__ import annotations

import pytest
import yaml

from gardenlet.components.coredns import CoreDNSValues
from gardenlet.components.kube_proxy import KubeProxyValues
from gardenlet.components.metrics_server import MetricsServer, MetricsServerValues
from tests.unit.components.examples import OFFLINE, components

pytestmark = pytest.mark.unit


def test_everything_lands_in_kube_system_or_cluster_scope() -> None:
    for key in ("coredns", "kube-proxy", "metrics-server"):
        for obj in components()[key].objects():
            assert obj["metadata"].get("namespace") in (None, "kube-system"), (key, obj["metadata"])


def test_coredns_serves_the_fixed_cluster_dns_address() -> None:
    objects = {(o["kind"], o["metadata"]["name"]): o for o in components()["coredns"].objects()}
    service = objects[("Service", "kube-dns")]
    assert service["spec"]["clusterIP"] == "10.112.0.10"
    assert {(p["port"], p["protocol"]) for p in service["spec"]["ports"]} == {(53, "UDP"), (53, "TCP"), (9153, "TCP")}
    corefile = objects[("ConfigMap", "coredns")]["data"]["Corefile"]
    assert "kubernetes cluster.local in-addr.arpa ip6.arpa" in corefile
    assert ".:8053 {" in corefile
    binding = objects[("ClusterRoleBinding", "system:coredns")]
    assert binding["subjects"][0]["name"] == "coredns"


def test_kube_proxy_configuration() -> None:
    objects = {o["kind"]: o for o in components()["kube-proxy"].objects()}
    config = yaml.safe_load(objects["ConfigMap"]["data"]["config.yaml"])
    assert config["kind"] == "KubeProxyConfiguration"
    assert config["clusterCIDR"] == "10.96.0.0/11"
    assert config["mode"] == "iptables"
    pod = objects["DaemonSet"]["spec"]["template"]["spec"]
    assert pod["hostNetwork"] is True
    assert pod["containers"][0]["livenessProbe"]["httpGet"]["port"] == 10256
    assert objects["ClusterRoleBinding"]["roleRef"]["name"] == "system:node-proxier"


def test_metrics_server_api_service_is_optional() -> None:
    assert "APIService" in {o["kind"] for o in components()["metrics-server"].objects()}
    kinds = {o["kind"] for o in MetricsServer(OFFLINE, MetricsServerValues()).objects()}
    assert "APIService" not in kinds
    assert {"Deployment", "Service", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "RoleBinding"} <= kinds


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: CoreDNSValues(cluster_ip="10.0.0.10", service_cidr="10.112.0.0/13"), "not in service_cidr"),
        (lambda: CoreDNSValues(cluster_ip="10.112.0.10", service_cidr="10.112.0.0/13", cluster_domain="A_B"), "domain"),
        (lambda: KubeProxyValues(kubeconfig_secret="kube-proxy", pod_cidr="x"), "pod_cidr"),
        (lambda: KubeProxyValues(kubeconfig_secret="kube-proxy", pod_cidr="10.0.0.0/8", mode="nft"), "mode"),  # type: ignore[arg-type]
    ],
)
def test_bad_values_are_refused(build: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()  # type: ignore[operator]
