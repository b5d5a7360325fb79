"""The admission webhook's manifests (charts/garden): valid Kubernetes objects, webhooks pointed at the Service
with the CA given, rules covering Gardener's resources, and RBAC for what the plugins read."""

from __future__ import annotations

import base64
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from garden.admission.chart import CHART_DIR, WebhookChartValues, render_webhook_chart

pytestmark = pytest.mark.unit

CA_PEM = b"-----BEGIN CERTIFICATE-----\nMIIBdummy\n-----END CERTIFICATE-----\n"
CA_BUNDLE = base64.b64encode(CA_PEM).decode()
VALUES = WebhookChartValues(
    image="registry.example.com/garden:v0.1.0",
    ca_bundle=CA_BUNDLE,
    namespace="garden-system",
    tls_secret_name="webhook-serving-cert",
    replicas=3,
)
CORE = ["shoots", "projects", "cloudprofiles", "namespacedcloudprofiles", "secretbindings", "quotas", "seeds"]


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    return render_webhook_chart(VALUES)


def one(documents: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [d for d in documents if d["kind"] == kind]
    assert len(found) == 1, [d["kind"] for d in documents]
    return found[0]


def test_templates_are_valid_yaml_with_apiversion_and_kind() -> None:
    templates = sorted(CHART_DIR.glob("*.yaml.j2"))
    assert templates
    rendered = render_webhook_chart(VALUES)
    for document in rendered:
        assert isinstance(document.get("apiVersion"), str) and document["apiVersion"], document
        assert isinstance(document.get("kind"), str) and document["kind"], document
        assert document["metadata"]["name"]
        # Round-trips through YAML text unchanged (what `kubectl apply -f` would read).
        assert yaml.safe_load(yaml.safe_dump(document)) == document
    assert [d["kind"] for d in rendered] == [
        "ServiceAccount",
        "ClusterRole",
        "ClusterRoleBinding",
        "Service",
        "Deployment",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
    ]


def test_documents_are_valid_kubernetes_objects(documents: list[dict[str, Any]]) -> None:
    for document in documents:
        kubernetes_validate.validate(document, "1.37.0", strict=True)


def test_webhook_configurations_call_the_service_with_the_ca(documents: list[dict[str, Any]]) -> None:
    service = one(documents, "Service")
    assert service["metadata"]["namespace"] == "garden-system"
    assert service["spec"]["ports"] == [{"name": "https", "port": 443, "targetPort": 9443, "protocol": "TCP"}]
    for kind, path in (
        ("MutatingWebhookConfiguration", "/webhooks/mutate"),
        ("ValidatingWebhookConfiguration", "/webhooks/validate"),
    ):
        (webhook,) = one(documents, kind)["webhooks"]
        assert webhook["clientConfig"] == {
            "service": {"name": service["metadata"]["name"], "namespace": "garden-system", "path": path, "port": 443},
            "caBundle": CA_BUNDLE,
        }
        assert webhook["admissionReviewVersions"] == ["v1"]
        assert webhook["sideEffects"] == "None"
        assert webhook["failurePolicy"] == "Fail"
        assert webhook["timeoutSeconds"] == 10


def rules_by_operation(webhook: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    """(operation, group, version, resource) for every combination the rules match."""
    return {
        (operation, group, version, resource)
        for rule in webhook["rules"]
        for operation in rule["operations"]
        for group in rule["apiGroups"]
        for version in rule["apiVersions"]
        for resource in rule["resources"]
    }


def test_mutating_rules_cover_creates_and_updates(documents: list[dict[str, Any]]) -> None:
    (webhook,) = one(documents, "MutatingWebhookConfiguration")["webhooks"]
    writes = {(op, "core.gardener.cloud", "v1beta1", resource) for op in ("CREATE", "UPDATE") for resource in CORE} | {
        (op, "security.gardener.cloud", "v1alpha1", "credentialsbindings") for op in ("CREATE", "UPDATE")
    }
    assert rules_by_operation(webhook) == writes


def test_validating_rules_cover_writes_deletes_and_binding(documents: list[dict[str, Any]]) -> None:
    (webhook,) = one(documents, "ValidatingWebhookConfiguration")["webhooks"]
    expected = (
        {(op, "core.gardener.cloud", "v1beta1", resource) for op in ("CREATE", "UPDATE") for resource in CORE}
        | {(op, "security.gardener.cloud", "v1alpha1", "credentialsbindings") for op in ("CREATE", "UPDATE")}
        | {("DELETE", "core.gardener.cloud", "v1beta1", resource) for resource in ("shoots", "projects")}
        | {(op, "core.gardener.cloud", "v1beta1", "shoots/binding") for op in ("CREATE", "UPDATE")}
    )
    assert rules_by_operation(webhook) == expected


def test_deployment_runs_the_webhook_with_the_tls_secret(documents: list[dict[str, Any]]) -> None:
    deployment = one(documents, "Deployment")
    assert deployment["metadata"]["namespace"] == "garden-system"
    assert deployment["spec"]["replicas"] == 3
    pod = deployment["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == one(documents, "ServiceAccount")["metadata"]["name"]
    (container,) = pod["containers"]
    assert container["image"] == "registry.example.com/garden:v0.1.0"
    command = container["command"]
    assert command[:2] == ["garden", "admission-webhook"]
    mount = container["volumeMounts"][0]["mountPath"]
    assert f"--tls-cert-file={mount}/tls.crt" in command
    assert f"--tls-private-key-file={mount}/tls.key" in command
    assert pod["volumes"] == [{"name": "tls", "secret": {"secretName": "webhook-serving-cert"}}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": "https", "scheme": "HTTPS"}
    assert container["ports"] == [{"name": "https", "containerPort": 9443, "protocol": "TCP"}]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert all(labels.get(k) == v for k, v in one(documents, "Service")["spec"]["selector"].items())


def test_rbac_reads_what_the_plugins_read(documents: list[dict[str, Any]]) -> None:
    role = one(documents, "ClusterRole")
    granted = {
        (group, resource, verb)
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }
    reads = {
        ("core.gardener.cloud", r)
        for r in (
            "cloudprofiles",
            "namespacedcloudprofiles",
            "projects",
            "secretbindings",
            "quotas",
            "seeds",
            "shoots",
            "exposureclasses",
        )
    } | {("security.gardener.cloud", "credentialsbindings"), ("", "secrets"), ("", "namespaces")}
    assert granted == {(g, r, v) for g, r in reads for v in ("get", "list")}
    binding = one(documents, "ClusterRoleBinding")
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "ClusterRole",
        "name": role["metadata"]["name"],
    }
    assert binding["subjects"] == [
        {
            "kind": "ServiceAccount",
            "name": one(documents, "ServiceAccount")["metadata"]["name"],
            "namespace": "garden-system",
        }
    ]


def test_values_quote_safely() -> None:
    values = WebhookChartValues(image='img:"odd": value # not a comment', ca_bundle=CA_BUNDLE)
    deployment = one(render_webhook_chart(values), "Deployment")
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == 'img:"odd": value # not a comment'
    assert deployment["metadata"]["namespace"] == "garden"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ca_bundle": "not base64!"}, "base64"),
        ({"ca_bundle": base64.b64encode(b"hello").decode()}, "PEM"),
        ({"replicas": 0}, "replicas"),
        ({"image": ""}, "image"),
    ],
)
def test_bad_values_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WebhookChartValues(**{"image": "img", "ca_bundle": CA_BUNDLE, **changes})
