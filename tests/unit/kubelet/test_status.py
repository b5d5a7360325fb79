"""Pod phase and conditions from container records, by upstream's rules."""

from __future__ import annotations

import pytest

from kubelite.kubelet.status import ContainerRecord, pod_conditions, pod_phase

pytestmark = pytest.mark.unit


def rec(state: str, exit_code: int | None = None, last: bool = False, ready: bool = False) -> ContainerRecord:
    record = ContainerRecord("c", "img", state=state, exit_code=exit_code, ready=ready)  # type: ignore[arg-type]
    record.last_termination = {"exitCode": 1} if last else None
    return record


@pytest.mark.parametrize(
    ("policy", "records", "phase"),
    [
        ("Always", [rec("waiting")], "Pending"),
        ("Always", [rec("running")], "Running"),
        ("Always", [rec("running"), rec("waiting")], "Pending"),
        ("Always", [rec("waiting", last=True)], "Running"),
        ("Never", [rec("terminated", 0)], "Succeeded"),
        ("Never", [rec("terminated", 0), rec("terminated", 2)], "Failed"),
        ("OnFailure", [rec("terminated", 2)], "Running"),
        ("Always", [rec("terminated", 0)], "Running"),
    ],
)
def test_phase(policy: str, records: list[ContainerRecord], phase: str) -> None:
    assert pod_phase(policy, [], records) == phase


def test_unfinished_init_containers_keep_the_pod_pending_or_fail_it() -> None:
    assert pod_phase("Always", [rec("running")], [rec("waiting")]) == "Pending"
    assert pod_phase("Never", [rec("terminated", 1)], [rec("waiting")]) == "Failed"


def test_conditions_keep_their_transition_time_until_they_flip() -> None:
    first = pod_conditions("Running", [], [rec("running", ready=True)], [], "t1")
    assert {c["type"]: c["status"] for c in first} == {
        "Initialized": "True",
        "Ready": "True",
        "ContainersReady": "True",
        "PodScheduled": "True",
    }
    again = pod_conditions("Running", [], [rec("running", ready=True)], first, "t2")
    assert next(c for c in again if c["type"] == "Ready")["lastTransitionTime"] == "t1"
    flipped = pod_conditions("Running", [], [rec("running", ready=False)], again, "t3")
    ready = next(c for c in flipped if c["type"] == "Ready")
    assert (ready["status"], ready["reason"], ready["lastTransitionTime"]) == ("False", "ContainersNotReady", "t3")
