"""``garden up`` and ``garden down``: start the landscape and keep it running, or stop the one that runs.

:func:`up` runs in the foreground: it takes the state directory's lock (a second ``garden up`` on the same directory
says a landscape runs there and exits 1), remembers or reuses the ports, starts the components in two waves with a
line of progress per component, seeds the garden, registers it with gardenctl, prints what to try next, and then
supervises until SIGINT or SIGTERM, when it stops everything in reverse order. :func:`up_detached` starts the same in
a new session (its output in ``logs/garden-up.log``) and returns once it is ready. :func:`down` signals the process in
the pid file and waits for it to finish, then names what it stopped.

Exit codes: 0 after a clean stop; 1 when a component cannot start or a landscape already runs; 2 for bad flags.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from rich.console import Console

from garden.up.access import GardenctlError, next_steps, register_with_gardenctl
from garden.up.landscape import Landscape, LandscapeError, Storage, command
from garden.up.seeding import aws_credentials, local_credentials, seed_garden
from garden.up.state import AlreadyRunning, Provider, StateDir, StateError
from garden.up.supervisor import ComponentSpec, StartError, Supervisor
from kubelite.client import Kube


@dataclass(frozen=True)
class UpOptions:
    state_dir: Path
    provider: Provider = "local"
    storage: Storage = "sqlite"
    identity: str = "local"
    #: gardenctl's configuration file (default: ``$GCTL_HOME/gardenctl-v2.yaml``).
    gardenctl_config: Path | None = None
    detached: bool = False


class _Stop(Exception):
    """SIGTERM or SIGINT arrived."""


def _raise_stop(signum: int, _: FrameType | None) -> None:
    raise _Stop(signal.Signals(signum).name)


def up(options: UpOptions, console: Console) -> int:
    state = StateDir(options.state_dir)
    try:
        with state.locked():
            return _run(options, state, console)
    except AlreadyRunning as exc:
        console.print(f"garden up: {exc}", style="red", highlight=False)
        return 1


def _run(options: UpOptions, state: StateDir, console: Console) -> int:
    previous = {signum: signal.signal(signum, _raise_stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    supervisor = Supervisor(lambda line: console.print(f"  [yellow]![/] {line}", highlight=False))
    began = time.monotonic()
    try:
        try:
            remembered = state.remember(options.provider)
            landscape = Landscape(state, remembered, options.storage)
            resumed = state.garden_dir.exists() and any(state.garden_dir.iterdir())
            console.print(
                f"{'Resuming' if resumed else 'Starting'} the landscape in [bold]{state.root}[/] "
                f"(provider {options.provider}, control planes on {options.storage})",
                highlight=False,
            )
            state.write_status("starting", [])
            _start(landscape, supervisor, console, options)
        except (StateError, LandscapeError, StartError, GardenctlError, OSError) as exc:
            console.print(f"garden up: {exc}", style="red", highlight=False)
            state.write_status("failed", supervisor.snapshot(), str(exc))
            return 1
        supervisor.watch()
        state.write_status("ready", supervisor.snapshot())
        console.print(f"[green]The landscape is ready[/] ({time.monotonic() - began:.1f} s). Next:", highlight=False)
        for line in next_steps(state, options.identity, options.provider, options.detached):
            console.print(f"  {line}", highlight=False, soft_wrap=True)
        while True:
            time.sleep(1)
            state.write_status("ready", supervisor.snapshot())
    except _Stop:
        pass
    except KeyboardInterrupt:
        pass
    finally:
        for signum in previous:
            signal.signal(signum, signal.SIG_IGN)
        if supervisor.components:
            console.print("Stopping the landscape ...", highlight=False)
            state.write_status("stopping", supervisor.snapshot())
            supervisor.stop(lambda c, t: console.print(f"  stopped {c.name} ({t:.1f} s)", highlight=False))
        state.write_status("stopped", [])
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


def _start(landscape: Landscape, supervisor: Supervisor, console: Console, options: UpOptions) -> None:
    state = landscape.state

    def ready(spec: ComponentSpec, seconds: float) -> None:
        console.print(f"  [green]✓[/] {spec.name} ready ({seconds:.1f} s)", highlight=False)

    first = landscape.first_wave()
    with console.status(f"Starting {', '.join(s.name for s in first)} ..."):
        supervisor.start_wave(first, ready)
    landscape.publish_kubeconfigs()
    credentials = (
        aws_credentials(landscape.moto_endpoint)
        if landscape.provider == "aws"
        else local_credentials(state.seed_kubeconfig, state.backups_dir)
    )
    state.backups_dir.mkdir(exist_ok=True)
    with console.status("Seeding the garden and preparing the seed ..."):
        garden = Kube.from_kubeconfig(state.garden_kubeconfig)
        seed = Kube.from_kubeconfig(state.seed_kubeconfig)
        try:
            seed_thread = threading.Thread(target=_deploy_seed_system, args=(seed,))
            seed_thread.start()
            created = seed_garden(garden, credentials)
            seed_thread.join()
        finally:
            garden.close()
            seed.close()
    for line in created:
        console.print(f"  [green]+[/] {line}", highlight=False)
    second = landscape.second_wave()
    with console.status(f"Starting {', '.join(s.name for s in second)} ..."):
        supervisor.start_wave(second, ready)
    path = register_with_gardenctl(state, options.identity, landscape.seed_name, options.gardenctl_config)
    console.print(f"  [green]✓[/] gardenctl: garden [bold]{options.identity}[/] in {path}", highlight=False)


def _deploy_seed_system(seed: Kube) -> None:
    from gardenlet.controllers.seed.system import deploy_seed_system  # noqa: PLC0415  (loads the API models)

    deploy_seed_system(seed)


# -- detached -----------------------------------------------------------------------------------------------------


def up_detached(options: UpOptions, console: Console, timeout: float = 300.0) -> int:
    """Start ``garden up`` in a new session and return once it is ready (0) or has failed (1)."""
    state = StateDir(options.state_dir)
    if state.is_running():
        console.print(f"garden up: {AlreadyRunning(state.root, state.running_pid())}", style="red", highlight=False)
        return 1
    state.logs_dir.mkdir(parents=True, exist_ok=True)
    state.status_file.unlink(missing_ok=True)
    log_path = state.log("garden-up")
    argv = [
        *command("garden"),
        "up",
        "--state-dir",
        str(state.root),
        "--provider",
        options.provider,
        "--control-plane-storage",
        options.storage,
        "--identity",
        options.identity,
        "--foreground",
        "--detached-child",
    ]
    if options.gardenctl_config is not None:
        argv += ["--gardenctl-config", str(options.gardenctl_config)]
    with open(log_path, "ab") as log:
        child = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    deadline = time.monotonic() + timeout
    with console.status(f"Starting the landscape in {state.root} (log: {log_path}) ..."):
        while True:
            phase = state.read_status().get("phase") if state.status_file.exists() else None
            if phase == "ready":
                break
            if child.poll() is not None or phase in ("failed", "stopped") or time.monotonic() > deadline:
                if child.poll() is None:
                    child.terminate()
                tail = log_path.read_text(errors="replace")[-3000:]
                console.print(f"garden up: the landscape did not start; {log_path} ends:\n{tail}", highlight=False)
                return 1
            time.sleep(0.2)
    console.print(f"[green]The landscape is ready[/], running in the background (pid {child.pid}). Next:")
    for line in next_steps(state, options.identity, options.provider, detached=True):
        console.print(f"  {line}", highlight=False, soft_wrap=True)
    return 0


# -- down ---------------------------------------------------------------------------------------------------------


def down(state_dir: Path, console: Console, timeout: float = 120.0) -> int:
    """Stop the landscape running from ``state_dir``; 0 when it stopped or nothing ran, 1 when it would not stop."""
    state = StateDir(state_dir)
    pid = state.running_pid()
    if not state.is_running() or pid is None:
        console.print(f"garden down: no landscape is running from {state.root}", highlight=False)
        return 0
    names = [str(c.get("name")) for c in state.read_status().get("components") or []]
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    with console.status(f"Stopping the landscape in {state.root} (pid {pid}) ..."):
        while state.is_running():
            if time.monotonic() > deadline:
                console.print(f"garden down: pid {pid} is still running after {timeout:.0f} s", style="red")
                return 1
            time.sleep(0.2)
    stopped = ", ".join(reversed(names)) if names else "nothing had started yet"
    console.print(f"Stopped the landscape in {state.root} (pid {pid}): {stopped}", highlight=False)
    return 0


__all__ = ["UpOptions", "down", "up", "up_detached"]
