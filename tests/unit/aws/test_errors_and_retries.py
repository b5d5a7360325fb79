"""AWS answers classified into Gardener's codes, and retried only when a retry can help."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from garden.api.common import ErrorCode
from providers.aws.calls import Calls, RetryPolicy
from providers.aws.errors import codes_for, is_not_found, is_transient
from providers.interface import ProviderError

pytestmark = pytest.mark.unit


def answer(code: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": f"{code} happened"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "SomeOperation",
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("RequestLimitExceeded", ErrorCode.INFRA_RATE_LIMITS_EXCEEDED),
        ("Throttling", ErrorCode.INFRA_RATE_LIMITS_EXCEEDED),
        ("InstanceLimitExceeded", ErrorCode.INFRA_QUOTA_EXCEEDED),
        ("VcpuLimitExceeded", ErrorCode.INFRA_QUOTA_EXCEEDED),
        ("AddressLimitExceeded", ErrorCode.INFRA_QUOTA_EXCEEDED),
        ("InsufficientInstanceCapacity", ErrorCode.INFRA_RESOURCES_DEPLETED),
        ("AuthFailure", ErrorCode.INFRA_UNAUTHENTICATED),
        ("InvalidClientTokenId", ErrorCode.INFRA_UNAUTHENTICATED),
        ("UnauthorizedOperation", ErrorCode.INFRA_UNAUTHORIZED),
        ("AccessDenied", ErrorCode.INFRA_UNAUTHORIZED),
        ("DependencyViolation", ErrorCode.INFRA_DEPENDENCIES),
        ("InvalidParameterValue", ErrorCode.CONFIGURATION_PROBLEM),
        ("InvalidSubnet.Range", ErrorCode.CONFIGURATION_PROBLEM),
        ("InvalidSomethingNew", ErrorCode.CONFIGURATION_PROBLEM),
    ],
)
def test_codes(code: str, expected: ErrorCode) -> None:
    assert codes_for(answer(code)) == (expected,)


def test_unknown_answers_and_not_found_carry_no_code() -> None:
    assert codes_for(answer("InvalidVpcID.NotFound")) == ()
    assert is_not_found(answer("InvalidVpcID.NotFound"))
    assert is_not_found(answer("NoSuchEntity", 404))
    assert not is_not_found(answer("DependencyViolation"))
    assert codes_for(answer("SomethingOdd")) == ()


def test_transient() -> None:
    assert is_transient(answer("RequestLimitExceeded"))
    assert is_transient(answer("Whatever", 503))
    assert is_transient(ReadTimeoutError(endpoint_url="http://x"))
    assert is_transient(EndpointConnectionError(endpoint_url="http://x"))
    assert not is_transient(answer("InvalidParameterValue"))
    assert not is_transient(answer("InstanceLimitExceeded"))


def calls(attempts: int = 4) -> tuple[Calls, list[float]]:
    slept: list[float] = []
    return Calls(RetryPolicy(attempts=attempts, base_delay=1.0, max_delay=8.0, sleep=slept.append)), slept


def test_transient_failures_are_retried_with_growing_capped_pauses() -> None:
    runner, slept = calls(attempts=6)
    failures = [answer("Throttling"), answer("InternalError", 500), ReadTimeoutError(endpoint_url="x")]

    def step() -> str:
        if failures:
            raise failures.pop(0)
        return "done"

    assert runner.run("doing it", step) == "done"
    assert len(slept) == 3
    assert all(0 <= pause <= bound for pause, bound in zip(slept, (2.0, 4.0, 8.0), strict=True))


def test_throttling_that_outlasts_the_retries_is_rate_limits_exceeded() -> None:
    runner, slept = calls(attempts=3)

    def step() -> None:
        raise answer("RequestLimitExceeded")

    with pytest.raises(ProviderError) as caught:
        runner.run("creating the VPC", step)
    assert caught.value.codes == (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED,)
    assert "creating the VPC" in caught.value.message and "3 attempts" in caught.value.message
    assert len(slept) == 2


def test_timeouts_that_outlast_the_retries_are_rate_limits_exceeded_too() -> None:
    runner, _ = calls(attempts=2)

    def step() -> None:
        raise ReadTimeoutError(endpoint_url="x")

    with pytest.raises(ProviderError) as caught:
        runner.run("x", step)
    assert caught.value.codes == (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED,)
    assert caught.value.retryable


def test_a_quota_error_is_not_retried_and_not_retryable() -> None:
    runner, slept = calls()
    tries = []

    def step() -> None:
        tries.append(1)
        raise answer("VcpuLimitExceeded")

    with pytest.raises(ProviderError) as caught:
        runner.run("running machine m", step)
    assert tries == [1] and slept == []
    assert caught.value.codes == (ErrorCode.INFRA_QUOTA_EXCEEDED,)
    assert not caught.value.retryable


def test_settle_waits_out_dependencies_then_gives_up_retryably() -> None:
    runner = Calls(RetryPolicy(settle_timeout=0.0, poll_interval=0.0, sleep=lambda _: None))

    def step() -> bool:
        raise answer("DependencyViolation")

    with pytest.raises(ProviderError) as caught:
        runner.settle("deleting the subnets", step)
    assert caught.value.codes == (ErrorCode.RETRYABLE_INFRA_DEPENDENCIES,)
    assert caught.value.retryable

    answers = [None, None, True]
    assert Calls(RetryPolicy(poll_interval=0.0, sleep=lambda _: None)).settle("x", lambda: answers.pop(0)) is True
