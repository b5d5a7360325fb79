"""A real kopf operator running under a restricted service-account token on a server that enforces RBAC: it
reconciles with exactly the rights its ClusterRole grants, and nothing more."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tests.integration.security.credentials import Identity, token_identity
from tests.integration.server import threaded_server
from tests.integration.test_kopf import GROUP, PLURAL, WIDGET_CRD, Cluster, assert_clean_log, run_operator

pytestmark = pytest.mark.integration

OPERATOR_RULES = [
    {"apiGroups": [GROUP], "resources": [PLURAL, f"{PLURAL}/status"], "verbs": ["get", "list", "watch", "patch"]},
    {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "create", "patch", "delete"]},
    {"apiGroups": ["", "events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch"]},
    {
        "apiGroups": ["apiextensions.k8s.io"],
        "resources": ["customresourcedefinitions"],
        "verbs": ["get", "list", "watch"],
    },
    {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "watch"]},
]


def test_kopf_operator_under_a_restricted_token(tmp_path: Path) -> None:
    with threaded_server(tmp_path / "data", authorization_mode="RBAC") as server:
        admin = Identity(server, server.kubeconfig)
        cluster = Cluster(server)
        try:
            cluster.install_crd(WIDGET_CRD)
            admin.ok("create", "namespace", "ops")
            admin.ok("create", "namespace", "work")
            admin.ok("create", "serviceaccount", "widget-operator", "-n", "ops")
            role = {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": "widget-operator"},
                "rules": OPERATOR_RULES,
            }
            admin.ok("apply", "-f", "-", input=json.dumps(role))
            admin.ok(
                "create", "clusterrolebinding", "widget-operator", "--clusterrole=widget-operator",
                "--serviceaccount=ops:widget-operator",
            )  # fmt: skip
            token = admin.ok("create", "token", "widget-operator", "-n", "ops", "--duration=1h").strip()
            operator_identity = token_identity(server, tmp_path, "operator", token)
            assert not operator_identity.can_i("get", "secrets", "-n", "work")
            as_operator = dataclasses.replace(server, kubeconfig=operator_identity.kubeconfig)
            with run_operator(as_operator, tmp_path / "kopf.log", "--standalone") as operator:
                cluster.create_widget("work", "w1", {"size": 1, "color": "red"})
                created = cluster.wait_records("work", "w1", "create", 1)
                assert created[0]["size"] == "1"
                cluster.patch_widget_spec("work", "w1", {"size": 2})
                cluster.wait_records("work", "w1", "update", 1)
                assert operator.stop() == 0
            assert_clean_log(operator)
            assert "Forbidden" not in operator.text()
        finally:
            cluster.api.close()
