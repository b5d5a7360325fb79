"""Bootstrap tokens (Kubernetes' ``bootstrap.kubernetes.io/token`` Secrets) with which new nodes join a shoot.

A token is ``<token-id>.<token-secret>`` (6 and 16 characters of ``[a-z0-9]``), kept in ``kube-system`` as the
Secret ``bootstrap-token-<token-id>``. The ID is derived from the OperatingSystemConfig it is for, so every
reconcile finds the same Secret; its secret part is reused while more than half of its validity remains and
renewed after that, so the user data (and hence the machines) does not change on every reconcile.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kubelite.client import SECRETS, Kube, KubeError

NAMESPACE = "kube-system"
SECRET_TYPE = "bootstrap.kubernetes.io/token"
AUTH_EXTRA_GROUPS = "system:bootstrappers:kubelite:machines"
VALIDITY = timedelta(hours=24)
#: A bootstrap token anywhere in a text (user data): what a fingerprint of user data masks out.
TOKEN_PATTERN = re.compile(r"\b[a-z0-9]{6}\.[a-z0-9]{16}\b")
_ALPHABET = string.ascii_lowercase + string.digits

Object = dict[str, Any]


@dataclass(frozen=True, slots=True)
class BootstrapToken:
    token_id: str
    token_secret: str
    expiration: datetime

    @property
    def token(self) -> str:
        return f"{self.token_id}.{self.token_secret}"

    @property
    def secret_name(self) -> str:
        return f"bootstrap-token-{self.token_id}"

    def secret(self, description: str) -> Object:
        data = {
            "token-id": self.token_id,
            "token-secret": self.token_secret,
            "expiration": self.expiration.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "usage-bootstrap-authentication": "true",
            "usage-bootstrap-signing": "true",
            "auth-extra-groups": AUTH_EXTRA_GROUPS,
            "description": description,
        }
        return {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": SECRET_TYPE,
            "metadata": {"name": self.secret_name, "namespace": NAMESPACE},
            "data": {key: base64.b64encode(value.encode()).decode() for key, value in data.items()},
        }


def token_id_for(owner: str) -> str:
    """A stable token ID for ``owner`` (``<namespace>/<osc name>``)."""
    digest = hashlib.sha256(owner.encode()).digest()
    return "".join(_ALPHABET[byte % len(_ALPHABET)] for byte in digest[:6])


def parse_secret(secret: Object) -> BootstrapToken | None:
    data = {key: base64.b64decode(value).decode() for key, value in (secret.get("data") or {}).items()}
    try:
        expiration = datetime.fromisoformat(data["expiration"].replace("Z", "+00:00"))
        return BootstrapToken(data["token-id"], data["token-secret"], expiration)
    except (KeyError, ValueError):
        return None


def reusable(token: BootstrapToken | None, now: datetime, validity: timedelta = VALIDITY) -> bool:
    return token is not None and token.expiration - now > validity / 2


def fresh(token_id: str, now: datetime, validity: timedelta = VALIDITY) -> BootstrapToken:
    return BootstrapToken(token_id, "".join(secrets.choice(_ALPHABET) for _ in range(16)), now + validity)


def ensure(shoot: Kube, owner: str, now: datetime | None = None, validity: timedelta = VALIDITY) -> BootstrapToken:
    """The valid token for ``owner`` in the shoot: the stored one while reusable, else a new one written over it."""
    at = now or datetime.now(UTC)
    token_id = token_id_for(owner)
    name = f"bootstrap-token-{token_id}"
    current = shoot.get(SECRETS, NAMESPACE, name)
    existing = parse_secret(current) if current is not None else None
    if existing is not None and reusable(existing, at, validity):
        return existing
    token = fresh(token_id, at, validity)
    body = token.secret(f"joins the nodes of {owner}")
    if current is None:
        try:
            shoot.create(SECRETS, NAMESPACE, body)
            return token
        except KubeError as exc:
            if not exc.conflict:
                raise
            current = shoot.get(SECRETS, NAMESPACE, name) or {}
    body["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
    shoot.update(SECRETS, NAMESPACE, name, body)
    return token


def delete(shoot: Kube, owner: str) -> None:
    shoot.delete(SECRETS, NAMESPACE, f"bootstrap-token-{token_id_for(owner)}")


def mask(text: str) -> str:
    """``text`` with every bootstrap token replaced, so fingerprints of user data ignore token renewals."""
    return TOKEN_PATTERN.sub("<bootstrap-token>", text)


__all__ = [
    "AUTH_EXTRA_GROUPS",
    "NAMESPACE",
    "SECRET_TYPE",
    "TOKEN_PATTERN",
    "VALIDITY",
    "BootstrapToken",
    "delete",
    "ensure",
    "fresh",
    "mask",
    "parse_secret",
    "reusable",
    "token_id_for",
]
