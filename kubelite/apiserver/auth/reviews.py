"""The authentication review APIs (``authentication.k8s.io/v1``), answered and never stored.

* ``selfsubjectreviews``: who am I? (``kubectl auth whoami``): ``status.userInfo`` of the requester, after
  impersonation.
* ``tokenreviews``: who does this bearer token belong to? ``spec.token`` and optional ``spec.audiences``; the answer
  says ``authenticated``, the ``user`` and the ``audiences`` the token is good for (static and bootstrap tokens are
  good for the API's own audiences).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from kubelite.apiserver.auth.chain import Authenticator
from kubelite.apiserver.authorization.reviews import ReviewHandler
from kubelite.apiserver.errors import bad_request
from kubelite.apiserver.http.bodies import read_object, respond
from kubelite.apiserver.http.routing import RequestInfo
from kubelite.apiserver.user import UserInfo

GROUP = "authentication.k8s.io"


class AuthenticationReviews:
    def __init__(self, authenticator: Authenticator) -> None:
        self._authenticator = authenticator

    def handlers(self) -> dict[tuple[str, str], ReviewHandler]:
        return {(GROUP, "selfsubjectreviews"): self.self_subject, (GROUP, "tokenreviews"): self.token}

    async def self_subject(self, request: web.Request, info: RequestInfo, user: UserInfo) -> web.Response:
        body = await read_object(request, optional=True)
        if body is not None and (not isinstance(body, dict) or body.get("kind") not in (None, "SelfSubjectReview")):
            raise bad_request("the request body must be a SelfSubjectReview")
        answer = {
            "kind": "SelfSubjectReview",
            "apiVersion": f"{GROUP}/v1",
            "metadata": {"creationTimestamp": None},
            "status": {"userInfo": user.as_dict()},
        }
        return respond(answer, 201)

    async def token(self, request: web.Request, info: RequestInfo, user: UserInfo) -> web.Response:
        body = await read_object(request)
        if not isinstance(body, dict) or body.get("kind") not in (None, "TokenReview"):
            raise bad_request("the request body must be a TokenReview")
        spec = body.get("spec") or {}
        token = spec.get("token") if isinstance(spec, dict) else None
        if not isinstance(token, str) or not token:
            raise bad_request("spec.token is required")
        wanted = [a for a in spec.get("audiences") or [] if isinstance(a, str)]
        found = await self._authenticator.authenticate_token(token, wanted or None)
        status: dict[str, Any] = {"user": {}}
        if found is None:
            status.update(authenticated=False, error="invalid bearer token")
        else:
            reviewed, audiences = found
            status.update(authenticated=True, user=reviewed.as_dict(), audiences=audiences)
        answer = {
            "kind": "TokenReview",
            "apiVersion": f"{GROUP}/v1",
            "metadata": {"creationTimestamp": None},
            "spec": spec,
            "status": status,
        }
        return respond(answer, 201)
