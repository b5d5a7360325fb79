"""Faults for the Compute fake: a share of requests answered with rate limits or 5xx, or carried out and unanswered.

Injected in the fake's HTTP handler, before the request is authenticated or routed, so the provider and
google-cloud-compute see exactly what a rate-limited or failing Compute sends:

* ``throttle``: 429 ``rateLimitExceeded`` (status ``RESOURCE_EXHAUSTED``), Compute's answer to a spent request quota;
* ``throttle403``: the older spelling of the same, 403 ``rateLimitExceeded``;
* ``unavailable``: 503 ``backendError``;
* ``lost``: the request is carried out, then the connection is dropped without an answer (the case where a naive
  retry of an insert would make a duplicate, and where the provider must find what it made).

Deterministic (seeded) so a failing run can be repeated; ``only`` limits faults to some methods (``("POST",)``) or
collections (``("instances",)``); ``injected`` counts what was done.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field

FAULT_KINDS = ("throttle", "throttle403", "unavailable", "lost")


@dataclass
class Faults:
    rate: float = 0.2
    kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 7
    only: tuple[str, ...] = ()
    enabled: bool = True
    injected: Counter[str] = field(default_factory=Counter)
    _random: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def draw(self, method: str, collection: str) -> str | None:
        """The fault for one request, or None."""
        if not self.enabled or (self.only and method not in self.only and collection not in self.only):
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            kind = self._random.choice(self.kinds)
            self.injected[kind] += 1
            return kind
