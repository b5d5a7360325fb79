"""Writing audit events: an aiohttp middleware that logs ``RequestReceived`` and ``ResponseComplete`` (unless the
policy omits them) for every request the policy does not level ``None``.

Each line is an ``audit.k8s.io/v1`` Event: ``auditID`` (shared by a request's stages, and returned to the client in
the ``Audit-ID`` header), ``stage``, ``level``, ``requestURI``, ``verb``, ``user`` (the authenticated one;
``impersonatedUser`` when acting as someone else), ``sourceIPs``, ``userAgent``, ``objectRef`` (resource,
namespace, name, apiGroup, apiVersion, subresource), ``responseStatus.code`` and the two timestamps. At
``RequestResponse`` the response body is included as ``responseObject`` (except for watches). The request body is
not recorded at any level (see docs/operations/security.md).

Lines are written synchronously and flushed, so an event is on disk when the response leaves.
"""

from __future__ import annotations

import contextlib
import datetime
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any

import orjson
from aiohttp import web

from kubelite.apiserver.audit.policy import Level, Policy
from kubelite.apiserver.authorization.attributes import Attributes, non_resource_attributes
from kubelite.apiserver.user import ANONYMOUS, UserInfo

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
#: Set on the request by the HTTP app once known (see kubelite.apiserver.http.app).
AUTHENTICATED = web.RequestKey("authenticated", UserInfo)
USER = web.RequestKey("user", UserInfo)
ATTRIBUTES = web.RequestKey("attributes", Attributes)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class AuditLog:
    def __init__(self, path: str, policy: Policy) -> None:
        self.policy = policy
        self._out: IO[bytes]
        if path == "-":
            self._out = sys.stdout.buffer
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._out = open(path, "ab")  # noqa: SIM115  (kept open for the server's life; closed by close())
        self._path = path

    def close(self) -> None:
        if self._path != "-":
            self._out.close()

    def write(self, event: dict[str, Any]) -> None:
        self._out.write(orjson.dumps(event) + b"\n")
        self._out.flush()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        audit_id = request.headers.get("Audit-ID") or str(uuid.uuid4())
        received = _now()
        status = 500
        response: web.StreamResponse | None = None
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            self._complete(request, audit_id, received, status, response)

    def _complete(
        self,
        request: web.Request,
        audit_id: str,
        received: str,
        status: int,
        response: web.StreamResponse | None,
    ) -> None:
        attributes = request.get(ATTRIBUTES)
        if attributes is None:
            user = request.get(USER) or ANONYMOUS
            attributes = non_resource_attributes(user, request.method, request.path)
        if response is not None and not response.prepared:
            response.headers["Audit-ID"] = audit_id
        level, omitted = self.policy.decide(attributes)
        if level == "None":
            return
        base = self._event(request, audit_id, received, level, attributes)
        if "RequestReceived" not in omitted:
            self.write({**base, "stage": "RequestReceived", "stageTimestamp": received})
        if "ResponseComplete" not in omitted:
            event = {**base, "stage": "ResponseComplete", "stageTimestamp": _now()}
            event["responseStatus"] = {"metadata": {}, "code": status}
            if level == "RequestResponse" and isinstance(response, web.Response) and response.body is not None:
                body = response.body
                if isinstance(body, bytes) and response.content_type == "application/json":
                    with contextlib.suppress(orjson.JSONDecodeError):
                        event["responseObject"] = orjson.loads(body)
            self.write(event)

    @staticmethod
    def _event(
        request: web.Request, audit_id: str, received: str, level: Level, attributes: Attributes
    ) -> dict[str, Any]:
        authenticated = request.get(AUTHENTICATED)
        effective = request.get(USER) or attributes.user
        event: dict[str, Any] = {
            "kind": "Event",
            "apiVersion": "audit.k8s.io/v1",
            "level": level,
            "auditID": audit_id,
            "requestURI": request.path_qs,
            "verb": attributes.verb,
            "user": (authenticated or effective).as_dict(),
            "sourceIPs": [request.remote] if request.remote else [],
            "userAgent": request.headers.get("User-Agent", ""),
            "requestReceivedTimestamp": received,
        }
        if authenticated is not None and authenticated != effective:
            event["impersonatedUser"] = effective.as_dict()
        if attributes.resource_request:
            ref: dict[str, str] = {"resource": attributes.resource}
            if attributes.namespace:
                ref["namespace"] = attributes.namespace
            if attributes.name:
                ref["name"] = attributes.name
            ref["apiGroup"] = attributes.api_group
            ref["apiVersion"] = attributes.api_version
            if attributes.subresource:
                ref["subresource"] = attributes.subresource
            event["objectRef"] = ref
        return event
