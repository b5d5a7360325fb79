"""Logical snapshots of kubelite's storage: every key under ``/registry/`` at one revision, in a file that either
backend restores.

The file is JSON lines (gzip-compressed when its name ends in ``.gz``):

* a header: ``{"format": "kubelite-snapshot", "version": 1, "backend": "sqlite", "revision": R, "created": "..."}``,
  where ``revision`` is the storage revision (the resourceVersion) everything was read at;
* one line per key, in key order: ``{"key": "/registry/...", "object": {...}, "create_revision": C,
  "mod_revision": M}``, with the stored JSON as ``object`` (so ``grep`` and ``jq`` work on it), or ``"value"``
  (base64) for a value that is not JSON exactly as kubelite writes it;
* a trailer: ``{"end": true, "count": N, "sha256": "..."}``, the digest of every line before it, so a truncated or
  edited file is refused before anything is restored.

Restoring writes every key into an empty store with plain creates: the target's revision counter decides the new
resourceVersions, so they change (see docs/operations/kubelite-apiserver.md, "Snapshots").
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import gzip
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from kubelite.apiserver import codec
from kubelite.apiserver.storage import CompactedError, Storage, StoredObject

FORMAT: Final = "kubelite-snapshot"
VERSION: Final = 1
#: Everything kubelite stores lives under this prefix.
PREFIX: Final = "/registry/"
#: Keys read per list request while saving from a live store.
PAGE: Final = 500
#: Writes in flight while restoring.
CONCURRENCY: Final = 32


class SnapshotError(Exception):
    """A snapshot file that cannot be used, or a target that cannot take one; the message is one line."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A snapshot in memory: where it came from, the revision it was read at, and every object."""

    backend: str
    revision: int
    created: str
    items: list[StoredObject]


async def read_storage(storage: Storage, *, attempts: int = 3) -> tuple[int, list[StoredObject]]:
    """Every key under :data:`PREFIX` at one revision, paged; starts over when a compaction overtakes the read."""
    for attempt in range(attempts):
        items: list[StoredObject] = []
        revision: int | None = None
        start_after: str | None = None
        try:
            while True:
                page = await storage.list(PREFIX, limit=PAGE, start_after=start_after, revision=revision)
                revision = page.revision
                items += page.items
                if not page.more:
                    return revision, items
                start_after = page.items[-1].key
        except CompactedError:
            if attempt + 1 == attempts:
                raise
    raise AssertionError("unreachable")


def _line(item: StoredObject) -> dict[str, Any]:
    line: dict[str, Any] = {"key": item.key}
    try:
        decoded = codec.loads(item.value)
        exact = codec.dumps(decoded) == item.value
    except ValueError:
        exact = False
    if exact:
        line["object"] = decoded
    else:
        line["value"] = base64.b64encode(item.value).decode()
    line["create_revision"] = item.create_revision
    line["mod_revision"] = item.mod_revision
    return line


def _open(path: Path, mode: str, *, gz: bool) -> IO[bytes]:
    if gz:
        return gzip.open(path, mode + "b")  # type: ignore[return-value]
    return open(path, mode + "b")


def write(path: Path, backend: str, revision: int, items: Iterable[StoredObject]) -> int:
    """Write a snapshot file (atomically: to a temporary name, then renamed); returns how many keys it holds."""
    created = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = hashlib.sha256()
    count = 0
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with _open(tmp, "w", gz=path.name.endswith(".gz")) as out:

            def emit(obj: dict[str, Any]) -> None:
                data = codec.dumps(obj) + b"\n"
                digest.update(data)
                out.write(data)

            emit({"format": FORMAT, "version": VERSION, "backend": backend, "revision": revision, "created": created})
            for item in items:
                emit(_line(item))
                count += 1
            out.write(codec.dumps({"end": True, "count": count, "sha256": digest.hexdigest()}) + b"\n")
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def read(path: Path) -> Snapshot:
    """Read and check a whole snapshot file; raises SnapshotError naming what is wrong."""
    try:
        with _open(path, "r", gz=path.name.endswith(".gz")) as src:
            lines = src.read().splitlines(keepends=True)
    except FileNotFoundError:
        raise SnapshotError(f"{path}: no such file") from None
    except (OSError, EOFError) as exc:
        raise SnapshotError(f"{path}: cannot read: {exc}") from None
    try:
        header = json.loads(lines[0]) if lines else None
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SnapshotError(f"{path}: not a kubelite snapshot")
    if header.get("version") != VERSION:
        raise SnapshotError(f"{path}: snapshot format version {header.get('version')}; this kubelite reads {VERSION}")
    try:
        trailer = json.loads(lines[-1])
    except ValueError:
        trailer = None
    if len(lines) < 2 or not isinstance(trailer, dict) or trailer.get("end") is not True:
        raise SnapshotError(f"{path}: truncated (no end line)")
    body = lines[1:-1]
    digest = hashlib.sha256()
    for line in lines[:-1]:
        digest.update(line)
    if trailer.get("count") != len(body) or trailer.get("sha256") != digest.hexdigest():
        raise SnapshotError(f"{path}: damaged (count or checksum does not match)")
    items = []
    for number, raw in enumerate(body, start=2):
        try:
            entry = json.loads(raw)
            key = entry["key"]
            value = codec.dumps(entry["object"]) if "object" in entry else base64.b64decode(entry["value"])
            items.append(StoredObject(key, value, int(entry["create_revision"]), int(entry["mod_revision"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise SnapshotError(f"{path}:{number}: bad entry: {exc}") from None
        if not key.startswith(PREFIX):
            raise SnapshotError(f"{path}:{number}: key {key!r} is not under {PREFIX}")
    return Snapshot(str(header.get("backend", "")), int(header.get("revision", 0)), str(header.get("created")), items)


async def _gather(coroutines: Iterator[Any]) -> None:
    """Run coroutines with at most :data:`CONCURRENCY` in flight."""
    semaphore = asyncio.Semaphore(CONCURRENCY)

    async def one(coroutine: Any) -> None:
        async with semaphore:
            await coroutine

    try:
        async with asyncio.TaskGroup() as group:
            for coroutine in coroutines:
                group.create_task(one(coroutine))
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None  # the first failure is the story (the rest were cancelled with it)


async def load(storage: Storage, items: Sequence[StoredObject], *, force: bool = False) -> None:
    """Create every item in ``storage``, which must hold nothing under :data:`PREFIX` unless ``force`` (which
    deletes what is there first). Raises SnapshotError for a non-empty target."""
    existing = await storage.count(PREFIX)
    if existing and not force:
        raise SnapshotError(f"the target store is not empty ({existing} keys under {PREFIX}); use --force to replace")
    if existing:
        _, present = await read_storage(storage)
        await _gather(storage.delete(item.key) for item in present)
    await _gather(storage.create(item.key, item.value) for item in items)


async def verify(storage: Storage, items: Sequence[StoredObject]) -> str | None:
    """None when ``storage`` holds exactly ``items`` (keys and values) under :data:`PREFIX`, else what differs."""
    _, stored = await read_storage(storage)
    want = {item.key: item.value for item in items}
    have = {item.key: item.value for item in stored}
    if len(have) != len(want):
        return f"{len(have)} keys stored, {len(want)} expected"
    for key, value in want.items():
        if key not in have:
            return f"{key} is missing"
        if have[key] != value:
            return f"{key} differs"
    return None
