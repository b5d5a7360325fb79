"""Task functions that record what happened, on virtual time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass
class Journal:
    """What the tasks of one run did: (virtual time, event, task) in order, and the most running at once."""

    events: list[tuple[float, str, str]] = field(default_factory=list)
    running: set[str] = field(default_factory=set)
    most_at_once: int = 0

    def starts(self) -> dict[str, float]:
        return {name: at for at, event, name in self.events if event == "start"}

    def ends(self) -> dict[str, float]:
        return {name: at for at, event, name in self.events if event == "end"}

    def order(self, event: str = "start") -> list[str]:
        return [name for _, kind, name in self.events if kind == event]


def work(name: str, seconds: float = 1.0, error: Exception | None = None) -> Callable[[Journal], Awaitable[None]]:
    """A task function that runs ``seconds`` of virtual time, then fails with ``error`` if given."""

    async def fn(journal: Journal) -> None:
        loop = asyncio.get_running_loop()
        journal.events.append((loop.time(), "start", name))
        journal.running.add(name)
        journal.most_at_once = max(journal.most_at_once, len(journal.running))
        try:
            await asyncio.sleep(seconds)
        except asyncio.CancelledError:
            journal.events.append((loop.time(), "cancelled", name))
            raise
        finally:
            journal.running.discard(name)
        journal.events.append((loop.time(), "end", name))
        if error is not None:
            raise error

    return fn
