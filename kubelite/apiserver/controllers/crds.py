"""CustomResourceDefinitions: serving the resources they define, their status, and cleaning up on deletion.

On every change of a CRD the controller checks its names against the other CRDs of the group, registers one
ResourceType per served version (so discovery, OpenAPI and the REST paths change with the very next request),
and writes the ``NamesAccepted`` and ``Established`` conditions, ``acceptedNames`` and ``storedVersions``.
Deleting a CRD marks it Terminating with the ``customresourcecleanup.apiextensions.k8s.io`` finalizer; the
controller then deletes every custom resource (their own finalizers honoured) and lets the CRD go.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from kubelite.apiserver.controllers.follower import follow_with_worker
from kubelite.apiserver.crd.resources import resource_types
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.objects import Object, decode, meta, now
from kubelite.apiserver.registry import Registry
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.storage import EventType, StoredObject, WatchEvent
from kubelite.apiserver.store import DeleteOptions, ListQuery, RequestContext, Store

log = logging.getLogger(__name__)

GROUP = "apiextensions.k8s.io"
PREFIX = "/registry/apiextensions.k8s.io/customresourcedefinitions/"
CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io"


class CRDController:
    def __init__(self, store: Store, registry: Registry) -> None:
        self._store = store
        self._registry = registry
        self._ctx = RequestContext()
        #: CRD name -> (group, plural) currently registered for it.
        self._served: dict[str, tuple[str, str]] = {}
        self._cleanup: set[str] = set()
        self._wake = asyncio.Event()

    @property
    def _rt(self) -> ResourceType:
        rt = self._registry.get(GROUP, "v1", "customresourcedefinitions")
        assert rt is not None
        return rt

    async def load(self) -> None:
        """Register every stored CRD before the server starts answering (a restart serves them at once)."""
        listed = await self._store.list(self._rt, None, ListQuery())
        for crd in listed["items"]:
            self._serve(crd)

    async def run(self) -> None:
        await follow_with_worker(self._store.storage, PREFIX, self._sync, self._event, self._clean_up_loop)

    async def _sync(self, items: list[StoredObject]) -> None:
        names = set()
        for stored in items:
            crd = decode(stored.value, stored.mod_revision)
            names.add(meta(crd)["name"])
            await self._reconcile(crd)
        for name in set(self._served) - names:
            self._unserve(name)

    async def _event(self, event: WatchEvent) -> None:
        crd = decode(event.value, event.revision)
        if event.type is EventType.DELETE:
            self._unserve(meta(crd)["name"])
            return
        await self._reconcile(crd)

    # -- serving --------------------------------------------------------------------------------------------------

    def _conflict(self, crd: Object) -> str | None:
        spec = crd.get("spec") or {}
        names = spec.get("names") or {}
        mine = {names.get("plural"), names.get("singular"), *(names.get("shortNames") or [])} - {None, ""}
        for rt in self._registry:
            if rt.group != spec.get("group") or self._served.get(meta(crd)["name"]) == (rt.group, rt.plural):
                continue
            theirs = {rt.plural, rt.singular, *rt.short_names}
            clash = sorted(mine & theirs)
            if clash:
                return f'"{clash[0]}" is already in use'
            if rt.kind == names.get("kind"):
                return f'"{rt.kind}" is already in use'
        return None

    def _serve(self, crd: Object) -> str | None:
        """Register the CRD's versions; returns why its names were refused, if they were."""
        name = meta(crd)["name"]
        problem = self._conflict(crd)
        if problem is not None:
            return problem
        if meta(crd).get("deletionTimestamp"):
            return None  # keep serving while the cleanup deletes the custom resources
        self._unserve(name)
        types = resource_types(crd)
        self._registry.register_all(types)
        if types:
            self._served[name] = (types[0].group, types[0].plural)
        return None

    def _unserve(self, name: str) -> None:
        served = self._served.pop(name, None)
        if served is not None:
            self._registry.unregister(*served)

    async def _reconcile(self, crd: Object) -> None:
        problem = self._serve(crd)
        name = meta(crd)["name"]
        if meta(crd).get("deletionTimestamp") and CLEANUP_FINALIZER in (meta(crd).get("finalizers") or []):
            self._cleanup.add(name)
            self._wake.set()
        status = _desired_status(crd, problem)
        if status != crd.get("status"):
            body = json.dumps({"status": status}).encode()
            with contextlib.suppress(APIError):
                await self._store.patch(
                    self._rt, None, name, "application/merge-patch+json", body, self._ctx, subresource="status"
                )

    # -- cleanup --------------------------------------------------------------------------------------------------

    async def _clean_up_loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 1.0 if self._cleanup else None)
            self._wake.clear()
            for name in sorted(self._cleanup):
                try:
                    if await self._clean_up(name):
                        self._cleanup.discard(name)
                except APIError as exc:
                    if exc.code == 404:
                        self._cleanup.discard(name)
                    else:
                        log.warning("cleaning up CRD %s: %s", name, exc)
                except Exception:
                    log.exception("cleaning up CRD %s failed", name)

    async def _clean_up(self, name: str) -> bool:
        served = self._served.get(name)
        remaining = 0
        if served is not None:
            rt = next((r for r in self._registry.storage_resources() if (r.group, r.plural) == served), None)
            if rt is not None:
                listed = await self._store.list(rt, None, ListQuery())
                for obj in listed["items"]:
                    remaining += 1
                    if not meta(obj).get("deletionTimestamp"):
                        with contextlib.suppress(APIError):
                            await self._store.delete(
                                rt, meta(obj).get("namespace"), meta(obj)["name"], DeleteOptions(), self._ctx
                            )
        if remaining:
            return False
        crd = await self._store.get(self._rt, None, name)
        finalizers = [f for f in meta(crd).get("finalizers") or [] if f != CLEANUP_FINALIZER]
        body = json.dumps(
            {"metadata": {"finalizers": finalizers or None, "resourceVersion": meta(crd)["resourceVersion"]}}
        ).encode()
        await self._store.patch(self._rt, None, name, "application/merge-patch+json", body, self._ctx)
        return True


