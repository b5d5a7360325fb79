"""The user data an OperatingSystemConfig renders, read back as a node reads it; bootstrap tokens."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml

from kubelite.nodes.userdata import BOOTSTRAP_KUBECONFIG, KUBELET_CONFIG, UserdataError, files, parse
from providers.extensions import bootstrap_token
from providers.extensions.osc import render

pytestmark = pytest.mark.unit

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


class NoKube:
    """Rendering inline files never reads the cluster."""

    def get(self, *args: Any) -> None:
        raise AssertionError("unexpected read")


SPEC = {
    "type": "ubuntu",
    "purpose": "provision",
    "units": [
        {
            "name": "kubelet.service",
            "command": "start",
            "content": "[Service]\nExecStart=/opt/bin/kubelet\n",
            "dropIns": [{"name": "10-env.conf", "content": "[Service]\nEnvironment=A=1\n"}],
        }
    ],
    "files": [
        {"path": "/etc/motd", "permissions": 0o644, "content": {"inline": {"encoding": "", "data": "hello\n"}}},
        {"path": "/etc/b64", "content": {"inline": {"encoding": "b64", "data": base64.b64encode(b"bytes").decode()}}},
    ],
}


def test_provision_user_data_carries_what_a_node_joins_with() -> None:
    text = render(NoKube(), "shoot--p--s", SPEC, ("https://127.0.0.1:6443", "Q0E=", "abcdef.0123456789abcdef"))  # type: ignore[arg-type]
    boot = parse(text)
    assert boot.server == "https://127.0.0.1:6443"
    assert boot.ca_data == "Q0E="
    assert boot.token == "abcdef.0123456789abcdef"
    assert boot.kubelet_config["kind"] == "KubeletConfiguration"
    written = files(text)
    assert written["/etc/motd"] == "hello\n"
    assert written["/etc/b64"] == "bytes"
    assert "ExecStart=/opt/bin/kubelet" in written["/etc/systemd/system/kubelet.service"]
    assert "A=1" in written["/etc/systemd/system/kubelet.service.d/10-env.conf"]
    document = yaml.safe_load(text)
    assert "systemctl enable --now kubelet.service" in document["runcmd"]
    modes = {entry["path"]: entry.get("permissions") for entry in document["write_files"]}
    assert modes[BOOTSTRAP_KUBECONFIG] == "0600"
    assert modes["/etc/motd"] == "0644"


def test_a_spec_kubelet_config_wins_over_the_default() -> None:
    spec = {**SPEC, "files": [{"path": KUBELET_CONFIG, "content": {"inline": {"data": "kind: Mine\n"}}}]}
    boot = parse(render(NoKube(), "ns", spec, ("https://x", None, "abcdef.0123456789abcdef")))  # type: ignore[arg-type]
    assert boot.kubelet_config == {"kind": "Mine"}


def test_reconcile_user_data_has_no_join_parts() -> None:
    text = render(NoKube(), "ns", {**SPEC, "purpose": "reconcile"}, None)  # type: ignore[arg-type]
    assert BOOTSTRAP_KUBECONFIG not in files(text)
    with pytest.raises(UserdataError, match="writes no"):
        parse(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("#!/bin/sh\necho hi\n", "not a cloud-config"),
        ("#cloud-config\nwrite_files:\n- content: x\n", "has no path"),
        ("#cloud-config\nwrite_files:\n- path: /x\n  encoding: gzip\n  content: x\n", "unsupported encoding"),
        ("#cloud-config\n: [\n", "not YAML"),
    ],
)
def test_bad_user_data_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(UserdataError, match=message):
        files(text)


def test_bootstrap_token_secrets_have_kubernetes_format() -> None:
    token = bootstrap_token.fresh(bootstrap_token.token_id_for("ns/osc"), NOW)
    assert bootstrap_token.TOKEN_PATTERN.fullmatch(token.token)
    secret = token.secret("for tests")
    assert secret["type"] == "bootstrap.kubernetes.io/token"
    assert secret["metadata"] == {"name": f"bootstrap-token-{token.token_id}", "namespace": "kube-system"}
    data = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert data["token-id"] == token.token_id
    assert len(data["token-secret"]) == 16
    assert data["expiration"] == "2026-05-02T12:00:00Z"
    assert data["usage-bootstrap-authentication"] == data["usage-bootstrap-signing"] == "true"
    assert data["auth-extra-groups"].startswith("system:bootstrappers:")
    assert bootstrap_token.parse_secret(secret) == token


def test_token_ids_are_stable_and_tokens_are_reused_until_half_their_validity() -> None:
    assert bootstrap_token.token_id_for("ns/a") == bootstrap_token.token_id_for("ns/a")
    assert bootstrap_token.token_id_for("ns/a") != bootstrap_token.token_id_for("ns/b")
    token = bootstrap_token.fresh("abcdef", NOW)
    assert bootstrap_token.reusable(token, NOW + timedelta(hours=11))
    assert not bootstrap_token.reusable(token, NOW + timedelta(hours=13))
    assert not bootstrap_token.reusable(None, NOW)


def test_masking_tokens_makes_user_data_fingerprints_ignore_renewals() -> None:
    a = render(NoKube(), "ns", SPEC, ("https://x", None, bootstrap_token.fresh("abcdef", NOW).token))  # type: ignore[arg-type]
    b = render(NoKube(), "ns", SPEC, ("https://x", None, bootstrap_token.fresh("abcdef", NOW).token))  # type: ignore[arg-type]
    assert a != b
    assert bootstrap_token.mask(a) == bootstrap_token.mask(b)
