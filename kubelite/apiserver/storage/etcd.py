"""The etcd3 backend: the Storage contract over etcd v3, through etcd's JSON gRPC gateway (HTTP/1.1, aiohttp).

etcd already is a revisioned key-value log, so every operation maps to one request (see
``docs/operations/etcd-backend.md`` for why the JSON gateway and not a gRPC client):

* revisions: kubelite's revision is etcd's revision, so an object's ``resourceVersion`` is its etcd ``mod_revision``
  (as with kube-apiserver) and resourceVersions are shared by every kubelite on the same etcd. A new etcd cluster is
  at revision 1 with no keys (a fresh sqlite store is at 0). etcd reads revision 0 as "the newest", so a read at
  revision 0 is sent as revision 1 (the same empty state), and a guarded write also requires the key to exist (etcd
  compares a missing key's ``mod_revision`` as 0).
* create: a txn comparing ``create_revision == 0`` then put; update: a txn comparing ``mod_revision`` then put (the
  failure branch reads the key, which tells a conflict from a missing key); delete: a txn (conditional) or a
  ``deleterange`` (unconditional), both asking for ``prev_kv``, which is the deleted object.
* list: a range over the prefix, at a revision when asked, with ``limit``; etcd's ``count`` gives ``remaining``.
* watch: a streaming ``POST /v3/watch`` with ``prev_kv`` (newline-separated JSON messages). A reader task feeds a
  bounded queue, so a slow consumer is ended with CompactedError as in the sqlite backend; a broken stream resumes
  from the last delivered revision on the next endpoint.
* compaction: ``/v3/kv/compaction``. etcd does not report its compacted revision, so the store remembers it: probed
  at open (a watch from revision 1 is answered with the compacted revision), raised by its own compactions and
  learnt again whenever etcd refuses a compacted read or watch (another server's compaction).

Keys: kubelite keys start with ``/registry/``; with ``--etcd-prefix P`` the etcd key is P's root (P without a
trailing ``/registry``) followed by the kubelite key, so the default ``/registry`` gives kube-apiserver's layout and
``/tenant-a/registry`` (or ``/tenant-a``) puts kubelite's tree under ``/tenant-a/registry/``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import ssl
import time
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import aiohttp

from kubelite.apiserver.storage.interface import (
    CompactedError,
    EventType,
    FutureRevisionError,
    KeyExistsError,
    KeyNotFoundError,
    ListResult,
    RevisionConflictError,
    Storage,
    StorageError,
    StoredObject,
    WatchEvent,
)
from kubelite.apiserver.storage.watchqueue import WatchQueue

log = logging.getLogger(__name__)

#: Seconds a unary request may take.
REQUEST_TIMEOUT: Final = 30.0
#: How long a request keeps trying when no member can take it (an election, a member restarting), in seconds.
UNAVAILABLE_RETRY_SECONDS: Final = 5.0
#: The largest watch message read (etcd's default request limit is 1.5 MiB; a response batches events).
MAX_MESSAGE: Final = 256 * 2**20


class EtcdUnavailableError(StorageError):
    """No etcd endpoint answered."""


class EtcdAmbiguousWriteError(EtcdUnavailableError):
    """A write's connection broke after it was sent: it may or may not have been applied (so it is not retried)."""


#: The requests that change etcd's data (not retried once sent).
_WRITES: Final = frozenset({"/v3/kv/txn", "/v3/kv/deleterange", "/v3/kv/put"})
#: etcd's 503 answers to a request that may have been proposed (and applied) all the same; others ("no leader", the
#: gateway's own connection failures) come before proposing.
_AMBIGUOUS: Final = ("leader changed", "timed out", "server stopped")


