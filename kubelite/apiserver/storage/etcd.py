"""The etcd3 backend: the Storage contract over etcd v3, through gRPC (``etcdrpc.py`` holds the connection).

etcd already is a revisioned key-value log, so every operation maps to one request:

* revisions: kubelite's revision is etcd's revision, so an object's ``resourceVersion`` is its etcd ``mod_revision``
  (as with kube-apiserver) and resourceVersions are shared by every kubelite on the same etcd. A new etcd cluster is
  at revision 1 with no keys (a fresh sqlite store is at 0). etcd reads revision 0 as "the newest", so a read at
  revision 0 is sent as revision 1 (the same empty state), and a guarded write also requires the key to exist (etcd
  compares a missing key's ``mod_revision`` as 0).
* create: a txn comparing ``create_revision == 0`` then put; update: a txn comparing ``mod_revision`` then put (the
  failure branch reads the key, which tells a conflict from a missing key); delete: a txn (conditional) or a
  ``DeleteRange`` (unconditional), both asking for ``prev_kv``, which is the deleted object.
* list: a range over the prefix, at a revision when asked, with ``limit``; etcd's ``count`` gives ``remaining``.
* watch: one gRPC watch stream per watch (all multiplexed on the endpoint's channel) with ``prev_kv`` and
  ``progress_notify``. A reader task feeds a bounded queue, so a slow consumer is ended with CompactedError as in the
  sqlite backend; a broken stream resumes from the last delivered revision, on the next endpoint. etcd's progress
  notifications become PROGRESS events for watches that asked for them.
* compaction: ``Compact``. etcd does not report its compacted revision, so the store remembers it: probed at open (a
  watch from revision 1 is answered with the compacted revision), raised by its own compactions, learnt from the
  shared compaction key (below) and again whenever etcd refuses a compacted read or watch.
* scheduled compaction across servers (:meth:`EtcdStorage.compact_on_schedule`), as kube-apiserver does it: the key
  ``compact_rev_key`` at etcd's root holds the last scheduled compaction's revision, and its *version* (how often it
  was written) counts the compactions. A server compacts only when a txn "version == the count I know" → put wins,
  so of all the servers whose timers fire in one interval exactly one compacts; the others learn the new count.

Keys: kubelite keys start with ``/registry/``; with ``--etcd-prefix P`` the etcd key is P's root (P without a
trailing ``/registry``) followed by the kubelite key, so the default ``/registry`` gives kube-apiserver's layout and
``/tenant-a/registry`` (or ``/tenant-a``) puts kubelite's tree under ``/tenant-a/registry/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Any, Final

from kubelite.apiserver.storage.etcdrpc import (
    REQUIRE_LEADER,
    EtcdAmbiguousWriteError,
    EtcdConnection,
    EtcdOptions,
    EtcdRequestError,
    EtcdUnavailableError,
    is_transport_error,
    parse_servers,
    rpc,
)
from kubelite.apiserver.storage.interface import (
    CompactedError,
    EventType,
    FutureRevisionError,
    KeyExistsError,
    KeyNotFoundError,
    ListResult,
    RevisionConflictError,
    Storage,
    StoredObject,
    WatchEvent,
)
from kubelite.apiserver.storage.watchqueue import WatchQueue

log = logging.getLogger(__name__)

#: The key (at etcd's root, outside every prefix: compaction is cluster-wide) whose version counts the scheduled
#: compactions of every API server on this etcd; kube-apiserver's name, so both coordinate on a shared etcd.
COMPACT_KEY: Final = b"compact_rev_key"
#: How long a broken watch keeps trying to resume (every endpoint, with pauses) before it ends with CompactedError,
#: which tells the API client to relist.
WATCH_RESUME_SECONDS: Final = 30.0


def _range_end(prefix: bytes) -> bytes:
    """etcd's range_end for every key starting with ``prefix``; ``b"\\0"`` (all keys) when there is no bound."""
    data = bytearray(prefix)
    while data:
        if data[-1] < 0xFF:
            data[-1] += 1
            return bytes(data)
        data.pop()
    return b"\0"


