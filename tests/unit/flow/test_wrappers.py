from __future__ import annotations

import asyncio
import random

import pytest

from garden.api.common import ErrorCode
from gardenlet.flow import Backoff, RetryTimeoutError, TaskTimeoutError, retry_until_timeout, timeout
from tests.unit.flow.virtual_time import run

pytestmark = pytest.mark.unit


class CodedError(Exception):
    def __init__(self, message: str, *codes: ErrorCode) -> None:
        super().__init__(message)
        self.codes = codes


class Attempts:
    """A task function failing the first ``failures`` times; records the virtual time of each attempt."""

    def __init__(self, failures: int, error: Exception | None = None, takes: float = 0.0) -> None:
        self.failures = failures
        self.error = error or RuntimeError("not yet")
        self.takes = takes
        self.at: list[float] = []
        self.cancelled_at: list[float] = []

    async def __call__(self, _: object) -> None:
        loop = asyncio.get_running_loop()
        self.at.append(loop.time())
        try:
            await asyncio.sleep(self.takes)
        except asyncio.CancelledError:
            self.cancelled_at.append(loop.time())
            raise
        if len(self.at) <= self.failures:
            raise self.error


def test_retry_until_timeout_retries_at_the_interval_until_it_succeeds() -> None:
    attempts = Attempts(failures=3)
    run(retry_until_timeout(attempts, interval=5, timeout=60)(None))
    assert attempts.at == [0, 5, 10, 15]


def test_retry_until_timeout_gives_up_at_the_deadline_with_the_last_error_and_its_codes() -> None:
    attempts = Attempts(failures=100, error=CodedError("throttled", ErrorCode.INFRA_RATE_LIMITS_EXCEEDED))
    with pytest.raises(RetryTimeoutError) as caught:
        run(retry_until_timeout(attempts, interval=10, timeout=35)(None))
    # Attempts at 0, 10, 20, 30; the next wait would end past the deadline, so the error is reported at once.
    assert attempts.at == [0, 10, 20, 30]
    error = caught.value
    assert error.attempts == 4
    assert error.codes == (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED,)
    assert error.__cause__ is error.last_error
    assert "after 35 s (4 attempt(s)), last error: throttled" in str(error)


def test_a_non_retryable_error_ends_the_retries_at_once() -> None:
    attempts = Attempts(failures=100, error=CodedError("no credentials", ErrorCode.INFRA_UNAUTHORIZED))
    with pytest.raises(CodedError):
        run(retry_until_timeout(attempts, interval=1, timeout=60)(None))
    assert attempts.at == [0]


def test_an_attempt_still_running_at_the_deadline_is_cancelled() -> None:
    attempts = Attempts(failures=100, takes=8)
    with pytest.raises(RetryTimeoutError) as caught:
        run(retry_until_timeout(attempts, interval=1, timeout=20)(None))
    # 0-8 fails, waits 1, 9-17 fails, waits 1, 18 starts and is cut at 20.
    assert attempts.at == [0, 9, 18]
    assert attempts.cancelled_at == [20]
    assert caught.value.attempts == 3
    assert isinstance(caught.value.last_error, RuntimeError)


def test_backoff_grows_exponentially_up_to_the_maximum() -> None:
    attempts = Attempts(failures=5)
    backoff = Backoff(factor=2, maximum=10)
    run(retry_until_timeout(attempts, interval=1, timeout=100, backoff=backoff)(None))
    assert attempts.at == [0, 1, 3, 7, 15, 25]


def test_backoff_jitter_stretches_each_wait_by_at_most_the_fraction() -> None:
    backoff = Backoff(factor=2, maximum=60, jitter=0.5, rng=random.Random(7))
    delays = [backoff.delay(2, attempt) for attempt in range(8)]
    for attempt, delay in enumerate(delays):
        base = min(2 * 2**attempt, 60)
        assert base <= delay <= base * 1.5
    assert len(set(delays)) == len(delays)
    # A seeded generator makes the sequence reproducible.
    again = Backoff(factor=2, maximum=60, jitter=0.5, rng=random.Random(7))
    assert [again.delay(2, attempt) for attempt in range(8)] == delays


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"factor": 0.5}, "factor"), ({"maximum": 0}, "maximum"), ({"jitter": 1.5}, "jitter")],
    ids=["factor", "maximum", "jitter"],
)
def test_bad_backoff_settings_are_rejected(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Backoff(**kwargs)  # type: ignore[arg-type]


def test_bad_retry_and_timeout_settings_are_rejected() -> None:
    with pytest.raises(ValueError, match="interval"):
        retry_until_timeout(Attempts(0), interval=-1, timeout=1)
    with pytest.raises(ValueError, match="timeout"):
        retry_until_timeout(Attempts(0), interval=1, timeout=0)
    with pytest.raises(ValueError, match="timeout"):
        timeout(Attempts(0), 0)


def test_timeout_cancels_the_function_when_its_time_is_up() -> None:
    attempts = Attempts(failures=0, takes=100)
    with pytest.raises(TaskTimeoutError, match="timed out after 30 s"):
        run(timeout(attempts, 30)(None))
    assert attempts.cancelled_at == [30]


def test_timeout_passes_results_and_errors_through() -> None:
    run(timeout(Attempts(failures=0, takes=5), 30)(None))
    with pytest.raises(RuntimeError, match="not yet"):
        run(timeout(Attempts(failures=1, takes=5), 30)(None))


def test_cancelling_a_wrapped_function_cancels_it_and_waits() -> None:
    attempts = Attempts(failures=0, takes=100)

    async def cancel_at_3() -> set[asyncio.Task[object]]:
        wrapped_fn = retry_until_timeout(timeout(attempts, 50), interval=1, timeout=200)

        async def call() -> None:
            await wrapped_fn(None)

        wrapped = asyncio.create_task(call())
        await asyncio.sleep(3)
        wrapped.cancel()
        with pytest.raises(asyncio.CancelledError):
            await wrapped
        return asyncio.all_tasks() - {asyncio.current_task()}

    assert run(cancel_at_3()) == set()
    assert attempts.cancelled_at == [3]


def test_timeouts_inside_retries_count_as_failed_attempts() -> None:
    attempts = Attempts(failures=0, takes=100)
    with pytest.raises(RetryTimeoutError) as caught:
        run(retry_until_timeout(timeout(attempts, 10), interval=5, timeout=40)(None))
    # Each attempt is cut after 10 s, then 5 s pass: attempts at 0, 15, 30 (cut at 40 by the deadline).
    assert attempts.at == [0, 15, 30]
    assert isinstance(caught.value.last_error, TaskTimeoutError)
