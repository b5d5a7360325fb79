"""kube-apiserver: flags from values, etcd and sqlite storage, the Service, autoscaling and hibernation; the flags
are ones `kubelite apiserver` (what the image runs on the embedded seed) understands."""

from __future__ import annotations

from typing import Any

import pytest

from gardenlet.components.kube_apiserver import (
    DEFAULT_ADMISSION_PLUGINS,
    Autoscaling,
    KubeAPIServer,
    KubeAPIServerSecrets,
)
from kubelite.apiserver.command import parser
from tests.unit.components.examples import NS, OFFLINE, apiserver_values

pytestmark = pytest.mark.unit

SQLITE_SECRETS = KubeAPIServerSecrets(server="server", client_ca="ca-client", service_account_key="sa")


def render(**changes: Any) -> dict[str, dict[str, Any]]:
    return {o["kind"]: o for o in KubeAPIServer(OFFLINE, apiserver_values(**changes)).objects()}


def container(objects: dict[str, dict[str, Any]]) -> dict[str, Any]:
    (found,) = objects["Deployment"]["spec"]["template"]["spec"]["containers"]
    return found


def test_etcd_storage_flags_name_both_etcds() -> None:
    command = container(render())["command"]
    assert command[0] == "/usr/local/bin/kube-apiserver"
    assert f"--etcd-servers=https://etcd-main-client.{NS}.svc:2379" in command
    assert f"--etcd-servers-overrides=/events#https://etcd-events-client.{NS}.svc:2379" in command
    assert "--storage-backend=etcd3" in command
    assert "--etcd-certfile=/srv/kubernetes/etcd/client/tls.crt" in command
    assert "--client-ca-file=/srv/kubernetes/ca-client/bundle.crt" in command
    assert "--token-auth-file=/srv/kubernetes/token/static_tokens.csv" in command
    assert "--service-cluster-ip-range=10.112.0.0/13" in command
    assert f"--enable-admission-plugins={','.join(DEFAULT_ADMISSION_PLUGINS)}" in command
    assert "--service-account-signing-key-file=/srv/kubernetes/service-account-key/id_rsa" in command
    assert "--service-account-key-file=/srv/kubernetes/service-account-key/id_rsa" in command
    assert "--external-hostname=api.web.dev.example.com" in command
    assert "--anonymous-auth=false" in command
    assert "--audit-policy-file=/etc/kubernetes/audit/audit-policy.yaml" in command


def test_mounted_secrets_are_the_values() -> None:
    objects = render()
    pod = objects["Deployment"]["spec"]["template"]["spec"]
    secrets = {v["name"]: v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v}
    assert secrets == {
        "tls": "kube-apiserver-server",
        "ca-client": "ca-client-bundle",
        "service-account-key": "service-account-key",
        "static-token": "static-token",
        "etcd-ca": "ca-etcd-bundle",
        "etcd-client": "etcd-client",
    }
    assert {"name": "audit-policy", "configMap": {"name": "audit-policy-config"}} in pod["volumes"]
    assert "audit-policy.yaml" in objects["ConfigMap"]["data"]


def test_probes_hit_the_serving_port_with_the_health_token() -> None:
    main = container(render())
    assert main["ports"] == [{"name": "https", "containerPort": 443, "protocol": "TCP"}]
    for probe, path in (("livenessProbe", "/livez"), ("readinessProbe", "/readyz"), ("startupProbe", "/livez")):
        get = main[probe]["httpGet"]
        assert (get["path"], get["port"], get["scheme"]) == (path, "https", "HTTPS")
        assert get["httpHeaders"] == [{"name": "Authorization", "value": "Bearer health-token"}]


def test_service_type_is_a_value() -> None:
    assert render()["Service"]["spec"]["type"] == "LoadBalancer"
    service = render(service_type="ClusterIP")["Service"]
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"] == [
        {"name": "kube-apiserver", "port": 443, "targetPort": "https", "protocol": "TCP"}
    ]


def test_sqlite_storage_keeps_data_in_a_claim_with_one_replica() -> None:
    objects = render(storage="sqlite", secrets=SQLITE_SECRETS, anonymous_auth=True, health_check_token=None)
    command = container(objects)["command"]
    assert "--storage-backend=sqlite" in command
    assert "--data-dir=/var/lib/kube-apiserver" in command
    assert not [part for part in command if part.startswith("--etcd")]
    assert "--anonymous-auth" in command
    assert objects["PersistentVolumeClaim"]["metadata"]["name"] == "kube-apiserver-data"
    deployment = objects["Deployment"]
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    volumes = deployment["spec"]["template"]["spec"]["volumes"]
    assert {"name": "data", "persistentVolumeClaim": {"claimName": "kube-apiserver-data"}} in volumes
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert not [key for key in labels if "etcd" in key]
    assert container(objects)["readinessProbe"]["httpGet"]["httpHeaders"] == []


def test_autoscaler_owns_replicas_and_goes_away_when_hibernated() -> None:
    objects = render(replicas=3, autoscaling=Autoscaling(min_replicas=3, max_replicas=6))
    assert "replicas" not in objects["Deployment"]["spec"]
    hpa = objects["HorizontalPodAutoscaler"]
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 6)
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "kube-apiserver"}
    hibernated = render(replicas=0, autoscaling=Autoscaling(min_replicas=3, max_replicas=6))
    assert "HorizontalPodAutoscaler" not in hibernated
    assert hibernated["Deployment"]["spec"]["replicas"] == 0


def test_audit_policy_change_rolls_the_pods() -> None:
    policy = {"apiVersion": "audit.k8s.io/v1", "kind": "Policy", "rules": [{"level": "RequestResponse"}]}
    before = render()["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    after = render(audit_policy=policy)["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    assert before != after


@pytest.mark.parametrize("storage", ["etcd", "sqlite"])
def test_kubelite_apiserver_parses_the_flags(storage: str) -> None:
    changes: dict[str, Any] = {"feature_gates": (("SomeGate", True),)}
    if storage == "sqlite":
        changes |= {"storage": "sqlite", "secrets": SQLITE_SECRETS, "anonymous_auth": True, "health_check_token": None}
    command = container(render(**changes))["command"]
    args = parser().parse_args(command[1:])
    assert args.storage_backend == ("etcd3" if storage == "etcd" else "sqlite")
    assert args.secure_port == 443


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"storage": "sqlite", "replicas": 2}, "at most 1 replica"),
        ({"storage": "sqlite", "autoscaling": Autoscaling(1, 2)}, "cannot autoscale"),
        ({"secrets": SQLITE_SECRETS}, "etcd_ca"),
        ({"health_check_token": None}, "anonymous_auth or a health_check_token"),
        ({"service_cidr": "10.0.0.1/8"}, "service_cidr"),
        ({"service_type": "NodePort"}, "service_type"),
        ({"replicas": -1}, "replicas"),
        ({"disabled_admission_plugins": ("PodSecurity",)}, "both enabled and disabled"),
        ({"audit_policy": {"kind": "ConfigMap"}}, "audit_policy"),
    ],
)
def test_bad_values_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        apiserver_values(**changes)


def test_bad_autoscaling_is_refused() -> None:
    with pytest.raises(ValueError, match="min_replicas"):
        Autoscaling(min_replicas=3, max_replicas=2)
