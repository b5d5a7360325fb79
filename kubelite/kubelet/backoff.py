"""Restart back-off, as upstream: the first restart is immediate, then 10 s, doubling to 5 min; forgotten once a
container ran 10 minutes without exiting."""

from __future__ import annotations

from dataclasses import dataclass

INITIAL = 10.0
MAXIMUM = 300.0
RESET_AFTER = 600.0


@dataclass(slots=True)
class BackOff:
    initial: float = INITIAL
    maximum: float = MAXIMUM
    reset_after: float = RESET_AFTER
    #: the delay the next restart will wait.
    current: float = 0.0

    def next_delay(self, ran_for: float) -> float:
        """The delay before restarting a container that exited after running ``ran_for`` seconds."""
        if ran_for >= self.reset_after:
            self.current = 0.0
        delay = self.current
        self.current = self.initial if self.current == 0 else min(self.current * 2, self.maximum)
        return delay
