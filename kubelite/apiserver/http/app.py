"""The aiohttp application: authentication, impersonation, authorization, audit, error bodies, and routing to
discovery, OpenAPI, health, the review APIs and resources.

Every failure leaves as a ``kind: Status`` body; an unexpected exception is a 500 with the same shape (and a log
line with the traceback), never an HTML page.
"""

from __future__ import annotations

import logging
import platform
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from kubelite.apiserver import errors
from kubelite.apiserver.audit.log import ATTRIBUTES, AUTHENTICATED, USER, AuditLog
from kubelite.apiserver.auth import impersonation
from kubelite.apiserver.auth.chain import Authenticator
from kubelite.apiserver.authorization.attributes import Attributes, non_resource_attributes, resource_attributes
from kubelite.apiserver.authorization.authorizer import AlwaysAllow, Chain
from kubelite.apiserver.authorization.forbidden import forbidden
from kubelite.apiserver.authorization.reviews import ReviewHandler
from kubelite.apiserver.discovery import Discovery
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.http import routing
from kubelite.apiserver.http.bodies import respond, respond_error
from kubelite.apiserver.http.negotiation import parse_accept
from kubelite.apiserver.http.resources import ResourceHandler
from kubelite.apiserver.openapi.documents import OpenAPIDocuments
from kubelite.apiserver.openapi.v2 import OpenAPIV2
from kubelite.apiserver.user import ANONYMOUS, UserInfo
from kubelite.version import KUBERNETES_MAJOR, KUBERNETES_MINOR, VERSION

log = logging.getLogger(__name__)

#: Paths anyone may read without credentials (kube-apiserver's system:public-info-viewer).
PUBLIC_PATHS = ("/healthz", "/livez", "/readyz", "/version")
AGGREGATED_V2 = "apidiscovery.k8s.io/v2"
AGGREGATED_V2BETA1 = "apidiscovery.k8s.io/v2beta1"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
USER_KEY = web.AppKey("user", UserInfo)


