"""Pure pieces of the kubelet: $(VAR) expansion, path mapping, back-off, name resolution, flag rewriting."""

from __future__ import annotations

import pytest

from kubelite.kubelet.backoff import BackOff
from kubelite.kubelet.catalogue import Rewrite
from kubelite.kubelet.downward import field_value, quantity, resource_value
from kubelite.kubelet.environment import service_env
from kubelite.kubelet.expansion import expand
from kubelite.kubelet.mounts import Mount, PathMap
from kubelite.kubelet.network.netns.hook import PodNetwork
from kubelite.kubelet.network.netns.resolve import resolve_name
from kubelite.kubelet.network.podips import allocate
from kubelite.kubelet.network.rewrite import rewrite_args

pytestmark = pytest.mark.unit

TABLE = {
    "clusterDomain": "cluster.local",
    "services": {
        "shoot--a/etcd-main-client": {"clusterIP": "10.96.0.20", "vip": "127.96.0.20", "addresses": ["127.244.0.9"]},
        "shoot--a/etcd-main-peer": {"clusterIP": "None", "vip": None, "addresses": ["127.244.0.9"]},
    },
    "pods": {"shoot--a/etcd-main-0.etcd-main-peer": "127.244.0.9"},
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$(A)/x", "1/x"),
        ("$(MISSING)", "$(MISSING)"),
        ("$$(A)", "$(A)"),
        ("$$", "$"),
        ("$(A", "$(A"),
        ("a$", "a$"),
    ],
)
def test_expand_follows_upstream(text: str, expected: str) -> None:
    assert expand(text, {"A": "1"}) == expected


def test_path_map_rewrites_at_path_boundaries_deepest_first() -> None:
    paths = PathMap([Mount("/var/lib/etcd", "/h/data"), Mount("/var/lib/etcd/tls", "/h/tls")])
    assert paths.text("--cert=/var/lib/etcd/tls/a.crt --data=/var/lib/etcd") == "--cert=/h/tls/a.crt --data=/h/data"
    assert paths.text("/var/lib/etcdx and /x/var/lib/etcd") == "/var/lib/etcdx and /x/var/lib/etcd"
    assert paths.path("/var/lib/etcd/member") == "/h/data/member"
    assert paths.path("/tmp") == "/tmp"


def test_backoff_is_immediate_then_doubles_to_five_minutes_and_resets() -> None:
    backoff = BackOff()
    assert [backoff.next_delay(1) for _ in range(7)] == [0, 10, 20, 40, 80, 160, 300]
    assert backoff.next_delay(1) == 300
    assert backoff.next_delay(601) == 0


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("etcd-main-client", "127.96.0.20"),
        ("etcd-main-client.shoot--a", "127.96.0.20"),
        ("etcd-main-client.shoot--a.svc", "127.96.0.20"),
        ("etcd-main-client.shoot--a.svc.cluster.local.", "127.96.0.20"),
        ("etcd-main-peer.shoot--a.svc", "127.244.0.9"),
        ("etcd-main-0.etcd-main-peer.shoot--a.svc.cluster.local", "127.244.0.9"),
        ("10.96.0.20", "127.96.0.20"),
        ("example.com", None),
        ("etcd-main-client.other", None),
    ],
)
def test_cluster_names_resolve_from_the_table(name: str, address: str | None) -> None:
    assert resolve_name(name, "shoot--a", TABLE) == address


def test_the_hook_maps_binds_and_connects() -> None:
    network = PodNetwork("127.244.0.5", "shoot--a", "/nonexistent")
    assert network.bind_address(("0.0.0.0", 443)) == ("127.244.0.5", 10443)
    assert network.bind_address(("127.0.0.1", 6443)) == ("127.244.0.5", 6443)
    assert network.bind_address(("0.0.0.0", 0)) == ("127.244.0.5", 0)
    assert network.connect_address(("127.0.0.1", 80)) == ("127.244.0.5", 10080)
    assert network.connect_address(("93.184.216.34", 80)) == ("93.184.216.34", 80)


def test_etcd_flags_get_pod_addresses_and_host_ports() -> None:
    rewrite = Rewrite(frozenset({"--listen-client-urls", "--advertise-client-urls"}), frozenset({"--initial-cluster"}))
    args = rewrite_args(
        [
            "--listen-client-urls=https://0.0.0.0:2379,https://localhost:2379",
            "--advertise-client-urls",
            "https://etcd-main-client.shoot--a.svc:443",
            "--initial-cluster=etcd-main-0=https://etcd-main-0.etcd-main-peer.shoot--a.svc:2380",
            "--name=etcd-main-0",
        ],
        rewrite,
        "127.244.0.9",
        "shoot--a",
        TABLE,
    )
    assert args == [
        "--listen-client-urls=https://127.244.0.9:2379,https://127.244.0.9:2379",
        "--advertise-client-urls",
        "https://127.96.0.20:10443",
        "--initial-cluster=etcd-main-0=https://127.244.0.9:2380",
        "--name=etcd-main-0",
    ]


def test_pod_addresses_skip_the_gateway_and_used_ones() -> None:
    assert allocate("127.244.0.0/16", []) == "127.244.0.2"
    assert allocate("127.244.0.0/16", ["127.244.0.2"]) == "127.244.0.3"


def test_downward_fields_and_resources() -> None:
    pod = {"metadata": {"name": "p", "labels": {"b": "2", "a": "1"}}, "spec": {"nodeName": "n"}}
    assert field_value(pod, "metadata.labels", pod_ip="i", host_ip="h") == 'a="1"\nb="2"'
    assert field_value(pod, "metadata.labels['b']", pod_ip="i", host_ip="h") == "2"
    assert field_value(pod, "status.podIP", pod_ip="i", host_ip="h") == "i"
    assert quantity("64Mi") == 64 * 2**20
    container = {"resources": {"limits": {"cpu": "500m"}}}
    assert resource_value(container, {"resource": "limits.cpu"}, {}) == "1"
    assert resource_value(container, {"resource": "limits.cpu", "divisor": "1m"}, {}) == "500"
    assert resource_value({}, {"resource": "limits.memory"}, {"memory": "1Gi"}) == str(2**30)


def test_service_env_points_at_vips_and_host_ports() -> None:
    service = {
        "metadata": {"name": "kube-apiserver"},
        "spec": {"clusterIP": "10.96.0.30", "ports": [{"name": "https", "port": 443, "protocol": "TCP"}]},
    }
    env = service_env([service])
    assert env["KUBE_APISERVER_SERVICE_HOST"] == "127.96.0.30"
    assert env["KUBE_APISERVER_SERVICE_PORT"] == "10443"
    assert env["KUBE_APISERVER_SERVICE_PORT_HTTPS"] == "10443"
    assert env["KUBE_APISERVER_PORT_443_TCP_ADDR"] == "127.96.0.30"
