"""The resource handler: one request on a resource path, dispatched to the generic store by verb.

It owns what is HTTP-shaped (query parameters, status codes, content negotiation into Tables and
PartialObjectMetadata, the watch stream) and leaves object semantics to the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from kubelite.apiserver import errors
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.http.bodies import dumps, read_object, read_raw, respond
from kubelite.apiserver.http.negotiation import JSON, MediaType, content_type_of, parse_accept, wants
from kubelite.apiserver.http.routing import RequestInfo
from kubelite.apiserver.http.scale import ScaleHandler
from kubelite.apiserver.objects import Object, meta
from kubelite.apiserver.registry import Registry
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.store import DeleteOptions, ListQuery, RequestContext, Store, WatchQuery
from kubelite.apiserver.store.context import FieldValidation
from kubelite.apiserver.store.patches import APPLY_PATCH
from kubelite.apiserver.store.watches import BOOKMARK_INTERVAL
from kubelite.apiserver.tables import AGE, NAME, Column, build_table, partial_object_metadata
from kubelite.apiserver.user import UserInfo

#: Handlers of subresources registered in code (``shoots/binding``): (request, resource, info, ctx) -> response.
SubresourceHandler = Callable[[web.Request, ResourceType, RequestInfo, RequestContext], Awaitable[web.StreamResponse]]

#: Without ``timeoutSeconds`` a watch lasts between these (kube-apiserver: --min-request-timeout, 1800 s, to 2x).
WATCH_MIN_SECONDS = 1800
#: How many recent watch events are kept encoded for the next watcher that sends the same one.
_SHARED_LINES = 512


class ResourceHandler:
    def __init__(self, store: Store, registry: Registry, *, bookmark_interval: float = BOOKMARK_INTERVAL) -> None:
        self.store = store
        self.registry = registry
        self.bookmark_interval = bookmark_interval
        self._lines: OrderedDict[tuple[str, str, str, str], bytes] = OrderedDict()
        self.scale = ScaleHandler(store)
        self.subresource_handlers: dict[tuple[str, str, str], SubresourceHandler] = {}

    def register_subresource(self, group: str, plural: str, subresource: str, handler: SubresourceHandler) -> None:
        self.subresource_handlers[(group, plural, subresource)] = handler

    async def handle(self, request: web.Request, info: RequestInfo, user: UserInfo) -> web.StreamResponse:
        rt = self.registry.get(info.group, info.version, info.resource)
        if rt is None:
            raise APIError(404, "NotFound", "the server could not find the requested resource")
        if rt.namespaced and info.namespace is None and info.verb not in ("list", "watch", "deletecollection"):
            raise APIError(404, "NotFound", "the server could not find the requested resource")
        namespace = info.namespace if rt.namespaced else None
        ctx = _context(request, user)
        if info.subresource:
            return await self._subresource(request, rt, info, namespace, ctx)
        if (info.verb == "create" and info.name) or (info.verb in ("update", "patch") and not info.name):
            raise errors.method_not_allowed("the server does not allow this method on the requested resource")
        if info.verb not in rt.verbs:
            raise errors.method_not_allowed(f'{info.verb} is not supported on resources of kind "{rt.group_resource}"')
        accept = parse_accept(request.headers.get("Accept"))
        match info.verb:
            case "get":
                obj = await self.store.get(rt, namespace, info.name)
                return self._render_one(rt, obj, accept, request)
            case "list":
                listed = await self.store.list(rt, namespace, ListQuery.parse(dict(request.query)))
                return self._render_list(rt, listed, accept, request)
            case "watch":
                return await self._watch(request, rt, namespace, info, accept)
            case "create":
                body = await read_object(request)
                obj = await self.store.create(rt, namespace, body, ctx)
                return respond(obj, 201, warnings=ctx.warnings)
            case "update":
                body = await read_object(request)
                obj, created = await self.store.update(rt, namespace, info.name, body, ctx)
                return respond(obj, 201 if created else 200, warnings=ctx.warnings)
            case "patch":
                raw = await read_raw(request)
                patch_type = content_type_of(request.headers.get("Content-Type"))
                force = request.query.get("force", "").lower() == "true"
                if patch_type == APPLY_PATCH:
                    obj, created = await self.store.server_side_apply(
                        rt, namespace, info.name, raw, ctx, subresource="", force=force
                    )
                    return respond(obj, 201 if created else 200, warnings=ctx.warnings)
                obj = await self.store.patch(rt, namespace, info.name, patch_type, raw, ctx, force=force)
                return respond(obj, warnings=ctx.warnings)
            case "delete":
                options = DeleteOptions.parse(await read_object(request, optional=True), dict(request.query))
                obj, gone = await self.store.delete(rt, namespace, info.name, options, ctx)
                if gone and not rt.custom:
                    return respond(_success(rt, obj), warnings=ctx.warnings)
                return respond(obj, warnings=ctx.warnings)
            case "deletecollection":
                options = DeleteOptions.parse(await read_object(request, optional=True), dict(request.query))
                listed = await self.store.delete_collection(
                    rt, namespace, ListQuery.parse(dict(request.query)), options, ctx
                )
                return respond(listed, warnings=ctx.warnings)
        raise errors.method_not_allowed(f"verb {info.verb} is not supported")

    async def _subresource(
        self, request: web.Request, rt: ResourceType, info: RequestInfo, namespace: str | None, ctx: RequestContext
    ) -> web.StreamResponse:
        sub = info.subresource
        custom = self.subresource_handlers.get((rt.group, rt.plural, sub))
        if custom is not None:
            return await custom(request, rt, info, ctx)
        if sub not in rt.subresources:
            raise APIError(404, "NotFound", "the server could not find the requested resource")
        if sub == "scale":
            return await self.scale.handle(request, rt, info, namespace, ctx)
        if sub == "finalize" and info.verb == "update":
            body = await read_object(request)
            return respond(await self.store.finalize_namespace(rt, info.name, body, ctx), warnings=ctx.warnings)
        match info.verb:
            case "get":
                return respond(await self.store.get(rt, namespace, info.name))
            case "update":
                body = await read_object(request)
                obj, _ = await self.store.update(rt, namespace, info.name, body, ctx, subresource=sub)
                return respond(obj, warnings=ctx.warnings)
            case "patch":
                raw = await read_raw(request)
                obj = await self.store.patch(
                    rt,
                    namespace,
                    info.name,
                    content_type_of(request.headers.get("Content-Type")),
                    raw,
                    ctx,
                    subresource=sub,
                    force=request.query.get("force", "").lower() == "true",
                )
                return respond(obj, warnings=ctx.warnings)
        raise errors.method_not_allowed(f"{info.verb} is not supported on {rt.plural}/{sub}")

    # -- rendering ------------------------------------------------------------------------------------------------

    def _render_one(self, rt: ResourceType, obj: Object, accept: list[MediaType], request: web.Request) -> web.Response:
        table = wants(accept, "Table", "meta.k8s.io", ("v1", "v1beta1"))
        if table is not None:
            return respond(self._table(rt, [obj], request, {"resourceVersion": meta(obj).get("resourceVersion")}))
        if wants(accept, "PartialObjectMetadata", "meta.k8s.io", ("v1", "v1beta1")) is not None:
            return respond(partial_object_metadata(obj))
        return respond(obj)

    def _render_list(
        self, rt: ResourceType, listed: Object, accept: list[MediaType], request: web.Request
    ) -> web.Response:
        if wants(accept, "Table", "meta.k8s.io", ("v1", "v1beta1")) is not None:
            items = [self._with_kind(rt, o) for o in listed["items"]]
            return respond(self._table(rt, items, request, listed["metadata"]))
        if wants(accept, "PartialObjectMetadataList", "meta.k8s.io", ("v1", "v1beta1")) is not None:
            return respond(
                {
                    "kind": "PartialObjectMetadataList",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": listed["metadata"],
                    "items": [partial_object_metadata(o) for o in listed["items"]],
                }
            )
        return respond(listed)

    @staticmethod
    def _with_kind(rt: ResourceType, obj: Object) -> Object:
        return {"apiVersion": rt.api_version, "kind": rt.kind, **obj}

    @staticmethod
    def _table(rt: ResourceType, objects: list[Object], request: web.Request, list_meta: dict[str, Any]) -> Object:
        columns: tuple[Column, ...] = rt.columns or (NAME, AGE)
        include = request.query.get("includeObject", "Metadata")
        return build_table(columns, objects, include_object=include, list_meta=list_meta)

    def _event_line(self, kind: str, obj: Object) -> bytes:
        """One watch event as a JSON line, encoded once for all watchers (keyed by uid and resourceVersion)."""
        m = meta(obj)
        key = (str(obj.get("apiVersion")), str(m.get("uid")), str(m.get("resourceVersion")), kind)
        line = self._lines.get(key)
        if line is None:
            line = dumps({"type": kind, "object": obj}) + b"\n"
            if kind in ("ADDED", "MODIFIED", "DELETED"):
                self._lines[key] = line
                if len(self._lines) > _SHARED_LINES:
                    self._lines.popitem(last=False)
        return line

    # -- watch ----------------------------------------------------------------------------------------------------

    async def _watch(
        self,
        request: web.Request,
        rt: ResourceType,
        namespace: str | None,
        info: RequestInfo,
        accept: list[MediaType],
    ) -> web.StreamResponse:
        query = dict(request.query)
        if info.name:
            selector = f"metadata.name={info.name}"
            existing = query.get("fieldSelector")
            query["fieldSelector"] = f"{existing},{selector}" if existing else selector
        watch_query = WatchQuery.parse(query)
        timeout_raw = request.query.get("timeoutSeconds")
        try:
            timeout = float(timeout_raw) if timeout_raw else WATCH_MIN_SECONDS * (1 + random.random())
        except ValueError:
            raise errors.bad_request(f"invalid timeoutSeconds: {timeout_raw!r}") from None
        table = wants(accept, "Table", "meta.k8s.io", ("v1", "v1beta1")) is not None
        events = await self.store.watch(rt, namespace, watch_query, bookmark_interval=self.bookmark_interval)
        response = web.StreamResponse(status=200)
        response.content_type = JSON
        response.enable_chunked_encoding()
        response.headers["Cache-Control"] = "no-cache, private"
        await response.prepare(request)
        headers_sent = False

        async def send(kind: str, obj: Object) -> None:
            nonlocal headers_sent
            if table and kind not in ("ERROR", "BOOKMARK"):
                rendered = self._table(rt, [obj], request, {"resourceVersion": meta(obj).get("resourceVersion")})
                if headers_sent:
                    rendered["columnDefinitions"] = None
                headers_sent = True
                line = dumps({"type": kind, "object": rendered}) + b"\n"
            else:
                line = self._event_line(kind, obj)
            await response.write(line)

        try:
            async with asyncio.timeout(timeout):
                async for kind, obj in events:
                    await send(kind, obj)
        except (TimeoutError, ConnectionResetError):
            pass
        finally:
            with contextlib.suppress(Exception):
                await events.aclose()  # type: ignore[attr-defined]
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response


def _success(rt: ResourceType, obj: Object) -> Object:
    details: dict[str, Any] = {"name": meta(obj).get("name"), "kind": rt.plural, "uid": meta(obj).get("uid")}
    if rt.group:
        details["group"] = rt.group
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}


def _context(request: web.Request, user: UserInfo) -> RequestContext:
    dry_run = request.query.getall("dryRun", [])
    for value in dry_run:
        if value != "All":
            raise errors.invalid_object(
                "DeleteOptions" if request.method == "DELETE" else "CreateOptions",
                "meta.k8s.io",
                "",
                [errors.not_supported("dryRun", value, ["All"])],
            )
    validation = request.query.get("fieldValidation", "Warn")
    if validation not in ("Ignore", "Warn", "Strict"):
        raise errors.bad_request(
            f'fieldValidation parameter unsupported: "{validation}". Supported values: Ignore, Warn, Strict'
        )
    field_validation: FieldValidation = validation  # type: ignore[assignment]
    explicit = request.query.get("fieldManager")
    manager = explicit or _manager_from_agent(request.headers.get("User-Agent", ""))
    return RequestContext(
        user=user,
        dry_run=bool(dry_run),
        field_validation=field_validation,
        field_manager=manager,
        field_manager_explicit=bool(explicit),
    )


def _manager_from_agent(agent: str) -> str:
    """Upstream's default field manager: the user agent up to the first '/' (``kubectl-client-side-apply``...)."""
    return agent.split("/", maxsplit=1)[0][:128] if agent else "unknown"
