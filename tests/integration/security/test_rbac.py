"""RBAC enforced by a real server (``--authorization-mode RBAC``), checked through real kubectl with real client
certificates and bearer tokens: a permission matrix where ``kubectl auth can-i`` must agree with what actually
happens, upstream's 403 wording, impersonation, escalation and bind checks, aggregation and the review APIs."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.integration.security.credentials import ClientCA, Identity, cert_identity, token_identity
from tests.integration.server import RunningServer, threaded_server
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

TOKENS = 'alice-token,alice,1001\ncarol-token,carol,1003,"developers"\n'


@dataclass
class Cluster:
    server: RunningServer
    admin: Identity
    alice: Identity  # static token; may read pods in "dev"
    bob: Identity  # client certificate in group "auditors"; may read secrets everywhere
    carol: Identity  # static token, bound to nothing
    directory: Path


def _apply(admin: Identity, manifest: dict[str, object]) -> None:
    admin.ok("apply", "-f", "-", input=json.dumps(manifest))


def _role(namespace: str, name: str, rules: list[dict[str, object]]) -> dict[str, object]:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": name, "namespace": namespace},
        "rules": rules,
    }


def _binding(kind: str, name: str, role_kind: str, role: str, subjects: list[dict[str, str]], namespace: str = ""):
    meta: dict[str, str] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": meta,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        "subjects": subjects,
    }


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    directory = tmp_path_factory.mktemp("rbac")
    ca = ClientCA.create(directory)
    tokens = directory / "tokens.csv"
    tokens.write_text(TOKENS)
    with threaded_server(
        directory / "data", authorization_mode="RBAC", client_ca_file=ca.path, token_auth_file=tokens
    ) as server:
        admin = Identity(server, server.kubeconfig)
        for ns in ("dev", "prod"):
            admin.ok("create", "namespace", ns)
            admin.ok("run", "web", "-n", ns, "--image=nginx")
            admin.ok("create", "secret", "generic", "db", "-n", ns, "--from-literal=password=hunter2")
        _apply(
            admin,
            _role("dev", "pod-reader", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]),
        )
        _apply(
            admin,
            _binding(
                "RoleBinding",
                "alice-reads-pods",
                "Role",
                "pod-reader",
                [{"kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"}],
                "dev",
            ),
        )
        _apply(
            admin,
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": "secret-reader"},
                "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}],
            },
        )
        _apply(
            admin,
            _binding(
                "ClusterRoleBinding",
                "auditors-read-secrets",
                "ClusterRole",
                "secret-reader",
                [{"kind": "Group", "name": "auditors", "apiGroup": "rbac.authorization.k8s.io"}],
            ),
        )
        yield Cluster(
            server,
            admin,
            token_identity(server, directory, "alice", "alice-token"),
            cert_identity(server, directory, ca, "bob", "auditors"),
            token_identity(server, directory, "carol", "carol-token"),
            directory,
        )


#: (user, verb, resource, namespace) -> allowed, from the bindings the fixture writes.
def _expected(user: str, verb: str, resource: str, namespace: str) -> bool:
    if user == "alice":
        return resource == "pods" and namespace == "dev" and verb in ("get", "list")
    if user == "bob":
        return resource == "secrets" and verb in ("get", "list")
    return False


MATRIX = list(
    itertools.product(("alice", "bob", "carol"), ("get", "list", "delete"), ("pods", "secrets"), ("dev", "prod"))
)


@pytest.mark.parametrize(("user", "verb", "resource", "namespace"), MATRIX, ids=["-".join(c) for c in MATRIX])
def test_can_i_agrees_with_what_happens(cluster: Cluster, user: str, verb: str, resource: str, namespace: str) -> None:
    who: Identity = getattr(cluster, user)
    expected = _expected(user, verb, resource, namespace)
    name = "web" if resource == "pods" else "db"
    assert who.can_i(verb, resource, "-n", namespace) is expected
    match verb:
        case "get":
            result = who.kubectl("get", resource, name, "-n", namespace, "-o", "name")
        case "list":
            result = who.kubectl("get", resource, "-n", namespace, "-o", "name")
        case _:
            # A dry run goes through authorization but changes nothing, so the matrix stays intact.
            result = who.kubectl("delete", resource, name, "-n", namespace, "--dry-run=server")
    assert (result.returncode == 0) is expected, result.stderr
    if not expected:
        assert "Forbidden" in result.stderr


def test_denials_say_who_was_denied_what(cluster: Cluster) -> None:
    result = cluster.alice.kubectl("get", "secrets", "-n", "dev")
    assert result.stderr.strip() == (
        'Error from server (Forbidden): secrets is forbidden: User "alice" cannot list resource "secrets" '
        'in API group "" in the namespace "dev"'
    )
    result = cluster.carol.kubectl("get", "pod", "web", "-n", "prod")
    assert (
        'pods "web" is forbidden: User "carol" cannot get resource "pods" in API group "" in the namespace "prod"'
        in result.stderr
    )
    result = cluster.carol.kubectl("get", "nodes")
    assert 'User "carol" cannot list resource "nodes" in API group "" at the cluster scope' in result.stderr


def test_a_403_body_is_a_status_with_details(cluster: Cluster) -> None:
    response = requests.get(
        f"{cluster.server.url}/api/v1/namespaces/dev/secrets/db",
        headers={"Authorization": "Bearer alice-token"},
        verify=str(cluster.server.ca_file),
        timeout=10,
    )
    assert response.status_code == 403
    body = response.json()
    assert body["reason"] == "Forbidden"
    assert body["details"] == {"name": "db", "kind": "secrets"}


def test_whoami_names_the_certificate_user_and_groups(cluster: Cluster) -> None:
    review = json.loads(cluster.bob.ok("auth", "whoami", "-o", "json"))
    assert review["status"]["userInfo"]["username"] == "bob"
    assert review["status"]["userInfo"]["groups"] == ["auditors", "system:authenticated"]


def test_can_i_list_shows_the_rules_that_apply(cluster: Cluster) -> None:
    listing = cluster.alice.ok("auth", "can-i", "--list", "-n", "dev")
    assert any(line.split()[:1] == ["pods"] and "[get list watch]" in line for line in listing.splitlines()), listing
    elsewhere = cluster.alice.ok("auth", "can-i", "--list", "-n", "prod")
    assert not any(line.split()[:1] == ["pods"] for line in elsewhere.splitlines()), elsewhere


def test_impersonation_needs_the_impersonate_verb(cluster: Cluster) -> None:
    result = cluster.alice.kubectl("get", "secrets", "-n", "dev", "--as", "bob")
    assert (
        'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" '
        "at the cluster scope" in result.stderr
    )
    # An admin may impersonate, and then has exactly the impersonated user's rights.
    assert cluster.admin.kubectl("get", "secrets", "-n", "dev", "--as", "alice").returncode != 0
    assert cluster.admin.kubectl("get", "pods", "-n", "dev", "--as", "alice").returncode == 0
    assert (
        cluster.admin.kubectl("get", "secrets", "-n", "dev", "--as", "nobody", "--as-group", "auditors").returncode == 0
    )
    who = json.loads(cluster.admin.ok("auth", "whoami", "-o", "json", "--as", "alice"))
    assert who["status"]["userInfo"]["username"] == "alice"


def test_escalation_and_bind_checks(cluster: Cluster) -> None:
    role_writer = {
        "apiGroups": ["rbac.authorization.k8s.io"],
        "resources": ["roles", "rolebindings"],
        "verbs": ["create", "get", "list", "delete"],
    }
    _apply(cluster.admin, _role("dev", "role-writer", [role_writer]))
    _apply(
        cluster.admin,
        _binding(
            "RoleBinding",
            "carol-writes-roles",
            "Role",
            "role-writer",
            [{"kind": "User", "name": "carol", "apiGroup": "rbac.authorization.k8s.io"}],
            "dev",
        ),
    )
    wait_for(lambda: cluster.carol.can_i("create", "roles", "-n", "dev"), "carol's binding to take effect")
    # carol does not hold "get secrets", so she cannot grant it...
    result = cluster.carol.kubectl("create", "role", "grab", "-n", "dev", "--verb=get", "--resource=secrets")
    assert result.returncode != 0
    assert "is attempting to grant RBAC permissions not currently held" in result.stderr
    # ...but she may grant what she holds (managing roles),
    cluster.carol.ok("create", "role", "share", "-n", "dev", "--verb=get", "--resource=roles.rbac.authorization.k8s.io")
    # and may not bind a role whose rights she lacks.
    result = cluster.carol.kubectl(
        "create", "rolebinding", "grab", "-n", "dev", "--clusterrole=cluster-admin", "--user=carol"
    )
    assert result.returncode != 0
    assert "is attempting to grant RBAC permissions not currently held" in result.stderr


def test_default_roles_exist_with_autoupdate(cluster: Cluster) -> None:
    role = json.loads(cluster.admin.ok("get", "clusterrole", "system:basic-user", "-o", "json"))
    assert role["metadata"]["annotations"]["rbac.authorization.kubernetes.io/autoupdate"] == "true"
    for name in (
        "cluster-admin",
        "admin",
        "edit",
        "view",
        "system:discovery",
        "system:public-info-viewer",
        "system:node",
    ):
        cluster.admin.ok("get", "clusterrole", name)


def test_aggregation_fills_view(cluster: Cluster) -> None:
    _apply(
        cluster.admin,
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": "widget-viewer", "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
            "rules": [{"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get"]}],
        },
    )

    def aggregated() -> bool:
        view = json.loads(cluster.admin.ok("get", "clusterrole", "view", "-o", "json"))
        return {"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get"]} in view["rules"]

    wait_for(aggregated, "the view role to aggregate widget-viewer")
    # edit aggregates view, and admin aggregates edit: the rule travels up.
    wait_for(
        lambda: "widgets" in cluster.admin.ok("get", "clusterrole", "admin", "-o", "json"), "admin to aggregate it too"
    )


def test_subject_access_review(cluster: Cluster) -> None:
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": {"user": "alice", "resourceAttributes": {"namespace": "dev", "verb": "list", "resource": "pods"}},
    }
    answer = json.loads(cluster.admin.ok("create", "-f", "-", "-o", "json", input=json.dumps(review)))
    assert answer["status"]["allowed"] is True
    review["spec"]["resourceAttributes"]["namespace"] = "prod"  # type: ignore[index]
    answer = json.loads(cluster.admin.ok("create", "-f", "-", "-o", "json", input=json.dumps(review)))
    assert answer["status"]["allowed"] is False
    # carol may not ask about others.
    assert cluster.carol.kubectl("create", "-f", "-", input=json.dumps(review)).returncode != 0


def test_unauthenticated_requests_get_401_except_health(cluster: Cluster) -> None:
    url, ca = cluster.server.url, str(cluster.server.ca_file)
    assert requests.get(f"{url}/api/v1/namespaces", verify=ca, timeout=10).status_code == 401
    assert requests.get(f"{url}/healthz", verify=ca, timeout=10).status_code == 200
    bad = requests.get(f"{url}/api", headers={"Authorization": "Bearer nope"}, verify=ca, timeout=10)
    assert bad.status_code == 401


def test_anonymous_gets_only_what_rbac_grants(tmp_path: Path) -> None:
    with threaded_server(tmp_path, authorization_mode="RBAC", anonymous_auth=True) as server:
        ca = str(server.ca_file)
        assert requests.get(f"{server.url}/readyz", verify=ca, timeout=10).status_code == 200
        denied = requests.get(f"{server.url}/api/v1/namespaces", verify=ca, timeout=10)
        assert denied.status_code == 403
        assert 'User "system:anonymous" cannot list resource "namespaces"' in denied.json()["message"]
        assert requests.get(f"{server.url}/api", verify=ca, timeout=10).status_code == 403
