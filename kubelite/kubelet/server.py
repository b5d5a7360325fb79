"""The kubelet endpoint (``status.daemonEndpoints.kubeletEndpoint``), plain HTTP on loopback.

* ``GET /containerLogs/{namespace}/{pod}/{container}``: what the API server forwards from ``pods/log``:
  ``follow``, ``tailLines``, ``sinceSeconds``, ``sinceTime``, ``timestamps``, ``previous``, ``limitBytes``;
* ``GET /pods``: a PodList of the pods this kubelet runs;
* ``GET /healthz``; ``GET /metrics``: Prometheus text (per container RSS, CPU seconds, restarts; kubelet counters).
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path

from aiohttp import web

from kubelite.kubelet.container import Container
from kubelite.kubelet.logs import LogOptions, read, render
from kubelite.kubelet.podworker import PodWorker
from kubelite.kubelet.runtime import Runtime

FOLLOW_POLL = 0.2


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "false").lower() in ("true", "1")


def _int(request: web.Request, name: str) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be an integer, not {raw!r}\n") from None
    if value < 0:
        raise web.HTTPBadRequest(text=f"{name} must not be negative\n")
    return value


def _since(request: web.Request) -> int | None:
    seconds = _int(request, "sinceSeconds")
    if seconds is not None:
        return time.time_ns() - seconds * 1_000_000_000
    raw = request.query.get("sinceTime")
    if raw:
        try:
            return int(datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp() * 1e9)
        except ValueError:
            raise web.HTTPBadRequest(text=f"sinceTime must be RFC 3339, not {raw!r}\n") from None
    return None


def make_app(runtime: Runtime) -> web.Application:
    app = web.Application()

    def locate(request: web.Request) -> tuple[PodWorker, Container]:
        namespace, pod, name = (request.match_info[k] for k in ("namespace", "pod", "container"))
        worker = runtime.find(namespace, pod)
        if worker is None:
            raise web.HTTPNotFound(text=f'pod "{pod}" in namespace "{namespace}" does not run on this node\n')
        container = worker.container(name)
        if container is None:
            raise web.HTTPBadRequest(text=f'container "{name}" is not valid for pod "{pod}"\n')
        return worker, container

    async def container_logs(request: web.Request) -> web.StreamResponse:
        worker, container = locate(request)
        previous = _flag(request, "previous")
        restart = container.record.restart_count - 1 if previous else container.record.restart_count
        if restart < 0:
            raise web.HTTPBadRequest(text=f'previous terminated container "{container.name}" not found\n')
        log = container.log_path(restart)
        if not log.exists():
            if previous:
                raise web.HTTPBadRequest(text=f'previous terminated container "{container.name}" not found\n')
            if container.record.state == "waiting":
                raise web.HTTPBadRequest(
                    text=f'container "{container.name}" in pod "{worker.name}" is waiting to start: '
                    f"{container.record.reason}\n"
                )
        options = LogOptions(
            tail_lines=_int(request, "tailLines"),
            limit_bytes=_int(request, "limitBytes"),
            since_ns=_since(request),
            timestamps=_flag(request, "timestamps"),
        )
        if options.timestamps or options.since_ns is not None:
            runtime.stamper.stamp(time.time_ns())
        data, offset = await asyncio.to_thread(read, log, options)
        if not (_flag(request, "follow") and not previous):
            return web.Response(body=data, content_type="text/plain", charset="utf-8")
        response = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
        await response.prepare(request)
        await response.write(data)
        await _follow(runtime, container, log, offset, len(data), options, response)
        await response.write_eof()
        return response

    async def pods(_: web.Request) -> web.Response:
        items = []
        for worker in list(runtime.workers.values()):
            pod = dict(worker.pod)
            if worker.last_status is not None:
                pod["status"] = worker.last_status
            items.append(pod)
        return web.json_response({"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": items})

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(
            text="ok" if runtime.ready.is_set() else "starting", status=200 if runtime.ready.is_set() else 503
        )

    async def metrics(_: web.Request) -> web.Response:
        return web.Response(text=render_metrics(runtime), content_type="text/plain")

    app.router.add_get("/containerLogs/{namespace}/{pod}/{container}", container_logs)
    app.router.add_get("/pods", pods)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


async def _follow(
    runtime: Runtime,
    container: Container,
    log: Path,
    offset: int,
    sent: int,
    options: LogOptions,
    response: web.StreamResponse,
) -> None:
    """Stream what the container writes to ``log`` from ``offset`` on, whole lines only, until it stops."""
    limit = options.limit_bytes
    while limit is None or sent < limit:
        size = await asyncio.to_thread(_size, log, offset)
        same = container.log_path() == log and container.running
        end = _last_newline(log, offset, size) if same and size > offset else size
        if end > offset:
            runtime.stamper.stamp(time.time_ns())
            chunk = await asyncio.to_thread(render, log, offset, end, options.timestamps)
            if limit is not None:
                chunk = chunk[: limit - sent]
            await response.write(chunk)
            sent += len(chunk)
            offset = end
        elif not same:
            return
        await asyncio.sleep(FOLLOW_POLL)


def _size(log: Path, default: int) -> int:
    try:
        return log.stat().st_size
    except FileNotFoundError:
        return default


def _last_newline(log: Path, start: int, end: int) -> int:
    """The offset just past the last newline in ``start..end`` (so a follower never splits a line)."""
    with open(log, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    index = data.rfind(b"\n")
    return start + index + 1 if index != -1 else start


def _labels(namespace: str, pod: str, container: str) -> str:
    return f'namespace="{namespace}",pod="{pod}",container="{container}"'


def render_metrics(runtime: Runtime) -> str:
    lines = [
        "# HELP kubelite_container_memory_rss_bytes Resident set size of the container's process tree.",
        "# TYPE kubelite_container_memory_rss_bytes gauge",
    ]
    for (namespace, pod, name), now in sorted(runtime.usage.items()):
        lines.append(f"kubelite_container_memory_rss_bytes{{{_labels(namespace, pod, name)}}} {now.rss_bytes}")
    lines += [
        "# HELP kubelite_container_cpu_usage_seconds_total CPU time of the container's process tree.",
        "# TYPE kubelite_container_cpu_usage_seconds_total counter",
    ]
    for (namespace, pod, name), now in sorted(runtime.usage.items()):
        lines.append(
            f"kubelite_container_cpu_usage_seconds_total{{{_labels(namespace, pod, name)}}} {now.cpu_seconds:.3f}"
        )
    lines += [
        "# HELP kubelite_container_restarts_total Restarts of each container.",
        "# TYPE kubelite_container_restarts_total counter",
    ]
    for worker in sorted(runtime.workers.values(), key=lambda w: (w.namespace, w.name)):
        for container in worker.all_containers():
            labels = _labels(worker.namespace, worker.name, container.name)
            lines.append(f"kubelite_container_restarts_total{{{labels}}} {container.record.restart_count}")
    lines += [
        "# HELP kubelite_kubelet_running_pods Pods this kubelet runs.",
        "# TYPE kubelite_kubelet_running_pods gauge",
        f"kubelite_kubelet_running_pods {len(runtime.workers)}",
    ]
    for name, value in sorted(runtime.counters.items()):
        metric = f"kubelite_kubelet_{name}_total"
        lines += [f"# TYPE {metric} counter", f"{metric} {value}"]
    return "\n".join(lines) + "\n"
