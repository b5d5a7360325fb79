"""The ``/scale`` subresource: an ``autoscaling/v1`` Scale view of any resource that declares replica paths.

Reading builds the Scale from the object; writing (PUT or PATCH of the Scale) changes only the object's replica
count, guarded by the Scale's resourceVersion when one is given. ``kubectl scale`` uses exactly this.
"""

from __future__ import annotations

import copy
from typing import Any

from aiohttp import web

from kubelite.apiserver import errors
from kubelite.apiserver.http.bodies import read_object, read_raw, respond
from kubelite.apiserver.http.negotiation import content_type_of
from kubelite.apiserver.http.routing import RequestInfo
from kubelite.apiserver.objects import Object, get_path, meta, set_path
from kubelite.apiserver.patch.errors import PatchError
from kubelite.apiserver.patch.jsonpatch import apply_json_patch
from kubelite.apiserver.patch.merge import apply_merge_patch
from kubelite.apiserver.resources import ResourceType, ScaleSpec
from kubelite.apiserver.storage import RevisionConflictError
from kubelite.apiserver.store import RequestContext, Store
from kubelite.apiserver.store.base import CAS_RETRIES
from kubelite.apiserver.store.patches import JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, parse_patch


def to_scale(spec: ScaleSpec, obj: Object) -> Object:
    m = meta(obj)
    status: dict[str, Any] = {"replicas": int(get_path(obj, spec.status_replicas_path) or 0)}
    if spec.label_selector_path:
        selector = get_path(obj, spec.label_selector_path)
        if selector is None and spec.label_selector_path == "status.selector":
            match_labels = get_path(obj, "spec.selector.matchLabels") or {}
            selector = ",".join(f"{k}={v}" for k, v in sorted(match_labels.items())) or None
        if selector:
            status["selector"] = selector
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            key: m[key] for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if key in m
        },
        "spec": {"replicas": int(get_path(obj, spec.spec_replicas_path) or 0)},
        "status": status,
    }


class ScaleHandler:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def handle(
        self, request: web.Request, rt: ResourceType, info: RequestInfo, namespace: str | None, ctx: RequestContext
    ) -> web.StreamResponse:
        spec = rt.scale
        assert spec is not None
        if info.verb == "get":
            return respond(to_scale(spec, await self.store.get(rt, namespace, info.name)))
        if info.verb not in ("update", "patch"):
            raise errors.method_not_allowed(f"{info.verb} is not supported on {rt.plural}/scale")
        patch_type = content_type_of(request.headers.get("Content-Type"))
        if info.verb == "patch" and patch_type not in (JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH):
            raise errors.unsupported_media_type(patch_type)
        # The body is decoded once; a lost race re-applies it to the newer object.
        body: Any = await read_object(request) if info.verb == "update" else parse_patch(await read_raw(request))
        for _ in range(CAS_RETRIES):
            current, obj = await self.store.read_current(rt, namespace, info.name)
            scale = to_scale(spec, obj)
            wanted = body if info.verb == "update" else _patched(scale, patch_type, body)
            if not isinstance(wanted, dict) or wanted.get("kind", "Scale") != "Scale":
                raise errors.bad_request("the body must be an autoscaling/v1 Scale")
            rv = (wanted.get("metadata") or {}).get("resourceVersion")
            if rv and rv != meta(obj)["resourceVersion"]:
                raise self.store.conflict_error(rt, info.name)
            replicas = (wanted.get("spec") or {}).get("replicas")
            if not isinstance(replicas, int) or replicas < 0:
                raise errors.invalid_object(
                    "Scale",
                    "autoscaling",
                    info.name,
                    [errors.invalid("spec.replicas", replicas, "must be greater than or equal to 0")],
                )
            new = copy.deepcopy(obj)
            set_path(new, spec.spec_replicas_path, replicas)
            try:
                stored = await self.store.replace(rt, current, obj, new, ctx)
            except RevisionConflictError:
                if rv:
                    raise self.store.conflict_error(rt, info.name) from None
                continue
            return respond(to_scale(spec, stored), warnings=ctx.warnings)
        raise self.store.conflict_error(rt, info.name)


def _patched(scale: Object, patch_type: str, document: Any) -> Any:
    """The Scale after a JSON or merge patch (the caller checked the type); a Scale has no lists, so a strategic
    merge patch of it is a merge patch."""
    try:
        if patch_type == JSON_PATCH:
            return apply_json_patch(scale, document)
        return apply_merge_patch(scale, document)
    except PatchError as exc:
        raise errors.invalid_object("Scale", "autoscaling", "", [errors.invalid("", None, str(exc))]) from None
