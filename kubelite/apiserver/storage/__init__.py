"""Revisioned object storage behind one interface.

The contract (get, list with prefix/limit/continue, create, compare-and-swap update, delete, watch from a revision,
compact) is the one etcd offers to kube-apiserver; ``resourceVersion`` is the storage revision. SQLite is the
default backend; an etcd backend plugs in behind the same interface.
"""

from __future__ import annotations

import pathlib

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
from kubelite.apiserver.storage.sqlite import SQLiteStorage

__all__ = [
    "BACKENDS",
    "CompactedError",
    "EventType",
    "FutureRevisionError",
    "KeyExistsError",
    "KeyNotFoundError",
    "ListResult",
    "RevisionConflictError",
    "Storage",
    "StorageError",
    "StoredObject",
    "WatchEvent",
    "open_storage",
]

#: The backends :func:`open_storage` knows, the default first.
BACKENDS = ("sqlite",)


async def open_storage(backend: str, data_dir: pathlib.Path) -> Storage:
    """Open the named backend's store, keeping its files in ``data_dir`` (which must exist)."""
    if backend == "sqlite":
        return await SQLiteStorage.open(data_dir / "kubelite.db")
    raise ValueError(f"unknown storage backend {backend!r}; supported: {', '.join(BACKENDS)}")
