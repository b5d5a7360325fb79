"""What kubectl shows for shoots and seeds: Gardener's computed cells."""

from __future__ import annotations

from typing import Any

import pytest

from garden.api import printers

pytestmark = pytest.mark.unit


def shoot(spec: dict[str, Any] | None = None, status: dict[str, Any] | None = None, **labels: str) -> dict[str, Any]:
    return {"metadata": {"name": "s", "labels": labels}, "spec": spec or {}, "status": status or {}}


@pytest.mark.parametrize(
    ("enabled", "hibernated", "expected"),
    [
        (False, False, "Awake"),
        (True, False, "Hibernating"),
        (True, True, "Hibernated"),
        (False, True, "Waking Up"),
    ],
)
def test_hibernation(enabled: bool, hibernated: bool, expected: str) -> None:
    obj = shoot({"hibernation": {"enabled": enabled}}, {"hibernated": hibernated})
    assert printers.hibernation(obj) == expected


def test_last_operation() -> None:
    assert printers.last_operation(shoot()) == "<pending>"
    op = {"type": "Reconcile", "state": "Succeeded", "progress": 100, "lastUpdateTime": "2026-11-25T06:00:00Z"}
    assert printers.last_operation(shoot(status={"lastOperation": op})) == "Reconcile Succeeded (100%)"


def test_cloud_profile_name_prefers_the_new_reference() -> None:
    assert printers.cloud_profile_name(shoot({"cloudProfileName": "old"})) == "old"
    assert printers.cloud_profile_name(shoot({"cloudProfile": {"name": "new"}, "cloudProfileName": "old"})) == "new"
    assert printers.cloud_profile_name(shoot()) == ""


def operation(op_type: str, state: str) -> dict[str, Any]:
    return {"type": op_type, "state": state, "progress": 50, "lastUpdateTime": "2026-11-25T06:00:00Z"}


ERROR = [{"description": "infrastructure: quota exceeded", "taskID": "deploy-infra"}]


@pytest.mark.parametrize(
    ("last_operation", "errors", "statuses", "expected"),
    [
        # not yet operated on: healthy, whatever the conditions say
        (None, [], [], "healthy"),
        (None, [], ["False"], "healthy"),
        # creating (not yet successfully) or deleting: the last errors decide
        (("Create", "Processing"), [], ["False"], "healthy"),
        (("Create", "Error"), [], [], "healthy"),
        (("Create", "Processing"), ERROR, ["True"], "unhealthy"),
        (("Delete", "Processing"), [], ["Unknown"], "healthy"),
        (("Delete", "Failed"), ERROR, [], "unhealthy"),
        # otherwise the worst of the conditions ...
        (("Reconcile", "Succeeded"), [], [], "healthy"),
        (("Reconcile", "Succeeded"), [], ["True", "True"], "healthy"),
        (("Reconcile", "Succeeded"), [], ["True", "Progressing"], "progressing"),
        (("Reconcile", "Succeeded"), [], ["Progressing", "Unknown"], "unknown"),
        (("Create", "Succeeded"), [], ["Unknown", "False"], "unhealthy"),
        (("Reconcile", "Succeeded"), [], ["Bogus"], "unhealthy"),
        # ... and of the operation: processing is unhealthy only with errors, a finished one unless it succeeded
        (("Reconcile", "Processing"), [], ["Progressing"], "progressing"),
        (("Reconcile", "Processing"), ERROR, ["True"], "unhealthy"),
        (("Reconcile", "Error"), [], ["True"], "unhealthy"),
        (("Restore", "Succeeded"), ERROR, ["True"], "healthy"),
    ],
)
def test_compute_shoot_status_as_gardener(
    last_operation: tuple[str, str] | None, errors: list[dict[str, Any]], statuses: list[str], expected: str
) -> None:
    status: dict[str, Any] = {"conditions": [{"type": f"C{i}", "status": s} for i, s in enumerate(statuses)]}
    if last_operation is not None:
        status["lastOperation"] = operation(*last_operation)
    if errors:
        status["lastErrors"] = errors
    obj = shoot(status=status)
    assert printers.compute_shoot_status(obj) == expected
    assert printers.shoot_status(obj) == expected  # without a label, the table shows what the label will be


def test_shoot_status_label_wins() -> None:
    obj = shoot(status={"conditions": [{"type": "A", "status": "True"}]}, **{printers.STATUS_LABEL: "unhealthy"})
    assert printers.shoot_status(obj) == "unhealthy"


def test_condition_status() -> None:
    obj = shoot(status={"conditions": [{"type": "EveryNodeReady", "status": "False"}]})
    assert printers.condition_status(obj, "EveryNodeReady") == "False"
    assert printers.condition_status(obj, "APIServerAvailable") == "<unknown>"


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({}, "Unknown"),
        ({"GardenletReady": "Unknown"}, "Unknown"),
        ({"GardenletReady": "True"}, "Ready"),
        ({"GardenletReady": "True", "SeedSystemComponentsHealthy": "Progressing"}, "Ready"),
        ({"GardenletReady": "True", "SeedSystemComponentsHealthy": "False"}, "NotReady"),
        ({"GardenletReady": "False"}, "NotReady"),
    ],
)
def test_seed_status(conditions: dict[str, str], expected: str) -> None:
    seed = {"status": {"conditions": [{"type": t, "status": s} for t, s in conditions.items()]}}
    assert printers.seed_status(seed) == expected
