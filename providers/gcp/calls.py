"""Retrying Compute work with back-off, without ever doing it twice.

The unit of retry is a *step*: a function that looks for its resource by name (or label) and inserts it only when it
is missing, then waits for the insert's operation. Retrying the whole step after a rate-limited, failed or lost call
re-runs the lookup, so an insert that Compute carried out but whose answer never arrived is found on the next attempt
instead of being sent again (and an insert that races its own earlier attempt meets ``alreadyExists``, which the step
treats as found). Transient failures (429/``rateLimitExceeded``, 5xx, timeouts, dropped connections) are retried with
full-jitter exponential back-off; when the attempts are spent, or the failure is not transient, the step ends in a
:class:`~providers.interface.ProviderError` with Gardener's codes (rate limiting that outlasts the retries, or 5xx
that never stop, end ``ERR_INFRA_RATE_LIMITS_EXCEEDED``, as Gardener reports throttled clouds).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from garden.api.common import ErrorCode
from providers.gcp.errors import is_dependency, is_transient, to_provider_error
from providers.interface import ProviderError
from providers.steps import RetryPolicy, StepRunner

T = TypeVar("T")


#: The defaults for Compute's per-project request quotas (Google's advice: back off up to about 32 s).
COMPUTE_POLICY = RetryPolicy(max_delay=32.0, poll_interval=2.0)


class Calls(StepRunner):
    """Runs Compute steps under one :class:`RetryPolicy`; tests shrink the delays."""

    def __init__(self, policy: RetryPolicy | None = None) -> None:
        super().__init__(policy or COMPUTE_POLICY, is_transient, to_provider_error)

    def settle(self, action: str, step: Callable[[], T]) -> T:
        """Repeat ``step`` (itself retried as in :meth:`run`) while Compute says a dependency is still in use.

        Deleting a subnetwork right after its last instance went, or a network right after its router, can meet
        ``resourceInUseByAnotherResource`` for a while; it is waited out. What still refuses at the deadline fails
        with ``ERR_RETRYABLE_INFRA_DEPENDENCIES``: our own resources are on their way, the next attempt can finish.
        """
        deadline = time.monotonic() + self.policy.settle_timeout
        while True:
            try:
                return self.run(action, step)
            except ProviderError as error:
                cause = error.__cause__
                if cause is None or not is_dependency(cause):
                    raise
                if time.monotonic() >= deadline:
                    raise ProviderError(
                        f"{action}: {error.message} after {self.policy.settle_timeout:g}s",
                        ErrorCode.RETRYABLE_INFRA_DEPENDENCIES,
                    ) from cause
            self.policy.sleep(self.policy.poll_interval)


__all__ = ["Calls", "RetryPolicy"]
