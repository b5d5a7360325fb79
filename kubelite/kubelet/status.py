"""Pod status from container records, as upstream computes it (``getPhase``, pod conditions).

Pure functions: the runtime keeps a :class:`ContainerRecord` per container and asks here what the Pod's
``status`` is. ``lastTransitionTime`` of a condition moves only when its status flips.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

State = Literal["waiting", "running", "terminated"]
Object = dict[str, Any]


@dataclass(slots=True)
class ContainerRecord:
    name: str
    image: str
    state: State = "waiting"
    reason: str = "ContainerCreating"
    message: str = ""
    started_at: str = ""
    finished_at: str = ""
    exit_code: int | None = None
    signal: int | None = None
    restart_count: int = 0
    ready: bool = False
    started: bool = False
    container_id: str = ""
    image_id: str = ""
    last_termination: Object | None = None

    def terminated_state(self) -> Object:
        state: Object = {
            "exitCode": self.exit_code if self.exit_code is not None else 0,
            "reason": self.reason,
            "startedAt": self.started_at or None,
            "finishedAt": self.finished_at or None,
        }
        if self.signal:
            state["signal"] = self.signal
        if self.message:
            state["message"] = self.message
        if self.container_id:
            state["containerID"] = self.container_id
        return state

    def status(self) -> Object:
        if self.state == "running":
            state: Object = {"running": {"startedAt": self.started_at}}
        elif self.state == "terminated":
            state = {"terminated": self.terminated_state()}
        else:
            waiting: Object = {"reason": self.reason}
            if self.message:
                waiting["message"] = self.message
            state = {"waiting": waiting}
        out: Object = {
            "name": self.name,
            "image": self.image,
            "imageID": self.image_id,
            "state": state,
            "lastState": {"terminated": self.last_termination} if self.last_termination else {},
            "ready": self.ready,
            "restartCount": self.restart_count,
            "started": self.started,
        }
        if self.container_id:
            out["containerID"] = self.container_id
        return out


def init_completed(records: Sequence[ContainerRecord]) -> bool:
    return all(r.state == "terminated" and r.exit_code == 0 for r in records)


def pod_phase(restart_policy: str, init: Sequence[ContainerRecord], containers: Sequence[ContainerRecord]) -> str:
    """Pending, Running, Succeeded or Failed, by upstream's rules."""
    if not init_completed(init):
        failed = any(r.state == "terminated" and r.exit_code != 0 for r in init)
        return "Failed" if failed and restart_policy == "Never" else "Pending"
    running = waiting = stopped = succeeded = 0
    for record in containers:
        if record.state == "running":
            running += 1
        elif record.state == "terminated":
            stopped += 1
            succeeded += record.exit_code == 0
        elif record.last_termination is not None:
            stopped += 1
        else:
            waiting += 1
    if waiting:
        return "Pending"
    if running:
        return "Running"
    if stopped:
        if restart_policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if restart_policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


def _condition(kind: str, ok: bool, reason: str, message: str, previous: Mapping[str, Object], now: str) -> Object:
    status = "True" if ok else "False"
    old = previous.get(kind) or {}
    condition: Object = {
        "type": kind,
        "status": status,
        "lastProbeTime": None,
        "lastTransitionTime": old.get("lastTransitionTime") if old.get("status") == status else now,
    }
    if not ok and reason:
        condition["reason"] = reason
    if not ok and message:
        condition["message"] = message
    return condition


def pod_conditions(
    phase: str,
    init: Sequence[ContainerRecord],
    containers: Sequence[ContainerRecord],
    previous: Sequence[Object],
    now: str,
) -> list[Object]:
    before = {c.get("type", ""): c for c in previous if isinstance(c, dict)}
    scheduled = before.get("PodScheduled") or {
        "type": "PodScheduled",
        "status": "True",
        "lastProbeTime": None,
        "lastTransitionTime": now,
    }
    initialized = init_completed(init)
    pending_init = [r.name for r in init if not (r.state == "terminated" and r.exit_code == 0)]
    not_ready = [r.name for r in containers if not r.ready]
    completed = phase in ("Succeeded", "Failed")
    if completed:
        reason, message = "PodCompleted", ""
    elif not initialized:
        reason, message = "ContainersNotInitialized", f"containers with incomplete status: [{' '.join(pending_init)}]"
    else:
        reason, message = "ContainersNotReady", f"containers with unready status: [{' '.join(not_ready)}]"
    ready = initialized and not not_ready and not completed
    return [
        _condition(
            "Initialized",
            initialized or completed,
            "ContainersNotInitialized",
            f"containers with incomplete status: [{' '.join(pending_init)}]",
            before,
            now,
        ),
        _condition("Ready", ready, reason, message, before, now),
        _condition("ContainersReady", ready, reason, message, before, now),
        scheduled,
    ]


def pod_status(
    pod: Object,
    init: Sequence[ContainerRecord],
    containers: Sequence[ContainerRecord],
    *,
    pod_ip: str,
    host_ip: str,
    start_time: str,
    now: str,
) -> Object:
    spec = pod.get("spec") or {}
    previous = pod.get("status") or {}
    phase = pod_phase(str(spec.get("restartPolicy") or "Always"), init, containers)
    status: Object = {
        "phase": phase,
        "conditions": pod_conditions(phase, init, containers, previous.get("conditions") or [], now),
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
        "podIP": pod_ip,
        "podIPs": [{"ip": pod_ip}] if pod_ip else [],
        "startTime": start_time,
        "containerStatuses": [r.status() for r in containers],
        "qosClass": previous.get("qosClass") or "BestEffort",
    }
    if init:
        status["initContainerStatuses"] = [r.status() for r in init]
    return status
