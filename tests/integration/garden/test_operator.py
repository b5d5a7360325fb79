"""The garden's operator runtime: a kopf registry logs in with the process's credentials and reacts to shoots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kopf
import pytest

from garden.kube import SHOOTS, Kube
from garden.operator import new_registry, running
from tests.integration.garden.objects import apply, aws_shoot, project_with_aws_binding
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration


def test_a_registry_reacts_to_shoots_and_writes_back(garden: RunningServer, tmp_path: Path) -> None:
    namespace = project_with_aws_binding(garden)
    kube = Kube.from_kubeconfig(garden.kubeconfig)
    registry = new_registry(kube)

    @kopf.on.event("core.gardener.cloud", "v1beta1", "shoots", registry=registry)
    def seen(name: str, namespace: str, type: str | None, **_: Any) -> None:
        if type in ("ADDED", None):
            kube.patch(SHOOTS, namespace, name, {"metadata": {"labels": {"seen-by": "test"}}})

    with running([registry]):
        apply(garden, aws_shoot("watched"))

        def labelled() -> bool:
            shoot = kube.get(SHOOTS, namespace, "watched")
            return shoot is not None and shoot["metadata"].get("labels", {}).get("seen-by") == "test"

        wait_for(labelled, "the operator to label the shoot", timeout=30)
    stored = kube.get(SHOOTS, namespace, "watched")
    assert stored is not None
    annotations = stored["metadata"].get("annotations") or {}
    assert not any(key.startswith("kopf.zalando.org") for key in annotations)
    kube.close()
