"""EncryptionConfiguration and audit Policy files: what they mean, and clear errors for what they must not say."""

from __future__ import annotations

import base64
import os

import pytest

from kubelite.apiserver.audit.policy import PolicyError, parse_policy
from kubelite.apiserver.authorization.attributes import Attributes
from kubelite.apiserver.encryption.config import ConfigError, parse_config
from kubelite.apiserver.encryption.providers import DecryptError
from kubelite.apiserver.user import UserInfo


def _config(*providers: dict[str, object], resources: tuple[str, ...] = ("secrets",)) -> dict[str, object]:
    return {
        "apiVersion": "apiserver.config.k8s.io/v1",
        "kind": "EncryptionConfiguration",
        "resources": [{"resources": list(resources), "providers": list(providers)}],
    }


def _key(name: str, size: int = 32) -> dict[str, str]:
    return {"name": name, "secret": base64.b64encode(os.urandom(size)).decode()}


@pytest.mark.parametrize("provider", ["aescbc", "aesgcm"])
def test_round_trip_rotation_and_staleness(provider: str) -> None:
    old, new = _key("old"), _key("new")
    before = parse_config(_config({provider: {"keys": [old]}})).for_resource("", "secrets")
    after = parse_config(_config({provider: {"keys": [new, old]}})).for_resource("", "secrets")
    assert before is not None and after is not None
    sealed = before.encrypt(b"hunter2", "/registry/core/secrets/a/b")
    assert sealed.startswith(f"k8s:enc:{provider}:v1:old:".encode())
    assert b"hunter2" not in sealed
    assert after.decrypt(sealed, "/registry/core/secrets/a/b") == (b"hunter2", True)
    resealed = after.encrypt(b"hunter2", "/registry/core/secrets/a/b")
    assert after.decrypt(resealed, "/registry/core/secrets/a/b") == (b"hunter2", False)
    with pytest.raises(DecryptError):
        after.decrypt(b"plain", "/registry/core/secrets/a/b")  # identity is not listed


def test_aesgcm_values_cannot_move_between_keys() -> None:
    encryption = parse_config(_config({"aesgcm": {"keys": [_key("k")]}})).for_resource("", "secrets")
    assert encryption is not None
    sealed = encryption.encrypt(b"x", "/registry/core/secrets/a/b")
    with pytest.raises(DecryptError):
        encryption.decrypt(sealed, "/registry/core/secrets/a/c")


def test_resource_patterns() -> None:
    config = parse_config(_config({"identity": {}}, resources=("secrets", "*.apps")))
    assert config.for_resource("", "secrets") is not None
    assert config.for_resource("apps", "deployments") is not None
    assert config.for_resource("", "configmaps") is None
    assert parse_config(_config({"identity": {}}, resources=("*.*",))).for_resource("x", "y") is not None


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (_config({"aescbc": {"keys": [_key("k", 5)]}}), "aescbc needs a key of 16 or 24 or 32 bytes, got 5"),
        (_config({"aesgcm": {"keys": []}}), "at least one key is required"),
        (_config({"rot13": {}}), "unknown provider 'rot13'"),
        (_config({"kms": {}}), "kms provider is not supported"),
        (_config({"aescbc": {"keys": [_key("k"), _key("k")]}}), "duplicate aescbc key name 'k'"),
        (_config({"identity": {}}, resources=("*",)), 'use "*.*"'),
        ({"kind": "EncryptionConfiguration"}, "want apiVersion apiserver.config.k8s.io/v1"),
    ],
)
def test_bad_encryption_configs_are_named(config: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("*", r"\*").replace("(", r"\(")):
        parse_config(config)


def _policy(*rules: dict[str, object], omit: tuple[str, ...] = ()) -> dict[str, object]:
    return {"apiVersion": "audit.k8s.io/v1", "kind": "Policy", "omitStages": list(omit), "rules": list(rules)}


def test_first_matching_audit_rule_decides() -> None:
    policy = parse_policy(
        _policy(
            {"level": "None", "nonResourceURLs": ["/healthz*"]},
            {"level": "RequestResponse", "resources": [{"group": "", "resources": ["secrets"]}], "namespaces": ["dev"]},
            {"level": "None", "users": ["system:kube-proxy"]},
            {"level": "Metadata", "omitStages": ["RequestReceived"]},
        )
    )
    alice = UserInfo("alice", ("system:authenticated",))
    secret = Attributes(alice, "get", namespace="dev", resource="secrets", name="db")
    assert policy.decide(secret) == ("RequestResponse", frozenset())
    assert policy.decide(Attributes(alice, "get", False, path="/healthz/etcd"))[0] == "None"
    assert policy.decide(Attributes(UserInfo("system:kube-proxy"), "list", resource="services"))[0] == "None"
    assert policy.decide(Attributes(alice, "list", resource="pods")) == ("Metadata", frozenset({"RequestReceived"}))


def test_bad_audit_policies_are_named() -> None:
    with pytest.raises(PolicyError, match=r"rules\[0\].level: 'Everything'"):
        parse_policy(_policy({"level": "Everything"}))
    with pytest.raises(PolicyError, match="unknown stage 'Later'"):
        parse_policy(_policy({"level": "None"}, omit=("Later",)))
    with pytest.raises(PolicyError, match="cannot be combined"):
        parse_policy(_policy({"level": "None", "nonResourceURLs": ["/x"], "namespaces": ["a"]}))
