"""The generic extension reconciler: kopf handlers that run one kind's actuator with Gardener's semantics.

One kopf registry per kind, each its own operator (so each has its own finalizer,
``extensions.gardener.cloud/<kind>``). Handlers are synchronous: kopf runs them in worker threads, so slow provider
calls never block the event loop. Every handler re-reads the object and decides with :mod:`.operation` what to do,
so the decision is level-based: an event that brings nothing new (kopf's own annotations, our status writes, the
removal of the operation annotation) finds the object up to date and returns.

Errors: a retryable :class:`~providers.interface.ProviderError` (or any unexpected exception) records ``Error`` and
asks kopf to retry after an exponential back-off; a non-retryable one records ``Failed`` and stops until the spec or
the operation annotation changes (kopf's ``PermanentError``). Deletion is never given up (that would leak cloud
resources): a non-retryable failure there is retried at the back-off's maximum.

Migration: ``migrate`` runs the actuator's ``migrate`` and records ``Migrate``/``Succeeded``; a later deletion of
the object then releases its finalizer without deleting anything in the cloud, as Gardener's controllers do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, NoReturn

import kopf

from garden.operator import new_registry
from kubelite.client import Kube, KubeError, Resource
from providers.extensions.actuator import Actuator, Context, Outcome, Requeue
from providers.extensions.operation import (
    OPERATION_ANNOTATION,
    Backoff,
    Operation,
    last_error,
    last_operation,
    migrated,
    operation_type,
    requested,
    wanted,
)
from providers.interface import ProviderError

log = logging.getLogger(__name__)

Object = dict[str, Any]


@dataclass(frozen=True)
class ExtensionKind:
    """A kind the generic reconciler serves: its resource, actuator and the ``spec.type`` values it handles."""

    kind: str  # "Infrastructure"
    resource: Resource
    actuator: Actuator
    types: frozenset[str] | None = None  # None: every type
    backoff: Backoff = field(default_factory=Backoff)

    @property
    def finalizer(self) -> str:
        return f"extensions.gardener.cloud/{self.kind.lower()}"

    def serves(self, obj: Object) -> bool:
        return self.types is None or (obj.get("spec") or {}).get("type") in self.types


class Reconciler:
    """The decisions and status writes of one kind; kopf-free, so tests and other loops can drive it."""

    def __init__(self, kube: Kube, kind: ExtensionKind) -> None:
        self.kube = kube
        self.kind = kind

    def _get(self, namespace: str | None, name: str) -> Object | None:
        return self.kube.get(self.kind.resource, namespace, name)

    def _status(self, obj: Object, status: Object) -> None:
        meta = obj["metadata"]
        try:
            self.kube.patch(
                self.kind.resource, meta.get("namespace"), meta["name"], {"status": status}, subresource="status"
            )
        except KubeError as exc:
            if not exc.not_found:
                raise

    def reconcile(self, namespace: str | None, name: str, retry: int = 0) -> None:
        obj = self._get(namespace, name)
        if obj is None or obj["metadata"].get("deletionTimestamp"):
            return
        operation = wanted(obj)
        if operation is None:
            return
        kind = operation_type(obj, operation)
        self._status(
            obj, {"lastOperation": last_operation(kind, "Processing", f"{self.kind.kind}: {operation} in progress")}
        )
        ctx = Context(self.kube, obj)
        try:
            outcome = self._run(operation, ctx)
        except Requeue as requeue:
            self._status(obj, {"lastOperation": last_operation(kind, "Processing", requeue.message, requeue.progress)})
            raise kopf.TemporaryError(requeue.message, delay=requeue.delay) from None
        except Exception as exc:  # everything else is reported on the object, then retried or given up
            self._fail(obj, kind, _as_provider_error(exc), retry, deleting=False)
        generation = obj["metadata"].get("generation")
        self._status(
            obj,
            {
                **outcome.status,
                "lastOperation": last_operation(kind, "Succeeded", f"{self.kind.kind} {operation}d", 100),
                "lastError": None,
                "observedGeneration": generation,
            },
        )
        if requested(obj) is not None:
            self._drop_annotation(obj)

    def _run(self, operation: Operation, ctx: Context) -> Outcome:
        actuator = self.kind.actuator
        if operation == "migrate":
            actuator.migrate(ctx)
            return Outcome()
        if operation == "restore":
            return actuator.restore(ctx)
        return actuator.reconcile(ctx)

    def delete(self, namespace: str | None, name: str, retry: int = 0) -> None:
        obj = self._get(namespace, name)
        if obj is None or migrated(obj):
            return
        self._status(obj, {"lastOperation": last_operation("Delete", "Processing", f"{self.kind.kind}: deleting")})
        try:
            self.kind.actuator.delete(Context(self.kube, obj))
        except Requeue as requeue:
            self._status(
                obj, {"lastOperation": last_operation("Delete", "Processing", requeue.message, requeue.progress)}
            )
            raise kopf.TemporaryError(requeue.message, delay=requeue.delay) from None
        except Exception as exc:  # reported, then retried: deletion is never given up
            self._fail(obj, "Delete", _as_provider_error(exc), retry, deleting=True)
        self._status(obj, {"lastOperation": last_operation("Delete", "Succeeded", f"{self.kind.kind} deleted", 100)})

    def _fail(self, obj: Object, kind: str, error: ProviderError, retry: int, *, deleting: bool) -> NoReturn:
        state = "Error" if error.retryable else "Failed"
        description = f"{self.kind.kind}: {kind.lower()} failed: {error.message}"
        log.warning(
            "%s %s/%s: %s", self.kind.kind, obj["metadata"].get("namespace"), obj["metadata"]["name"], description
        )
        self._status(
            obj,
            {
                "lastOperation": last_operation(kind, state, description),
                "lastError": last_error(description, error.codes),
                "observedGeneration": obj["metadata"].get("generation"),
            },
        )
        if error.retryable:
            raise kopf.TemporaryError(description, delay=self.kind.backoff.delay(retry))
        if deleting:
            raise kopf.TemporaryError(description, delay=self.kind.backoff.maximum)
        raise kopf.PermanentError(description)

    def _drop_annotation(self, obj: Object) -> None:
        meta = obj["metadata"]
        try:
            self.kube.patch(
                self.kind.resource,
                meta.get("namespace"),
                meta["name"],
                {"metadata": {"annotations": {OPERATION_ANNOTATION: None}}},
            )
        except KubeError as exc:
            if not exc.not_found:
                raise


def _as_provider_error(exc: Exception) -> ProviderError:
    if isinstance(exc, ProviderError):
        return exc
    return ProviderError(f"{type(exc).__name__}: {exc}")


def extension_registry(kube: Kube, kind: ExtensionKind) -> kopf.OperatorRegistry:
    """A kopf registry running ``kind``'s reconciler (log in through ``kube``, the seed)."""
    registry = new_registry(kube)
    reconciler = Reconciler(kube, kind)
    resource = (kind.resource.group, kind.resource.version, kind.resource.plural)

    @kopf.on.startup(registry=registry)
    def use_finalizer(settings: kopf.OperatorSettings, **_: Any) -> None:
        settings.persistence.finalizer = kind.finalizer

    def serves(body: kopf.Body, **_: Any) -> bool:
        return kind.serves({"spec": dict(body.get("spec") or {})})

    def reconcile(name: str, namespace: str | None, retry: int, **_: Any) -> None:
        reconciler.reconcile(namespace, name, retry)

    for reason in ("resume", "create", "update"):
        decorator = getattr(kopf.on, reason)
        decorator(*resource, registry=registry, when=serves, id=f"{kind.kind.lower()}-{reason}")(reconcile)

    @kopf.on.delete(*resource, registry=registry, when=serves, id=f"{kind.kind.lower()}-delete")
    def delete(name: str, namespace: str | None, retry: int, **_: Any) -> None:
        reconciler.delete(namespace, name, retry)

    return registry


__all__ = ["ExtensionKind", "Reconciler", "extension_registry"]
