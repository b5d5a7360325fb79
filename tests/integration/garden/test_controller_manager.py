"""``garden controller-manager`` as a process: all controllers against a garden, stopped cleanly by SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def test_controller_manager_runs_every_controller_and_stops_on_sigterm(garden: RunningServer, tmp_path: Path) -> None:
    log = (tmp_path / "controller-manager.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "garden"), "controller-manager", "--kubeconfig", str(garden.kubeconfig), "--resync-seconds", "1"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        garden.kubectl(
            "apply",
            "-f",
            "-",
            input=yaml.safe_dump(
                {
                    "apiVersion": "core.gardener.cloud/v1beta1",
                    "kind": "Project",
                    "metadata": {"name": "cm"},
                    "spec": {"namespace": "garden-cm"},
                }
            ),
        )

        def ready() -> bool:
            project = garden.kubectl_yaml("get", "project", "cm")
            return (project.get("status") or {}).get("phase") == "Ready"

        wait_for(ready, "the project to become Ready", timeout=60)
        namespace = garden.kubectl_yaml("get", "namespace", "garden-cm")
        assert namespace["metadata"]["labels"]["project.gardener.cloud/name"] == "cm"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
            log.close()
    output = (tmp_path / "controller-manager.log").read_text()
    assert code == 0, output
    assert "Traceback" not in output, output