class HTTPApp:
    def __init__(
        self,
        resources: ResourceHandler,
        discovery: Discovery,
        openapi: OpenAPIDocuments,
        authenticator: Authenticator,
        *,
        anonymous_auth: bool = False,
        ready: Callable[[], bool] = lambda: True,
        authorizer: Chain | None = None,
        reviews: dict[tuple[str, str], ReviewHandler] | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        self.resources = resources
        self.discovery = discovery
        self.openapi = openapi
        self.openapi_v2 = OpenAPIV2(openapi)
        self.authenticator = authenticator
        self.anonymous_auth = anonymous_auth
        self.ready = ready
        self.authorizer = authorizer or Chain([AlwaysAllow()], enforcing=False)
        self.reviews = reviews or {}
        self.audit = audit

    def build(self) -> web.Application:
        middlewares = [self._errors] if self.audit is None else [self.audit.middleware, self._errors]
        app = web.Application(middlewares=middlewares, client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        return app

    @web.middleware
    async def _errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except APIError as exc:
            return respond_error(exc)
        except web.HTTPException:
            raise
        except Exception as exc:
            log.exception("internal error serving %s %s", request.method, request.path)
            return respond_error(errors.internal(f"{type(exc).__name__}: {exc}"))

    async def _authenticate(self, request: web.Request) -> UserInfo:
        user = await self.authenticator.authenticate(request)
        if user is not None:
            return user
        if self.anonymous_auth or _is_public(request.path):
            return ANONYMOUS
        raise errors.unauthorized()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        user = await self._authenticate(request)
        request[AUTHENTICATED] = request[USER] = user
        if impersonation.requested(request.headers):
            user = impersonation.impersonate(user, request.headers, self.authorizer)
            request[USER] = user
        path = request.path.rstrip("/") or "/"
        info = routing.parse(request.method, path, dict(request.query))
        attributes = self._attributes(user, request, info)
        request[ATTRIBUTES] = attributes
        verdict = self.authorizer.authorize(attributes)
        if not verdict.allowed:
            raise forbidden(attributes, verdict.reason)
        if _is_health(path):
            return self._health(path, request)
        if path == "/version":
            return respond(_version())
        if path.startswith("/openapi/"):
            return self._openapi(path, request)
        if info is None:
            raise APIError(404, "NotFound", "the server could not find the requested resource")
        if info.verb == "discovery":
            return self._discovery(info, request)
        review = self.reviews.get((info.group, info.resource))
        if review is not None and not info.subresource:
            if info.verb != "create" or info.name:
                raise errors.method_not_allowed("the server does not allow this method on the requested resource")
            return await review(request, info, user)
        return await self.resources.handle(request, info, user)

    @staticmethod
    def _attributes(user: UserInfo, request: web.Request, info: routing.RequestInfo | None) -> Attributes:
        """What authorization judges: a resource request, or the method and path of anything else."""
        if info is None or info.verb == "discovery":
            return non_resource_attributes(user, request.method, request.path)
        return resource_attributes(user, info)

    def _health(self, path: str, request: web.Request) -> web.Response:
        ok = path.startswith("/livez") or path.startswith("/healthz") or self.ready()
        if request.query.get("verbose") is not None:
            check = "[+]ping ok" if ok else "[-]storage failed"
            text = f"{check}\n{path.lstrip('/')} check {'passed' if ok else 'failed'}\n"
        else:
            text = "ok" if ok else "not ready"
        return web.Response(text=text, status=200 if ok else 500, content_type="text/plain")

    def _discovery(self, info: routing.RequestInfo, request: web.Request) -> web.Response:
        if request.method not in ("GET", "HEAD"):
            raise errors.method_not_allowed("the server does not allow this method on the requested resource")
        accept = parse_accept(request.headers.get("Accept"))
        if info.discovery_depth == 0:
            for media in accept:
                if (
                    media.as_ == "APIGroupDiscoveryList"
                    and media.group == "apidiscovery.k8s.io"
                    and media.version
                    in (
                        "v2",
                        "v2beta1",
                    )
                ):
                    api_version = AGGREGATED_V2 if media.version == "v2" else AGGREGATED_V2BETA1
                    aggregated = self.discovery.aggregated(info.legacy, api_version)
                    content_type = f"application/json;g=apidiscovery.k8s.io;v={media.version};as=APIGroupDiscoveryList"
                    response = respond(aggregated, content_type=content_type)
                    response.headers["Vary"] = "Accept"
                    response.headers["ETag"] = self.discovery.etag(aggregated)
                    return response
                if media.type in ("application/json", "*/*") and not media.as_:
                    break
            if info.legacy:
                return respond(self.discovery.api_versions(_host(request)))
            return respond(self.discovery.api_group_list())
        document: dict[str, Any] | None
        if info.legacy:
            document = self.discovery.api_resource_list("", info.version) if info.version == "v1" else None
        elif info.discovery_depth == 1:
            document = self.discovery.api_group(info.group)
        else:
            document = self.discovery.api_resource_list(info.group, info.version)
        if document is None:
            raise APIError(404, "NotFound", "the server could not find the requested resource")
        return respond(document)

    def _openapi(self, path: str, request: web.Request) -> web.Response:
        if path == "/openapi/v2":
            return self._openapi_v2(request)
        if path == "/openapi/v3":
            return respond(self.openapi.index())
        if path.startswith("/openapi/v3/"):
            document = self.openapi.document(path.removeprefix("/openapi/v3/"))
            if document is not None:
                response = respond(document)
                response.headers["Cache-Control"] = "no-cache, private"
                return response
        raise APIError(404, "NotFound", "the server could not find the requested resource")

    def _openapi_v2(self, request: web.Request) -> web.Response:
        """JSON, or gnostic protobuf for client-go (which asks for nothing else); 406 otherwise, as kube-openapi."""
        if request.method not in ("GET", "HEAD"):
            raise errors.method_not_allowed("the server does not allow this method on the requested resource")
        representation = self.openapi_v2.negotiate(request.headers.get("Accept"))
        if representation is None:
            raise APIError(
                406,
                "NotAcceptable",
                "only the following media types are accepted: application/json, "
                "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
            )
        headers = {"ETag": representation.etag, "Vary": "Accept", "Cache-Control": "no-cache, private"}
        if representation.etag in (t.strip() for t in request.headers.get("If-None-Match", "").split(",")):
            return web.Response(status=304, headers=headers)
        response = web.Response(body=representation.body, headers=headers)
        response.headers["Content-Type"] = representation.content_type
        return response


def _is_health(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in ("/healthz", "/livez", "/readyz"))


def _is_public(path: str) -> bool:
    path = path.rstrip("/") or "/"
    return any(path == p or path.startswith(p + "/") for p in PUBLIC_PATHS)


def _host(request: web.Request) -> str:
    return request.host or "127.0.0.1"


def _version() -> dict[str, str]:
    return {
        "major": KUBERNETES_MAJOR,
        "minor": KUBERNETES_MINOR,
        "gitVersion": f"v{KUBERNETES_MAJOR}.{KUBERNETES_MINOR}.0+kubelite-{VERSION}",
        "gitCommit": "",
        "gitTreeState": "clean",
        "buildDate": "",
        "goVersion": f"python{platform.python_version()}",
        "compiler": "cpython",
        "platform": f"{platform.system().lower()}/{platform.machine()}",
    }
