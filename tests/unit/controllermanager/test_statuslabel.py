"""The shoot status label: Gardener's ComputeShootStatus, written only when it changes."""

from __future__ import annotations

from typing import Any

import pytest

from garden.api.printers import STATUS_LABEL, shoot_status
from garden.controllermanager.statuslabel import label_patch

pytestmark = pytest.mark.unit


def shoot(label: str | None = None, state: str | None = "Succeeded", *statuses: str, errors: bool = False) -> Any:
    labels = {"project.gardener.cloud/name": "dev"}
    if label is not None:
        labels[STATUS_LABEL] = label
    status: dict[str, Any] = {"conditions": [{"type": f"C{i}", "status": s} for i, s in enumerate(statuses)]}
    if state is not None:
        status["lastOperation"] = {"type": "Reconcile", "state": state, "lastUpdateTime": "2026-11-25T12:00:00Z"}
    if errors:
        status["lastErrors"] = [{"description": "boom"}]
    return {"metadata": {"name": "web", "namespace": "garden-dev", "labels": labels}, "status": status}


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (shoot(None, None), "healthy"),
        (shoot(None, "Succeeded", "True", "True"), "healthy"),
        (shoot(None, "Succeeded", "True", "Progressing"), "progressing"),
        (shoot(None, "Succeeded", "Progressing", "Unknown"), "unknown"),
        (shoot(None, "Succeeded", "True", "False"), "unhealthy"),
        (shoot(None, "Processing", "True", errors=True), "unhealthy"),
        (shoot(None, "Error", "True"), "unhealthy"),
        (shoot("healthy", "Succeeded", "Unknown"), "unknown"),
    ],
)
def test_the_label_is_patched_to_the_computed_status(obj: Any, expected: str) -> None:
    assert label_patch(obj) == {"metadata": {"labels": {STATUS_LABEL: expected}}}
    labelled = {**obj, "metadata": {**obj["metadata"], "labels": {STATUS_LABEL: expected}}}
    assert label_patch(labelled) is None  # up to date: no write
    unlabelled = {**obj, "metadata": {**obj["metadata"], "labels": {}}}
    assert shoot_status(labelled) == shoot_status(unlabelled) == expected  # the table shows the same, label or not


def test_a_shoot_without_labels() -> None:
    assert label_patch({"metadata": {"name": "web"}}) == {"metadata": {"labels": {STATUS_LABEL: "healthy"}}}
