"""A kubelite API server for tests: run in a background thread (for blocking clients such as kubectl and the
``kubernetes`` client) or as a subprocess (for restarts and kill -9)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kubelite.apiserver.server import APIServer, ServerConfig, Setup, serve

BIN = Path(sys.executable).parent
KUBECTL = BIN / "kubectl"


@dataclass
class RunningServer:
    url: str
    kubeconfig: Path
    data_dir: Path
    token: str
    ca_file: Path | None
    server: APIServer | None = None
    loop: asyncio.AbstractEventLoop | None = None
    process: subprocess.Popen[bytes] | None = None
    env: dict[str, str] = field(default_factory=dict)

    def kubectl(
        self, *args: str, input: str | None = None, check: bool = True, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(KUBECTL), "--kubeconfig", str(self.kubeconfig), *args],
            capture_output=True,
            text=True,
            input=input,
            timeout=timeout,
            check=False,
            env={**os.environ, "HOME": str(self.data_dir), "KUBECACHEDIR": str(self.data_dir / "kubecache")},
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def kubectl_yaml(self, *args: str) -> dict:  # type: ignore[type-arg]
        return yaml.safe_load(self.kubectl(*args, "-o", "yaml").stdout)  # type: ignore[no-any-return]


@contextmanager
def threaded_server(data_dir: Path, setup: Setup | None = None, **options: object) -> Iterator[RunningServer]:
    """A server on a free loopback port, in its own event loop in a daemon thread."""
    kubeconfig = data_dir / "admin.kubeconfig"
    config = ServerConfig(data_dir=data_dir, write_kubeconfig=kubeconfig, **options)  # type: ignore[arg-type]
    started = threading.Event()
    stop: asyncio.Event | None = None
    holder: dict[str, object] = {}

    async def main() -> None:
        nonlocal stop
        stop = asyncio.Event()
        try:
            async with serve(config, setup) as server:
                holder["server"] = server
                holder["loop"] = asyncio.get_running_loop()
                started.set()
                await stop.wait()
        except BaseException as exc:
            holder["error"] = exc
            started.set()
            raise

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    if not started.wait(30):
        raise RuntimeError("kubelite did not start within 30 s")
    if "error" in holder:
        raise RuntimeError("kubelite failed to start") from holder["error"]  # type: ignore[arg-type]
    server: APIServer = holder["server"]  # type: ignore[assignment]
    loop: asyncio.AbstractEventLoop = holder["loop"]  # type: ignore[assignment]
    assert server.certs is not None
    try:
        yield RunningServer(server.url, kubeconfig, data_dir, server.admin_token, server.certs.ca_file, server, loop)
    finally:
        assert stop is not None
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)


@contextmanager
def process_server(
    data_dir: Path, *extra: str, port: int = 0, command: tuple[str, ...] = ("kubelite", "apiserver")
) -> Iterator[RunningServer]:
    """``kubelite apiserver`` (or ``command``) as a real process; yields once its kubeconfig is written."""
    kubeconfig = data_dir / "admin.kubeconfig"
    kubeconfig.unlink(missing_ok=True)
    log = open(data_dir / "apiserver.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(BIN / command[0]),
            *command[1:],
            "--data-dir",
            str(data_dir),
            "--secure-port",
            str(port),
            "--write-kubeconfig",
            str(kubeconfig),
            *extra,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not kubeconfig.exists():
            if process.poll() is not None:
                raise RuntimeError(
                    f"kubelite exited with {process.returncode}: {(data_dir / 'apiserver.log').read_text()}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError("kubelite did not write its kubeconfig within 30 s")
            time.sleep(0.05)
        config = yaml.safe_load(kubeconfig.read_text())
        url = config["clusters"][0]["cluster"]["server"]
        token = config["users"][0]["user"]["token"]
        yield RunningServer(url, kubeconfig, data_dir, token, data_dir / "pki" / "ca.crt", process=process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
