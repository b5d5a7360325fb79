"""PATCH: JSON patch, merge patch and strategic merge patch, applied to the latest object and written with CAS.

A patch is applied to what is stored now and written with compare-and-swap; a lost race re-reads and re-applies
(the patch, not the result, is what the client asked for). A ``resourceVersion`` inside the patch is a
precondition, as upstream. Strategic merge patch needs the kind's schema (merge keys and strategies), which only
built-in kinds have: for custom resources it is refused with 415, as kube-apiserver does.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from kubelite.apiserver import codec, errors
from kubelite.apiserver.errors import Resource
from kubelite.apiserver.fieldmanager import FieldManagerError, apply
from kubelite.apiserver.objects import Object, meta, now
from kubelite.apiserver.patch.errors import InvalidPatch, PatchError, PatchTestFailed
from kubelite.apiserver.patch.jsonpatch import apply_json_patch
from kubelite.apiserver.patch.merge import apply_merge_patch
from kubelite.apiserver.patch.strategic import apply_strategic_merge_patch
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.storage import RevisionConflictError
from kubelite.apiserver.store.base import CAS_RETRIES
from kubelite.apiserver.store.context import RequestContext
from kubelite.apiserver.store.deletes import DeleteMixin
from kubelite.apiserver.store.writes import field_manager_error, reset_fields

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
APPLY_PATCH_CBOR = "application/apply-patch+cbor"
PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH)


class PatchMixin(DeleteMixin):
    async def patch(
        self,
        rt: ResourceType,
        namespace: str | None,
        name: str,
        patch_type: str,
        body: bytes,
        ctx: RequestContext,
        *,
        subresource: str = "",
        force: bool = False,
    ) -> Object:
        if patch_type not in PATCH_TYPES:
            raise errors.unsupported_media_type(patch_type)
        if patch_type == STRATEGIC_MERGE_PATCH and (rt.custom or rt.strategy.schema() is None):
            raise errors.APIError(
                415,
                "UnsupportedMediaType",
                f"the body of the request was in an unknown format - accepted media types include: "
                f"{JSON_PATCH}, {MERGE_PATCH}, {APPLY_PATCH}",
            )
        if patch_type == APPLY_PATCH:
            obj, _ = await self.server_side_apply(rt, namespace, name, body, ctx, subresource=subresource, force=force)
            return obj
        document = parse_patch(body)
        for _ in range(CAS_RETRIES):
            current, old = await self.read_current(rt, namespace, name)
            patched = self._apply(rt, patch_type, copy.deepcopy(old), document, name)
            if not isinstance(patched, dict):
                raise errors.bad_request("the patched object is not a JSON object")
            m = meta(patched)
            if m.get("resourceVersion") not in (None, "", meta(old).get("resourceVersion")):
                raise self.conflict_error(rt, name)
            if m.get("name") not in (None, name):
                raise errors.invalid_object(
                    rt.kind, rt.group, name, [errors.invalid("metadata.name", m.get("name"), "field is immutable")]
                )
            checked = self._check_body(rt, patched)
            self._check_namespace(rt, checked, namespace)
            try:
                return await self.replace(rt, current, old, checked, ctx, subresource=subresource)
            except RevisionConflictError:
                continue
        raise self.conflict_error(rt, name)

    async def server_side_apply(
        self,
        rt: ResourceType,
        namespace: str | None,
        name: str,
        body: bytes,
        ctx: RequestContext,
        *,
        subresource: str,
        force: bool,
    ) -> tuple[Object, bool]:
        """Server-side apply: merge the applied configuration, record ownership, refuse conflicts unless forced.

        A missing object is created (unless this is a subresource), as upstream; returns whether it was.
        """
        if not ctx.field_manager_explicit:
            raise errors.invalid_object(
                "PatchOptions",
                "meta.k8s.io",
                "",
                [errors.required("fieldManager", "is required for apply requests")],
            )
        try:
            config = yaml.safe_load(body)
        except yaml.YAMLError as exc:
            raise errors.bad_request(f"error decoding YAML: {exc}") from None
        if not isinstance(config, dict):
            raise errors.bad_request("the apply configuration must be an object")
        config_name = (config.get("metadata") or {}).get("name") if isinstance(config.get("metadata"), dict) else None
        if config_name not in (None, name):
            raise errors.bad_request(
                f"the name of the object ({config_name}) does not match the name on the URL ({name})"
            )
        for _ in range(CAS_RETRIES):
            current = await self.storage.get(rt.key(namespace, name))
            live = self._decode(rt, current.value, current.mod_revision) if current is not None else None
            if live is None and subresource:
                raise errors.not_found(Resource(rt.group, rt.plural), name)
            try:
                applied = apply(
                    live,
                    config,
                    manager=ctx.field_manager,
                    api_version=rt.api_version,
                    force=force,
                    schema=rt.strategy.schema(),
                    now=now(),
                    subresource=subresource,
                    reset_fields=reset_fields(rt, subresource),
                )
            except FieldManagerError as exc:
                raise field_manager_error(exc) from None
            if live is None or current is None:
                meta(applied)["name"] = name
                try:
                    return await self.create(rt, namespace, applied, ctx, applied=True), True
                except errors.APIError as exc:
                    if exc.reason == "AlreadyExists":
                        continue  # created meanwhile: apply to it
                    raise
            checked = self._check_body(rt, applied)
            self._check_namespace(rt, checked, namespace)
            try:
                replaced = await self.replace(rt, current, live, checked, ctx, subresource=subresource, applied=True)
            except RevisionConflictError:
                continue
            return replaced, False
        raise self.conflict_error(rt, name)

    @staticmethod
    def _apply(rt: ResourceType, patch_type: str, target: Object, document: Any, name: str) -> Any:
        try:
            if patch_type == JSON_PATCH:
                if not isinstance(document, list):
                    raise errors.bad_request("json patch must be a list of operations")
                return apply_json_patch(target, document)
            if not isinstance(document, dict):
                raise errors.bad_request("a merge patch must be a JSON object")
            if patch_type == MERGE_PATCH:
                return apply_merge_patch(target, document)
            schema = rt.strategy.schema()
            assert schema is not None  # checked by the caller
            return apply_strategic_merge_patch(target, document, schema)
        except PatchTestFailed as exc:
            raise errors.invalid_object(rt.kind, rt.group, name, [errors.invalid("", None, str(exc))]) from None
        except InvalidPatch as exc:
            raise errors.bad_request(str(exc)) from None
        except PatchError as exc:
            raise errors.invalid_object(rt.kind, rt.group, name, [errors.invalid("", None, str(exc))]) from None


def parse_patch(body: bytes) -> Any:
    """A JSON patch document; 400 when it is not JSON."""
    try:
        return codec.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.bad_request(f"error decoding patch: {exc}") from None
