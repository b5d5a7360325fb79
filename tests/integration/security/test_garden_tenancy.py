"""Tenancy in the garden under RBAC: project members reach their own project only, admin kubeconfigs need
``create`` on ``shoots/adminkubeconfig``, a gardenlet reaches only its own seed's shoots, and a binding may not
borrow another project's credentials. The project RBAC objects are the project controller's own
(:func:`desired_objects`), written as it writes them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from garden.admission.chain import AdmissionOptions
from garden.apiserver.setup import garden_setup
from garden.controllermanager.project_rbac import desired_objects
from tests.integration.garden.conftest import NOW
from tests.integration.garden.objects import apply, aws_shoot, project_with_aws_binding
from tests.integration.security.credentials import ClientCA, Identity, cert_identity, token_identity
from tests.integration.server import RunningServer, threaded_server
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

TOKENS = "alice-token,alice,1\nbob-token,bob,2\nvicky-token,vicky,3\n"


@dataclass
class Garden:
    server: RunningServer
    admin: Identity
    alice: Identity  # admin member of project dev
    bob: Identity  # admin member of project prod
    vicky: Identity  # viewer of project dev
    seed_a: Identity  # the gardenlet of seed-a
    seed_b: Identity


def _project_rbac(server: RunningServer, project: str, members: list[tuple[str, str]]) -> None:
    body = json.loads(server.kubectl("get", "project", project, "-o", "json").stdout)
    body["spec"]["members"] = [
        {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": name, "role": role} for name, role in members
    ]
    server.kubectl("apply", "-f", "-", input=json.dumps(body))
    for desired in desired_objects(body, f"garden-{project}"):
        apply(server, desired.body)


@pytest.fixture(scope="module")
def garden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Garden]:
    directory = tmp_path_factory.mktemp("tenancy")
    ca = ClientCA.create(directory)
    (directory / "tokens.csv").write_text(TOKENS)
    with threaded_server(
        directory / "data",
        garden_setup(AdmissionOptions(now=lambda: NOW)),
        authorization_mode="RBAC",
        token_auth_file=directory / "tokens.csv",
        client_ca_file=ca.path,
    ) as server:
        for project in ("dev", "prod"):
            project_with_aws_binding(server, project)
            apply(server, aws_shoot("app", f"garden-{project}"))
        _project_rbac(server, "dev", [("alice", "admin"), ("vicky", "viewer")])
        _project_rbac(server, "prod", [("bob", "admin")])
        server.kubectl(
            "patch", "shoot", "app", "-n", "garden-dev", "--subresource=status", "--type=merge",
            "-p", '{"status": {"seedName": "seed-a"}}',
        )  # fmt: skip
        seeds = "gardener.cloud:system:seeds"
        yield Garden(
            server,
            Identity(server, server.kubeconfig),
            token_identity(server, directory, "alice", "alice-token"),
            token_identity(server, directory, "bob", "bob-token"),
            token_identity(server, directory, "vicky", "vicky-token"),
            cert_identity(server, directory, ca, "gardener.cloud:system:seed:seed-a", seeds),
            cert_identity(server, directory, ca, "gardener.cloud:system:seed:seed-b", seeds),
        )


def _kubeconfig_request(who: Identity, namespace: str) -> str:
    body = {"apiVersion": "authentication.gardener.cloud/v1alpha1", "kind": "AdminKubeconfigRequest", "spec": {}}
    path = f"/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/shoots/app/adminkubeconfig"
    result = who.kubectl("create", "--raw", path, "-f", "-", input=json.dumps(body))
    return result.stderr


def test_members_work_in_their_project_only(garden: Garden) -> None:
    wait_for(lambda: garden.alice.can_i("list", "shoots.core.gardener.cloud", "-n", "garden-dev"), "alice's roles")
    assert "app" in garden.alice.ok("get", "shoots", "-n", "garden-dev", "-o", "name")
    garden.alice.ok("get", "secret", "aws-credentials", "-n", "garden-dev")
    for args in (
        ("get", "shoots", "-n", "garden-prod"),
        ("get", "shoot", "app", "-n", "garden-prod"),
        ("get", "secret", "aws-credentials", "-n", "garden-prod"),
        ("annotate", "shoot", "app", "-n", "garden-prod", "owner=alice"),
        ("get", "shoots", "-A"),
    ):
        result = garden.alice.kubectl(*args)
        assert result.returncode != 0 and "Forbidden" in result.stderr, args
        assert not garden.alice.can_i(args[0] if args[0] != "annotate" else "patch", "shoots", "-n", "garden-prod")
    assert "app" in garden.bob.ok("get", "shoots", "-n", "garden-prod", "-o", "name")


def test_admin_kubeconfigs_need_create_on_the_subresource(garden: Garden) -> None:
    denied = _kubeconfig_request(garden.alice, "garden-prod")
    assert (
        'User "alice" cannot create resource "shoots/adminkubeconfig" in API group "core.gardener.cloud" '
        'in the namespace "garden-prod"' in denied
    )
    assert "Forbidden" in _kubeconfig_request(garden.vicky, "garden-dev")
    assert garden.alice.can_i("create", "shoots/adminkubeconfig", "-n", "garden-dev")
    assert not garden.vicky.can_i("create", "shoots/adminkubeconfig", "-n", "garden-dev")
    # A member gets past authorization (the shoot has no address yet, so the handler answers 400).
    assert "no advertised addresses yet" in _kubeconfig_request(garden.alice, "garden-dev")


def test_viewers_read_but_do_not_write(garden: Garden) -> None:
    wait_for(lambda: garden.vicky.can_i("get", "shoots", "-n", "garden-dev"), "vicky's roles")
    garden.vicky.ok("get", "shoot", "app", "-n", "garden-dev")
    assert "Forbidden" in garden.vicky.kubectl("get", "secrets", "-n", "garden-dev").stderr
    assert "Forbidden" in garden.vicky.kubectl("annotate", "shoot", "app", "-n", "garden-dev", "x=y").stderr


def test_a_gardenlet_reaches_only_its_own_seeds_shoots(garden: Garden) -> None:
    garden.seed_a.ok("get", "shoot", "app", "-n", "garden-dev")
    garden.seed_a.ok("get", "secret", "aws-credentials", "-n", "garden-dev")
    result = garden.seed_b.kubectl("get", "shoot", "app", "-n", "garden-dev")
    assert 'User "gardener.cloud:system:seed:seed-b" cannot get resource "shoots"' in result.stderr
    assert 'the gardenlet of seed "seed-b" may not get shoot "garden-dev/app"' in result.stderr
    assert "Forbidden" in garden.seed_a.kubectl("get", "shoot", "app", "-n", "garden-prod").stderr
    assert "Forbidden" in garden.seed_a.kubectl("get", "secret", "aws-credentials", "-n", "garden-prod").stderr
    assert "Forbidden" in garden.seed_b.kubectl("get", "secret", "aws-credentials", "-n", "garden-dev").stderr


def test_a_binding_cannot_borrow_another_projects_secret(garden: Garden, tmp_path: Path) -> None:
    binding = {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "SecretBinding",
        "metadata": {"name": "stolen", "namespace": "garden-dev"},
        "secretRef": {"name": "aws-credentials", "namespace": "garden-prod"},
        "provider": {"type": "aws"},
    }
    result = garden.alice.kubectl("create", "-f", "-", input=json.dumps(binding))
    assert 'secrets "aws-credentials" is forbidden: User "alice" cannot get resource "secrets"' in result.stderr
    # An operator who may read the secret may share it.
    garden.admin.ok("create", "-f", "-", input=json.dumps(binding))
