"""Token files and kubeconfigs in the formats kube-apiserver and kubectl read."""

from __future__ import annotations

import base64

import pytest
import yaml

from gardenlet.secrets.kubeconfig import kubeconfig
from gardenlet.secrets.tokens import TokenUser, new_token, parse_token_file, token_file
from kubelite.apiserver.auth.tokens import parse_token_file as apiserver_parse

pytestmark = pytest.mark.unit


def test_the_token_file_is_what_a_kube_apiserver_reads() -> None:
    users = [TokenUser("admin", "admin", ("system:masters",)), TokenUser("viewer", "v-1", ("a", "b"))]
    tokens = {"admin": new_token(), "viewer": new_token()}
    text = token_file(users, tokens)
    assert text.splitlines()[0] == f"{tokens['admin']},admin,admin,system:masters"
    read = apiserver_parse(text)
    assert read[tokens["admin"]].name == "admin"
    assert set(read[tokens["viewer"]].groups) >= {"a", "b"}
    assert parse_token_file(text) == tokens


def test_token_users_with_separators_and_missing_tokens_are_rejected() -> None:
    with pytest.raises(ValueError, match="without commas"):
        TokenUser("a,b", "1")
    with pytest.raises(ValueError, match="no token for user"):
        token_file([TokenUser("admin", "admin")], {})


def test_new_tokens_are_random_and_long() -> None:
    assert len({new_token() for _ in range(10)}) == 10
    assert len(new_token()) >= 40


def test_kubeconfigs_hold_the_ca_bundle_and_one_kind_of_credentials() -> None:
    text = kubeconfig("shoot", "https://api.example.com", b"CA", user="admin", token="t0k3n")
    config = yaml.safe_load(text)
    assert config["current-context"] == "shoot"
    cluster = config["clusters"][0]["cluster"]
    assert cluster["server"] == "https://api.example.com"
    assert base64.b64decode(cluster["certificate-authority-data"]) == b"CA"
    assert config["users"][0] == {"name": "admin", "user": {"token": "t0k3n"}}
    with_cert = yaml.safe_load(
        kubeconfig("s", "https://x", b"CA", user="u", client_certificate=b"CERT", client_key=b"KEY")
    )
    assert base64.b64decode(with_cert["users"][0]["user"]["client-key-data"]) == b"KEY"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"server": "http://x"}, "https://"),
        ({"token": "t", "client_certificate": b"c", "client_key": b"k"}, "either"),
        ({}, "either"),
        ({"client_certificate": b"c"}, "needs its key"),
    ],
    ids=["plain-http", "both", "neither", "cert-without-key"],
)
def test_bad_kubeconfig_requests_are_rejected(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"server": "https://x", **kwargs}
    with pytest.raises(ValueError, match=message):
        kubeconfig("s", ca_bundle=b"CA", user="u", **arguments)  # type: ignore[arg-type]
