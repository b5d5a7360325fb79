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


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "unknown"),
        (["True", "True"], "healthy"),
        (["True", "Progressing"], "progressing"),
        (["True", "Unknown"], "progressing"),
        (["True", "False", "Progressing"], "unhealthy"),
    ],
)
def test_shoot_status_from_conditions(statuses: list[str], expected: str) -> None:
    conditions = [{"type": f"C{i}", "status": s} for i, s in enumerate(statuses)]
    assert printers.shoot_status(shoot(status={"conditions": conditions})) == expected


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
