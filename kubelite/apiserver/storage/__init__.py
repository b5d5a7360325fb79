"""Revisioned object storage behind one interface.

The contract (get, list with prefix/limit/continue, create, compare-and-swap update, delete, watch from a revision,
compact) is the one etcd offers to kube-apiserver; ``resourceVersion`` is the storage revision. SQLite is the
default backend; ``etcd3`` (etcd v3 over gRPC) plugs in behind the same interface.
"""

from __future__ import annotations

import pathlib

from kubelite.apiserver.storage.etcd import EtcdOptions, EtcdStorage
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
    "EtcdOptions",
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
BACKENDS = ("sqlite", "etcd3")


async def open_storage(backend: str, data_dir: pathlib.Path, *, etcd: EtcdOptions | None = None) -> Storage:
    """Open the named backend's store: ``sqlite`` keeps its file in ``data_dir`` (which must exist), ``etcd3``
    connects to the cluster ``etcd`` describes."""
    if backend == "sqlite":
        return await SQLiteStorage.open(data_dir / "kubelite.db")
    if backend == "etcd3":
        if etcd is None:
            raise ValueError("the etcd3 storage backend needs etcd options (--etcd-servers)")
        return await EtcdStorage.open(etcd)
    raise ValueError(f"unknown storage backend {backend!r}; supported: {', '.join(BACKENDS)}")
