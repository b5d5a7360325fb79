"""Retry and timeout wrap a task's function; they are not written inside it (as Gardener's ``TaskFn.RetryUntilTimeout``
and ``TaskFn.Timeout``).

``retry_until_timeout(fn, interval, timeout)`` calls ``fn`` until it succeeds, waiting ``interval`` seconds between
attempts (or a jittered, exponentially growing wait with a :class:`Backoff`), and gives up when ``timeout`` seconds
have passed; an attempt still running at the deadline is cancelled. An error carrying a non-retryable Gardener code
ends the retries at once: waiting does not fix missing credentials. ``timeout(fn, seconds)`` cancels ``fn`` after
``seconds``. Both take their time from a :class:`~gardenlet.flow.clock.Clock`, so tests run them on virtual time.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

from garden.api.common import ErrorCode
from gardenlet.flow.clock import Clock, LoopClock
from gardenlet.flow.errors import codes_of, describe_error, retryable
from gardenlet.flow.task import TaskFn

C = TypeVar("C")
T = TypeVar("T")


class TaskTimeoutError(TimeoutError):
    """``fn`` did not finish within its time (it was cancelled)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s")
        self.seconds = seconds


class RetryTimeoutError(TimeoutError):
    """Every attempt failed until the deadline; carries the last error and its codes, so a quota error that
    persisted for the whole timeout is still reported as ``ERR_INFRA_QUOTA_EXCEEDED``."""

    def __init__(self, timeout: float, attempts: int, last_error: Exception | None) -> None:
        last = describe_error(last_error) if last_error is not None else "the first attempt did not finish"
        super().__init__(f"retry failed with timeout after {timeout:g} s ({attempts} attempt(s)), last error: {last}")
        self.timeout = timeout
        self.attempts = attempts
        self.last_error = last_error
        self.codes: tuple[ErrorCode, ...] = codes_of(last_error) if last_error is not None else ()


@dataclass(frozen=True, slots=True)
class Backoff:
    """Waits that grow: the n-th wait is ``interval * factor**n``, capped at ``maximum``, then stretched by up to
    ``jitter`` (a fraction) at random, so many shoots failing together do not retry in lockstep."""

    factor: float = 2.0
    maximum: float | None = None
    jitter: float = 0.0
    rng: random.Random | None = None

    def __post_init__(self) -> None:
        if self.factor < 1:
            raise ValueError(f"backoff factor must be at least 1, got {self.factor}")
        if self.maximum is not None and self.maximum <= 0:
            raise ValueError(f"backoff maximum must be positive, got {self.maximum}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"backoff jitter is a fraction between 0 and 1, got {self.jitter}")

    def delay(self, interval: float, attempt: int) -> float:
        """The wait after failed attempt number ``attempt`` (counted from 0)."""
        base = interval * self.factor**attempt
        if self.maximum is not None:
            base = min(base, self.maximum)
        if self.jitter:
            base *= 1 + self.jitter * (self.rng or random).random()
        return base


def retry_until_timeout(
    fn: TaskFn[C],
    interval: float,
    timeout: float,
    *,
    backoff: Backoff | None = None,
    clock: Clock | None = None,
) -> TaskFn[C]:
    if interval < 0:
        raise ValueError(f"retry interval must not be negative, got {interval}")
    if timeout <= 0:
        raise ValueError(f"retry timeout must be positive, got {timeout}")

    async def retrying(context: C) -> None:
        time = clock or LoopClock()
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        attempt = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RetryTimeoutError(timeout, attempt, last_error) from last_error
            attempt += 1
            try:
                await within(time, fn(context), remaining)
                return
            except Exception as exc:
                if isinstance(exc, TaskTimeoutError) and time.monotonic() >= deadline:
                    # Our own deadline cut the attempt (a timeout inside fn is just a failed attempt).
                    raise RetryTimeoutError(timeout, attempt, last_error) from last_error
                if not retryable(codes_of(exc)):
                    raise
                last_error = exc
            wait = interval if backoff is None else backoff.delay(interval, attempt - 1)
            remaining = deadline - time.monotonic()
            if wait >= remaining:
                # Waiting past the deadline only to give up would delay the report of the error for nothing.
                raise RetryTimeoutError(timeout, attempt, last_error) from last_error
            await time.sleep(wait)

    return retrying


def timeout(fn: TaskFn[C], seconds: float, *, clock: Clock | None = None) -> TaskFn[C]:
    if seconds <= 0:
        raise ValueError(f"timeout must be positive, got {seconds}")

    async def bounded(context: C) -> None:
        await within(clock or LoopClock(), fn(context), seconds)

    return bounded


async def within(clock: Clock, awaitable: Awaitable[T], seconds: float) -> T:
    """``awaitable``'s result, or :class:`TaskTimeoutError` once ``seconds`` passed on ``clock`` (it is then
    cancelled and awaited). Cancelling the caller cancels both and waits for them."""
    work = asyncio.ensure_future(awaitable)
    alarm = asyncio.ensure_future(clock.sleep(seconds))
    try:
        await asyncio.wait({work, alarm}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        await _stop(work, alarm)
        raise
    if work.done():
        await _stop(alarm)
        return work.result()
    await _stop(work)
    raise TaskTimeoutError(seconds)


async def _stop(*futures: asyncio.Future[Any]) -> None:
    """Cancel ``futures`` and wait until they ended; their own errors no longer matter."""
    for future in futures:
        future.cancel()
    # NB: asyncio.wait, not ``await future`` under suppress(CancelledError): that would also swallow a
    # cancellation of the caller arriving meanwhile.
    await asyncio.wait(futures)
    for future in futures:
        if not future.cancelled():
            future.exception()


__all__ = ["Backoff", "RetryTimeoutError", "TaskTimeoutError", "retry_until_timeout", "timeout", "within"]
