"""``serviceaccounts/<name>/token``: the TokenRequest API (``kubectl create token``, the kubelet's projected
service-account token volumes).

``POST`` a TokenRequest (``authentication.k8s.io/v1``) with ``spec.audiences`` (default: the API audiences),
``spec.expirationSeconds`` (default 3600, at least 600, at most ``--service-account-max-token-expiration`` when
set) and optionally ``spec.boundObjectRef`` (a Pod, Secret or Node that must exist, with the given uid if one is
named); the answer (201) is the request with ``status.token`` and ``status.expirationTimestamp``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from kubelite.apiserver.auth.serviceaccounts import TokenIssuer
from kubelite.apiserver.errors import APIError, FieldError, bad_request, invalid, invalid_object, not_supported
from kubelite.apiserver.http.bodies import read_object, respond
from kubelite.apiserver.http.routing import RequestInfo
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.store import RequestContext, Store

GROUP = "authentication.k8s.io"
DEFAULT_SECONDS = 3600
MIN_SECONDS = 600
MAX_SECONDS = 2**32
BOUND_KINDS = {"Pod": "pods", "Secret": "secrets", "Node": "nodes"}


class TokenRequestHandler:
    def __init__(self, store: Store, issuer: TokenIssuer, max_seconds: int | None = None) -> None:
        self._store = store
        self._issuer = issuer
        self._max_seconds = max_seconds

    async def __call__(
        self, request: web.Request, rt: ResourceType, info: RequestInfo, ctx: RequestContext
    ) -> web.StreamResponse:
        if info.verb != "create":
            raise APIError(405, "MethodNotAllowed", f"{info.verb} is not supported on serviceaccounts/token")
        body = await read_object(request)
        if not isinstance(body, dict) or body.get("kind") not in (None, "TokenRequest"):
            raise bad_request("the request body must be a TokenRequest")
        spec = body.get("spec") or {}
        if not isinstance(spec, dict):
            raise bad_request("spec must be an object")
        namespace = info.namespace or ""
        account = await self._store.get(rt, namespace, info.name)
        audiences = [a for a in spec.get("audiences") or [] if isinstance(a, str)] or self._issuer.audiences
        seconds = self._seconds(spec.get("expirationSeconds", DEFAULT_SECONDS), info.name)
        bound = None
        ref = spec.get("boundObjectRef")
        if ref:
            bound = await self._bound_object(ref, namespace, info.name)
        issued = self._issuer.issue(account, audiences, seconds, bound)
        answer_spec: dict[str, Any] = {"audiences": audiences, "expirationSeconds": seconds}
        if ref:
            answer_spec["boundObjectRef"] = ref
        answer = {
            "apiVersion": f"{GROUP}/v1",
            "kind": "TokenRequest",
            "metadata": {"name": info.name, "namespace": namespace, "creationTimestamp": None},
            "spec": answer_spec,
            "status": {"token": issued.token, "expirationTimestamp": issued.expires.strftime("%Y-%m-%dT%H:%M:%SZ")},
        }
        return respond(answer, 201)

    def _seconds(self, raw: Any, name: str) -> int:
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise self._invalid(name, [invalid("spec.expirationSeconds", raw, "must be an integer")])
        if raw < MIN_SECONDS:
            raise self._invalid(
                name, [invalid("spec.expirationSeconds", raw, "may not specify a duration less than 10 minutes")]
            )
        if raw > MAX_SECONDS:
            raise self._invalid(
                name, [invalid("spec.expirationSeconds", raw, "may not specify a duration larger than 2^32 seconds")]
            )
        return min(raw, self._max_seconds) if self._max_seconds else raw

    @staticmethod
    def _invalid(name: str, causes: list[FieldError]) -> APIError:
        return invalid_object("TokenRequest", GROUP, name, causes)

    async def _bound_object(self, ref: Any, namespace: str, name: str) -> dict[str, Any]:
        if not isinstance(ref, dict):
            raise self._invalid(name, [invalid("spec.boundObjectRef", ref, "must be an object")])
        kind = ref.get("kind")
        plural = BOUND_KINDS.get(str(kind))
        if plural is None:
            raise self._invalid(name, [not_supported("spec.boundObjectRef.kind", kind, list(BOUND_KINDS))])
        if ref.get("apiVersion", "v1") != "v1":
            raise self._invalid(name, [not_supported("spec.boundObjectRef.apiVersion", ref.get("apiVersion"), ["v1"])])
        rt = self._store.registry.get("", "v1", plural)
        if rt is None:
            raise bad_request(f"{kind} objects are not served here")
        obj = await self._store.get(rt, namespace if rt.namespaced else None, str(ref.get("name", "")))
        uid = ref.get("uid")
        if uid and (obj.get("metadata") or {}).get("uid") != uid:
            raise APIError(
                409,
                "Conflict",
                f"the UID in the bound object reference ({uid}) does not match the UID in record. "
                "The object might have been deleted and then recreated",
            )
        return {"kind": kind, **obj}
