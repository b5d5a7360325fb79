"""Create and update (PUT, and the write half of PATCH), with kube-apiserver's object semantics.

Order of work, as upstream: decode and check the body -> defaults -> mutating admission -> system fields (uid,
timestamps, generation, status kept or reset) -> validation (422 with every field error) -> validating admission ->
storage. A write that changes nothing is not written: the resourceVersion stays and no watch event is sent.
"""

from __future__ import annotations

import copy
from typing import Any

from kubelite.apiserver import errors
from kubelite.apiserver.admission import AdmissionRequest, Operation
from kubelite.apiserver.errors import Resource
from kubelite.apiserver.fieldmanager import (
    ApplyConflict,
    FieldManagerError,
    FieldSet,
    PathElement,
    update_managed_fields,
)
from kubelite.apiserver.objects import Object, encode, meta, new_uid, normalize_meta, now, without
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.storage import KeyExistsError, KeyNotFoundError, RevisionConflictError, StoredObject
from kubelite.apiserver.store.base import CAS_RETRIES, MAX_OBJECT_BYTES, StoreBase
from kubelite.apiserver.store.context import RequestContext
from kubelite.apiserver.validation.names import generate_name
from kubelite.apiserver.validation.objectmeta import validate_object_meta, validate_object_meta_update

#: Metadata only the server sets; a create body's values for them are dropped.
_SERVER_SET_ON_CREATE = ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink")
_GENERATED_NAME_ATTEMPTS = 8


