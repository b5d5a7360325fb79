"""Informers: a local cache of one resource, kept by list + watch, that tells subscribers what changed.

Every part of kubelite that follows a cluster reads through these: the kubelet's pod runtime (its node's pods, by
``fieldSelector=spec.nodeName=<node>``), the workload controllers, the service proxy, the controller-manager and the
scheduler. They decide from the cache, never from ad-hoc GETs, so one decision sees one consistent view and the API
server serves one watch per resource however many objects there are. The loop is client-go's reflector:

* list (paged), remember the list's resourceVersion, replace the cache and report every difference;
* watch from that revision (:meth:`kubelite.client.Kube.watch`, with bookmarks), apply each event, remember its
  revision;
* when the watch ends, watch again from the last revision; on ``410 Gone`` (the revision was compacted) list again
  at once, on any other error after a short back-off;
* every ``resync`` seconds, report every cached object again as unchanged, so a reconcile that was lost (an error, a
  crash in a handler) is retried without waiting for the object to change.

A controller that writes an object folds the server's answer into the cache at once (:meth:`Informer.apply`), so
its next reconcile does not act on a view older than its own write (client-go's "expectations" solve the same
problem); the watch event that follows carries the same revision and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kubelite.client import Kube, KubeError, Object, Resource, WatchStream

log = logging.getLogger(__name__)

#: ``handler(old, new)``: ``old`` None for an added object, ``new`` None for a deleted one, both equal on resync.
Handler = Callable[[Object | None, Object | None], None]

RETRY_SECONDS = 1.0


def key_of(obj: Object) -> str:
    """``namespace/name`` (or ``name`` for cluster-scoped objects), the cache key client-go uses too."""
    metadata = obj.get("metadata") or {}
    namespace = metadata.get("namespace") or ""
    return f"{namespace}/{metadata.get('name', '')}" if namespace else str(metadata.get("name", ""))


def newer(candidate: Object, current: Object) -> bool:
    """Whether ``candidate`` is a later version than ``current``.

    resourceVersions are opaque strings to clients; kubelite and etcd-backed servers use increasing integers, and
    only then is an older version recognised (and ignored). Otherwise the candidate wins, as the watch order says.
    """
    new = str((candidate.get("metadata") or {}).get("resourceVersion", ""))
    old = str((current.get("metadata") or {}).get("resourceVersion", ""))
    if new.isdigit() and old.isdigit():
        return int(new) >= int(old)
    return True


class Informer:
    """The cache of one resource (everywhere, or in one namespace); run it with :meth:`run`."""

    def __init__(
        self,
        kube: Kube,
        resource: Resource,
        *,
        namespace: str | None = None,
        label_selector: str = "",
        field_selector: str = "",
        resync: float = 300.0,
    ) -> None:
        self.kube = kube
        self.resource = resource
        self._namespace = namespace
        self._label_selector = label_selector
        self._field_selector = field_selector
        self._resync = resync
        self._items: dict[str, Object] = {}
        self._handlers: list[Handler] = []
        self._revision = ""
        self.synced = asyncio.Event()
        #: False when the server does not serve the resource (404 on list); the cache then stays empty.
        self.served = True

    # -- reading ---------------------------------------------------------------------------------------------------

    def get(self, namespace: str | None, name: str) -> Object | None:
        return self._items.get(f"{namespace}/{name}" if namespace else name)

    def list(self, namespace: str | None = None) -> list[Object]:
        if namespace is None:
            return list(self._items.values())
        return [o for o in self._items.values() if (o.get("metadata") or {}).get("namespace") == namespace]

    def __iter__(self) -> Iterator[Object]:
        return iter(list(self._items.values()))

    def subscribe(self, handler: Handler) -> None:
        self._handlers.append(handler)

    # -- our own writes --------------------------------------------------------------------------------------------

    def apply(self, obj: Object) -> None:
        """Fold the server's answer to our own create/update into the cache (ignored when the cache is newer)."""
        key = key_of(obj)
        old = self._items.get(key)
        if old is not None and not newer(obj, old):
            return
        self._items[key] = obj
        self._notify(old, obj)

    def forget(self, obj: Object) -> None:
        """Drop an object we deleted (its watch event will say so again, harmlessly)."""
        old = self._items.pop(key_of(obj), None)
        if old is not None:
            self._notify(old, None)

    # -- the reflector ---------------------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """List and watch until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self._list()
                await self._watch(stop)
            except KubeError as exc:
                if exc.gone:
                    log.info("%s: %s; listing again", self.resource.plural, exc)
                    continue  # the revision was compacted: a fresh list is the only way on, and it is safe now
                if exc.not_found and not self._items:
                    if self.served:
                        log.info("%s: not served by this API server; its cache stays empty", self.resource.plural)
                    self.served = False
                    self.synced.set()
                else:
                    log.warning("%s: %s; listing again", self.resource.plural, exc)
            except Exception:
                log.exception("%s: the informer failed; listing again", self.resource.plural)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RETRY_SECONDS if self.served else 30.0)

    async def _list(self) -> None:
        items, revision = await asyncio.to_thread(
            self.kube.list_at_revision,
            self.resource,
            self._namespace,
            label_selector=self._label_selector,
            field_selector=self._field_selector,
        )
        self.served = True
        fresh = {key_of(o): o for o in items}
        for key in list(self._items):
            if key not in fresh:
                self._notify(self._items.pop(key), None)
        for key, obj in fresh.items():
            old = self._items.get(key)
            self._items[key] = obj
            if old is None or old.get("metadata", {}).get("resourceVersion") != obj["metadata"].get("resourceVersion"):
                self._notify(old, obj)
        self._revision = revision
        self.synced.set()

    async def _watch(self, stop: asyncio.Event) -> None:
        """Watch from the last revision until the stream ends; a 410 raises so that the caller lists again."""
        loop = asyncio.get_running_loop()
        resync_at = loop.time() + self._resync
        while not stop.is_set():
            stream = self.kube.watch(
                self.resource,
                self._namespace,
                self._revision,
                field_selector=self._field_selector,
                label_selector=self._label_selector,
            )
            queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
            thread = threading.Thread(
                target=_pump, args=(stream, queue, loop), name=f"watch-{self.resource.plural}", daemon=True
            )
            thread.start()
            stopping = asyncio.ensure_future(stop.wait())
            getting: asyncio.Future[tuple[str, Any]] | None = None
            try:
                while True:
                    timeout = max(0.0, resync_at - loop.time())
                    getting = asyncio.ensure_future(queue.get())
                    done, _ = await asyncio.wait({getting, stopping}, timeout=timeout, return_when="FIRST_COMPLETED")
                    if getting not in done:
                        if stopping in done:
                            return
                        getting.cancel()
                        self._resync_all()
                        resync_at = loop.time() + self._resync
                        continue
                    kind, payload = getting.result()
                    if kind == "end":
                        break
                    if kind == "error":
                        raise payload
                    self._event(*payload)
            finally:
                stopping.cancel()
                if getting is not None:
                    getting.cancel()
                stream.close()

    def _event(self, event_type: str, obj: Object) -> None:
        revision = str((obj.get("metadata") or {}).get("resourceVersion", ""))
        if revision:
            self._revision = revision
        if event_type == "BOOKMARK":
            return
        obj.setdefault("apiVersion", self.resource.api_version)
        key = key_of(obj)
        if event_type == "DELETED":
            old = self._items.pop(key, None)
            if old is not None:
                self._notify(old, None)
            return
        old = self._items.get(key)
        if old is not None and not newer(obj, old):
            return
        self._items[key] = obj
        self._notify(old, obj)

    def _resync_all(self) -> None:
        for obj in list(self._items.values()):
            self._notify(obj, obj)

    def _notify(self, old: Object | None, new: Object | None) -> None:
        for handler in self._handlers:
            try:
                handler(old, new)
            except Exception:
                log.exception("%s: an event handler failed", self.resource.plural)


def _pump(stream: WatchStream, queue: asyncio.Queue[tuple[str, Any]], loop: asyncio.AbstractEventLoop) -> None:
    """The watch thread: hand each event to the loop, then an end (or the error) marker."""

    def put(item: tuple[str, Any]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed while we were blocked: nobody is listening
            loop.call_soon_threadsafe(queue.put_nowait, item)

    try:
        for event in stream:
            put(("event", event))
        put(("end", None))
    except BaseException as exc:
        put(("error", exc))


async def until_synced(informers: Iterable[Informer], stop: asyncio.Event) -> bool:
    """Wait for every informer's first list; False when ``stop`` came first."""
    waits = [asyncio.ensure_future(i.synced.wait()) for i in informers]
    stopping = asyncio.ensure_future(stop.wait())
    try:
        pending = set(waits)
        while pending and not stop.is_set():
            _, pending = await asyncio.wait([*pending, stopping], return_when=asyncio.FIRST_COMPLETED)
            pending.discard(stopping)
    finally:
        for task in [*waits, stopping]:
            task.cancel()
    return not stop.is_set()
