from __future__ import annotations

import logging

import pytest

from garden.api.common import ErrorCode
from gardenlet.flow import FlowError, TaskError, codes_of

pytestmark = pytest.mark.unit


class WithCodes(Exception):
    def __init__(self, codes: object) -> None:
        super().__init__("failed")
        self.codes = codes


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ((ErrorCode.INFRA_UNAUTHORIZED,), (ErrorCode.INFRA_UNAUTHORIZED,)),
        (["ERR_INFRA_QUOTA_EXCEEDED", "ERR_INFRA_QUOTA_EXCEEDED"], (ErrorCode.INFRA_QUOTA_EXCEEDED,)),
        ("ERR_INFRA_UNAUTHORIZED", ()),
        (None, ()),
        (42, ()),
    ],
    ids=["enum", "strings-deduplicated", "one-string-is-no-list", "none", "not-iterable"],
)
def test_codes_are_read_from_the_codes_attribute(codes: object, expected: tuple[ErrorCode, ...]) -> None:
    assert codes_of(WithCodes(codes)) == expected


def test_unknown_codes_are_logged_and_ignored(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert codes_of(WithCodes(["ERR_MADE_UP", ErrorCode.CONFIGURATION_PROBLEM])) == (
            ErrorCode.CONFIGURATION_PROBLEM,
        )
    assert "ERR_MADE_UP" in caplog.text


def test_errors_without_codes_are_retryable_and_describe_themselves() -> None:
    error = TaskError("Waiting until the kube-apiserver is healthy", TimeoutError())
    assert error.codes == () and error.retryable
    assert str(error) == "task 'Waiting until the kube-apiserver is healthy' failed: TimeoutError"


def test_a_flow_error_needs_at_least_one_task_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        FlowError("demo", [])
