"""The namespace controller: a terminating namespace is emptied, then its ``kubernetes`` finalizer is removed.

Deleting a namespace marks it (``deletionTimestamp``, phase Terminating); admission then refuses new content.
This controller deletes everything in it, resource by resource, waits for objects held by finalizers, and
finally calls ``/finalize`` so the namespace itself goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from kubelite.apiserver import codec
from kubelite.apiserver.controllers.follower import follow_with_worker
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.objects import meta, now
from kubelite.apiserver.registry import Registry
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.storage import EventType, StoredObject, WatchEvent
from kubelite.apiserver.store import DeleteOptions, ListQuery, RequestContext, Store

log = logging.getLogger(__name__)
PREFIX = "/registry/core/namespaces/"
#: How often a namespace still holding objects (blocked by their finalizers) is looked at again.
RECHECK_SECONDS = 1.0


class NamespaceController:
    def __init__(self, store: Store, registry: Registry) -> None:
        self._store = store
        self._registry = registry
        self._terminating: set[str] = set()
        self._wake = asyncio.Event()
        self._ctx = RequestContext()

    def _namespaces(self) -> ResourceType:
        rt = self._registry.get("", "v1", "namespaces")
        assert rt is not None
        return rt

    async def run(self) -> None:
        await follow_with_worker(self._store.storage, PREFIX, self._sync, self._event, self._work)

    async def _sync(self, items: list[StoredObject]) -> None:
        self._terminating = {s.key[len(PREFIX) :] for s in items if _deleting(s.value)}
        self._wake.set()

    async def _event(self, event: WatchEvent) -> None:
        name = event.key[len(PREFIX) :]
        if event.type is EventType.DELETE or not _deleting(event.value):
            self._terminating.discard(name)
            return
        self._terminating.add(name)
        self._wake.set()

    async def _work(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), RECHECK_SECONDS if self._terminating else None)
            self._wake.clear()
            for name in sorted(self._terminating):
                try:
                    await self._empty(name)
                except APIError as exc:
                    if exc.code != 404:
                        log.warning("namespace %s: %s", name, exc)
                except Exception:
                    log.exception("namespace controller failed on %s", name)

    async def _empty(self, name: str) -> None:
        by_resource: dict[str, int] = {}
        by_finalizer: dict[str, int] = {}
        for rt in self._registry.storage_resources():
            if not rt.namespaced:
                continue
            listed = await self._store.list(rt, name, ListQuery())
            for obj in listed["items"]:
                by_resource[f"{rt.plural}.{rt.group}"] = by_resource.get(f"{rt.plural}.{rt.group}", 0) + 1
                for finalizer in meta(obj).get("finalizers") or []:
                    by_finalizer[finalizer] = by_finalizer.get(finalizer, 0) + 1
                if meta(obj).get("deletionTimestamp"):
                    continue
                with contextlib.suppress(APIError):
                    await self._store.delete(rt, name, meta(obj)["name"], DeleteOptions(), self._ctx)
        namespaces = self._namespaces()
        ns = await self._store.get(namespaces, None, name)
        if by_resource:
            await self._report(namespaces, ns, by_resource, by_finalizer)
            return
        finalizers = [f for f in (ns.get("spec") or {}).get("finalizers") or [] if f != "kubernetes"]
        body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {"finalizers": finalizers}}
        await self._store.finalize_namespace(namespaces, name, body, self._ctx)

    async def _report(
        self, rt: ResourceType, ns: dict[str, Any], by_resource: dict[str, int], by_finalizer: dict[str, int]
    ) -> None:
        """Say on the namespace why it is still there, in upstream's conditions and wording."""
        status: dict[str, Any] = dict(ns.get("status") or {})
        wanted = [
            {
                "type": "NamespaceContentRemaining",
                "status": "True",
                "reason": "SomeResourcesRemain",
                "message": "Some resources are remaining: "
                + ", ".join(sorted(f"{r} has {n} resource instances" for r, n in by_resource.items())),
            }
        ]
        if by_finalizer:
            wanted.append(
                {
                    "type": "NamespaceFinalizersRemaining",
                    "status": "True",
                    "reason": "SomeFinalizersRemain",
                    "message": "Some content in the namespace has finalizers remaining: "
                    + ", ".join(sorted(f"{f} in {n} resource instances" for f, n in by_finalizer.items())),
                }
            )
        old = {c.get("type"): c for c in status.get("conditions") or []}
        if all(old.get(c["type"], {}).get("message") == c["message"] for c in wanted):
            return
        for c in wanted:
            c["lastTransitionTime"] = now()
            old[c["type"]] = c
        status["conditions"] = list(old.values())
        body = json.dumps({"status": status}).encode()
        await self._store.patch(
            rt, None, meta(ns)["name"], "application/merge-patch+json", body, self._ctx, subresource="status"
        )


def _deleting(value: bytes) -> bool:
    try:
        return bool((codec.loads(value).get("metadata") or {}).get("deletionTimestamp"))
    except ValueError:
        return False
