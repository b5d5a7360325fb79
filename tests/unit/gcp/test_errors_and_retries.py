"""Compute failures classified into Gardener's codes, and retried steps that give up with the right one."""

from __future__ import annotations

import pytest
import requests
from google.api_core import exceptions
from google.auth import exceptions as auth_exceptions

from garden.api.common import ErrorCode
from providers.gcp.calls import Calls, RetryPolicy
from providers.gcp.errors import OperationError, codes_for, is_transient
from providers.interface import ProviderError

pytestmark = pytest.mark.unit


def http(kind: type[exceptions.GoogleAPICallError], reason: str) -> exceptions.GoogleAPICallError:
    return kind("failed", errors=[{"reason": reason, "message": "failed", "domain": "global"}])


@pytest.mark.parametrize(
    ("error", "codes", "transient"),
    [
        pytest.param(
            http(exceptions.TooManyRequests, "rateLimitExceeded"),
            (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED,),
            True,
            id="429",
        ),
        pytest.param(
            http(exceptions.Forbidden, "rateLimitExceeded"),
            (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED,),
            True,
            id="403-rate",
        ),
        pytest.param(
            http(exceptions.Forbidden, "quotaExceeded"), (ErrorCode.INFRA_QUOTA_EXCEEDED,), False, id="403-quota"
        ),
        pytest.param(http(exceptions.Forbidden, "forbidden"), (ErrorCode.INFRA_UNAUTHORIZED,), False, id="403"),
        pytest.param(http(exceptions.Unauthorized, "authError"), (ErrorCode.INFRA_UNAUTHENTICATED,), False, id="401"),
        pytest.param(http(exceptions.BadRequest, "invalid"), (ErrorCode.CONFIGURATION_PROBLEM,), False, id="400"),
        pytest.param(
            http(exceptions.BadRequest, "resourceInUseByAnotherResource"),
            (ErrorCode.INFRA_DEPENDENCIES,),
            False,
            id="in-use",
        ),
        pytest.param(http(exceptions.ServiceUnavailable, "backendError"), (), True, id="503"),
        pytest.param(http(exceptions.NotFound, "notFound"), (), False, id="404"),
        pytest.param(
            OperationError("op", [("QUOTA_EXCEEDED", "Quota 'CPUS' exceeded")], 403),
            (ErrorCode.INFRA_QUOTA_EXCEEDED,),
            False,
            id="op-quota",
        ),
        pytest.param(
            OperationError("op", [("ZONE_RESOURCE_POOL_EXHAUSTED", "no capacity")]),
            (ErrorCode.INFRA_RESOURCES_DEPLETED,),
            False,
            id="op-depleted",
        ),
        pytest.param(requests.ConnectionError("reset"), (), True, id="connection-dropped"),
        pytest.param(
            auth_exceptions.RefreshError("invalid_grant"), (ErrorCode.INFRA_UNAUTHENTICATED,), False, id="refresh"
        ),
    ],
)
def test_classification(error: Exception, codes: tuple[ErrorCode, ...], transient: bool) -> None:
    assert codes_for(error) == codes
    assert is_transient(error) is transient


def test_transient_failures_are_retried_then_succeed_and_exhaustion_is_a_rate_limit() -> None:
    pauses: list[float] = []
    calls = Calls(RetryPolicy(attempts=3, sleep=pauses.append))
    answers = iter([http(exceptions.ServiceUnavailable, "backendError"), None])

    def flaky() -> str:
        error = next(answers)
        if error is not None:
            raise error
        return "made"

    assert calls.run("making it", flaky) == "made"
    assert len(pauses) == 1

    def always() -> str:
        raise http(exceptions.InternalServerError, "backendError")

    with pytest.raises(ProviderError) as caught:
        calls.run("making it", always)
    assert caught.value.codes == (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED,)
    assert "gave up after 3 attempts" in caught.value.message


def test_a_dependency_still_in_use_is_waited_out_until_the_settle_timeout() -> None:
    calls = Calls(RetryPolicy(settle_timeout=0.0, sleep=lambda _: None))

    def busy() -> None:
        raise http(exceptions.BadRequest, "resourceInUseByAnotherResource")

    with pytest.raises(ProviderError) as caught:
        calls.settle("deleting the network", busy)
    assert caught.value.codes == (ErrorCode.RETRYABLE_INFRA_DEPENDENCIES,)
    assert caught.value.retryable
