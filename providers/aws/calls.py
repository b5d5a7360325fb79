"""Retrying AWS work with back-off, without ever doing it twice.

The unit of retry is a *step*: a function that looks for its resource by tag and creates it only when it is missing.
Retrying the whole step after a throttled, failed or timed-out call re-runs the lookup, so a ``CreateNatGateway`` that
AWS carried out but whose answer never arrived is found on the next attempt instead of being made again. Transient
failures (throttling, 5xx, timeouts, dropped connections) are retried with full-jitter exponential back-off; when the
attempts are spent, or the failure is not transient, the step ends in a :class:`~providers.interface.ProviderError`
with Gardener's codes (throttling that outlasts the retries is ``ERR_INFRA_RATE_LIMITS_EXCEEDED``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from garden.api.common import ErrorCode
from providers.aws.errors import is_dependency, is_transient, to_provider_error
from providers.interface import ProviderError
from providers.steps import RetryPolicy, StepRunner

T = TypeVar("T")


class Calls(StepRunner):
    """Runs AWS steps under one :class:`RetryPolicy` (the defaults suit AWS; tests shrink the delays)."""

    def __init__(self, policy: RetryPolicy | None = None) -> None:
        super().__init__(policy or RetryPolicy(), is_transient, to_provider_error)

    def settle(self, action: str, step: Callable[[], T | None]) -> T:
        """Repeat ``step`` (itself retried as in :meth:`run`) until it returns a value or the settle timeout passes.

        A step returns ``None`` for "not yet" (a NAT gateway still pending) or raises a dependency violation ("the
        subnet still has an instance"); both are waited out. What is still not done at the deadline fails with
        ``ERR_RETRYABLE_INFRA_DEPENDENCIES``: our own resources are on their way, so the next reconcile can finish it.
        """
        deadline = time.monotonic() + self.policy.settle_timeout
        while True:
            try:
                result = self.run(action, step)
            except ProviderError as error:
                cause = error.__cause__
                if cause is None or not is_dependency(cause):
                    raise
                result = None
                why = error.message
            else:
                why = "not ready yet"
            if result is not None:
                return result
            if time.monotonic() >= deadline:
                raise ProviderError(
                    f"{action}: {why} after {self.policy.settle_timeout:g}s", ErrorCode.RETRYABLE_INFRA_DEPENDENCIES
                )
            self.policy.sleep(self.policy.poll_interval)


__all__ = ["Calls", "RetryPolicy"]