def _at_revision(key: bytes, expected_revision: int) -> list[Any]:
    """The txn comparisons of a guarded write: the key exists (etcd compares a missing key's ``mod_revision`` as 0)
    and was last modified at ``expected_revision``."""
    return [
        rpc.Compare(key=key, result=rpc.Compare.GREATER, target=rpc.Compare.CREATE, create_revision=0),
        rpc.Compare(key=key, result=rpc.Compare.EQUAL, target=rpc.Compare.MOD, mod_revision=expected_revision),
    ]


def _read_at(revision: int | None) -> int:
    """A range request's revision: 0 is etcd's "the newest"; its 1 is the empty store, which our 0 means."""
    return 0 if revision is None else max(revision, 1)


class EtcdStorage(Storage):
    """The Storage contract on an etcd v3 cluster. Open it with :meth:`open`."""

    def __init__(self, options: EtcdOptions, connection: EtcdConnection, *, watch_queue_size: int) -> None:
        self._options = options
        self._root = options.root()
        self._conn: EtcdConnection | None = connection
        self._compacted = 0
        #: How many scheduled compactions this server knows of (the version of COMPACT_KEY).
        self._compactions = 0
        self._watch_queue_size = watch_queue_size
        self._watchers: set[WatchQueue] = set()
        self._readers: set[asyncio.Task[None]] = set()

    @classmethod
    async def open(cls, options: EtcdOptions, *, watch_queue_size: int = 10_000) -> EtcdStorage:
        """Connect and learn the compacted revision; raises EtcdUnavailableError when no endpoint answers."""
        if watch_queue_size < 1:
            raise ValueError(f"watch_queue_size must be positive, not {watch_queue_size}")
        store = cls(options, EtcdConnection(options), watch_queue_size=watch_queue_size)
        try:
            await store._refresh_compacted()
        except BaseException:
            await store.close()
            raise
        return store

    # --- plumbing ---------------------------------------------------------------------------------------------------

    @property
    def _etcd(self) -> EtcdConnection:
        if self._conn is None:
            raise RuntimeError("the storage is closed")
        return self._conn

    def _key(self, key: str) -> bytes:
        return (self._root + key).encode()

    def _unkey(self, key: bytes) -> str:
        return key.decode()[len(self._root) :]

    async def _kv(self, verb: str, request: Any, *, write: bool = False) -> Any:
        return await self._etcd.call(lambda endpoint: getattr(endpoint.kv, verb), request, write=write)

    async def _range(self, request: Any, requested: int | None) -> Any:
        try:
            return await self._kv("Range", request)
        except EtcdRequestError as exc:
            if requested is not None and "compacted" in exc.message:
                await self._refresh_compacted()
                raise CompactedError(requested=requested, compacted=self._compacted) from None
            if requested is not None and "future revision" in exc.message:
                raise FutureRevisionError(requested=requested, current=await self.current_revision()) from None
            raise

    def _object(self, kv: Any) -> StoredObject:
        return StoredObject(self._unkey(kv.key), kv.value, kv.create_revision, kv.mod_revision)

    async def _refresh_compacted(self) -> None:
        """Learn etcd's compacted revision: a read at revision 1 succeeds unless compacted; if it was, a watch from
        revision 1 is answered with the compacted revision."""
        try:
            await self._kv("Range", rpc.RangeRequest(key=self._key("/"), revision=1, count_only=True))
            return
        except EtcdRequestError as exc:
            if "compacted" not in exc.message:
                raise
        create = rpc.WatchCreateRequest(key=self._key("/"), start_revision=1)
        stream = self._watch_stream(self._etcd.members[self._etcd.current], create)
        async with asyncio.timeout(10), contextlib.aclosing(stream):
            async for response in stream:
                if response.compact_revision:
                    self._compacted = max(self._compacted, response.compact_revision)
                    return
                if response.canceled:
                    break
        raise EtcdUnavailableError("etcd did not tell its compacted revision")

    # --- reads ------------------------------------------------------------------------------------------------------

    async def get(self, key: str, *, revision: int | None = None) -> StoredObject | None:
        reply = await self._range(rpc.RangeRequest(key=self._key(key), revision=_read_at(revision)), revision)
        return self._object(reply.kvs[0]) if reply.kvs else None

    async def list(
        self,
        prefix: str,
        *,
        limit: int = 0,
        start_after: str | None = None,
        revision: int | None = None,
    ) -> ListResult:
        if limit < 0:
            raise ValueError(f"limit must not be negative, not {limit}")
        low = self._key(prefix)
        start = low
        if start_after is not None:
            start = max(low, self._key(start_after) + b"\0")
        request = rpc.RangeRequest(
            key=start or b"\0", range_end=_range_end(low), limit=limit, revision=_read_at(revision)
        )
        reply = await self._range(request, revision)
        items = [self._object(kv) for kv in reply.kvs]
        remaining = reply.count - len(items) if reply.more else 0
        read_at = revision if revision is not None else reply.header.revision
        return ListResult(items=items, revision=read_at, more=reply.more, remaining=remaining)

    async def count(self, prefix: str) -> int:
        low = self._key(prefix)
        reply = await self._kv("Range", rpc.RangeRequest(key=low or b"\0", range_end=_range_end(low), count_only=True))
        return int(reply.count)

    async def current_revision(self) -> int:
        reply = await self._kv("Range", rpc.RangeRequest(key=self._key("/"), count_only=True))
        return int(reply.header.revision)

    async def compacted_revision(self) -> int:
        return self._compacted

    # --- writes -----------------------------------------------------------------------------------------------------

    async def _txn(self, key: bytes, compare: Sequence[Any], success: Any) -> Any:
        """A compare-and-swap on ``key`` (every comparison must hold); its failure branch reads the key.

        When the connection broke after a put was sent (EtcdAmbiguousWriteError), the txn is sent once more (to the
        next endpoint if that one is gone): if the first was not applied the compare still holds and the retry does
        the write; if it was, the compare fails, and a stored value equal to the one put (kubelite's values carry
        the object's uid, so they do not repeat) shows the first attempt's success, which is returned as such. A
        delete, or a key changed again since, stays ambiguous.
        """
        request = rpc.TxnRequest(
            compare=compare, success=[success], failure=[rpc.RequestOp(request_range=rpc.RangeRequest(key=key))]
        )
        try:
            return await self._kv("Txn", request, write=True)
        except EtcdAmbiguousWriteError:
            if not success.HasField("request_put"):
                raise
            log.info("etcd: a txn's connection broke after it was sent; sending it again to learn whether it applied")
        reply = await self._kv("Txn", request, write=True)
        if reply.succeeded:
            return reply
        current = self._failure_kv(reply)
        if current is None or current.value != success.request_put.value:
            raise EtcdAmbiguousWriteError(f"etcd: a write to {key!r} may or may not have been applied")
        # The first attempt was applied (at the stored mod_revision, nothing since): answer as it would have.
        prev = rpc.KeyValue(key=current.key, create_revision=current.create_revision)
        return rpc.TxnResponse(
            succeeded=True,
            header=rpc.ResponseHeader(revision=current.mod_revision),
            responses=[rpc.ResponseOp(response_put=rpc.PutResponse(prev_kv=prev))],
        )

    @staticmethod
    def _failure_kv(reply: Any) -> Any:
        kvs = reply.responses[0].response_range.kvs
        return kvs[0] if kvs else None

    def _conflict(self, key: str, expected_revision: int, reply: Any) -> Exception:
        current = self._failure_kv(reply)
        if current is None:
            return KeyNotFoundError(key)
        return RevisionConflictError(key, expected_revision, self._object(current))

    async def create(self, key: str, value: bytes) -> StoredObject:
        k = self._key(key)
        reply = await self._txn(
            k,
            [rpc.Compare(key=k, result=rpc.Compare.EQUAL, target=rpc.Compare.CREATE, create_revision=0)],
            rpc.RequestOp(request_put=rpc.PutRequest(key=k, value=value)),
        )
        if not reply.succeeded:
            raise KeyExistsError(key)
        revision = reply.header.revision
        return StoredObject(key, value, revision, revision)

    async def update(self, key: str, value: bytes, *, expected_revision: int) -> StoredObject:
        k = self._key(key)
        reply = await self._txn(
            k,
            _at_revision(k, expected_revision),
            rpc.RequestOp(request_put=rpc.PutRequest(key=k, value=value, prev_kv=True)),
        )
        if not reply.succeeded:
            raise self._conflict(key, expected_revision, reply)
        prev = reply.responses[0].response_put.prev_kv
        return StoredObject(key, value, prev.create_revision, reply.header.revision)

    async def delete(self, key: str, *, expected_revision: int | None = None) -> StoredObject:
        k = self._key(key)
        request = rpc.DeleteRangeRequest(key=k, prev_kv=True)
        if expected_revision is None:
            reply = await self._kv("DeleteRange", request, write=True)
            prev_kvs = reply.prev_kvs
        else:
            reply = await self._txn(k, _at_revision(k, expected_revision), rpc.RequestOp(request_delete_range=request))
            if not reply.succeeded:
                raise self._conflict(key, expected_revision, reply)
            prev_kvs = reply.responses[0].response_delete_range.prev_kvs
        if not prev_kvs:
            raise KeyNotFoundError(key)
        prev = prev_kvs[0]
        return StoredObject(key, prev.value, prev.create_revision, reply.header.revision)

    async def compact(self, revision: int) -> None:
        """Forget history below ``revision`` (etcd's compaction at ``revision``, which stays readable). Raises
        FutureRevisionError for a revision not yet written."""
        current = await self.current_revision()
        if revision > current:
            raise FutureRevisionError(requested=revision, current=current)
        if revision <= self._compacted:
            return
        try:
            await self._kv("Compact", rpc.CompactionRequest(revision=revision), write=True)
        except EtcdRequestError as exc:
            if "compacted" not in exc.message:
                raise
            await self._refresh_compacted()  # another server compacted further
            return
        self._compacted = revision

    async def compact_on_schedule(self, revision: int) -> bool:
        """kube-apiserver's compaction handshake (see the module docstring): the server whose txn on COMPACT_KEY's
        version wins records ``revision`` there and compacts; a loser learns the count and the winner's revision."""
        known = rpc.Compare(
            key=COMPACT_KEY, result=rpc.Compare.EQUAL, target=rpc.Compare.VERSION, version=self._compactions
        )
        reply = await self._kv(
            "Txn",
            rpc.TxnRequest(
                compare=[known],
                success=[rpc.RequestOp(request_put=rpc.PutRequest(key=COMPACT_KEY, value=str(revision).encode()))],
                failure=[rpc.RequestOp(request_range=rpc.RangeRequest(key=COMPACT_KEY))],
            ),
            write=True,
        )
        if not reply.succeeded:
            current = self._failure_kv(reply)
            self._compactions = current.version if current is not None else 0
            if current is not None and current.value.isdigit():
                # The winner compacts at this revision (it may still be doing so): reads below it get 410 here too.
                self._compacted = max(self._compacted, int(current.value))
            return False
        self._compactions += 1
        await self.compact(revision)
        return True

    # --- watch ------------------------------------------------------------------------------------------------------

    def watch(self, prefix: str, *, after_revision: int, progress: bool = False) -> AsyncGenerator[WatchEvent, None]:
        return self._watch(prefix, after_revision, progress)

    async def _watch(self, prefix: str, after_revision: int, progress: bool) -> AsyncGenerator[WatchEvent, None]:
        self._etcd  # noqa: B018  (raises when closed)
        if after_revision < self._compacted:
            raise CompactedError(requested=after_revision, compacted=self._compacted)
        watcher = WatchQueue(self._watch_queue_size)
        self._watchers.add(watcher)
        reader = asyncio.create_task(self._read_watch(watcher, self._key(prefix), after_revision, progress))
        self._readers.add(reader)
        reader.add_done_callback(self._readers.discard)
        try:
            while True:
                if watcher.closed:
                    return
                if watcher.events:
                    yield watcher.events.popleft()
                    continue
                if watcher.error is not None:
                    raise watcher.error
                watcher.wakeup.clear()
                await watcher.wakeup.wait()
        finally:
            self._watchers.discard(watcher)
            # NB: no await here: the reader ends on its own once cancelled (close() waits for any left).
            reader.cancel()

    @staticmethod
    async def _watch_stream(endpoint: Any, create: Any) -> AsyncGenerator[Any, None]:
        """The responses of one watch stream; the stream is cancelled when the iteration ends."""
        done = asyncio.Event()

        async def requests() -> AsyncIterator[Any]:
            yield rpc.WatchRequest(create_request=create)
            await done.wait()  # keeps our half of the stream open

        call = endpoint.watch.Watch(requests(), metadata=REQUIRE_LEADER)
        try:
            async for response in call:
                yield response
        finally:
            done.set()
            call.cancel()

    async def _read_watch(self, watcher: WatchQueue, prefix: bytes, after_revision: int, progress: bool) -> None:
        """Stream etcd's events after ``after_revision`` into ``watcher``; resume elsewhere when a stream breaks.

        The watch starts at the first revision wanted (after ``after_revision``, which is at or above the compacted
        revision, so etcd accepts it; etcd's start revision 0 would mean "from now"); events at or below the last
        delivered revision are skipped all the same. A progress notification at R (etcd sends one on its
        ``--experimental-watch-progress-notify-interval`` to a watch that is caught up and had no events; it travels
        in order with the events) moves the resume point to R as well.
        """
        last = after_revision
        etcd = self._etcd
        endpoint = etcd.current
        broken_since: float | None = None
        failures = 0
        try:
            while not watcher.closed:
                create = rpc.WatchCreateRequest(
                    key=prefix or b"\0",
                    range_end=_range_end(prefix),
                    start_revision=last + 1,
                    prev_kv=True,
                    progress_notify=True,
                )
                member = etcd.members[endpoint]
                stream = self._watch_stream(member, create)
                try:
                    async for response in stream:
                        if response.created:
                            broken_since, failures = None, 0
                            continue
                        delivered = self._deliver(response, watcher, last, progress)
                        if delivered is None:
                            return
                        last = delivered
                    detail = "the stream ended"  # etcd stopping ends it cleanly: resumed the same way
                except EtcdRequestError as exc:
                    detail = str(exc)
                except Exception as exc:
                    if not is_transport_error(exc):
                        raise
                    detail = f"{type(exc).__name__}: {exc}"
                finally:
                    await stream.aclose()
                failures += 1
                now = time.monotonic()
                broken_since = broken_since or now
                if now - broken_since > WATCH_RESUME_SECONDS:
                    log.warning(
                        "etcd watch could not resume after revision %d for %.0f s: %s", last, now - broken_since, detail
                    )
                    # The client relists (410) once etcd is back; we cannot promise the events after ``last``.
                    watcher.fail(CompactedError(requested=last, compacted=last))
                    return
                log.info("etcd watch on %s broke (%s); resuming after revision %d", member.url, detail, last)
                endpoint = (endpoint + 1) % len(etcd.members)
                await asyncio.sleep(min(0.05 * failures, 1.0))
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            watcher.fail(exc)

    def _deliver(self, response: Any, watcher: WatchQueue, last: int, progress: bool) -> int | None:
        """Hand one watch response to ``watcher``: the new resume point, or None when the watcher has ended."""
        if response.compact_revision:
            self._compacted = max(self._compacted, response.compact_revision)
            watcher.fail(CompactedError(requested=last, compacted=response.compact_revision))
            return None
        if response.canceled:
            raise EtcdRequestError("CANCELED", f"watch canceled: {response.cancel_reason}")
        if not response.events:  # a progress notification
            revision: int = response.header.revision
            if revision <= last:
                return last
            if progress and not watcher.push(WatchEvent(EventType.PROGRESS, "", b"", revision, 0)):
                return None
            return revision
        for raw in response.events:
            event = self._event(raw)
            if event.revision <= last:
                continue
            last = event.revision
            if not watcher.push(event):
                return None
        return last

    def _event(self, raw: Any) -> WatchEvent:
        kv = raw.kv
        prev = raw.prev_kv if raw.HasField("prev_kv") else None
        key = self._unkey(kv.key)
        prev_value = prev.value if prev is not None else None
        if raw.type == rpc.Event.DELETE:
            create_revision = prev.create_revision if prev is not None else 0
            return WatchEvent(EventType.DELETE, key, prev_value or b"", kv.mod_revision, create_revision, prev_value)
        return WatchEvent(EventType.PUT, key, kv.value, kv.mod_revision, kv.create_revision, prev_value)

    async def close(self) -> None:
        if self._conn is None:
            return
        for watcher in self._watchers:
            watcher.events.clear()
            watcher.close()
        self._watchers.clear()
        for reader in list(self._readers):
            reader.cancel()
        for reader in list(self._readers):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
        conn, self._conn = self._conn, None
        await conn.close()


__all__: Sequence[str] = [
    "COMPACT_KEY",
    "EtcdAmbiguousWriteError",
    "EtcdOptions",
    "EtcdStorage",
    "EtcdUnavailableError",
    "parse_servers",
]
