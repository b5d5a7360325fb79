"""One container of one pod: its process (started or adopted), its record for the Pod status, its back-off and
probes. The pod worker decides *when* to start, stop and restart; this class knows *how*."""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubelite.kubelet import processes
from kubelite.kubelet.backoff import BackOff
from kubelite.kubelet.logs import Stamper
from kubelite.kubelet.probes import Prober
from kubelite.kubelet.status import ContainerRecord
from kubelite.nodes.heartbeat import timestamp

logger = logging.getLogger(__name__)

STOP_POLL = 0.05


@dataclass(slots=True)
class Launch:
    """Everything needed to start the process (computed by the pod worker from spec, volumes and env)."""

    argv: Sequence[str]
    env: Mapping[str, str]
    cwd: str
    image_id: str


@dataclass
class Container:
    spec: Mapping[str, Any]
    directory: Path
    init: bool = False
    record: ContainerRecord = field(init=False)
    spec_hash: str = field(init=False)
    popen: subprocess.Popen[bytes] | None = None
    pid: int = 0
    create_time: float = 0.0
    started_monotonic: float = 0.0
    backoff: BackOff = field(default_factory=BackOff)
    restart_at: float = 0.0
    probers: dict[str, Prober] = field(default_factory=dict)
    #: Set when this container ran at least once (so a later start is a restart).
    has_run: bool = False
    #: Set when an exited container is to be started again (at ``restart_at``).
    restart_scheduled: bool = False
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: str = ""

    def __post_init__(self) -> None:
        self.record = ContainerRecord(name=str(self.spec["name"]), image=str(self.spec.get("image") or ""))
        self.spec_hash = processes.spec_hash(self.spec)

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def running(self) -> bool:
        return self.pid != 0

    def log_path(self, restart: int | None = None) -> Path:
        return self.directory / f"{self.record.restart_count if restart is None else restart}.log"

    # -- start, adopt ----------------------------------------------------------------------------------------------

    def start(self, launch: Launch, stamper: Stamper) -> None:
        if self.has_run:
            self.record.restart_count += 1
        log = self.log_path()
        self.popen = processes.start(launch.argv, launch.env, launch.cwd, log)
        self.pid = self.popen.pid
        try:
            self.create_time = processes.create_time(self.pid)
        except Exception:  # the process died at once; poll() will report it
            self.create_time = 0.0
        self.env, self.cwd = launch.env, launch.cwd
        self.restart_scheduled = False
        self._mark_running(launch.image_id, log, stamper)
        processes.ProcessState(
            pid=self.pid,
            create_time=self.create_time,
            spec_hash=self.spec_hash,
            restart_count=self.record.restart_count,
            started_at=self.record.started_at,
            log=str(log),
            container_id=self.record.container_id,
            image_id=launch.image_id,
        ).save(self.directory)

    def adopt(self, state: processes.ProcessState, stamper: Stamper) -> None:
        """Take over a process a previous kubelet started (alive, same spec)."""
        self.pid, self.create_time = state.pid, state.create_time
        self.record.restart_count = state.restart_count
        self.has_run = True
        self.record.state = "running"
        self.record.reason = self.record.message = ""
        self.record.started_at = state.started_at
        self.record.container_id = state.container_id
        self.record.image_id = state.image_id
        self.record.started = "startupProbe" not in self.spec
        self.started_monotonic = time.monotonic() - max(0.0, time.time() - state.create_time)
        stamper.track(Path(state.log))

    def _mark_running(self, image_id: str, log: Path, stamper: Stamper) -> None:
        self.has_run = True
        self.started_monotonic = time.monotonic()
        self.record.state = "running"
        self.record.reason = self.record.message = ""
        self.record.started_at = timestamp()
        self.record.finished_at = ""
        self.record.exit_code = self.record.signal = None
        self.record.container_id = f"kubelite://{self.directory.parent.name}/{self.name}/{self.record.restart_count}"
        self.record.image_id = image_id
        self.record.ready = False
        self.record.started = "startupProbe" not in self.spec
        stamper.track(log)

    # -- exit ------------------------------------------------------------------------------------------------------

    def poll(self) -> bool:
        """Whether the running process exited (and then record it as terminated)."""
        if not self.running:
            return False
        if self.popen is not None:
            code = self.popen.poll()
            if code is None:
                return False
            exit_code, sig = processes.exit_details(code)
            self._terminated(exit_code, sig, "Completed" if exit_code == 0 else "Error", "")
            return True
        if processes.alive(self.pid, self.create_time):
            return False
        self._terminated(
            137,
            None,
            "ContainerStatusUnknown",
            "the process exited while the kubelet was not its parent (after a kubelet restart); its exit code is lost",
        )
        return True

    def _terminated(self, exit_code: int, sig: int | None, reason: str, message: str) -> None:
        self.pid = 0
        self.popen = None
        self.record.state = "terminated"
        self.record.exit_code = exit_code
        self.record.signal = sig
        self.record.reason = reason
        self.record.message = message
        self.record.finished_at = timestamp()
        self.record.ready = False
        self.probers.clear()
        processes.ProcessState.clear(self.directory)

    def ran_for(self) -> float:
        return time.monotonic() - self.started_monotonic

    # -- stop ------------------------------------------------------------------------------------------------------

    async def stop(self, grace: float, reason: str = "") -> None:
        """SIGTERM the process group, SIGKILL it after ``grace`` seconds, wait until it is gone and reaped."""
        if not self.running:
            return
        pid, create = self.pid, self.create_time
        processes.signal_group(pid, create, signal.SIGTERM)
        deadline = time.monotonic() + max(grace, 0.0)
        while time.monotonic() < deadline and self._still_there(pid):  # noqa: ASYNC110  (exits are polled)
            await asyncio.sleep(STOP_POLL)
        if self._still_there(pid):
            logger.info("container %s (pid %d) outlived its %gs grace period: SIGKILL", self.name, pid, grace)
            processes.signal_group(pid, create, signal.SIGKILL)
            while self._still_there(pid):  # noqa: ASYNC110
                await asyncio.sleep(STOP_POLL)
        if not self.poll() and self.running:
            self._terminated(137, signal.SIGKILL, "Error", "")
        if reason:
            self.record.reason = reason

    def _still_there(self, pid: int) -> bool:
        if self.popen is not None:
            self.popen.poll()  # reap the leader as soon as it exits
            if self.popen.returncode is None:
                return True
        elif processes.alive(pid, self.create_time):
            return True
        return processes.group_alive(pid)

    def roll_termination(self) -> None:
        """Before a restart: the terminated state becomes ``lastState``."""
        if self.record.state == "terminated":
            self.record.last_termination = self.record.terminated_state()
