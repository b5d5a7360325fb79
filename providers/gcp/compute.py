"""The two moves every Compute resource is made and removed with: ensure (find, else insert and wait) and remove.

``ensure`` looks the resource up (a ``get`` by name; 404 is "missing"), inserts it only when missing, waits for the
insert's operation, and reads it back; an insert answered ``alreadyExists`` (an earlier attempt whose answer was
lost, still in flight) counts as made. ``remove`` deletes and waits; 404 (on the call or in the operation) counts as
removed, and ``resourceInUseByAnotherResource`` is waited out (:meth:`~providers.gcp.calls.Calls.settle`). Both run
as one retried step (:mod:`providers.gcp.calls`), so no retry sends a second insert for something that exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from google.api_core import exceptions as api_exceptions
from google.cloud import compute_v1

from garden.api.common import ErrorCode
from providers.gcp.calls import Calls
from providers.gcp.clients import ComputeClients
from providers.gcp.errors import OperationError, is_already_exists, is_not_found
from providers.gcp.operations import Operations
from providers.interface import ProviderError

T = TypeVar("T")


def found(lookup: Callable[[], T]) -> T | None:
    """``lookup()``, or None when Compute answers 404."""
    try:
        return lookup()
    except api_exceptions.NotFound:
        return None


class Compute:
    def __init__(self, clients: ComputeClients, calls: Calls) -> None:
        self.clients = clients
        self.calls = calls
        self.project = clients.project
        self.operations = Operations(clients, calls.policy)

    def ensure(self, action: str, lookup: Callable[[], T], insert: Callable[[], compute_v1.Operation]) -> T:
        """The resource ``lookup`` finds, made by ``insert`` first if it is missing."""

        def step() -> T:
            existing = found(lookup)
            if existing is not None:
                return existing
            try:
                operation = insert()
            except Exception as exc:
                if not is_already_exists(exc):
                    raise
            else:
                try:
                    self.operations.wait(operation, action)
                except OperationError as exc:
                    if not is_already_exists(exc):
                        raise
            made = found(lookup)
            if made is None:
                raise ProviderError(f"{action}: done, but not found afterwards", ErrorCode.RETRYABLE_INFRA_DEPENDENCIES)
            return made

        return self.calls.run(action, step)

    def change(self, action: str, call: Callable[[], compute_v1.Operation]) -> None:
        """One mutating call (a patch) and its operation, retried as a step (a patch is idempotent)."""
        self.calls.run(action, lambda: self.operations.wait(call(), action))

    def remove(self, action: str, delete: Callable[[], compute_v1.Operation]) -> None:
        """Delete and wait; what is gone already counts as removed."""

        def step() -> None:
            try:
                operation = delete()
                self.operations.wait(operation, action)
            except Exception as exc:
                if not is_not_found(exc):
                    raise

        self.calls.settle(action, step)


__all__ = ["Compute", "found"]
