"""Which bootstrap-token Secrets make a token valid, and who it then is."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest

from kubelite.apiserver.auth.bootstrap import user_of

pytestmark = pytest.mark.unit

NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
TOKEN = "abcdef.0123456789abcdef"


def secret(**data: str) -> dict[str, Any]:
    values = {
        "token-id": "abcdef",
        "token-secret": "0123456789abcdef",
        "usage-bootstrap-authentication": "true",
        **data,
    }
    return {
        "type": "bootstrap.kubernetes.io/token",
        "data": {k: base64.b64encode(v.encode()).decode() for k, v in values.items() if v is not None},
    }


def test_a_valid_token_is_a_bootstrapper() -> None:
    user = user_of(TOKEN, secret(**{"auth-extra-groups": "system:bootstrappers:worker"}), NOW)
    assert user is not None
    assert user.name == "system:bootstrap:abcdef"
    assert user.groups == ("system:bootstrappers", "system:bootstrappers:worker", "system:authenticated")


@pytest.mark.parametrize(
    ("token", "body"),
    [
        pytest.param("abcdef.0123456789abcdeX", secret(), id="wrong-secret"),
        pytest.param("ABCDEF.0123456789abcdef", secret(), id="not-the-format"),
        pytest.param(TOKEN, secret(**{"usage-bootstrap-authentication": "false"}), id="not-for-authentication"),
        pytest.param(TOKEN, secret(expiration="2026-11-25T11:59:59Z"), id="expired"),
        pytest.param(TOKEN, secret(expiration="tomorrow"), id="bad-expiration"),
        pytest.param(TOKEN, secret(**{"auth-extra-groups": "system:masters"}), id="escalating-group"),
        pytest.param(TOKEN, {**secret(), "type": "Opaque"}, id="wrong-type"),
        pytest.param(TOKEN, None, id="no-secret"),
    ],
)
def test_invalid_tokens(token: str, body: dict[str, Any] | None) -> None:
    assert user_of(token, body, NOW) is None


def test_an_unexpired_token_is_valid() -> None:
    assert user_of(TOKEN, secret(expiration="2026-11-25T12:00:01Z"), NOW) is not None
