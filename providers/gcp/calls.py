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

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from garden.api.common import ErrorCode
from providers.gcp.errors import is_dependency, is_transient, to_provider_error
from providers.interface import ProviderError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. The defaults suit Compute's per-project request quotas; tests shrink the delays."""

    attempts: int = 8
    base_delay: float = 0.5
    max_delay: float = 32.0
    #: How long an operation may run before the step gives up on it (with a retryable error; the next reconcile
    #: finds the resource or the operation's result), and how long dependency refusals are waited out on deletion.
    settle_timeout: float = 600.0
    poll_interval: float = 2.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delay(self, attempt: int) -> float:
        """Full jitter: a random pause up to ``base * 2**attempt``, capped (Google's advice for rate limits)."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


class Calls:
    """Runs steps under one :class:`RetryPolicy`."""

    def __init__(self, policy: RetryPolicy | None = None) -> None:
        self.policy = policy or RetryPolicy()

    def run(self, action: str, step: Callable[[], T]) -> T:
        """Run ``step``, repeating it after transient failures; ``action`` names it in errors ("creating the VPC")."""
        attempt = 0
        while True:
            try:
                return step()
            except ProviderError:
                raise
            except Exception as exc:
                if not is_transient(exc):
                    raise to_provider_error(exc, action) from exc
                attempt += 1
                if attempt >= self.policy.attempts:
                    error = to_provider_error(exc, f"{action} (gave up after {attempt} attempts)")
                    if not error.codes:
                        error.codes = (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED,)
                    raise error from exc
                self.policy.sleep(self.policy.delay(attempt))

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
