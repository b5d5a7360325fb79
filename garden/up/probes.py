"""Readiness signals of the landscape's components, each a cheap check polled by the supervisor.

They are the same signals the components' own tests wait on: an API server is ready once it has written its
kubeconfig (it writes it when it serves), the kubelet when its ``/healthz`` answers 200, moto when its port takes
connections, and the gardenlet when its Seed reports ``GardenletReady`` True and its Lease was renewed in this run.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from garden.controllermanager.seedlifecycle import LEASE_NAMESPACE
from garden.kube import SEEDS
from kubelite.client import LEASES, Kube


def file_written(path: Path) -> Callable[[], bool]:
    return path.exists


def port_open(port: int) -> Callable[[], bool]:
    def probe() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    return probe


def http_ok(port: int, path: str = "/healthz") -> Callable[[], bool]:
    """A plain-HTTP GET on loopback answers 200 (the kubelet's endpoint)."""

    def probe() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
                return b" 200 " in sock.recv(200)
        except OSError:
            return False

    return probe


def gardenlet_ready(garden_kubeconfig: Path, seed: str) -> Callable[[], bool]:
    """The Seed named ``seed`` says ``GardenletReady`` True and its Lease was renewed after this probe was made.

    NB: a resumed landscape's Seed still says True from the last run until the controller-manager notices the
    silence, and the condition's timestamps move only when it changes; the Lease's ``renewTime`` moves with every
    heartbeat, so it tells that this run's gardenlet is up."""
    holder: list[Kube] = []
    since = datetime.now(UTC) - timedelta(seconds=1)

    def probe() -> bool:
        if not holder:
            holder.append(Kube.from_kubeconfig(garden_kubeconfig))
        kube = holder[0]
        lease = kube.get(LEASES, LEASE_NAMESPACE, seed)
        renewed = ((lease or {}).get("spec") or {}).get("renewTime")
        if not renewed or datetime.fromisoformat(renewed.replace("Z", "+00:00")) < since:
            return False
        found = kube.get(SEEDS, None, seed)
        conditions = ((found or {}).get("status") or {}).get("conditions") or []
        return any(c.get("type") == "GardenletReady" and c.get("status") == "True" for c in conditions)

    return probe


__all__ = ["file_written", "gardenlet_ready", "http_ok", "port_open"]
