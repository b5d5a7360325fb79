from __future__ import annotations

from typing import Any

import pytest

from garden.api.common import ErrorCode
from providers.extensions.operation import Backoff, last_error, last_operation, operation_type, wanted
from providers.interface import ProviderError

pytestmark = pytest.mark.unit


def obj(
    generation: int = 1,
    observed: int | None = None,
    state: str | None = None,
    kind: str = "Reconcile",
    annotation: str | None = None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "x", "generation": generation}
    if annotation:
        meta["annotations"] = {"gardener.cloud/operation": annotation}
    status: dict[str, Any] = {}
    if observed is not None:
        status["observedGeneration"] = observed
    if state:
        status["lastOperation"] = {"type": kind, "state": state}
    return {"metadata": meta, "status": status}


@pytest.mark.parametrize(
    ("body", "operation"),
    [
        (obj(), "reconcile"),
        (obj(2, 1, "Succeeded"), "reconcile"),
        (obj(1, 1, "Succeeded"), None),
        (obj(1, 1, "Error"), "reconcile"),
        (obj(1, 1, "Processing"), "reconcile"),
        (obj(1, 1, "Failed"), None),
        (obj(2, 1, "Failed"), "reconcile"),
        (obj(1, 1, "Failed", annotation="reconcile"), "reconcile"),
        (obj(1, 1, "Succeeded", annotation="migrate"), "migrate"),
        (obj(1, 1, "Succeeded", "Migrate"), None),
        (obj(2, 1, "Succeeded", "Migrate"), None),
        (obj(1, 1, "Succeeded", "Migrate", annotation="restore"), "restore"),
        (obj(1, 1, "Succeeded", annotation="wait-for-state"), None),
    ],
    ids=[
        "new",
        "spec-changed",
        "up-to-date",
        "retryable-error",
        "interrupted",
        "failed-waits",
        "failed-then-spec-changed",
        "failed-then-annotated",
        "migrate-asked",
        "migrated-left-alone",
        "migrated-ignores-spec",
        "restore-asked",
        "unknown-annotation",
    ],
)
def test_what_to_do(body: dict[str, Any], operation: str | None) -> None:
    assert wanted(body) == operation


def test_the_first_reconcile_is_a_create_until_it_succeeds() -> None:
    assert operation_type(obj(), "reconcile") == "Create"
    assert operation_type(obj(1, 1, "Error", "Create"), "reconcile") == "Create"
    assert operation_type(obj(1, 1, "Succeeded", "Create"), "reconcile") == "Reconcile"
    assert operation_type(obj(), "migrate") == "Migrate"
    assert operation_type(obj(), "restore") == "Restore"


def test_status_fields() -> None:
    op = last_operation("Reconcile", "Error", "boom", 140, at="2026-01-01T00:00:00Z")
    assert op == {
        "type": "Reconcile",
        "state": "Error",
        "description": "boom",
        "progress": 100,
        "lastUpdateTime": "2026-01-01T00:00:00Z",
    }
    error = last_error("quota", [ErrorCode.INFRA_QUOTA_EXCEEDED], at="t")
    assert error == {"description": "quota", "codes": ["ERR_INFRA_QUOTA_EXCEEDED"], "lastUpdateTime": "t"}


def test_backoff_doubles_up_to_its_cap() -> None:
    backoff = Backoff(initial=2, maximum=30)
    assert [backoff.delay(r) for r in range(6)] == [2, 4, 8, 16, 30, 30]
    assert backoff.delay(10_000) == 30


def test_error_codes_decide_retries() -> None:
    assert ProviderError("x").retryable
    assert ProviderError("x", ErrorCode.INFRA_RATE_LIMITS_EXCEEDED).retryable
    assert ProviderError("x", ErrorCode.RETRYABLE_CONFIGURATION_PROBLEM).retryable
    assert not ProviderError("x", ErrorCode.INFRA_QUOTA_EXCEEDED).retryable
    assert not ProviderError("x", ErrorCode.CONFIGURATION_PROBLEM).retryable
