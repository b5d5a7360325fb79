"""Startup, readiness and liveness probes: httpGet, tcpSocket, exec, with upstream's timing fields.

A :class:`Prober` keeps one probe's schedule and its success/failure streaks; :func:`probe_once` runs it. httpGet
targets the pod address unless ``host`` is set, by port number or by a container port's name, with the privileged
port shift applied; HTTPS is not verified (as upstream). exec runs in the container's environment and working
directory (paths already mapped by the caller).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from kubelite.kubelet.network.addresses import host_port

_INSECURE = ssl.create_default_context()
_INSECURE.check_hostname = False
_INSECURE.verify_mode = ssl.CERT_NONE


def resolve_port(port: Any, container: Mapping[str, Any]) -> int:
    """A probe's port (a number or a named container port) as served on the host."""
    if isinstance(port, str) and not port.isdigit():
        for declared in container.get("ports") or []:
            if declared.get("name") == port:
                return host_port(int(declared["containerPort"]))
        raise ValueError(f"container has no port named {port!r}")
    return host_port(int(port))


@dataclass(frozen=True, slots=True)
class ExecContext:
    env: Mapping[str, str]
    cwd: str
    argv_for: Any  # Callable[[Sequence[str]], list[str]]: maps a probe command to a host argv


async def probe_once(
    spec: Mapping[str, Any], container: Mapping[str, Any], pod_ip: str, context: ExecContext
) -> tuple[bool, str]:
    """(success, message) of one probe run."""
    timeout = float(spec.get("timeoutSeconds") or 1)
    try:
        if "httpGet" in spec:
            return await asyncio.wait_for(_http(spec["httpGet"], container, pod_ip), timeout)
        if "tcpSocket" in spec:
            return await asyncio.wait_for(_tcp(spec["tcpSocket"], container, pod_ip), timeout)
        if "exec" in spec:
            return await _exec(spec["exec"].get("command") or [], context, timeout)
        if "grpc" in spec:
            return False, "grpc probes are not supported by the process kubelet"
    except TimeoutError:
        return False, f"probe timed out after {timeout:g}s"
    except (OSError, ValueError, aiohttp.ClientError) as exc:
        return False, str(exc) or type(exc).__name__
    return False, "probe has no handler"


async def _http(action: Mapping[str, Any], container: Mapping[str, Any], pod_ip: str) -> tuple[bool, str]:
    scheme = str(action.get("scheme") or "HTTP").lower()
    host = action.get("host") or pod_ip
    port = resolve_port(action.get("port", 80), container)
    path = str(action.get("path") or "/")
    headers = {h["name"]: h["value"] for h in action.get("httpHeaders") or [] if "name" in h}
    headers.setdefault("User-Agent", "kube-probe/kubelite")
    url = f"{scheme}://{host}:{port}{path if path.startswith('/') else '/' + path}"
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers=headers, ssl=_INSECURE if scheme == "https" else True, allow_redirects=True) as r,
    ):
        if 200 <= r.status < 400:
            return True, ""
        return False, f"HTTP probe failed with statuscode: {r.status}"


async def _tcp(action: Mapping[str, Any], container: Mapping[str, Any], pod_ip: str) -> tuple[bool, str]:
    host = action.get("host") or pod_ip
    port = resolve_port(action.get("port"), container)
    _, writer = await asyncio.open_connection(host, port)
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True, ""


async def _exec(command: Sequence[str], context: ExecContext, seconds: float) -> tuple[bool, str]:
    argv = context.argv_for(command)
    process = await asyncio.create_subprocess_exec(
        *argv,
        env=dict(context.env),
        cwd=context.cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), seconds)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return False, f"command timed out after {seconds:g}s"
    if process.returncode == 0:
        return True, ""
    text = output.decode("utf-8", "replace").strip()[-200:]
    return False, f"command exited with {process.returncode}: {text}"


@dataclass(slots=True)
class Prober:
    """One probe of one container: when it runs next and what it concluded."""

    kind: str  # startup | readiness | liveness
    spec: Mapping[str, Any]
    started: float  # when the container started (monotonic)
    successes: int = 0
    failures: int = 0
    next_run: float = field(default=0.0)
    #: readiness starts False, liveness and startup start as "not failed".
    result: bool = False
    message: str = ""

    def __post_init__(self) -> None:
        self.next_run = self.started + float(self.spec.get("initialDelaySeconds") or 0)
        self.result = self.kind not in {"readiness", "startup"}

    @property
    def period(self) -> float:
        return float(self.spec.get("periodSeconds") or 10)

    def due(self, now: float) -> bool:
        return now >= self.next_run

    def record(self, ok: bool, message: str, now: float) -> bool:
        """Count a result; returns the probe's conclusion (True: healthy/ready/started)."""
        self.next_run = now + self.period
        success_threshold = int(self.spec.get("successThreshold") or 1)
        failure_threshold = int(self.spec.get("failureThreshold") or 3)
        if ok:
            self.successes += 1
            self.failures = 0
            if self.successes >= success_threshold:
                self.result = True
                self.message = ""
        else:
            self.failures += 1
            self.successes = 0
            self.message = message
            if self.failures >= failure_threshold:
                self.result = False
        return self.result