@dataclass(frozen=True, slots=True)
class EtcdOptions:
    """How to reach etcd: ``--etcd-servers``, ``--etcd-prefix``, ``--etcd-cafile/certfile/keyfile``."""

    servers: tuple[str, ...]
    prefix: str = "/registry"
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None

    def root(self) -> str:
        """What goes before every kubelite key (which starts with ``/registry``) in etcd."""
        prefix = self.prefix.rstrip("/")
        return prefix.removesuffix("/registry")

    def ssl_context(self) -> ssl.SSLContext | None:
        if not any(url.startswith("https://") for url in self.servers):
            return None
        context = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        if self.cert_file is not None:
            context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def check(self) -> str | None:
        """A one-line problem with these options, or None."""
        if not self.servers:
            return "--etcd-servers is required with --storage-backend=etcd3"
        for url in self.servers:
            if not url.startswith(("http://", "https://")):
                return f"--etcd-servers: {url!r} is not an http:// or https:// URL"
        if bool(self.cert_file) != bool(self.key_file):
            return "--etcd-certfile and --etcd-keyfile go together"
        for flag, path in (
            ("--etcd-cafile", self.ca_file),
            ("--etcd-certfile", self.cert_file),
            ("--etcd-keyfile", self.key_file),
        ):
            if path is not None and not path.is_file():
                return f"{flag}: no such file: {path}"
        return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _at_revision(expected_revision: int) -> list[dict[str, Any]]:
    """The txn comparisons of a guarded write: the key exists (etcd compares a missing key's ``mod_revision`` as 0)
    and was last modified at ``expected_revision``."""
    return [
        {"result": "GREATER", "target": "CREATE", "create_revision": "0"},
        {"result": "EQUAL", "target": "MOD", "mod_revision": str(expected_revision)},
    ]


def _unb64(data: str | None) -> bytes:
    return base64.b64decode(data) if data else b""


def _range_end(prefix: bytes) -> bytes:
    """etcd's range_end for every key starting with ``prefix``; ``b"\\0"`` (all keys) when there is no bound."""
    data = bytearray(prefix)
    while data:
        if data[-1] < 0xFF:
            data[-1] += 1
            return bytes(data)
        data.pop()
    return b"\0"


def _range(prefix: bytes) -> dict[str, str]:
    """A range request's key and range_end for every key starting with ``prefix`` (etcd needs a non-empty key)."""
    return {"key": _b64(prefix or b"\0"), "range_end": _b64(_range_end(prefix))}


class _EtcdError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"etcd: {message} (HTTP {status})")
        self.status = status
        self.message = message


