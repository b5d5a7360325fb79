"""Writing an extension resource and waiting for its controller, as Gardener's ``extensions.WaitUntil...``.

An extension object is written (server-side apply, field manager ``gardenlet``) with the annotation
``gardener.cloud/operation: reconcile``. It is ready when the controller removed the annotation, observed the
current generation and reports ``lastOperation.state: Succeeded``. ``Failed`` (a non-retryable code) ends the wait
at once with an :class:`ExtensionError` carrying the object's ``lastError`` codes; ``Error`` is waited through (the
controller retries) and, if the wait times out, the last error is what is reported. Deletion waits until the object
is gone (its controller removed the finalizer after cleaning up the cloud).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

from garden.api.base import format_time
from garden.api.common import ErrorCode
from gardenlet.botanist.threads import Threads
from gardenlet.components.apply import FIELD_MANAGER
from kubelite.client import APPLY_PATCH, Kube, Resource
from providers.extensions.operation import OPERATION_ANNOTATION

Object = dict[str, Any]
TIMESTAMP_ANNOTATION = "gardener.cloud/timestamp"


class ExtensionError(RuntimeError):
    """An extension object did not become ready (or go away); ``codes`` are its ``lastError`` codes."""

    def __init__(self, message: str, codes: tuple[ErrorCode, ...] = ()) -> None:
        super().__init__(message)
        self.codes = codes


def _codes(error: Object) -> tuple[ErrorCode, ...]:
    found = []
    for code in error.get("codes") or []:
        try:
            found.append(ErrorCode(code))
        except ValueError:
            continue
    return tuple(found)


def _parse(value: object) -> datetime:
    if not isinstance(value, str):
        return datetime.min.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def stamped(body: Object, now: datetime) -> Object:
    """``body`` with ``gardener.cloud/timestamp``: when the gardenlet asked for this operation."""
    metadata = dict(body["metadata"])
    metadata["annotations"] = {**(metadata.get("annotations") or {}), TIMESTAMP_ANNOTATION: format_time(now)}
    return {**body, "metadata": metadata}


def apply_extension(kube: Kube, resource: Resource, body: Object) -> Object:
    metadata = body["metadata"]
    return kube.request(
        "PATCH",
        resource.item(metadata.get("namespace"), metadata["name"]),
        body,
        query={"fieldManager": FIELD_MANAGER, "force": "true"},
        content_type=APPLY_PATCH,
    )


def readiness(obj: Object | None, since: str = "") -> tuple[str | None, ExtensionError | None, bool]:
    """None when ready, else why not; the error to report; and whether it is final (``Failed``: raise it now;
    ``Error``: report it only if the wait times out).

    ``since`` is the ``gardener.cloud/timestamp`` written with the object: a last operation older than it is from
    an earlier attempt (a controller keeps the operation annotation until it succeeds) and decides nothing."""
    if obj is None:
        return "not found", None, False
    kind, name = obj.get("kind", "object"), obj["metadata"]["name"]
    status = obj.get("status") or {}
    last = status.get("lastOperation") or {}
    error = status.get("lastError") or {}
    failure = None
    if error:
        failure = ExtensionError(f"{kind} {name}: {error.get('description', 'failed')}", _codes(error))
    # NB: a status from before this write (a Failed of the last attempt) says nothing yet.
    if status.get("observedGeneration") != obj["metadata"].get("generation"):
        return f"{kind} {name}: generation {obj['metadata'].get('generation')} not observed yet", None, False
    if since and _parse(last.get("lastUpdateTime")) < _parse(since):
        return f"{kind} {name}: not yet picked up by its controller", None, False
    if last.get("state") == "Failed" and failure is not None:
        return f"{kind} {name} failed", failure, True
    if OPERATION_ANNOTATION in ((obj["metadata"].get("annotations")) or {}):
        return f"{kind} {name}: not yet picked up by its controller", failure, False
    if last.get("state") != "Succeeded":
        return (
            f"{kind} {name}: {last.get('state') or 'no operation yet'}: {last.get('description', '')}",
            failure,
            False,
        )
    return None, None, False


async def wait_ready(
    threads: Threads,
    kube: Kube,
    resource: Resource,
    namespace: str | None,
    name: str,
    *,
    limit: float,
    interval: float,
    since: str = "",
) -> Object:
    deadline = time.monotonic() + limit
    while True:
        obj = await threads.run(kube.get, resource, namespace, name)
        pending, error, final = readiness(obj, since)
        if pending is None and obj is not None:
            return obj
        if error is not None and final:
            raise error
        if time.monotonic() >= deadline:
            if error is not None:
                raise ExtensionError(f"not ready after {limit:g} s: {error}", error.codes)
            raise ExtensionError(f"not ready after {limit:g} s: {pending}")
        await asyncio.sleep(interval)


async def delete_and_wait(
    threads: Threads,
    kube: Kube,
    resource: Resource,
    namespace: str | None,
    name: str,
    *,
    limit: float,
    interval: float,
) -> None:
    """Delete the object and wait until it is gone; a missing object is fine (a resumed delete flow)."""
    await threads.run(kube.delete, resource, namespace, name)
    deadline = time.monotonic() + limit
    while True:
        obj = await threads.run(kube.get, resource, namespace, name)
        if obj is None:
            return
        if time.monotonic() >= deadline:
            error = (obj.get("status") or {}).get("lastError") or {}
            what = error.get("description") or "its controller did not release it"
            raise ExtensionError(f"{obj.get('kind')} {name} still present after {limit:g} s: {what}", _codes(error))
        await asyncio.sleep(interval)


__all__ = ["ExtensionError", "apply_extension", "delete_and_wait", "readiness", "stamped", "wait_ready"]