class WriteMixin(StoreBase):
    async def create(
        self, rt: ResourceType, namespace: str | None, body: Any, ctx: RequestContext, *, applied: bool = False
    ) -> Object:
        """POST. ``applied``: the body comes from server-side apply and carries its managedFields already."""
        obj = self._check_body(rt, body)
        self._check_namespace(rt, obj, namespace)
        m = meta(obj)
        generated_from = None
        if not m.get("name") and m.get("generateName"):
            generated_from = m["generateName"]
            m["name"] = generate_name(generated_from)
        # Unknown fields are judged on the body as sent, before defaults are added (as upstream's decoder).
        self._check_unknown_fields(rt, obj, ctx)
        rt.strategy.default(obj)
        await self._admit("CREATE", rt, obj, None, ctx, mutate=True)
        for key in _SERVER_SET_ON_CREATE:
            m.pop(key, None)
        m.pop("resourceVersion", None)
        m["uid"] = new_uid()
        m["creationTimestamp"] = now()
        if self._tracks_generation(rt):
            m["generation"] = 1
        else:
            m.pop("generation", None)
        if rt.status_subresource:
            rt.strategy.prepare_for_create(obj)
        if not applied:
            self._track_fields(rt, None, obj, ctx, "")
        self._validate(rt, obj, None)
        await self._admit("CREATE", rt, obj, None, ctx, mutate=False)
        if ctx.dry_run:
            return obj
        stored_obj = self._to_storage_version(rt, obj)
        for _ in range(_GENERATED_NAME_ATTEMPTS):
            try:
                stored = await self.storage.create(rt.key(namespace, m["name"]), self._encode_checked(stored_obj))
            except KeyExistsError:
                if generated_from is None:
                    raise errors.already_exists(Resource(rt.group, rt.plural), m["name"]) from None
                m["name"] = meta(stored_obj)["name"] = generate_name(generated_from)
                continue
            return self._decode(rt, stored.value, stored.mod_revision)
        raise errors.APIError(
            409,
            "AlreadyExists",
            f'{rt.group_resource} "{m["name"]}" already exists, the server was not able to generate a unique name '
            "for the object",
            rt.group,
            rt.plural,
            m["name"],
        )

    async def update(
        self,
        rt: ResourceType,
        namespace: str | None,
        name: str,
        body: Any,
        ctx: RequestContext,
        *,
        subresource: str = "",
    ) -> tuple[Object, bool]:
        """PUT. Returns the stored object and whether it was created (PUT of a missing object, where allowed)."""
        obj = self._check_body(rt, body)
        self._check_namespace(rt, obj, namespace)
        m = meta(obj)
        if m.get("name") and m["name"] != name:
            raise errors.bad_request(
                f"the name of the object ({m['name']}) does not match the name on the URL ({name})"
            )
        m["name"] = name
        requested_rv = m.get("resourceVersion") or ""
        for _ in range(CAS_RETRIES):
            current = await self.storage.get(rt.key(namespace, name))
            if current is None:
                if subresource or not rt.strategy.allow_create_on_update:
                    raise errors.not_found(Resource(rt.group, rt.plural), name)
                return await self.create(rt, namespace, obj, ctx), True
            if requested_rv and requested_rv != str(current.mod_revision):
                raise self.conflict_error(rt, name)
            if not requested_rv and not rt.strategy.allow_unconditional_update:
                raise errors.invalid_object(
                    rt.kind,
                    rt.group,
                    name,
                    [errors.invalid("metadata.resourceVersion", 0, "must be specified for an update")],
                )
            old = self._decode(rt, current.value, current.mod_revision)
            try:
                return await self.replace(rt, current, old, copy.deepcopy(obj), ctx, subresource=subresource), False
            except RevisionConflictError:
                if requested_rv:
                    raise self.conflict_error(rt, name) from None
        raise self.conflict_error(rt, name)

    async def replace(
        self,
        rt: ResourceType,
        current: StoredObject,
        old: Object,
        new: Object,
        ctx: RequestContext,
        *,
        subresource: str = "",
        applied: bool = False,
    ) -> Object:
        """Write ``new`` over ``old`` (read at ``current``); raises RevisionConflictError when ``current`` is stale.

        Shared by PUT and PATCH: the caller decides whether a lost race is retried (no resourceVersion pinned) or
        reported as 409.
        """
        name = meta(old)["name"]
        if subresource == "status":
            new = self._status_only(new, old)
        elif rt.status_subresource and subresource not in rt.strategy.spec_and_status_subresources:
            if "status" in old:
                new["status"] = copy.deepcopy(old["status"])
            else:
                new.pop("status", None)
        self._keep_system_fields(new, old)
        if subresource != "status":
            self._check_unknown_fields(rt, new, ctx)
            rt.strategy.default(new)
        await self._admit("UPDATE", rt, new, old, ctx, mutate=True, subresource=subresource)
        self._keep_system_fields(new, old)
        rt.strategy.prepare_for_update(new, old)
        if self._tracks_generation(rt) and self._spec_changed(rt, new, old):
            meta(new)["generation"] = int(meta(old).get("generation") or 0) + 1
        if not applied:
            self._track_fields(rt, old, new, ctx, subresource)
        self._validate(rt, new, old)
        await self._admit("UPDATE", rt, new, old, ctx, mutate=False, subresource=subresource)
        normalize_meta(new)
        new_m = meta(new)
        unchanged = without(new, "metadata") == without(old, "metadata") and without_rv(new_m) == without_rv(meta(old))
        # NB: a value read with an old encryption key is written again even unchanged (key rotation by rewrite).
        if unchanged and not getattr(current, "stale", False):
            return old  # a no-op write: nothing stored, resourceVersion unchanged
        if ctx.dry_run:
            return new
        key = current.key
        if new_m.get("deletionTimestamp") and not new_m.get("finalizers") and not rt.strategy.deletion_blocked(new):
            # The last finalizer is gone from an object being deleted: the update completes the deletion.
            try:
                deleted = self._wrote(await self.storage.delete(key, expected_revision=current.mod_revision))
            except KeyNotFoundError:
                raise errors.not_found(Resource(rt.group, rt.plural), name) from None
            stored_new = self._to_storage_version(rt, new)
            return self._decode(rt, encode(stored_new), deleted.mod_revision)
        try:
            stored = self._wrote(
                await self.storage.update(
                    key,
                    self._encode_checked(self._to_storage_version(rt, new)),
                    expected_revision=current.mod_revision,
                )
            )
        except KeyNotFoundError:
            raise errors.not_found(Resource(rt.group, rt.plural), name) from None
        return self._decode(rt, stored.value, stored.mod_revision)

    # -- helpers -------------------------------------------------------------------------------------------------

    @staticmethod
    def _tracks_generation(rt: ResourceType) -> bool:
        return rt.custom or rt.strategy.generation == "spec"

    @staticmethod
    def _spec_changed(rt: ResourceType, new: Object, old: Object) -> bool:
        ignored = ("metadata", "status") if rt.status_subresource else ("metadata",)
        return without(new, *ignored) != without(old, *ignored)

    @staticmethod
    def _status_only(new: Object, old: Object) -> Object:
        """A /status write changes status and nothing else (managedFields are the one exception)."""
        result = copy.deepcopy(old)
        if "status" in new:
            result["status"] = new["status"]
        else:
            result.pop("status", None)
        managed = meta(new).get("managedFields")
        if managed is not None:
            meta(result)["managedFields"] = managed
        return result

    @staticmethod
    def _keep_system_fields(new: Object, old: Object) -> None:
        """Fields only the server moves: kept from the stored object whatever the client sent."""
        m, om = meta(new), meta(old)
        if not m.get("uid"):
            m["uid"] = om.get("uid")
        m["resourceVersion"] = om.get("resourceVersion")
        for key in ("creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"):
            if key in om:
                m[key] = om[key]
            else:
                m.pop(key, None)
        if "managedFields" not in m and "managedFields" in om:
            m["managedFields"] = om["managedFields"]

    @staticmethod
    def _track_fields(rt: ResourceType, old: Object | None, new: Object, ctx: RequestContext, subresource: str) -> None:
        """managedFields: what this write changed now belongs to its field manager."""
        try:
            fields = update_managed_fields(
                old,
                new,
                manager=ctx.field_manager,
                api_version=rt.api_version,
                subresource=subresource,
                schema=rt.strategy.schema(),
                now=now(),
                reset_fields=reset_fields(rt, subresource),
            )
        except FieldManagerError as exc:
            raise field_manager_error(exc) from None
        if fields:
            meta(new)["managedFields"] = fields
        else:
            meta(new).pop("managedFields", None)

    def _validate(self, rt: ResourceType, obj: Object, old: Object | None) -> None:
        m = meta(obj)
        problems = validate_object_meta(m, namespaced=rt.namespaced, name_rule=rt.strategy.name_rule)
        if old is None:
            problems += rt.strategy.validate(obj)
        else:
            problems += validate_object_meta_update(m, meta(old))
            problems += rt.strategy.validate_update(obj, old)
        if problems:
            raise errors.invalid_object(rt.kind, rt.group, str(m.get("name") or ""), problems)

    def _check_unknown_fields(self, rt: ResourceType, obj: Object, ctx: RequestContext) -> None:
        """Unknown fields are dropped; ``fieldValidation`` says whether that is silent, a warning or a 400."""
        if ctx.field_validation == "Ignore":
            rt.strategy.prune(obj)
            return
        unknown = rt.strategy.prune(obj)
        if not unknown:
            return
        if ctx.field_validation == "Strict":
            listed = ", ".join(f'unknown field "{path}"' for path in unknown)
            raise errors.bad_request(f"strict decoding error: {listed}")
        for path in unknown:
            ctx.warn(f'unknown field "{path}"')

    async def _admit(
        self,
        operation: Operation,
        rt: ResourceType,
        obj: Object | None,
        old: Object | None,
        ctx: RequestContext,
        *,
        mutate: bool,
        subresource: str = "",
    ) -> None:
        if not self.admission.plugins:
            return
        source = obj if obj is not None else old
        m = meta(source) if source is not None else {}
        request = AdmissionRequest(
            operation=operation,
            resource=rt,
            namespace=str(m.get("namespace") or ""),
            name=str(m.get("name") or ""),
            object=obj,
            old_object=old,
            user=ctx.user,
            dry_run=ctx.dry_run,
            subresource=subresource,
        )
        if mutate:
            await self.admission.mutate(request)
        else:
            await self.admission.validate(request)

    @staticmethod
    def _encode_checked(obj: Object) -> bytes:
        normalize_meta(obj)
        data = encode(obj)
        if len(data) > MAX_OBJECT_BYTES:
            raise errors.too_large(f"Request entity too large: limit is {MAX_OBJECT_BYTES}")
        return data

    @staticmethod
    def conflict_error(rt: ResourceType, name: str) -> errors.APIError:
        return errors.conflict(
            Resource(rt.group, rt.plural),
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )


def reset_fields(rt: ResourceType, subresource: str) -> FieldSet | None:
    """Fields an endpoint resets, which no manager may own: status on the main resource, spec on /status."""
    if subresource == "status":
        return FieldSet.of((PathElement.field("spec"),))
    if rt.status_subresource and not subresource:
        return FieldSet.of((PathElement.field("status"),))
    return None


def field_manager_error(exc: FieldManagerError) -> errors.APIError:
    causes = exc.causes() if isinstance(exc, ApplyConflict) else []
    return errors.APIError(exc.code, exc.reason, str(exc), raw_causes=causes)


def without_rv(m: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in m.items() if k != "resourceVersion"}
