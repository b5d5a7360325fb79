"""Container processes: started in a session of their own, remembered on disk, adopted after a kubelet restart.

Each container runs as the leader of a new session (``start_new_session``), so its process group id is its pid and
stopping it signals the whole group (whatever it forked). The kubelet is the parent of what it starts and reaps it
(``Popen.poll``), which gives exact exit codes and leaves no zombies.

``state.json`` in the container directory records the pid, the process's start time (psutil ``create_time``; a
pid alone could be reused by an unrelated process) and the container spec hash. A kubelet that was killed and
restarted reads it: a process that is still alive, whose pod still exists with the same container spec, is
adopted (watched by pid, no new process); any other is stopped. An adopted process is no longer the kubelet's
child: when it exits, init reaps it and its exit status is lost, so it is reported the way upstream reports a
container whose status was lost (exit code 137, reason ``ContainerStatusUnknown``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

STATE_FILE = "state.json"
#: create_time is a float in seconds; /proc rounds to clock ticks, so compare with some slack.
_CREATE_TIME_SLACK = 0.05


def spec_hash(container: Mapping[str, Any]) -> str:
    """A stable hash of a container's spec: a change restarts the container, as upstream."""
    return hashlib.sha256(json.dumps(container, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


@dataclass(slots=True)
class ProcessState:
    pid: int
    create_time: float
    spec_hash: str
    restart_count: int
    started_at: str
    log: str
    container_id: str
    image_id: str = ""

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        temporary = directory / (STATE_FILE + ".tmp")
        temporary.write_text(json.dumps(asdict(self)), encoding="utf-8")
        os.replace(temporary, directory / STATE_FILE)

    @classmethod
    def load(cls, directory: Path) -> ProcessState | None:
        try:
            raw = json.loads((directory / STATE_FILE).read_text(encoding="utf-8"))
            return cls(**raw)
        except (OSError, ValueError, TypeError):
            return None

    @staticmethod
    def clear(directory: Path) -> None:
        (directory / STATE_FILE).unlink(missing_ok=True)


def alive(pid: int, create_time: float) -> bool:
    """Whether ``pid`` is still the process started at ``create_time`` (and not a zombie)."""
    try:
        process = psutil.Process(pid)
        if abs(process.create_time() - create_time) > _CREATE_TIME_SLACK:
            return False
        return process.status() != psutil.STATUS_ZOMBIE
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def create_time(pid: int) -> float:
    return psutil.Process(pid).create_time()


def start(argv: Sequence[str], env: Mapping[str, str], cwd: str, log: Path) -> subprocess.Popen[bytes]:
    """Start a container process with stdout and stderr appended to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as output:
        return subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )


def signal_group(pid: int, create: float, sig: signal.Signals) -> bool:
    """Signal the process group led by ``pid`` if ``pid`` is still that process; False when it is gone."""
    if not alive(pid, create):
        # The leader is gone; members of its group may still live (a forked child): signal them if any.
        return _signal_orphaned_group(pid, sig)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
        return True
    return False


def _signal_orphaned_group(pgid: int, sig: signal.Signals) -> bool:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exit_details(returncode: int) -> tuple[int, int | None]:
    """(exitCode, signal) as a container runtime reports them: a signal N death is exit code 128+N."""
    if returncode < 0:
        return 128 - returncode, -returncode
    return returncode, None
