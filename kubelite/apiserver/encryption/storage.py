"""A Storage that encrypts on the way in and decrypts on the way out, wrapped around either backend.

Keys stay in the clear (they are ``/registry/<group>/<resource>/...`` and name nothing secret); values of the
resources the configuration names are transformed. Everything the API server reads (get, list, watch events, the
object a failed compare-and-swap returns) comes back as plaintext, so nothing above this layer knows.

Values read with an old key are marked stale (:class:`DecryptedObject`), so that rewriting an object unchanged
(``kubectl get secrets -A -o json | kubectl replace -f -``) still stores it again under the current key instead
of being skipped as a no-op write.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, replace

from kubelite.apiserver.encryption.config import EncryptionConfig, ResourceEncryption
from kubelite.apiserver.storage import ListResult, RevisionConflictError, Storage, StoredObject, WatchEvent


@dataclass(frozen=True, slots=True)
class DecryptedObject(StoredObject):
    #: Written with a key other than the current write key (or unencrypted where encryption is now configured).
    stale: bool = False


def resource_of(key: str) -> tuple[str, str] | None:
    """(group, resource) of a storage key ``/registry/<group or core>/<resource>/...``."""
    parts = key.split("/", 4)
    if len(parts) < 4 or parts[1] != "registry":
        return None
    group = "" if parts[2] == "core" else parts[2]
    return group, parts[3]


class EncryptedStorage(Storage):
    def __init__(self, inner: Storage, config: EncryptionConfig) -> None:
        self.inner = inner
        self.config = config
        self._cache: dict[tuple[str, str], ResourceEncryption | None] = {}

    def _encryption(self, key: str) -> ResourceEncryption | None:
        resource = resource_of(key)
        if resource is None:
            return None
        if resource not in self._cache:
            self._cache[resource] = self.config.for_resource(*resource)
        return self._cache[resource]

    def _in(self, key: str, value: bytes) -> bytes:
        encryption = self._encryption(key)
        return value if encryption is None else encryption.encrypt(value, key)

    def _out(self, obj: StoredObject) -> StoredObject:
        encryption = self._encryption(obj.key)
        if encryption is None:
            return obj
        value, stale = encryption.decrypt(obj.value, obj.key)
        return DecryptedObject(obj.key, value, obj.create_revision, obj.mod_revision, stale)

    def _out_value(self, key: str, value: bytes | None) -> bytes | None:
        encryption = self._encryption(key)
        if encryption is None or value is None:
            return value
        return encryption.decrypt(value, key)[0]

    async def get(self, key: str, *, revision: int | None = None) -> StoredObject | None:
        found = await self.inner.get(key, revision=revision)
        return None if found is None else self._out(found)

    async def list(
        self, prefix: str, *, limit: int = 0, start_after: str | None = None, revision: int | None = None
    ) -> ListResult:
        result = await self.inner.list(prefix, limit=limit, start_after=start_after, revision=revision)
        return replace(result, items=[self._out(item) for item in result.items])

    async def count(self, prefix: str) -> int:
        return await self.inner.count(prefix)

    async def create(self, key: str, value: bytes) -> StoredObject:
        return self._plain(await self.inner.create(key, self._in(key, value)), value)

    async def update(self, key: str, value: bytes, *, expected_revision: int) -> StoredObject:
        try:
            stored = await self.inner.update(key, self._in(key, value), expected_revision=expected_revision)
        except RevisionConflictError as exc:
            raise RevisionConflictError(key, expected_revision, self._out(exc.current)) from None
        return self._plain(stored, value)

    async def delete(self, key: str, *, expected_revision: int | None = None) -> StoredObject:
        try:
            return self._out(await self.inner.delete(key, expected_revision=expected_revision))
        except RevisionConflictError as exc:
            raise RevisionConflictError(key, expected_revision or 0, self._out(exc.current)) from None

    @staticmethod
    def _plain(stored: StoredObject, value: bytes) -> StoredObject:
        return StoredObject(stored.key, value, stored.create_revision, stored.mod_revision)

    def watch(self, prefix: str, *, after_revision: int, progress: bool = False) -> AsyncGenerator[WatchEvent, None]:
        return self._watch(prefix, after_revision, progress)

    async def _watch(self, prefix: str, after_revision: int, progress: bool) -> AsyncGenerator[WatchEvent, None]:
        stream = self.inner.watch(prefix, after_revision=after_revision, progress=progress)
        try:
            async for event in stream:
                if not event.key or self._encryption(event.key) is None:
                    yield event
                    continue
                value = self._out_value(event.key, event.value) or b""
                yield replace(event, value=value, prev_value=self._out_value(event.key, event.prev_value))
        finally:
            await stream.aclose()

    async def current_revision(self) -> int:
        return await self.inner.current_revision()

    async def compacted_revision(self) -> int:
        return await self.inner.compacted_revision()

    async def compact(self, revision: int) -> None:
        await self.inner.compact(revision)

    async def compact_on_schedule(self, revision: int) -> bool:
        return await self.inner.compact_on_schedule(revision)

    async def close(self) -> None:
        await self.inner.close()
