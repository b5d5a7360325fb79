"""The Storage contract: a revisioned key-value log, the shape etcd offers kube-apiserver.

Every write (create, update, delete) gets the next revision of one store-wide counter. A key's ``mod_revision`` is the
revision of its last write and is what the API server reports as ``resourceVersion``; ``create_revision`` is the
revision that created it. Reads can be served at a past revision (a consistent snapshot, which is what ``continue``
tokens need) as long as that revision has not been compacted away. Watches replay history from a revision and then
follow live writes; starting below the compacted revision raises :class:`CompactedError` (HTTP 410 Gone).

Values are opaque bytes to the store (the API server keeps JSON there). Backends: ``sqlite`` (default), ``etcd3``.
The same contract test suite runs against each backend.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import AsyncGenerator
from dataclasses import dataclass


class StorageError(Exception):
    """Base of the errors a backend raises for a contract violation by the caller."""


class KeyExistsError(StorageError):
    """``create`` of a key that exists."""

    def __init__(self, key: str) -> None:
        super().__init__(f"key exists: {key}")
        self.key = key


class KeyNotFoundError(StorageError):
    """``update`` or ``delete`` of a key that does not exist."""

    def __init__(self, key: str) -> None:
        super().__init__(f"key not found: {key}")
        self.key = key


class RevisionConflictError(StorageError):
    """A compare-and-swap failed: the key's mod revision is not the expected one. ``current`` is what is stored."""

    def __init__(self, key: str, expected: int, current: StoredObject) -> None:
        super().__init__(f"revision conflict on {key}: expected {expected}, stored {current.mod_revision}")
        self.key = key
        self.expected = expected
        self.current = current


class CompactedError(StorageError):
    """A read or watch asked for a revision older than the compacted revision."""

    def __init__(self, requested: int, compacted: int) -> None:
        super().__init__(f"revision {requested} has been compacted (compacted revision: {compacted})")
        self.requested = requested
        self.compacted = compacted


class FutureRevisionError(StorageError):
    """A read asked for a revision newer than the current one."""

    def __init__(self, requested: int, current: int) -> None:
        super().__init__(f"revision {requested} is newer than the current revision {current}")
        self.requested = requested
        self.current = current


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    value: bytes
    create_revision: int
    mod_revision: int


class EventType(enum.Enum):
    PUT = "PUT"  # a create or an update; ``prev_value`` is None for a create
    DELETE = "DELETE"
    #: Only for watches opened with ``progress=True``: every write under the prefix up to ``revision`` has been
    #: delivered (etcd's progress notification); ``key`` is empty and nothing changed. The API server sends it on as a
    #: BOOKMARK, so a quiet watcher's resourceVersion still advances.
    PROGRESS = "PROGRESS"


@dataclass(frozen=True, slots=True)
class WatchEvent:
    type: EventType
    key: str
    #: The value after the write; for a DELETE, the last value the key had (as kube-apiserver's DELETED event).
    value: bytes
    #: The revision of this write (for a DELETE: the revision of the deletion).
    revision: int
    create_revision: int
    #: The value before the write, None for a create.
    prev_value: bytes | None = None

    @property
    def is_create(self) -> bool:
        return self.type is EventType.PUT and self.prev_value is None


@dataclass(frozen=True, slots=True)
class ListResult:
    items: list[StoredObject]
    #: The revision the list was read at (the store's current revision unless one was asked for).
    revision: int
    #: True when ``limit`` cut the list short; continue with ``start_after=items[-1].key`` at ``revision``.
    more: bool
    #: How many keys under the prefix remain after the last returned one (0 when ``more`` is False).
    remaining: int


class Storage(abc.ABC):
    """A revisioned key-value store. All methods are safe to call concurrently from one event loop."""

    @abc.abstractmethod
    async def get(self, key: str, *, revision: int | None = None) -> StoredObject | None:
        """The key's value at ``revision`` (default: now), or None. Raises CompactedError/FutureRevisionError."""

    @abc.abstractmethod
    async def list(
        self,
        prefix: str,
        *,
        limit: int = 0,
        start_after: str | None = None,
        revision: int | None = None,
    ) -> ListResult:
        """Keys starting with ``prefix`` in key order, strictly after ``start_after``, at ``revision`` (default: now).

        ``limit`` 0 means all. Raises CompactedError for a compacted revision and FutureRevisionError for one not
        yet written.
        """

    @abc.abstractmethod
    async def count(self, prefix: str) -> int:
        """How many keys start with ``prefix`` now."""

    @abc.abstractmethod
    async def create(self, key: str, value: bytes) -> StoredObject:
        """Store a new key. Raises KeyExistsError."""

    @abc.abstractmethod
    async def update(self, key: str, value: bytes, *, expected_revision: int) -> StoredObject:
        """Replace a key's value if its mod revision is ``expected_revision``.

        Raises KeyNotFoundError, or RevisionConflictError carrying what is stored now.
        """

    @abc.abstractmethod
    async def delete(self, key: str, *, expected_revision: int | None = None) -> StoredObject:
        """Delete a key (only if its mod revision is ``expected_revision``, when given).

        Returns the deleted object with ``mod_revision`` set to the revision of the deletion. Raises
        KeyNotFoundError or RevisionConflictError.
        """

    @abc.abstractmethod
    def watch(self, prefix: str, *, after_revision: int, progress: bool = False) -> AsyncGenerator[WatchEvent, None]:
        """Every write to keys under ``prefix`` with a revision greater than ``after_revision``, in revision order.

        History first, then live events, without gaps or duplicates. Raises CompactedError (on the first
        ``__anext__``) when ``after_revision`` is below the compacted revision. Closing the iterator (``aclose``)
        releases it. A slow consumer never blocks writers; a watcher that falls too far behind (or one the backend
        cannot resume, e.g. etcd unreachable for long) is ended with CompactedError so it can relist, as etcd does.

        With ``progress``, the backend may also yield PROGRESS events (revision R: nothing under the prefix changed
        between the last event and R); etcd sends them for quiet watches, the sqlite backend never does.
        """

    @abc.abstractmethod
    async def current_revision(self) -> int:
        """The revision of the last write (0 for an empty store)."""

    @abc.abstractmethod
    async def compacted_revision(self) -> int:
        """The last compacted revision (0: none). Reads need ``revision >= compacted``; watches need
        ``after_revision >= compacted``."""

    @abc.abstractmethod
    async def compact(self, revision: int) -> None:
        """Forget history at and below ``revision`` (the latest value of every live key is kept)."""

    async def compact_on_schedule(self, revision: int) -> bool:
        """One tick of the periodic compaction that every API server on this store runs: compact at ``revision``
        (the revision the caller saw one interval ago) unless another server sharing the store already compacted in
        this interval. True when this call compacted. A store of one process (sqlite) simply compacts; etcd
        coordinates its servers as kube-apiserver does (``etcd.py``)."""
        await self.compact(revision)
        return True

    @abc.abstractmethod
    async def close(self) -> None:
        """Release files, connections and watchers. Idempotent."""
