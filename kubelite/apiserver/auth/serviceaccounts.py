"""Service-account tokens: issued by the TokenRequest API, verified on every request that presents one.

A token is a JWT with upstream's claims: ``iss`` (the first ``--service-account-issuer``), ``sub``
(``system:serviceaccount:<ns>:<name>``), ``aud`` (the audiences asked for, by default ``--api-audiences``), ``iat``,
``nbf``, ``exp``, ``jti``, and ``kubernetes.io`` naming the namespace, the service account (name and uid) and, for a
bound token, the Pod, Secret or Node it is bound to. A token is accepted while all of this holds: a known key signed
it, its issuer is one of ours, one of its audiences is one of the API server's, it has not expired, and the service
account (and the bound object) still exist with the uids the token names. Deleting either revokes the token.

The user is ``system:serviceaccount:<ns>:<name>`` with uid the service account's, in ``system:serviceaccounts``,
``system:serviceaccounts:<ns>`` and ``system:authenticated``; bound tokens add the pod's name and uid as extras,
and every token its ``jti`` as ``authentication.kubernetes.io/credential-id``.
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kubelite.apiserver.auth.jwt import PublicKey, Signer, TokenError, unverified_claims, verify
from kubelite.apiserver.objects import Object
from kubelite.apiserver.user import UserInfo

DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local"
PREFIX = "system:serviceaccount:"
#: Tolerated clock skew for ``nbf`` and ``iat`` (upstream's leeway).
LEEWAY_SECONDS = 60

#: Reads an object: (kind, namespace, name) -> the object, or None when it does not exist.
ObjectReader = Callable[[str, str, str], Awaitable[Object | None]]


def username(namespace: str, name: str) -> str:
    return f"{PREFIX}{namespace}:{name}"


def user_of_claims(claims: dict[str, Any]) -> UserInfo:
    k8s = claims.get("kubernetes.io") or {}
    namespace = str(k8s.get("namespace", ""))
    account = k8s.get("serviceaccount") or {}
    extra: dict[str, tuple[str, ...]] = {}
    pod = k8s.get("pod")
    if isinstance(pod, dict):
        extra["authentication.kubernetes.io/pod-name"] = (str(pod.get("name", "")),)
        extra["authentication.kubernetes.io/pod-uid"] = (str(pod.get("uid", "")),)
    node = k8s.get("node")
    if isinstance(node, dict):
        extra["authentication.kubernetes.io/node-name"] = (str(node.get("name", "")),)
        extra["authentication.kubernetes.io/node-uid"] = (str(node.get("uid", "")),)
    if claims.get("jti"):
        extra["authentication.kubernetes.io/credential-id"] = (f"JTI={claims['jti']}",)
    return UserInfo(
        username(namespace, str(account.get("name", ""))),
        ("system:serviceaccounts", f"system:serviceaccounts:{namespace}", "system:authenticated"),
        str(account.get("uid", "")),
        extra,
    )


@dataclass(frozen=True, slots=True)
class Issued:
    token: str
    expires: datetime.datetime


class TokenIssuer:
    """Signs tokens for service accounts (the TokenRequest API)."""

    def __init__(self, signer: Signer, issuer: str, audiences: Sequence[str]) -> None:
        self.signer = signer
        self.issuer = issuer
        self.audiences = list(audiences)

    def issue(
        self,
        account: Object,
        audiences: Sequence[str],
        seconds: int,
        bound: Object | None = None,
        *,
        now: float | None = None,
    ) -> Issued:
        issued_at = int(time.time() if now is None else now)
        m = account.get("metadata") or {}
        k8s: dict[str, Any] = {
            "namespace": m.get("namespace", ""),
            "serviceaccount": {"name": m.get("name", ""), "uid": m.get("uid", "")},
        }
        if bound is not None:
            bm = bound.get("metadata") or {}
            k8s[str(bound.get("kind", "")).lower()] = {"name": bm.get("name", ""), "uid": bm.get("uid", "")}
        claims = {
            "aud": list(audiences),
            "exp": issued_at + seconds,
            "iat": issued_at,
            "iss": self.issuer,
            "jti": str(uuid.uuid4()),
            "kubernetes.io": k8s,
            "nbf": issued_at,
            "sub": username(str(m.get("namespace", "")), str(m.get("name", ""))),
        }
        expires = datetime.datetime.fromtimestamp(issued_at + seconds, datetime.UTC)
        return Issued(self.signer.sign(claims), expires)


class ServiceAccountAuthenticator:
    """Verifies service-account tokens (see the module docstring for what makes one valid)."""

    def __init__(
        self,
        keys: Sequence[PublicKey],
        issuers: Sequence[str],
        audiences: Sequence[str],
        read: ObjectReader,
        *,
        lookup: bool = True,
    ) -> None:
        self.keys = list(keys)
        self.issuers = list(issuers)
        self.audiences = list(audiences)
        self._read = read
        #: ``--service-account-lookup``: check that the account and the bound object still exist.
        self.lookup = lookup

    def ours(self, token: str) -> bool:
        """Whether a token claims one of our issuers (other bearer tokens are left to other authenticators)."""
        try:
            return unverified_claims(token).get("iss") in self.issuers
        except TokenError:
            return False

    async def authenticate(self, token: str, audiences: Sequence[str] | None = None) -> UserInfo | None:
        """The token's user, or None when it is not valid for ``audiences`` (default: the API's)."""
        if not self.ours(token):
            return None
        try:
            claims = verify(token, self.keys)
        except TokenError:
            return None
        if not self._claims_valid(claims, audiences or self.audiences):
            return None
        if self.lookup and not await self._still_bound(claims):
            return None
        return user_of_claims(claims)

    @staticmethod
    def _claims_valid(claims: dict[str, Any], audiences: Sequence[str]) -> bool:
        now = time.time()
        exp, nbf = claims.get("exp"), claims.get("nbf", 0)
        if not isinstance(exp, int | float) or exp <= now:
            return False
        if not isinstance(nbf, int | float) or nbf > now + LEEWAY_SECONDS:
            return False
        aud = claims.get("aud")
        token_audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
        if not set(token_audiences) & set(audiences):
            return False
        k8s = claims.get("kubernetes.io")
        return isinstance(k8s, dict) and isinstance(k8s.get("serviceaccount"), dict) and bool(k8s.get("namespace"))

    async def _still_bound(self, claims: dict[str, Any]) -> bool:
        k8s = claims["kubernetes.io"]
        namespace = str(k8s["namespace"])
        for kind in ("serviceaccount", "pod", "secret", "node"):
            ref = k8s.get(kind)
            if ref is None:
                continue
            if not isinstance(ref, dict):
                return False
            obj = await self._read(kind, "" if kind == "node" else namespace, str(ref.get("name", "")))
            if obj is None or (obj.get("metadata") or {}).get("uid") != ref.get("uid"):
                return False
            if (obj.get("metadata") or {}).get("deletionTimestamp") and kind != "serviceaccount":
                return False
        return True
