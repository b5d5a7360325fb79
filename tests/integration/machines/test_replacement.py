"""Broken machines are replaced: a node that turns NotReady or vanishes outlives its health timeout, its machine
is Failed and deleted (drained, VM deleted), and a new machine joins in its place."""

from __future__ import annotations

import pytest

from kubelite.client import NODES
from kubelite.nodes.node import SIMULATE_ANNOTATION
from providers.extensions.resources import MACHINES, OPERATINGSYSTEMCONFIGS, WORKERS
from tests.integration.providers.conftest import Landscape, ProviderCase
from tests.integration.providers.test_contract import create, delete_and_wait, pool, ready_nodes, secret_ref, wait_state
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("provider_case", ["local"], indirect=True)
@pytest.mark.parametrize("fault", ["NotReady", "Vanish"])
def test_a_broken_node_gets_its_machine_replaced(
    landscape: Landscape, provider_case: ProviderCase, technical_id: str, fault: str
) -> None:
    seed, shoot = landscape.seed_kube, landscape.shoot_kube
    osc = {"type": "ubuntu", "purpose": "provision"}
    create(seed, OPERATINGSYSTEMCONFIGS, "OperatingSystemConfig", technical_id, "cloud-config-cpu", osc)
    wait_state(seed, OPERATINGSYSTEMCONFIGS, technical_id, "cloud-config-cpu", "Succeeded")
    settings = {"machineControllerManager": {"machineHealthTimeout": "2s"}}
    one_zone = ProviderCase(**{**provider_case.__dict__, "zones": provider_case.zones[:1]})
    spec = {
        "type": provider_case.name,
        "region": provider_case.region,
        "secretRef": secret_ref(technical_id),
        "pools": [{**pool(one_zone, provider_case.machine_types[0], **settings), "minimum": 1, "maximum": 1}],
    }
    create(seed, WORKERS, "Worker", technical_id, "worker", spec)
    wait_state(seed, WORKERS, technical_id, "worker", "Succeeded", timeout=60)
    (machine,) = seed.list(MACHINES, technical_id)
    broken_id = machine["spec"]["providerID"]
    node = ready_nodes(shoot)[broken_id]
    shoot.patch(NODES, None, node["metadata"]["name"], {"metadata": {"annotations": {SIMULATE_ANNOTATION: fault}}})

    def replaced() -> bool:
        machines = seed.list(MACHINES, technical_id)
        ids = {m["spec"].get("providerID") for m in machines}
        return len(machines) == 1 and broken_id not in ids and ids <= set(ready_nodes(shoot))

    wait_for(replaced, f"the machine of the {fault} node to be replaced", timeout=60)
    assert broken_id not in {n["spec"].get("providerID") for n in shoot.list(NODES)}, "the broken node was removed"
    assert provider_case.inventory(technical_id), "the new machine runs"
    delete_and_wait(seed, WORKERS, technical_id, "worker", timeout=60)
    delete_and_wait(seed, OPERATINGSYSTEMCONFIGS, technical_id, "cloud-config-cpu")
    assert provider_case.inventory(technical_id) == []
