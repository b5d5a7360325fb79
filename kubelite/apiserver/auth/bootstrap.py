"""Bootstrap tokens (``--enable-bootstrap-token-auth``): how a joining node authenticates before it has a cert.

A token ``<id>.<secret>`` (6 and 16 characters of ``[a-z0-9]``) is valid while the Secret
``kube-system/bootstrap-token-<id>`` of type ``bootstrap.kubernetes.io/token`` exists, holds the same ``token-id``
and ``token-secret``, allows ``usage-bootstrap-authentication``, and has not passed its ``expiration`` (RFC 3339).
The user is ``system:bootstrap:<id>`` in ``system:bootstrappers``, plus the groups in ``auth-extra-groups``
(each must start with ``system:bootstrappers:``, as upstream requires; others make the token invalid).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hmac
import re
from collections.abc import Awaitable, Callable

from kubelite.apiserver.objects import Object
from kubelite.apiserver.user import UserInfo

TOKEN = re.compile(r"([a-z0-9]{6})\.([a-z0-9]{16})")
SECRET_TYPE = "bootstrap.kubernetes.io/token"
GROUP = "system:bootstrappers"

#: Reads ``kube-system/<name>`` (a Secret), or None when it does not exist.
SecretReader = Callable[[str], Awaitable[Object | None]]


def _field(data: dict[str, str], key: str) -> str:
    try:
        return base64.b64decode(data.get(key, ""), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ""


def user_of(token: str, secret: Object | None, now: datetime.datetime) -> UserInfo | None:
    """The user ``token`` authenticates as, given its Secret; None when the Secret does not make it valid."""
    match = TOKEN.fullmatch(token)
    if match is None or secret is None or secret.get("type") != SECRET_TYPE:
        return None
    token_id, token_secret = match.groups()
    data = secret.get("data") or {}
    if not isinstance(data, dict):
        return None
    if _field(data, "token-id") != token_id or not hmac.compare_digest(_field(data, "token-secret"), token_secret):
        return None
    if _field(data, "usage-bootstrap-authentication") != "true":
        return None
    expiration = _field(data, "expiration")
    if expiration:
        try:
            expires = datetime.datetime.fromisoformat(expiration.replace("Z", "+00:00"))
        except ValueError:
            return None
        if expires.tzinfo is None or expires <= now:
            return None
    extra = [g.strip() for g in _field(data, "auth-extra-groups").split(",") if g.strip()]
    if any(not g.startswith(GROUP + ":") for g in extra):
        return None
    return UserInfo(f"system:bootstrap:{token_id}", (GROUP, *extra, "system:authenticated"))


class BootstrapTokenAuthenticator:
    def __init__(self, read_secret: SecretReader) -> None:
        self._read_secret = read_secret

    async def authenticate(self, token: str) -> UserInfo | None:
        match = TOKEN.fullmatch(token)
        if match is None:
            return None
        secret = await self._read_secret(f"bootstrap-token-{match.group(1)}")
        return user_of(token, secret, datetime.datetime.now(datetime.UTC))
