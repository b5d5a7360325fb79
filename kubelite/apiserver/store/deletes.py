"""Delete and deletecollection: preconditions, finalizers, propagation policies, graceful deletion.

An object with finalizers is not removed: it gets ``deletionTimestamp`` (and its generation moves), and it goes
when the last finalizer is removed by an update. ``propagationPolicy`` adds the garbage collector's finalizers:
``Foreground`` adds ``foregroundDeletion`` (dependents go first), ``Orphan`` adds ``orphan`` (dependents lose their
ownerReference); ``Background`` (the default) removes the object now and lets the collector delete dependents.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from kubelite.apiserver import errors
from kubelite.apiserver.errors import Resource
from kubelite.apiserver.objects import Object, meta, now
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.storage import KeyNotFoundError, RevisionConflictError
from kubelite.apiserver.store.base import CAS_RETRIES
from kubelite.apiserver.store.context import RequestContext
from kubelite.apiserver.store.reads import ListQuery, ReadMixin
from kubelite.apiserver.store.writes import WriteMixin

Propagation = Literal["Background", "Foreground", "Orphan"]
FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"


@dataclass(frozen=True, slots=True)
class DeleteOptions:
    propagation: Propagation | None = None
    grace_period_seconds: int | None = None
    precondition_uid: str | None = None
    precondition_resource_version: str | None = None

    @classmethod
    def parse(cls, body: Any, query: dict[str, str]) -> DeleteOptions:
        """From a DeleteOptions body and/or query parameters (the query wins, as upstream)."""
        spec: dict[str, Any] = body if isinstance(body, dict) else {}
        propagation = query.get("propagationPolicy") or spec.get("propagationPolicy")
        orphan = query.get("orphanDependents", spec.get("orphanDependents"))
        if propagation is None and orphan is not None:
            propagation = "Orphan" if str(orphan).lower() == "true" else "Background"
        problems = []
        if propagation not in (None, "Background", "Foreground", "Orphan"):
            problems.append(
                errors.not_supported("propagationPolicy", propagation, ["Foreground", "Background", "Orphan"])
            )
        grace_raw = query.get("gracePeriodSeconds", spec.get("gracePeriodSeconds"))
        grace: int | None = None
        if grace_raw is not None:
            try:
                grace = int(grace_raw)
            except (TypeError, ValueError):
                raise errors.bad_request(f"invalid gracePeriodSeconds: {grace_raw!r}") from None
        pre = spec.get("preconditions") or {}
        if not isinstance(pre, dict):
            problems.append(errors.invalid("preconditions", pre, "must be an object"))
            pre = {}
        if problems:
            raise errors.invalid_object("DeleteOptions", "meta.k8s.io", "", problems)
        return cls(propagation, grace, pre.get("uid"), pre.get("resourceVersion"))  # type: ignore[arg-type]


class DeleteMixin(WriteMixin, ReadMixin):
    async def delete(
        self,
        rt: ResourceType,
        namespace: str | None,
        name: str,
        options: DeleteOptions,
        ctx: RequestContext,
    ) -> tuple[Object, bool]:
        """Returns the object (deleted, or marked for deletion) and whether it is gone now."""
        for _ in range(CAS_RETRIES):
            current, obj = await self.read_current(rt, namespace, name)
            m = meta(obj)
            self._check_preconditions(rt, name, m, options)
            await self._admit("DELETE", rt, None, obj, ctx, mutate=False)
            marked = copy.deepcopy(obj)
            mm = meta(marked)
            finalizers = list(mm.get("finalizers") or [])
            finalizers = _with_propagation_finalizers(finalizers, options.propagation, bool(m.get("deletionTimestamp")))
            graceful = rt.strategy.graceful_deletion_seconds(obj, options.grace_period_seconds)
            blocked = rt.strategy.deletion_blocked(obj)
            if m.get("deletionTimestamp") or finalizers or graceful or blocked:
                if finalizers != list(m.get("finalizers") or []):
                    mm["finalizers"] = finalizers
                if not m.get("deletionTimestamp"):
                    mm["deletionTimestamp"] = now()
                    mm["deletionGracePeriodSeconds"] = graceful
                    rt.strategy.mark_deleting(marked)
                    if "generation" in mm:
                        mm["generation"] = int(mm["generation"]) + 1
                elif graceful == 0 and not finalizers and not blocked and mm.get("deletionGracePeriodSeconds", 0) > 0:
                    # A graceful deletion cut short (gracePeriodSeconds=0): remove now.
                    return await self._remove(rt, current.key, current.mod_revision, obj, ctx)
                if mm == m and marked == obj:
                    return obj, False
                if ctx.dry_run:
                    return marked, False
                try:
                    stored = self._wrote(
                        await self.storage.update(
                            current.key,
                            self._encode_checked(self._to_storage_version(rt, marked)),
                            expected_revision=current.mod_revision,
                        )
                    )
                except (RevisionConflictError, KeyNotFoundError):
                    continue
                return self._decode(rt, stored.value, stored.mod_revision), False
            try:
                return await self._remove(rt, current.key, current.mod_revision, obj, ctx)
            except RevisionConflictError:
                continue
        raise self.conflict_error(rt, name)

    async def delete_collection(
        self,
        rt: ResourceType,
        namespace: str | None,
        query: ListQuery,
        options: DeleteOptions,
        ctx: RequestContext,
    ) -> Object:
        """Delete every object a list with ``query`` returns; answers the list of what was deleted or marked."""
        listed = await self.list(rt, namespace, query)
        deleted = []
        for obj in listed["items"]:
            m = meta(obj)
            try:
                result, _ = await self.delete(rt, m.get("namespace") or namespace, m["name"], options, ctx)
            except errors.APIError as exc:
                if exc.code == 404:
                    continue  # deleted meanwhile by someone else
                raise
            deleted.append(result)
        if not rt.custom:
            for obj in deleted:
                obj.pop("apiVersion", None)
                obj.pop("kind", None)
        return {**listed, "items": deleted}

    async def finalize_namespace(self, rt: ResourceType, name: str, body: Any, ctx: RequestContext) -> Object:
        """PUT namespaces/NAME/finalize: only ``spec.finalizers`` moves; an emptied, terminating namespace goes."""
        wanted = self._check_body(rt, body)
        finalizers = (wanted.get("spec") or {}).get("finalizers") or []
        for _ in range(CAS_RETRIES):
            current, old = await self.read_current(rt, None, name)
            new = copy.deepcopy(old)
            new.setdefault("spec", {})["finalizers"] = finalizers
            if new == old:
                return old
            if ctx.dry_run:
                return new
            om = meta(old)
            try:
                if om.get("deletionTimestamp") and not finalizers and not om.get("finalizers"):
                    return (await self._remove(rt, current.key, current.mod_revision, new, ctx))[0]
                stored = self._wrote(
                    await self.storage.update(
                        current.key, self._encode_checked(new), expected_revision=current.mod_revision
                    )
                )
            except RevisionConflictError:
                continue
            return self._decode(rt, stored.value, stored.mod_revision)
        raise self.conflict_error(rt, name)

    async def _remove(
        self, rt: ResourceType, key: str, revision: int, obj: Object, ctx: RequestContext
    ) -> tuple[Object, bool]:
        if ctx.dry_run:
            return obj, True
        try:
            deleted = self._wrote(await self.storage.delete(key, expected_revision=revision))
        except KeyNotFoundError:
            raise errors.not_found(Resource(rt.group, rt.plural), meta(obj)["name"]) from None
        return self._decode(rt, deleted.value, deleted.mod_revision), True

    @staticmethod
    def _check_preconditions(rt: ResourceType, name: str, m: dict[str, Any], options: DeleteOptions) -> None:
        resource = Resource(rt.group, rt.plural)
        if options.precondition_uid is not None and options.precondition_uid != m.get("uid"):
            raise errors.conflict(
                resource,
                name,
                f"Precondition failed: UID in precondition: {options.precondition_uid}, "
                f"UID in object meta: {m.get('uid')}",
            )
        if options.precondition_resource_version is not None and options.precondition_resource_version != m.get(
            "resourceVersion"
        ):
            raise errors.conflict(
                resource,
                name,
                f"Precondition failed: ResourceVersion in precondition: {options.precondition_resource_version}, "
                f"ResourceVersion in object meta: {m.get('resourceVersion')}",
            )


def _with_propagation_finalizers(finalizers: list[str], propagation: Propagation | None, deleting: bool) -> list[str]:
    """The garbage collector's finalizers for a propagation policy (a repeated delete may switch policies)."""
    if propagation is None:
        return finalizers
    if deleting and FOREGROUND not in finalizers and ORPHAN not in finalizers:
        # Upstream only switches policy on an object already being deleted when it carries one of these.
        return finalizers
    result = [f for f in finalizers if f not in (FOREGROUND, ORPHAN)]
    if propagation == "Foreground":
        result.append(FOREGROUND)
    elif propagation == "Orphan":
        result.append(ORPHAN)
    return result
