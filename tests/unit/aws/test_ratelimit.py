"""EC2's request-rate buckets: categories, burst, refill."""

from __future__ import annotations

import pytest

from providers.aws.ratelimit import EC2_LIMITS, MUTATING, NON_MUTATING, RUN_INSTANCES, TokenBucket, ec2_category

pytestmark = pytest.mark.unit


def test_categories() -> None:
    assert ec2_category("RunInstances") == RUN_INSTANCES
    assert ec2_category("DescribeInstances") == NON_MUTATING
    assert ec2_category("TerminateInstances") == MUTATING
    assert ec2_category("CreateVpc") == MUTATING


def test_a_bucket_bursts_then_refills_at_its_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(EC2_LIMITS[RUN_INSTANCES], clock=lambda: now[0])
    assert [bucket.take() for _ in range(5)] == [0.0] * 5
    assert bucket.take() == pytest.approx(0.5)  # 2 tokens a second
    now[0] += 0.5
    assert bucket.take() == 0.0
    now[0] += 100.0
    assert sum(bucket.take() == 0.0 for _ in range(10)) == 5  # never more than the capacity


def test_acquire_sleeps_until_a_token_is_there() -> None:
    now = [0.0]
    bucket = TokenBucket(EC2_LIMITS[RUN_INSTANCES], clock=lambda: now[0])

    def sleep(seconds: float) -> None:
        now[0] += seconds

    waited = sum(bucket.acquire(sleep) for _ in range(9))
    assert waited == pytest.approx(2.0)  # 5 at once, then 4 more at 2 a second
