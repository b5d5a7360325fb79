"""Retrying cloud work with back-off, without ever doing it twice: what every cloud provider's calls share.

The unit of retry is a *step*: a function that looks for its resource (by tag, label or name) and creates it only
when it is missing. Retrying the whole step after a throttled, failed or timed-out call re-runs the lookup, so a
create the cloud carried out but whose answer never arrived is found on the next attempt instead of being made again.
Transient failures (throttling, 5xx, timeouts, dropped connections) are retried with full-jitter exponential
back-off; when the attempts are spent, or the failure is not transient, the step ends in a
:class:`~providers.interface.ProviderError` with Gardener's codes (throttling that outlasts the retries is
``ERR_INFRA_RATE_LIMITS_EXCEEDED``). Each provider says which of its cloud's errors are transient and how they map to
codes; waiting for slow dependencies (``settle``) stays with each provider, as clouds differ there.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from garden.api.common import ErrorCode
from providers.interface import ProviderError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try; tests shrink the delays."""

    attempts: int = 8
    base_delay: float = 0.5
    max_delay: float = 20.0
    #: How long a step waits for something that takes the cloud a while (a gateway to become available or to go
    #: away, instances to terminate so their subnet can be deleted) before giving up with a retryable error.
    settle_timeout: float = 600.0
    poll_interval: float = 5.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delay(self, attempt: int) -> float:
        """Full jitter: a random pause up to ``base * 2**attempt``, capped (AWS's and Google's advice)."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


class StepRunner:
    """Runs steps under one :class:`RetryPolicy`, with the cloud's own error classification."""

    def __init__(
        self,
        policy: RetryPolicy,
        is_transient: Callable[[BaseException], bool],
        to_provider_error: Callable[[BaseException, str], ProviderError],
    ) -> None:
        self.policy = policy
        self._is_transient = is_transient
        self._to_provider_error = to_provider_error

    def run(self, action: str, step: Callable[[], T]) -> T:
        """Run ``step``, repeating it after transient failures; ``action`` names it in errors ("creating the VPC")."""
        attempt = 0
        while True:
            try:
                return step()
            except ProviderError:
                raise
            except Exception as exc:
                if not self._is_transient(exc):
                    raise self._to_provider_error(exc, action) from exc
                attempt += 1
                if attempt >= self.policy.attempts:
                    error = self._to_provider_error(exc, f"{action} (gave up after {attempt} attempts)")
                    if not error.codes:
                        error.codes = (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED,)
                    raise error from exc
                self.policy.sleep(self.policy.delay(attempt))


__all__ = ["RetryPolicy", "StepRunner"]
