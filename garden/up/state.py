"""The state directory of one embedded landscape: where each component keeps its data, and what is remembered.

Everything ``garden up`` starts lives under one directory (``~/.garden/local`` by default)::

    landscape.yaml        what was chosen the first time: provider, ports, the kubelet's pod range (kept, so a
                          second run brings back the same landscape at the same addresses)
    garden.kubeconfig     the garden's admin kubeconfig (what the user points kubectl at)
    seed.kubeconfig       the local seed's admin kubeconfig (gardenctl's ``seeds:`` entry, the local credentials)
    garden/ seed/         the two API servers' data dirs (SQLite, certificates, admin token)
    kubelet/              the seed's kubelet: pods, their volumes and logs
    gardenlet/config.yaml the gardenlet's configuration
    backups/              the local provider's backup root
    aws/                  with ``--provider aws``: the simulated instances' node processes
    logs/                 one log per component
    garden-up.pid         the supervisor's pid, while it runs
    garden-up.lock        held (flock) by the supervisor while it runs: the one true "is it running" signal
    status.yaml           the supervisor's phase and its components' pids, for ``garden down`` and ``--detach``

Ports are chosen free on the first run and then remembered, because kubeconfigs, the local credentials in the garden
and the shoots' state all name them; the data directories stay, so shoots come back with the landscape.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

import yaml

Provider = Literal["local", "aws"]
PROVIDERS: tuple[Provider, ...] = ("local", "aws")
Phase = Literal["starting", "ready", "stopping", "stopped", "failed"]

DEFAULT_STATE_DIR = Path("~/.garden/local")


class StateError(Exception):
    """The state directory cannot be used as asked (another provider, a port taken, unreadable files)."""


@dataclass(frozen=True, slots=True)
class Ports:
    garden: int
    seed: int
    kubelet: int
    moto: int = 0


@dataclass(frozen=True, slots=True)
class Remembered:
    """``landscape.yaml``: the choices a second run must repeat."""

    provider: Provider
    ports: Ports
    #: Loopback range the seed's kubelet gives pods; derived from its port so two landscapes never share one.
    pod_cidr: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_free(port: int) -> bool:
    """Nobody listens on ``port`` (a port left in TIME_WAIT by the last run counts as free, as for the servers)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def pod_cidr_for(kubelet_port: int) -> str:
    """A /20 of 127.0.0.0/8 picked by the kubelet's (unique) port: 4096 pod addresses of this landscape's own."""
    return f"127.{224 + kubelet_port % 16}.{(kubelet_port // 16) % 16 * 16}.0/20"


class StateDir:
    """Paths under one landscape's state directory, and its remembered choices."""

    def __init__(self, root: Path) -> None:
        self.root = root.expanduser().resolve()

    # -- paths ----------------------------------------------------------------------------------------------------

    @property
    def landscape_file(self) -> Path:
        return self.root / "landscape.yaml"

    @property
    def garden_kubeconfig(self) -> Path:
        return self.root / "garden.kubeconfig"

    @property
    def seed_kubeconfig(self) -> Path:
        return self.root / "seed.kubeconfig"

    @property
    def garden_dir(self) -> Path:
        return self.root / "garden"

    @property
    def seed_dir(self) -> Path:
        return self.root / "seed"

    @property
    def kubelet_dir(self) -> Path:
        return self.root / "kubelet"

    @property
    def gardenlet_config(self) -> Path:
        return self.root / "gardenlet" / "config.yaml"

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    @property
    def aws_dir(self) -> Path:
        return self.root / "aws"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def pid_file(self) -> Path:
        return self.root / "garden-up.pid"

    @property
    def lock_file(self) -> Path:
        return self.root / "garden-up.lock"

    @property
    def status_file(self) -> Path:
        return self.root / "status.yaml"

    def log(self, component: str) -> Path:
        return self.logs_dir / f"{component.replace(' ', '-')}.log"

    # -- remembered choices ---------------------------------------------------------------------------------------

    def load(self) -> Remembered | None:
        try:
            data = yaml.safe_load(self.landscape_file.read_text())
        except FileNotFoundError:
            return None
        except (OSError, yaml.YAMLError) as exc:
            raise StateError(f"cannot read {self.landscape_file}: {exc}") from None
        try:
            return Remembered(data["provider"], Ports(**data["ports"]), data["podCIDR"])
        except (TypeError, KeyError) as exc:
            raise StateError(f"{self.landscape_file} is not a landscape file ({exc})") from None

    def remember(self, provider: Provider) -> Remembered:
        """The remembered choices, made now (free ports) on the first run; a different provider is an error."""
        known = self.load()
        if known is not None:
            if known.provider != provider:
                raise StateError(
                    f"{self.root} holds a landscape with --provider {known.provider}; "
                    f"use --provider {known.provider} or another --state-dir"
                )
            taken = [str(port) for port in asdict(known.ports).values() if port and not port_free(port)]
            if taken:
                raise StateError(
                    f"port {', '.join(taken)} of the landscape in {self.root} is in use by another process"
                )
            return known
        ports = Ports(free_port(), free_port(), free_port(), free_port() if provider == "aws" else 0)
        chosen = Remembered(provider, ports, pod_cidr_for(ports.kubelet))
        self.root.mkdir(parents=True, exist_ok=True)
        data = {"provider": provider, "ports": asdict(ports), "podCIDR": chosen.pod_cidr}
        self.landscape_file.write_text(yaml.safe_dump(data, sort_keys=False))
        return chosen

    # -- running or not -------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the landscape's lock (and its pid file) for the life of the supervisor; :class:`AlreadyRunning` if
        another process holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle: TextIO = open(self.lock_file, "a+")  # noqa: SIM115  (held open for the whole run)
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise AlreadyRunning(self.root, self.running_pid()) from None
            self.pid_file.write_text(f"{os.getpid()}\n")
            try:
                yield
            finally:
                self.pid_file.unlink(missing_ok=True)
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()

    def is_running(self) -> bool:
        if not self.lock_file.exists():
            return False
        with open(self.lock_file, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def running_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    # -- status ---------------------------------------------------------------------------------------------------

    def write_status(self, phase: Phase, components: list[dict[str, Any]], message: str = "") -> None:
        """Replace ``status.yaml`` at once (written aside, then renamed), so a reader never sees half of it."""
        data = {"pid": os.getpid(), "phase": phase, "message": message, "components": components}
        partial = self.status_file.with_suffix(".tmp")
        partial.write_text(yaml.safe_dump(data, sort_keys=False))
        partial.replace(self.status_file)

    def read_status(self) -> dict[str, Any]:
        try:
            data = yaml.safe_load(self.status_file.read_text())
        except (OSError, yaml.YAMLError):
            return {}
        return data if isinstance(data, dict) else {}


class AlreadyRunning(StateError):
    def __init__(self, root: Path, pid: int | None) -> None:
        self.pid = pid
        by = f" (pid {pid})" if pid else ""
        super().__init__(
            f"a landscape is already running from {root}{by}; stop it with: garden down --state-dir {root}"
        )


__all__ = [
    "DEFAULT_STATE_DIR",
    "PROVIDERS",
    "AlreadyRunning",
    "Phase",
    "Ports",
    "Provider",
    "Remembered",
    "StateDir",
    "StateError",
    "free_port",
    "pod_cidr_for",
    "port_free",
]
