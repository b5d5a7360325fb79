"""etcd's flags, members and hibernation, and how the kube-apiserver chart reaches it."""

from __future__ import annotations

from typing import Any

import pytest

from gardenlet.components.etcd import Etcd, EtcdTLS, EtcdValues
from gardenlet.components.kube_apiserver import KubeAPIServer
from tests.unit.components.examples import ETCD_PEER_TLS, ETCD_TLS, NS, OFFLINE, apiserver_values

pytestmark = pytest.mark.unit


def by_kind(etcd: Etcd) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for obj in etcd.objects():
        found.setdefault(obj["kind"], []).append(obj)
    return found


def flag(command: list[str], name: str) -> str:
    (value,) = [part.split("=", 1)[1] for part in command if part.startswith(f"--{name}=")]
    return value


def test_single_member_lists_itself_in_the_initial_cluster() -> None:
    etcd = Etcd(OFFLINE, EtcdValues(namespace=NS, role="main", tls=ETCD_TLS))
    command = etcd.command()
    assert flag(command, "initial-cluster") == f"etcd-main-0=http://etcd-main-0.etcd-main-peer.{NS}.svc:2380"
    assert flag(command, "advertise-client-urls") == f"https://$(POD_NAME).etcd-main-peer.{NS}.svc:2379"
    assert flag(command, "quota-backend-bytes") == str(8 * 1024**3)
    assert flag(command, "snapshot-count") == "75000"
    assert flag(command, "auto-compaction-mode") == "periodic"
    assert flag(command, "auto-compaction-retention") == "30m"
    assert flag(command, "trusted-ca-file") == "/var/etcd/ssl/ca/bundle.crt"
    assert "--client-cert-auth=true" in command
    assert not [part for part in command if part.startswith("--peer-")]
    (pdb,) = by_kind(etcd)["PodDisruptionBudget"]
    assert pdb["spec"]["minAvailable"] == 0


def test_three_members_with_peer_tls() -> None:
    etcd = Etcd(OFFLINE, EtcdValues(namespace=NS, role="events", tls=ETCD_PEER_TLS, members=3))
    command = etcd.command()
    assert flag(command, "initial-cluster").split(",") == [
        f"etcd-events-{i}=https://etcd-events-{i}.etcd-events-peer.{NS}.svc:2380" for i in range(3)
    ]
    assert flag(command, "listen-peer-urls") == "https://0.0.0.0:2380"
    assert flag(command, "peer-cert-file") == "/var/etcd/ssl/peer/server/tls.crt"
    objects = by_kind(etcd)
    (sts,) = objects["StatefulSet"]
    assert sts["spec"]["replicas"] == 3
    assert sts["spec"]["podManagementPolicy"] == "Parallel"
    assert sts["spec"]["serviceName"] == "etcd-events-peer"
    volumes = {v["name"]: v["secret"]["secretName"] for v in sts["spec"]["template"]["spec"]["volumes"]}
    assert volumes == {
        "ca": "ca-etcd-bundle",
        "server-tls": "etcd-server",
        "peer-ca": "ca-etcd-peer-bundle",
        "peer-server-tls": "etcd-peer-server",
    }
    (pdb,) = objects["PodDisruptionBudget"]
    assert pdb["spec"]["minAvailable"] == 2
    client, peer = objects["Service"]
    assert client["metadata"]["name"] == "etcd-events-client" and "clusterIP" not in client["spec"]
    assert peer["spec"]["clusterIP"] == "None" and peer["spec"]["publishNotReadyAddresses"] is True


def test_hibernation_keeps_members_and_claims() -> None:
    awake = Etcd(OFFLINE, EtcdValues(namespace=NS, role="main", tls=ETCD_TLS, members=3))
    asleep = Etcd(OFFLINE, EtcdValues(namespace=NS, role="main", tls=ETCD_TLS, members=3, hibernated=True))
    assert asleep.command() == awake.command()
    (sts,) = by_kind(asleep)["StatefulSet"]
    assert sts["spec"]["replicas"] == 0
    assert sts["spec"]["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    (claim,) = sts["spec"]["volumeClaimTemplates"]
    assert claim["metadata"]["name"] == "etcd-main"
    assert claim["spec"]["resources"]["requests"]["storage"] == "25Gi"
    mounts = sts["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
    assert {"name": "etcd-main", "mountPath": "/var/etcd/data"} in mounts


def test_probes_use_the_metrics_port() -> None:
    (sts,) = by_kind(Etcd(OFFLINE, EtcdValues(namespace=NS, role="main", tls=ETCD_TLS)))["StatefulSet"]
    (container,) = sts["spec"]["template"]["spec"]["containers"]
    assert {"name": "metrics", "containerPort": 2381, "protocol": "TCP"} in container["ports"]
    assert "--listen-metrics-urls=http://0.0.0.0:2381" in container["command"]
    assert container["readinessProbe"]["httpGet"]["port"] == "metrics"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health?exclude=NOSPACE&serializable=true"


def test_only_the_kube_apiserver_reaches_the_client_port() -> None:
    (policy,) = by_kind(Etcd(OFFLINE, EtcdValues(namespace=NS, role="events", tls=ETCD_TLS)))["NetworkPolicy"]
    allowed = policy["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"]
    apiserver = KubeAPIServer(OFFLINE, apiserver_values())
    (deployment,) = [o for o in apiserver.objects() if o["kind"] == "Deployment"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert allowed == {"networking.resources.gardener.cloud/to-etcd-events-client-tcp-2379": "allowed"}
    assert all(pod_labels.get(k) == v for k, v in allowed.items())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"members": 2}, "members"),
        ({"role": "other"}, "role"),
        ({"namespace": "Bad_NS"}, "namespace"),
        ({"image": "has space:1"}, "image"),
        ({"storage_size": "1Gi"}, "must exceed quota_backend_bytes"),
        ({"storage_size": "lots"}, "storage_size"),
        ({"quota_backend_bytes": 1024}, "quota_backend_bytes"),
        ({"snapshot_count": 0}, "snapshot_count"),
    ],
)
def test_bad_values_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EtcdValues(**{"namespace": NS, "role": "main", "tls": ETCD_TLS, **changes})


def test_peer_secrets_go_together() -> None:
    with pytest.raises(ValueError, match="go together"):
        EtcdTLS(ca_secret="a", server_secret="b", peer_ca_secret="c")