class EtcdStorage(Storage):
    """The Storage contract on an etcd v3 cluster. Open it with :meth:`open`."""

    def __init__(self, options: EtcdOptions, session: aiohttp.ClientSession, *, watch_queue_size: int) -> None:
        self._options = options
        self._root = options.root()
        self._session: aiohttp.ClientSession | None = session
        self._endpoint = 0
        self._compacted = 0
        self._watch_queue_size = watch_queue_size
        self._watchers: set[WatchQueue] = set()
        self._readers: set[asyncio.Task[None]] = set()

    @classmethod
    async def open(cls, options: EtcdOptions, *, watch_queue_size: int = 10_000) -> EtcdStorage:
        """Connect (lazily) and learn the compacted revision; raises EtcdUnavailableError when no endpoint answers."""
        problem = options.check()
        if problem is not None:
            raise ValueError(problem)
        if watch_queue_size < 1:
            raise ValueError(f"watch_queue_size must be positive, not {watch_queue_size}")
        connector = aiohttp.TCPConnector(limit=0, ssl=options.ssl_context() or True)
        session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None))
        store = cls(options, session, watch_queue_size=watch_queue_size)
        try:
            await store._refresh_compacted()
        except BaseException:
            await store.close()
            raise
        return store

    # --- plumbing ---------------------------------------------------------------------------------------------------

    def _key(self, key: str) -> bytes:
        return (self._root + key).encode()

    def _unkey(self, key: bytes) -> str:
        return key.decode()[len(self._root) :]

    @property
    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("the storage is closed")
        return self._session

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST to the current endpoint, moving on to the next one when it cannot be reached.

        A request that was certainly not applied (no connection, or a 503 such as "no leader", refused before
        proposing) is retried on the next endpoint, and when every endpoint refused, again after a pause (an
        election takes a moment), for up to ``UNAVAILABLE_RETRY_SECONDS``. So is a read whose connection broke. A
        write whose connection broke after it was sent (or that etcd answered "leader changed" or "request timed
        out") may have been applied: retrying it would turn the caller's own success into KeyExistsError or
        RevisionConflictError, so that raises :class:`EtcdAmbiguousWriteError` instead.
        """
        servers = self._options.servers
        data = json.dumps(body)
        write = path in _WRITES
        last: Exception | None = None
        deadline = time.monotonic() + UNAVAILABLE_RETRY_SECONDS
        pause = 0.05
        while True:
            for attempt in range(len(servers)):
                index = (self._endpoint + attempt) % len(servers)
                try:
                    async with self._http.post(
                        servers[index].rstrip("/") + path,
                        data=data,
                        headers={"Content-Type": "application/json"},
                        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
                    ) as response:
                        raw = await response.read()
                except aiohttp.ClientConnectorError as exc:  # not connected: nothing was sent
                    last = exc
                    continue
                except aiohttp.ClientConnectionError as exc:  # dropped (reset, disconnected) once connected
                    if write:
                        raise EtcdAmbiguousWriteError(
                            f"etcd {servers[index]}: the connection broke during a write, which may have been "
                            f"applied: {type(exc).__name__}: {exc}"
                        ) from exc
                    last = exc
                    continue
                self._endpoint = index
                reply: dict[str, Any] = json.loads(raw) if raw else {}
                if response.status != 200:
                    message = str(reply.get("message") or reply.get("error") or raw[:200])
                    if response.status == 503 and write and any(m in message for m in _AMBIGUOUS):
                        raise EtcdAmbiguousWriteError(
                            f"etcd {servers[index]}: {message} (the write may have been applied)"
                        )
                    if response.status == 503:  # no leader (yet): refused before proposing, try elsewhere
                        last = _EtcdError(response.status, message)
                        continue
                    raise _EtcdError(response.status, message)
                return reply
            # NB: every member at once answers "no leader" during an election; it takes a moment, so wait for it.
            if time.monotonic() + pause > deadline:
                break
            await asyncio.sleep(pause)
            pause = min(pause * 2, 1.0)
        if isinstance(last, _EtcdError):
            raise last
        raise EtcdUnavailableError(f"no etcd endpoint answered ({', '.join(servers)}): {last}")

    async def _range(self, body: dict[str, Any], requested: int | None) -> dict[str, Any]:
        try:
            return await self._post("/v3/kv/range", body)
        except _EtcdError as exc:
            if requested is not None and "compacted" in exc.message:
                await self._refresh_compacted()
                raise CompactedError(requested=requested, compacted=self._compacted) from None
            if requested is not None and "future revision" in exc.message:
                raise FutureRevisionError(requested=requested, current=await self.current_revision()) from None
            raise

    def _object(self, kv: dict[str, Any]) -> StoredObject:
        return StoredObject(
            self._unkey(_unb64(kv["key"])),
            _unb64(kv.get("value")),
            int(kv.get("create_revision", 0)),
            int(kv.get("mod_revision", 0)),
        )

    @staticmethod
    def _revision(reply: dict[str, Any]) -> int:
        return int(reply["header"]["revision"])

    async def _refresh_compacted(self) -> None:
        """Learn etcd's compacted revision: a read at revision 1 succeeds unless compacted; if it was, a watch from
        revision 1 is answered with the compacted revision."""
        try:
            await self._post("/v3/kv/range", {"key": _b64(self._key("/")), "revision": 1, "count_only": True})
            return
        except _EtcdError as exc:
            if "compacted" not in exc.message:
                raise
        body = {"create_request": {"key": _b64(self._key("/")), "start_revision": 1}}
        for server in self._options.servers:
            with contextlib.suppress(aiohttp.ClientConnectionError, TimeoutError):
                async with asyncio.timeout(10), self._http.post(server.rstrip("/") + "/v3/watch", json=body) as resp:
                    while line := await resp.content.readuntil(b"\n", max_size=MAX_MESSAGE):
                        result = json.loads(line).get("result", {})
                        compact = int(result.get("compact_revision", 0))
                        if compact:
                            self._compacted = max(self._compacted, compact)
                            return
        raise EtcdUnavailableError("etcd did not tell its compacted revision")

    # --- reads ------------------------------------------------------------------------------------------------------

    async def get(self, key: str, *, revision: int | None = None) -> StoredObject | None:
        body: dict[str, Any] = {"key": _b64(self._key(key))}
        if revision is not None:
            body["revision"] = max(revision, 1)  # etcd's 0 is "the newest"; its 1 is the empty store
        reply = await self._range(body, revision)
        kvs = reply.get("kvs")
        return self._object(kvs[0]) if kvs else None

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
        body: dict[str, Any] = {**_range(low), "key": _b64(start or b"\0")}
        if limit:
            body["limit"] = limit
        if revision is not None:
            body["revision"] = max(revision, 1)  # etcd's 0 is "the newest"; its 1 is the empty store
        reply = await self._range(body, revision)
        items = [self._object(kv) for kv in reply.get("kvs", ())]
        more = bool(reply.get("more"))
        remaining = int(reply.get("count", 0)) - len(items) if more else 0
        read_at = revision if revision is not None else self._revision(reply)
        return ListResult(items=items, revision=read_at, more=more, remaining=remaining)

    async def count(self, prefix: str) -> int:
        low = self._key(prefix)
        reply = await self._post("/v3/kv/range", {**_range(low), "count_only": True})
        return int(reply.get("count", 0))

    async def current_revision(self) -> int:
        reply = await self._post("/v3/kv/range", {"key": _b64(self._key("/")), "count_only": True})
        return self._revision(reply)

    async def compacted_revision(self) -> int:
        return self._compacted

    # --- writes -----------------------------------------------------------------------------------------------------

    async def _txn(self, key: bytes, compare: Sequence[dict[str, Any]], success: dict[str, Any]) -> dict[str, Any]:
        """A compare-and-swap on ``key`` (every comparison must hold); its failure branch reads the key.

        When the connection broke after a put was sent (EtcdAmbiguousWriteError), the txn is sent once more (to the
        next endpoint if that one is gone): if the first was not applied the compare still holds and the retry does
        the write; if it was, the compare fails, and a stored value equal to the one put (kubelite's values carry
        the object's uid, so they do not repeat) shows the first attempt's success, which is returned as such. A
        delete, or a key changed again since, stays ambiguous.
        """
        body = {
            "compare": [{"key": _b64(key), **c} for c in compare],
            "success": [success],
            "failure": [{"request_range": {"key": _b64(key)}}],
        }
        try:
            return await self._post("/v3/kv/txn", body)
        except EtcdAmbiguousWriteError:
            put = success.get("request_put")
            if put is None:
                raise
            log.info("etcd: a txn's connection broke after it was sent; sending it again to learn whether it applied")
        reply = await self._post("/v3/kv/txn", body)
        if reply.get("succeeded"):
            return reply
        current = self._failure_kv(reply)
        if current is None or current.get("value", "") != put["value"]:
            raise EtcdAmbiguousWriteError(f"etcd: a write to {key!r} may or may not have been applied")
        # The first attempt was applied (at the stored mod_revision, nothing since): answer as it would have.
        prev = {"create_revision": current["create_revision"], "key": current["key"]}
        return {
            "succeeded": True,
            "header": {"revision": current["mod_revision"]},
            "responses": [{"response_put": {"prev_kv": prev}}],
        }

    @staticmethod
    def _failure_kv(reply: dict[str, Any]) -> dict[str, Any] | None:
        kvs = reply["responses"][0]["response_range"].get("kvs")
        return kvs[0] if kvs else None

    async def create(self, key: str, value: bytes) -> StoredObject:
        k = self._key(key)
        reply = await self._txn(
            k,
            [{"result": "EQUAL", "target": "CREATE", "create_revision": "0"}],
            {"request_put": {"key": _b64(k), "value": _b64(value)}},
        )
        if not reply.get("succeeded"):
            raise KeyExistsError(key)
        revision = self._revision(reply)
        return StoredObject(key, value, revision, revision)

    async def update(self, key: str, value: bytes, *, expected_revision: int) -> StoredObject:
        k = self._key(key)
        reply = await self._txn(
            k,
            _at_revision(expected_revision),
            {"request_put": {"key": _b64(k), "value": _b64(value), "prev_kv": True}},
        )
        if not reply.get("succeeded"):
            current = self._failure_kv(reply)
            if current is None:
                raise KeyNotFoundError(key)
            raise RevisionConflictError(key, expected_revision, self._object(current))
        prev = self._object(reply["responses"][0]["response_put"]["prev_kv"])
        return StoredObject(key, value, prev.create_revision, self._revision(reply))

    async def delete(self, key: str, *, expected_revision: int | None = None) -> StoredObject:
        k = self._key(key)
        request = {"key": _b64(k), "prev_kv": True}
        if expected_revision is None:
            reply = await self._post("/v3/kv/deleterange", request)
            prev_kvs = reply.get("prev_kvs")
        else:
            reply = await self._txn(
                k,
                _at_revision(expected_revision),
                {"request_delete_range": request},
            )
            if not reply.get("succeeded"):
                current = self._failure_kv(reply)
                if current is None:
                    raise KeyNotFoundError(key)
                raise RevisionConflictError(key, expected_revision, self._object(current))
            prev_kvs = reply["responses"][0]["response_delete_range"].get("prev_kvs")
        if not prev_kvs:
            raise KeyNotFoundError(key)
        prev = self._object(prev_kvs[0])
        return StoredObject(key, prev.value, prev.create_revision, self._revision(reply))

    async def compact(self, revision: int) -> None:
        """Forget history below ``revision`` (etcd's compaction at ``revision``, which stays readable). Raises
        FutureRevisionError for a revision not yet written."""
        current = await self.current_revision()
        if revision > current:
            raise FutureRevisionError(requested=revision, current=current)
        if revision <= self._compacted:
            return
        try:
            await self._post("/v3/kv/compaction", {"revision": revision})
        except _EtcdError as exc:
            if "compacted" not in exc.message:
                raise
            await self._refresh_compacted()  # another server compacted further
            return
        self._compacted = revision

    # --- watch ------------------------------------------------------------------------------------------------------

    def watch(self, prefix: str, *, after_revision: int) -> AsyncGenerator[WatchEvent, None]:
        return self._watch(prefix, after_revision)

    async def _watch(self, prefix: str, after_revision: int) -> AsyncGenerator[WatchEvent, None]:
        self._http  # noqa: B018  (raises when closed)
        if after_revision < self._compacted:
            raise CompactedError(requested=after_revision, compacted=self._compacted)
        watcher = WatchQueue(self._watch_queue_size)
        self._watchers.add(watcher)
        reader = asyncio.create_task(self._read_watch(watcher, self._key(prefix), after_revision))
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

    async def _read_watch(self, watcher: WatchQueue, prefix: bytes, after_revision: int) -> None:
        """Stream etcd's events after ``after_revision`` into ``watcher``; resume elsewhere when a stream breaks.

        The watch starts at the first revision wanted (after ``after_revision``, which is at or above the compacted
        revision, so etcd accepts it; etcd's start revision 0 would mean "from now"); events at or below the last
        delivered revision are skipped all the same.
        """
        last = after_revision
        servers = self._options.servers
        endpoint = self._endpoint
        failures = 0
        try:
            while not watcher.closed:
                request = {
                    "create_request": {
                        **_range(prefix),
                        "start_revision": str(last + 1),
                        "prev_kv": True,
                        "progress_notify": True,
                    }
                }
                try:
                    async with self._http.post(servers[endpoint].rstrip("/") + "/v3/watch", json=request) as resp:
                        if resp.status != 200:
                            raise _EtcdError(resp.status, (await resp.read())[:200].decode(errors="replace"))
                        failures = 0
                        while line := await resp.content.readuntil(b"\n", max_size=MAX_MESSAGE):
                            message = json.loads(line)
                            if "error" in message:
                                raise _EtcdError(500, str(message["error"]))
                            result = message.get("result", {})
                            compact = int(result.get("compact_revision", 0))
                            if compact:
                                self._compacted = max(self._compacted, compact)
                                watcher.fail(CompactedError(requested=last, compacted=compact))
                                return
                            if result.get("canceled"):
                                raise _EtcdError(500, f"watch canceled: {result.get('cancel_reason', '')}")
                            for raw in result.get("events", ()):
                                event = self._event(raw)
                                if event.revision <= last:
                                    continue
                                last = event.revision
                                if not watcher.push(event):
                                    return
                except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, _EtcdError) as exc:
                    failures += 1
                    if failures > 3 * len(servers):
                        raise EtcdUnavailableError(f"watch: no etcd endpoint answered: {exc}") from exc
                    log.info("etcd watch on %s broke (%s); resuming after revision %d", servers[endpoint], exc, last)
                    endpoint = (endpoint + 1) % len(servers)
                    await asyncio.sleep(0.1 * failures)
                    continue
                # A stream that ends cleanly (etcd stopping) is resumed the same way.
                endpoint = (endpoint + 1) % len(servers)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            watcher.fail(exc)

    def _event(self, raw: dict[str, Any]) -> WatchEvent:
        kv = raw["kv"]
        prev = raw.get("prev_kv")
        key = self._unkey(_unb64(kv["key"]))
        revision = int(kv.get("mod_revision", 0))
        prev_value = _unb64(prev.get("value")) if prev else None
        if raw.get("type") == "DELETE":
            create_revision = int(prev["create_revision"]) if prev else 0
            return WatchEvent(EventType.DELETE, key, prev_value or b"", revision, create_revision, prev_value)
        return WatchEvent(
            EventType.PUT,
            key,
            _unb64(kv.get("value")),
            revision,
            int(kv.get("create_revision", 0)),
            prev_value,
        )

    async def close(self) -> None:
        if self._session is None:
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
        session, self._session = self._session, None
        await session.close()


def parse_servers(value: str) -> tuple[str, ...]:
    """``--etcd-servers``: comma-separated URLs."""
    return tuple(url.strip() for url in value.split(",") if url.strip())


__all__: Sequence[str] = [
    "EtcdAmbiguousWriteError",
    "EtcdOptions",
    "EtcdStorage",
    "EtcdUnavailableError",
    "parse_servers",
]
