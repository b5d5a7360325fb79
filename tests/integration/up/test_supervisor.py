"""The supervisor with real processes: readiness, start failures with the log, restarts with back-off, stopping in
stages with SIGKILL for a process that ignores SIGTERM."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from garden.up.supervisor import ComponentSpec, StartError, Supervisor
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_wave_waits_for_readiness(tmp_path: Path) -> None:
    marker = tmp_path / "ready"
    spec = ComponentSpec(
        "writer",
        python(f"import time, pathlib; time.sleep(0.3); pathlib.Path({str(marker)!r}).touch(); time.sleep(60)"),
        tmp_path / "writer.log",
        ready=marker.exists,
    )
    supervisor = Supervisor()
    seen: list[str] = []
    try:
        supervisor.start_wave([spec], lambda s, _: seen.append(s.name))
        assert marker.exists()
        assert seen == ["writer"]
    finally:
        supervisor.stop()


def test_a_component_that_exits_while_starting_fails_the_start_with_its_log(tmp_path: Path) -> None:
    spec = ComponentSpec(
        "broken",
        python("import sys; print('no config here', flush=True); sys.exit(2)"),
        tmp_path / "broken.log",
        ready=lambda: False,
    )
    supervisor = Supervisor()
    try:
        with pytest.raises(StartError, match=r"broken exited with 2 while starting(.|\n)*no config here"):
            supervisor.start_wave([spec])
    finally:
        supervisor.stop()


def test_a_component_that_never_gets_ready_times_out(tmp_path: Path) -> None:
    spec = ComponentSpec(
        "slow", python("import time; time.sleep(60)"), tmp_path / "slow.log", ready=lambda: False, ready_timeout=0.5
    )
    supervisor = Supervisor()
    try:
        with pytest.raises(StartError, match="slow was not ready after 0 s"):
            supervisor.start_wave([spec])
    finally:
        supervisor.stop()


def test_a_crash_is_restarted_with_a_growing_back_off(tmp_path: Path) -> None:
    counter = tmp_path / "runs"
    code = (
        f"import pathlib, time; p = pathlib.Path({str(counter)!r}); "
        "p.write_text(str(int(p.read_text() or 0) + 1) if p.exists() else '1'); time.sleep(0.2); raise SystemExit(3)"
    )
    events: list[str] = []
    supervisor = Supervisor(events.append, min_backoff=0.2, max_backoff=0.8)
    try:
        supervisor.start_wave([ComponentSpec("crasher", python(code), tmp_path / "crasher.log")])
        supervisor.watch()
        wait_for(lambda: counter.exists() and int(counter.read_text()) >= 4, "four runs", timeout=20)
    finally:
        supervisor.stop()
    assert events[0].startswith("crasher exited with 3; restarting in 0 s")
    delays = [float(e.split("restarting in ")[1].split(" s")[0]) for e in events[:3]]
    assert delays == sorted(delays)


def test_stop_goes_stage_by_stage_and_kills_what_ignores_sigterm(tmp_path: Path) -> None:
    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    supervisor = Supervisor()
    supervisor.start_wave([ComponentSpec("server", python("import time; time.sleep(60)"), tmp_path / "s.log")])
    supervisor.start_wave(
        [
            ComponentSpec("stubborn", python(stubborn), tmp_path / "t.log", stop_timeout=0.5),
            ComponentSpec("controller", python("import time; time.sleep(60)"), tmp_path / "c.log"),
        ]
    )
    processes = [c.process for c in supervisor.components]
    order: list[str] = []
    began = time.monotonic()
    supervisor.stop(lambda c, _: order.append(c.name))
    assert order[-1] == "server"
    assert set(order[:2]) == {"stubborn", "controller"}
    assert all(p is not None and p.poll() is not None for p in processes)
    assert time.monotonic() - began < 10
