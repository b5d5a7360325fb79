"""Waiting for Compute operations, explicitly, with the operations client of the operation's scope.

Every mutating Compute call returns an ``Operation`` (zonal for instances, regional for subnetworks, routers and
addresses, global for networks and firewalls). The generated clients' ``ExtendedOperation`` poller would wait for
it, but it builds its own operations client and so ignores a custom endpoint; the provider therefore calls the
``*_unary`` methods and waits here with the zone/region/global operations client built from the same client options
(:class:`~providers.gcp.clients.ComputeClients`). ``wait`` is Compute's own long poll: it answers when the
operation is ``DONE`` or after at most two minutes, whichever comes first; this loop asks again until ``DONE`` or the
policy's settle timeout. A finished operation with errors raises :class:`~providers.gcp.errors.OperationError`.
"""

from __future__ import annotations

import time

from google.cloud import compute_v1

from garden.api.common import ErrorCode
from providers.gcp.calls import RetryPolicy
from providers.gcp.clients import REQUEST_TIMEOUT, ComputeClients
from providers.gcp.errors import OperationError
from providers.interface import ProviderError

DONE = compute_v1.Operation.Status.DONE


def basename(link: str) -> str:
    """``https://.../zones/europe-west1-b`` -> ``europe-west1-b``."""
    return link.rstrip("/").rsplit("/", 1)[-1]


class Operations:
    def __init__(self, clients: ComputeClients, policy: RetryPolicy) -> None:
        self.clients = clients
        self.policy = policy

    def _poll(self, operation: compute_v1.Operation) -> compute_v1.Operation:
        project = self.clients.project
        if operation.zone:
            return self.clients.zone_operations.wait(
                project=project,
                zone=basename(operation.zone),
                operation=operation.name,
                retry=None,
                timeout=REQUEST_TIMEOUT + 120,
            )
        if operation.region:
            return self.clients.region_operations.wait(
                project=project,
                region=basename(operation.region),
                operation=operation.name,
                retry=None,
                timeout=REQUEST_TIMEOUT + 120,
            )
        return self.clients.global_operations.wait(
            project=project, operation=operation.name, retry=None, timeout=REQUEST_TIMEOUT + 120
        )

    def wait(self, operation: compute_v1.Operation, action: str) -> compute_v1.Operation:
        """Wait until ``operation`` is DONE; raise its errors, if it has any."""
        deadline = time.monotonic() + self.policy.settle_timeout
        while operation.status != DONE:
            if time.monotonic() >= deadline:
                raise ProviderError(
                    f"{action}: operation {operation.name} still {operation.status.name} after "
                    f"{self.policy.settle_timeout:g}s",
                    ErrorCode.RETRYABLE_INFRA_DEPENDENCIES,
                )
            operation = self._poll(operation)
        errors = [(e.code, e.message) for e in operation.error.errors]
        if errors:
            raise OperationError(operation.name, errors, int(operation.http_error_status_code or 0))
        return operation


__all__ = ["DONE", "Operations", "basename"]