def _condition(existing: list[dict[str, Any]], kind: str, status: str, reason: str, message: str) -> dict[str, Any]:
    previous = next((c for c in existing if c.get("type") == kind), None)
    changed = previous is None or previous.get("status") != status
    return {
        "type": kind,
        "status": status,
        "lastTransitionTime": now() if changed or previous is None else previous.get("lastTransitionTime"),
        "reason": reason,
        "message": message,
    }


def _desired_status(crd: Object, problem: str | None) -> dict[str, Any]:
    spec = crd.get("spec") or {}
    status = dict(crd.get("status") or {})
    existing = list(status.get("conditions") or [])
    accepted = problem is None
    conditions = [
        _condition(
            existing,
            "NamesAccepted",
            "True" if accepted else "False",
            "NoConflicts" if accepted else "NameConflict",
            "no conflicts found" if accepted else problem or "",
        ),
        _condition(
            existing,
            "Established",
            "True" if accepted else "False",
            "InitialNamesAccepted" if accepted else "NotAccepted",
            "the initial names have been accepted" if accepted else "not all names are accepted",
        ),
    ]
    if meta(crd).get("deletionTimestamp"):
        conditions.append(
            _condition(
                existing, "Terminating", "True", "InstanceDeletionInProgress", "CustomResource deletion is in progress"
            )
        )
    names = dict(spec.get("names") or {})
    if accepted:
        names.setdefault("listKind", f"{names.get('kind', '')}List")
        names.setdefault("singular", str(names.get("kind", "")).lower())
        status["acceptedNames"] = names
    else:
        status.setdefault("acceptedNames", {"plural": "", "kind": ""})
    stored = list(status.get("storedVersions") or [])
    for version in spec.get("versions") or []:
        if version.get("storage") and version.get("name") not in stored:
            stored.append(version["name"])
    status["storedVersions"] = stored
    status["conditions"] = conditions
    return status
