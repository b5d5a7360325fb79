"""``gardenlet extensions`` killed with SIGKILL in the middle of a rolling update, then started again, finishes the
rollout with no machine made twice: as many Machines as the pool wants, one Pod (one simulated VM) per Machine,
every one of the new class and Ready in the shoot."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubelite.client import PODS
from providers.extensions.resources import MACHINES, OPERATINGSYSTEMCONFIGS, WORKERS
from providers.local.cloud import CLUSTER_LABEL
from tests.integration.providers.case import ProviderCase
from tests.integration.providers.conftest import Landscape, seed_and_shoot
from tests.integration.providers.test_contract import create, delete_and_wait, pool, ready_nodes, secret_ref, wait_state
from tests.integration.server import BIN
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration


class Extensions:
    """``gardenlet extensions`` for the local provider as a process of its own, so it can be killed."""

    def __init__(self, kubeconfig: Path, log: Path) -> None:
        self.kubeconfig = kubeconfig
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gardenlet"),
                    "extensions",
                    *("--kubeconfig", str(self.kubeconfig), "--providers", "local", "--sync-interval", "0.5"),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def landscape(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Landscape]:
    """The suite's servers and kubelet, without in-process controllers (the test runs them as a process)."""
    with seed_and_shoot(tmp_path_factory) as landscape:
        yield landscape


@pytest.fixture
def extensions(landscape: Landscape, tmp_path: Path) -> Iterator[Extensions]:
    process = Extensions(landscape.seed.kubeconfig, tmp_path / "extensions.log")
    process.start()
    try:
        yield process
    finally:
        process.stop()


def machine_pods(landscape: Landscape, technical_id: str) -> list[str]:
    selector = f"{CLUSTER_LABEL}={technical_id}"
    return sorted(p["metadata"]["name"] for p in landscape.seed_kube.list(PODS, technical_id, label_selector=selector))


@pytest.mark.parametrize("provider_case", ["local"], indirect=True)
def test_a_kill_9_mid_rollout_leaves_no_duplicate_machine(
    landscape: Landscape, provider_case: ProviderCase, technical_id: str, extensions: Extensions
) -> None:
    seed, shoot = landscape.seed_kube, landscape.shoot_kube
    create(
        seed,
        OPERATINGSYSTEMCONFIGS,
        "OperatingSystemConfig",
        technical_id,
        "cloud-config-cpu",
        {
            "type": "ubuntu",
            "purpose": "provision",
        },
    )
    wait_state(seed, OPERATINGSYSTEMCONFIGS, technical_id, "cloud-config-cpu", "Succeeded")
    one_zone = ProviderCase(**{**provider_case.__dict__, "zones": provider_case.zones[:1]})
    spec: dict[str, Any] = {
        "type": provider_case.name,
        "region": provider_case.region,
        "secretRef": secret_ref(technical_id),
        "pools": [{**pool(one_zone, provider_case.machine_types[0]), "minimum": 3, "maximum": 3}],
    }
    create(seed, WORKERS, "Worker", technical_id, "worker", spec)
    wait_state(seed, WORKERS, technical_id, "worker", "Succeeded", timeout=90)
    first = {m["metadata"]["name"] for m in seed.list(MACHINES, technical_id)}
    assert len(first) == 3

    spec["pools"][0]["machineType"] = provider_case.machine_types[1]
    seed.patch(WORKERS, technical_id, "worker", {"spec": spec})
    wait_for(
        lambda: {m["metadata"]["name"] for m in seed.list(MACHINES, technical_id)} - first,
        "the rollout to create a machine of the new class",
        timeout=60,
    )
    extensions.kill9()
    extensions.start()

    def rolled() -> bool:
        worker = seed.get(WORKERS, technical_id, "worker") or {}
        status = worker.get("status") or {}
        machines = seed.list(MACHINES, technical_id)
        ids = {m["spec"].get("providerID") for m in machines}
        return (
            (status.get("lastOperation") or {}).get("state") == "Succeeded"
            and status.get("observedGeneration") == worker["metadata"]["generation"]
            and len(machines) == 3
            and not {m["metadata"]["name"] for m in machines} & first
            and ids <= set(ready_nodes(shoot))
        )

    wait_for(rolled, "the restarted controllers to finish the rollout", timeout=120)
    machines = sorted(m["metadata"]["name"] for m in seed.list(MACHINES, technical_id))
    wait_for(lambda: machine_pods(landscape, technical_id) == machines, "the old machines' pods to go", timeout=60)
    assert machine_pods(landscape, technical_id) == machines, "one VM per machine, none twice, none orphaned"
    assert len({m["spec"]["providerID"] for m in seed.list(MACHINES, technical_id)}) == 3

    delete_and_wait(seed, WORKERS, technical_id, "worker", timeout=90)
    delete_and_wait(seed, OPERATINGSYSTEMCONFIGS, technical_id, "cloud-config-cpu")
    assert provider_case.inventory(technical_id) == []
