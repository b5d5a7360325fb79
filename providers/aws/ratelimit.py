"""Token buckets shaped like EC2's request-rate limits, so the provider paces itself instead of being throttled.

EC2 meters API requests per account and region with token buckets by category (documented under "Request
throttling for the Amazon EC2 API"): RunInstances has its own small bucket (5 tokens, 2 refilled per second),
mutating actions share one (50, 5/s), non-mutating (``Describe*``, ``Get*``, ``List*``) another (100, 20/s). A
request that finds its bucket empty is answered ``RequestLimitExceeded``. The same :class:`TokenBucket` serves two
sides: the provider's client-side limiter (:class:`RequestLimiter`, blocking until a token is there) and the
benchmark's model of the server (which refuses instead of waiting).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

RUN_INSTANCES = "run-instances"
MUTATING = "mutating"
NON_MUTATING = "non-mutating"

_READ_PREFIXES = ("Describe", "Get", "List", "Search")


@dataclass(frozen=True, slots=True)
class BucketSize:
    capacity: float
    refill_per_second: float


#: EC2's documented default request-rate buckets per account and region.
EC2_LIMITS: Mapping[str, BucketSize] = {
    RUN_INSTANCES: BucketSize(5, 2.0),
    MUTATING: BucketSize(50, 5.0),
    NON_MUTATING: BucketSize(100, 20.0),
}


def ec2_category(operation: str) -> str:
    """The bucket an EC2 API action draws from (``RunInstances`` -> run-instances, ``DescribeVpcs`` -> non-mutating)."""
    if operation == "RunInstances":
        return RUN_INSTANCES
    if operation.startswith(_READ_PREFIXES):
        return NON_MUTATING
    return MUTATING


class TokenBucket:
    """``capacity`` tokens, refilled continuously at ``refill_per_second``; thread-safe."""

    def __init__(self, size: BucketSize, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self._clock = clock
        self._tokens = float(size.capacity)
        self._stamp = clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take a token if there is one (returns 0.0); otherwise take nothing and return the seconds until one is."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.size.capacity, self._tokens + (now - self._stamp) * self.size.refill_per_second)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.size.refill_per_second

    def acquire(self, sleep: Callable[[float], None] = time.sleep) -> float:
        """Wait until a token is there and take it; returns the seconds waited."""
        waited = 0.0
        while (delay := self.take()) > 0.0:
            sleep(delay)
            waited += delay
        return waited


class RequestLimiter:
    """One bucket per EC2 category, for one account and region: every EC2 call waits for its token first."""

    def __init__(
        self, limits: Mapping[str, BucketSize] = EC2_LIMITS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.buckets = {category: TokenBucket(size, clock) for category, size in limits.items()}

    def wait(self, operation: str) -> float:
        return self.buckets[ec2_category(operation)].acquire()


__all__ = [
    "EC2_LIMITS",
    "MUTATING",
    "NON_MUTATING",
    "RUN_INSTANCES",
    "BucketSize",
    "RequestLimiter",
    "TokenBucket",
    "ec2_category",
]
