"""Run a set of processes as one: start in waves with readiness waits, restart crashes with back-off, stop in reverse.

A :class:`ComponentSpec` says how to run one component (argv, log file, environment) and how to know it is ready
(a probe polled until it answers True, or none). :meth:`Supervisor.start_wave` starts several components at once and
waits until each is ready, so independent components (the two API servers) come up in parallel while the order
between waves holds (the kubelet needs the seed's API server). A component that exits before it is ready fails the
start with the tail of its log.

Once started, a watcher thread restarts any component that exits, after a back-off that doubles from
``min_backoff`` to ``max_backoff`` and resets when a run lasted ``stable_seconds``; each restart is reported through
``on_event``. :meth:`Supervisor.stop` stops everything in the reverse order of starting (SIGTERM to the component's
process group, SIGKILL after its ``stop_timeout``), so the gardenlet is gone before the seed it works on.

Each child is the leader of its own session: a Ctrl-C in the terminal reaches only ``garden up``, which then stops the
children in order, rather than every process at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Probe = Callable[[], bool]
EventSink = Callable[[str], None]


class StartError(Exception):
    """A component exited or did not become ready while starting."""


@dataclass(frozen=True)
class ComponentSpec:
    name: str
    argv: Sequence[str]
    log: Path
    #: Polled until True; a probe that raises counts as "not yet". None: started is ready.
    ready: Probe | None = None
    ready_timeout: float = 60.0
    stop_timeout: float = 15.0
    env: Mapping[str, str] = field(default_factory=dict)
    #: Run before every start (and restart), e.g. removing a kubeconfig the process writes when it serves.
    before_start: Callable[[], None] | None = None
    #: Run after the process stopped for good, e.g. stopping processes it started that outlive it.
    after_stop: Callable[[], None] | None = None
    #: Components stop by stage, highest first, those of one stage together (default: ten times the start wave's
    #: number, so the last wave stops first and a stage between two waves is free).
    stop_stage: int | None = None


class Component:
    """One running component: its current process and its restart bookkeeping."""

    def __init__(self, spec: ComponentSpec, wave: int = 0) -> None:
        self.spec = spec
        self.stop_stage = spec.stop_stage if spec.stop_stage is not None else wave
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.restarts = 0
        self.backoff = 0.0
        self.restart_at: float | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def launch(self) -> None:
        if self.spec.before_start is not None:
            self.spec.before_start()
        self.spec.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.spec.log, "ab") as log:
            self.process = subprocess.Popen(
                list(self.spec.argv),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **self.spec.env},
                start_new_session=True,
            )
        self.started_at = time.monotonic()

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.spec.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)

    def stop(self) -> None:
        if self.process is None:
            return
        self.signal(signal.SIGTERM)
        self.wait_stopped()

    def wait_stopped(self) -> None:
        """Wait out the stop timeout after SIGTERM, then SIGKILL; then the component's ``after_stop``."""
        if self.process is None:
            return
        try:
            self.process.wait(self.spec.stop_timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait()
        if self.spec.after_stop is not None:
            self.spec.after_stop()


class Supervisor:
    def __init__(
        self,
        on_event: EventSink = lambda _: None,
        *,
        min_backoff: float = 1.0,
        max_backoff: float = 30.0,
        stable_seconds: float = 60.0,
        poll: float = 0.1,
    ) -> None:
        self.on_event = on_event
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.stable_seconds = stable_seconds
        self.poll = poll
        self.components: list[Component] = []
        self._waves = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    # -- starting -------------------------------------------------------------------------------------------------

    def start_wave(
        self, specs: Sequence[ComponentSpec], on_ready: Callable[[ComponentSpec, float], None] | None = None
    ) -> None:
        """Start ``specs`` together; return once each is ready, or raise :class:`StartError`."""
        began = time.monotonic()
        self._waves += 1
        wave = [Component(spec, self._waves * 10) for spec in specs]
        with self._lock:
            for component in wave:
                component.launch()
                self.components.append(component)
        pending = list(wave)
        while pending:
            if self._stopping.is_set():
                raise StartError("stopped while starting")
            for component in list(pending):
                code = component.exit_code()
                if code is not None:
                    raise StartError(
                        f"{component.name} exited with {code} while starting; its log ({component.spec.log}) ends:\n"
                        f"{component.log_tail()}"
                    )
                if _answers(component.spec.ready):
                    pending.remove(component)
                    if on_ready is not None:
                        on_ready(component.spec, time.monotonic() - began)
                elif time.monotonic() - began > component.spec.ready_timeout:
                    raise StartError(
                        f"{component.name} was not ready after {component.spec.ready_timeout:.0f} s; its log "
                        f"({component.spec.log}) ends:\n{component.log_tail()}"
                    )
            if pending:
                time.sleep(self.poll)

    # -- keeping it running ---------------------------------------------------------------------------------------

    def watch(self) -> None:
        """Restart crashed components from now on, in a background thread."""
        self._watcher = threading.Thread(target=self._watch, name="garden-up-supervisor", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stopping.wait(self.poll):
            with self._lock:
                for component in self.components:
                    self._tend(component)

    def _tend(self, component: Component) -> None:
        now = time.monotonic()
        if component.restart_at is not None:
            if now >= component.restart_at and not self._stopping.is_set():
                component.restart_at = None
                component.restarts += 1
                try:
                    component.launch()
                except OSError as exc:
                    self.on_event(f"{component.name} could not be restarted: {exc}")
                    component.restart_at = now + self._next_backoff(component, now)
            return
        code = component.exit_code()
        if code is None:
            return
        delay = self._next_backoff(component, now)
        component.restart_at = now + delay
        self.on_event(f"{component.name} exited with {code}; restarting in {delay:.0f} s (log: {component.spec.log})")

    def _next_backoff(self, component: Component, now: float) -> float:
        if now - component.started_at >= self.stable_seconds:
            component.backoff = 0.0
        component.backoff = min(self.max_backoff, max(self.min_backoff, component.backoff * 2))
        return component.backoff

    # -- stopping -------------------------------------------------------------------------------------------------

    def stop(self, on_stopped: Callable[[Component, float], None] | None = None) -> None:
        """Stop every component, stage by stage from the highest (the reverse of starting); idempotent.

        The components of one stage get SIGTERM together and are waited for together: kopf operators take a few
        seconds each to close their watches, and one after another that adds up."""
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(5)
        with self._lock:
            for stage in sorted({c.stop_stage for c in self.components}, reverse=True):
                began = time.monotonic()
                group = [c for c in reversed(self.components) if c.stop_stage == stage]
                for component in group:
                    component.signal(signal.SIGTERM)
                for component in group:
                    component.wait_stopped()
                    if on_stopped is not None:
                        on_stopped(component, time.monotonic() - began)
            self.components.clear()

    def snapshot(self) -> list[dict[str, object]]:
        """Each component's name, pid, restarts and log, for ``status.yaml``."""
        with self._lock:
            return [
                {"name": c.name, "pid": c.pid, "restarts": c.restarts, "log": str(c.spec.log)} for c in self.components
            ]


def _answers(probe: Probe | None) -> bool:
    if probe is None:
        return True
    try:
        return probe()
    except Exception:  # NB: a probe that cannot answer yet means "not ready": the deadline decides)
        return False


__all__ = ["Component", "ComponentSpec", "StartError", "Supervisor"]
