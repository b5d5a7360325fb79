"""Service-account tokens from the TokenRequest API (``kubectl create token``), used as credentials under RBAC:
valid ones work, and expired, malformed, wrongly signed and revoked ones are refused with 401."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec

from kubelite.apiserver.auth.jwt import Signer, load_private_key
from kubelite.apiserver.auth.serviceaccounts import DEFAULT_ISSUER
from tests.integration.security.credentials import Identity, token_identity
from tests.integration.server import RunningServer, threaded_server
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with threaded_server(tmp_path_factory.mktemp("sa"), authorization_mode="RBAC") as running:
        admin = Identity(running, running.kubeconfig)
        admin.ok("create", "namespace", "apps")
        admin.ok("create", "serviceaccount", "robot", "-n", "apps")
        admin.ok("create", "role", "cm-reader", "-n", "apps", "--verb=get,list", "--resource=configmaps")
        admin.ok(
            "create", "rolebinding", "robot-reads", "-n", "apps", "--role=cm-reader", "--serviceaccount=apps:robot"
        )
        yield running


def _status(server: RunningServer, token: str, path: str = "/api/v1/namespaces/apps/configmaps") -> int:
    response = requests.get(
        server.url + path, headers={"Authorization": f"Bearer {token}"}, verify=str(server.ca_file), timeout=10
    )
    return response.status_code


def _claims(server: RunningServer, **overrides: object) -> dict[str, object]:
    admin = Identity(server, server.kubeconfig)
    account = json.loads(admin.ok("get", "serviceaccount", "robot", "-n", "apps", "-o", "json"))
    now = int(time.time())
    claims: dict[str, object] = {
        "aud": [DEFAULT_ISSUER],
        "exp": now + 600,
        "iat": now,
        "nbf": now,
        "iss": DEFAULT_ISSUER,
        "sub": "system:serviceaccount:apps:robot",
        "kubernetes.io": {
            "namespace": "apps",
            "serviceaccount": {"name": "robot", "uid": account["metadata"]["uid"]},
        },
    }
    claims.update(overrides)
    return claims


def test_a_requested_token_authenticates_as_the_service_account(server: RunningServer, tmp_path: Path) -> None:
    admin = Identity(server, server.kubeconfig)
    token = admin.ok("create", "token", "robot", "-n", "apps").strip()
    robot = token_identity(server, tmp_path, "robot", token)
    who = json.loads(robot.ok("auth", "whoami", "-o", "json"))["status"]["userInfo"]
    assert who["username"] == "system:serviceaccount:apps:robot"
    assert who["groups"] == ["system:serviceaccounts", "system:serviceaccounts:apps", "system:authenticated"]
    assert robot.can_i("list", "configmaps", "-n", "apps")
    robot.ok("get", "configmaps", "-n", "apps")
    result = robot.kubectl("get", "secrets", "-n", "apps")
    assert 'User "system:serviceaccount:apps:robot" cannot list resource "secrets"' in result.stderr


def test_token_request_options_are_honoured_and_checked(server: RunningServer) -> None:
    admin = Identity(server, server.kubeconfig)
    token = admin.ok("create", "token", "robot", "-n", "apps", "--audience=vault", "--duration=20m").strip()
    review = {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenReview",
        "spec": {"token": token, "audiences": ["vault"]},
    }
    answer = json.loads(admin.ok("create", "-f", "-", "-o", "json", input=json.dumps(review)))
    assert answer["status"]["authenticated"] is True
    assert answer["status"]["user"]["username"] == "system:serviceaccount:apps:robot"
    # A token for another audience is no credential for the API itself.
    assert _status(server, token) == 401
    short = admin.kubectl("create", "token", "robot", "-n", "apps", "--duration=5m")
    assert "may not specify a duration less than 10 minutes" in short.stderr
    missing = admin.kubectl("create", "token", "ghost", "-n", "apps")
    assert 'serviceaccounts "ghost" not found' in missing.stderr


def test_bad_tokens_get_401(server: RunningServer, tmp_path: Path) -> None:
    key = load_private_key(server.data_dir / "pki" / "service-account.key")
    good = Signer(key).sign(_claims(server))
    assert _status(server, good) == 200
    assert _status(server, Signer(key).sign(_claims(server, exp=int(time.time()) - 5))) == 401
    assert _status(server, Signer(key).sign(_claims(server, iss="https://someone.else"))) == 401
    assert _status(server, Signer(ec.generate_private_key(ec.SECP256R1())).sign(_claims(server))) == 401
    assert _status(server, "not.a.jwt") == 401
    assert _status(server, good[:-4] + "AAAA") == 401
    kubectl = token_identity(server, tmp_path, "expired", Signer(key).sign(_claims(server, exp=int(time.time()) - 5)))
    result = kubectl.kubectl("get", "configmaps", "-n", "apps")
    assert "You must be logged in to the server" in result.stderr


def test_deleting_the_service_account_or_bound_pod_revokes_its_tokens(server: RunningServer) -> None:
    admin = Identity(server, server.kubeconfig)
    admin.ok("create", "serviceaccount", "temp", "-n", "apps")
    admin.ok("create", "rolebinding", "temp-reads", "-n", "apps", "--role=cm-reader", "--serviceaccount=apps:temp")
    admin.ok("run", "holder", "-n", "apps", "--image=busybox")
    bound = admin.ok(
        "create", "token", "temp", "-n", "apps", "--bound-object-kind=Pod", "--bound-object-name=holder"
    ).strip()
    plain = admin.ok("create", "token", "temp", "-n", "apps").strip()
    wait_for(lambda: _status(server, bound) == 200, "the temp account's binding to apply")
    admin.ok("delete", "pod", "holder", "-n", "apps", "--grace-period=0", "--force")
    wait_for(lambda: _status(server, bound) == 401, "the pod-bound token to be revoked")
    assert _status(server, plain) == 200
    admin.ok("delete", "serviceaccount", "temp", "-n", "apps")
    assert _status(server, plain) == 401
