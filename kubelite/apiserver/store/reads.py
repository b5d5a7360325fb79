"""Get and list: selectors, resourceVersion semantics, and paginated lists over one consistent snapshot.

A paginated list is read at one storage revision: the first page fixes it and the ``continue`` token carries it
(with the last key returned), so every page shows the collection as it was when the list began. Tokens use
upstream's shape (base64url of ``{"v":"meta.k8s.io/v1","rv":N,"start":"key"}``) so they look familiar, but clients
must treat them as opaque.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from kubelite.apiserver import errors
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.objects import Object
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.storage import CompactedError, FutureRevisionError
from kubelite.apiserver.store.base import StoreBase
from kubelite.apiserver.store.matching import Matcher

#: How long a read waits for a resourceVersion newer than the store's before answering 504 (as upstream: 3 s).
FUTURE_REVISION_WAIT = 3.0
_PAGE = 500

_CONTINUE_TOO_OLD = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter."
)


@dataclass(frozen=True, slots=True)
class ListQuery:
    label_selector: str = ""
    field_selector: str = ""
    limit: int = 0
    continue_token: str = ""
    resource_version: str = ""
    resource_version_match: str = ""

    @classmethod
    def parse(cls, query: dict[str, str]) -> ListQuery:
        limit_raw = query.get("limit") or "0"
        try:
            limit = int(limit_raw)
        except ValueError:
            raise errors.bad_request(f"invalid limit: {limit_raw!r}") from None
        q = cls(
            label_selector=query.get("labelSelector", ""),
            field_selector=query.get("fieldSelector", ""),
            limit=max(limit, 0),
            continue_token=query.get("continue", ""),
            resource_version=query.get("resourceVersion", ""),
            resource_version_match=query.get("resourceVersionMatch", ""),
        )
        q.check()
        return q

    def check(self) -> None:
        problems = []
        if self.resource_version_match not in ("", "Exact", "NotOlderThan"):
            problems.append(
                errors.not_supported("resourceVersionMatch", self.resource_version_match, ["Exact", "NotOlderThan"])
            )
        if self.resource_version_match and not self.resource_version:
            problems.append(
                errors.forbidden(
                    "resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"
                )
            )
        if self.resource_version_match == "Exact" and self.resource_version == "0":
            problems.append(
                errors.forbidden(
                    "resourceVersionMatch", 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'
                )
            )
        if self.continue_token and self.resource_version and self.resource_version != "0":
            problems.append(
                errors.forbidden("resourceVersion", "specifying resource version is not allowed when using continue")
            )
        if problems:
            raise errors.invalid_object("ListOptions", "meta.k8s.io", "", problems)


def encode_continue(revision: int, start: str) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": revision, "start": start}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_continue(token: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        revision, start = int(data["rv"]), str(data["start"])
        if data.get("v") != "meta.k8s.io/v1" or revision <= 0:
            raise ValueError
    except (binascii.Error, ValueError, KeyError, TypeError, json.JSONDecodeError):
        raise errors.bad_request("continue key is not valid: incorrect encoded start resourceVersion") from None
    return revision, start


def parse_resource_version(value: str) -> int:
    try:
        revision = int(value)
        if revision < 0:
            raise ValueError
    except ValueError:
        raise errors.bad_request(f"invalid resource version: {value!r}") from None
    return revision


class ReadMixin(StoreBase):
    async def get(self, rt: ResourceType, namespace: str | None, name: str) -> Object:
        _, obj = await self.read_current(rt, namespace, name)
        return obj

    async def list(self, rt: ResourceType, namespace: str | None, query: ListQuery) -> Object:
        matcher = Matcher.parse(rt, query.label_selector, query.field_selector)
        prefix = rt.list_prefix(namespace)
        start_after: str | None = None
        if query.continue_token:
            revision, start = decode_continue(query.continue_token)
            start_after = prefix + start
        else:
            revision = await self._list_revision(query)
        items: list[Object] = []
        more, remaining, last_key = False, 0, ""
        try:
            while True:
                page_size = _PAGE if matcher.filters or not query.limit else query.limit - len(items)
                page = await self.storage.list(prefix, limit=page_size, start_after=start_after, revision=revision)
                for index, stored in enumerate(page.items):
                    obj = self._decode(rt, stored.value, stored.mod_revision)
                    if not matcher.matches(obj):
                        continue
                    items.append(obj)
                    if query.limit and len(items) >= query.limit:
                        last_key = stored.key
                        left_in_page = len(page.items) - index - 1
                        more = page.more or left_in_page > 0
                        remaining = page.remaining + left_in_page
                        break
                if last_key or not page.more:
                    break
                start_after = page.items[-1].key
        except CompactedError:
            message = _CONTINUE_TOO_OLD if query.continue_token else f"too old resource version: {revision}"
            raise errors.gone(message) from None
        if not rt.custom:
            for obj in items:
                obj.pop("apiVersion", None)
                obj.pop("kind", None)
        list_meta: dict[str, Any] = {"resourceVersion": str(revision)}
        if more:
            list_meta["continue"] = encode_continue(revision, last_key[len(prefix) :])
            if not matcher.filters:
                list_meta["remainingItemCount"] = remaining
        return {"kind": rt.list_kind, "apiVersion": rt.api_version, "metadata": list_meta, "items": items}

    async def _list_revision(self, query: ListQuery) -> int:
        """The revision a (first) list is read at, following resourceVersion and resourceVersionMatch."""
        current = await self.storage.current_revision()
        if not query.resource_version or query.resource_version == "0":
            return current
        requested = parse_resource_version(query.resource_version)
        if query.resource_version_match == "Exact":
            compacted = await self.storage.compacted_revision()
            if requested < compacted:
                raise errors.gone(f"too old resource version: {requested} ({compacted})")
            if requested > current:
                await self.wait_for_revision(requested)
            return requested
        if requested > current:
            await self.wait_for_revision(requested)
            return await self.storage.current_revision()
        return current

    async def wait_for_revision(self, revision: int) -> None:
        """Wait briefly for the store to reach ``revision``; 504 when it does not (a resourceVersion from the
        future, usually from another server)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + FUTURE_REVISION_WAIT
        while (current := await self.storage.current_revision()) < revision:
            if loop.time() >= deadline:
                raise APIError(
                    504,
                    "Timeout",
                    f"Too large resource version: {revision}, current: {current}",
                    retry_after_seconds=1,
                )
            await asyncio.sleep(0.05)


__all__ = ["FutureRevisionError", "ListQuery", "ReadMixin", "decode_continue", "encode_continue"]
