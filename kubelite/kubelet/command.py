"""``kubelite kubelet``: run this node's pods as local processes, register the Node, serve the kubelet endpoint,
and (unless ``--controllers=false``) the workload controllers and the service proxy.

Stopping the kubelet (SIGTERM, SIGINT) leaves the pods' processes running, as an upstream kubelet leaves its
containers; the next kubelet on the same ``--root-dir`` adopts them.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import sys
from collections.abc import Awaitable, Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

from kubelite.client import Kube
from kubelite.component.flags import go_bool
from kubelite.kubelet import catalogue
from kubelite.kubelet.network.addresses import DEFAULT_POD_CIDR
from kubelite.kubelet.podworker import NodeContext
from kubelite.kubelet.runtime import Runtime
from kubelite.kubelet.server import make_app
from kubelite.nodes.heartbeat import DEFAULT_LEASE_DURATION_SECONDS, Heartbeat, NodeInfo, machine_capacity

logger = logging.getLogger("kubelite.kubelet")

HOST_IP = "127.0.0.1"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kubelite kubelet",
        description="Run the pods bound to this node as local processes (the kubelite process kubelet).",
    )
    p.add_argument("--kubeconfig", type=Path, required=True, help="kubeconfig of the API server to serve")
    p.add_argument("--node-name", default=socket.gethostname(), help="this node's name (default: the hostname)")
    p.add_argument(
        "--root-dir",
        type=Path,
        default=Path("kubelite-kubelet"),
        help="pods, logs, volumes and state live here (default: kubelite-kubelet)",
    )
    p.add_argument("--port", type=int, default=10250, help="kubelet endpoint port on 127.0.0.1 (default: 10250)")
    p.add_argument(
        "--pod-cidr", default=DEFAULT_POD_CIDR, help=f"loopback range for pod addresses ({DEFAULT_POD_CIDR})"
    )
    p.add_argument(
        "--image-catalogue",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="extra image catalogue entries (YAML); repeatable, later files win",
    )
    p.add_argument(
        "--allowed-host-paths",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="hostPath volumes may only use paths under these directories; repeatable (default: none)",
    )
    p.add_argument(
        "--controllers",
        type=go_bool,
        default=True,
        nargs="?",
        const=True,
        help="also run the workload controllers and the service proxy (default: true)",
    )
    p.add_argument(
        "--node-lease-duration-seconds",
        "--node-lease-seconds",
        dest="lease_seconds",
        type=int,
        default=DEFAULT_LEASE_DURATION_SECONDS,
        help="the node Lease's duration; it is renewed every quarter of it (default: 40)",
    )
    p.add_argument("-v", "--v", dest="verbosity", type=int, default=0, help="log verbosity (0-5)")
    return p


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv))
    logging.basicConfig(
        level=logging.DEBUG if args.verbosity >= 4 else logging.INFO if args.verbosity >= 1 else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not 0 < args.port < 65536:
        print(f"kubelite kubelet: --port {args.port} is not a port", file=sys.stderr)
        return 2
    try:
        images = catalogue.load(args.image_catalogue)
    except catalogue.CatalogueError as exc:
        print(f"kubelite kubelet: {exc}", file=sys.stderr)
        return 2
    if not args.kubeconfig.is_file():
        print(f"kubelite kubelet: --kubeconfig {args.kubeconfig} does not exist", file=sys.stderr)
        return 2
    controllers: tuple[Any, Any] | None = None
    if args.controllers:
        try:
            controllers = _controllers()
        except ImportError as exc:
            print(
                f"kubelite kubelet: the workload controllers and service proxy are not available ({exc}); "
                "run with --controllers=false to run bare pods only",
                file=sys.stderr,
            )
            return 2
    try:
        return asyncio.run(_run(args, images, controllers))
    except KeyboardInterrupt:
        return 0


def _controllers() -> tuple[Any, Any]:
    from kubelite.kubelet.controllers import run_controllers  # noqa: PLC0415  (H2's part, loaded only when on)
    from kubelite.kubelet.network.proxy import run_service_proxy  # noqa: PLC0415

    return run_controllers, run_service_proxy


async def _run(args: argparse.Namespace, images: catalogue.Catalogue, controllers: tuple[Any, Any] | None) -> int:
    root: Path = args.root_dir.resolve()
    (root / "network").mkdir(parents=True, exist_ok=True)
    kube = Kube.from_kubeconfig(args.kubeconfig)
    capacity = machine_capacity()
    info = NodeInfo(
        name=args.node_name,
        capacity=capacity,
        addresses=(("InternalIP", HOST_IP), ("Hostname", args.node_name)),
        provider_id=f"kubelite://{args.node_name}",
        kubelet_port=args.port,
        pod_cidr=args.pod_cidr,
    )
    names_path = root / "network" / "names.json"
    ctx = NodeContext(
        node_name=args.node_name,
        root=root,
        host_ip=HOST_IP,
        allocatable=capacity,
        catalogue=images,
        names_path=names_path,
        allowed_host_paths=tuple(p.resolve() for p in args.allowed_host_paths),
    )
    runtime = Runtime(ctx, kube, args.pod_cidr)
    heartbeat = Heartbeat(kube, info, lease_duration_seconds=args.lease_seconds)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    runner = web.AppRunner(make_app(runtime), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, HOST_IP, args.port)
    try:
        await site.start()
    except OSError as exc:
        print(f"kubelite kubelet: cannot listen on {HOST_IP}:{args.port}: {exc}", file=sys.stderr)
        await runner.cleanup()
        kube.close()
        return 1
    jobs: list[Awaitable[None]] = [runtime.run(stop), heartbeat.run(stop)]
    if controllers is not None:
        run_controllers, run_service_proxy = controllers
        jobs += [run_controllers(kube, args.node_name, stop), run_service_proxy(kube, names_path, stop)]
    tasks = [asyncio.create_task(_guard(job, stop)) for job in jobs]
    logger.info("kubelet %s serving on %s:%d, root %s", args.node_name, HOST_IP, args.port, root)
    try:
        await stop.wait()
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await runner.cleanup()
        kube.close()
    return 0


async def _guard(job: Awaitable[None], stop: asyncio.Event) -> None:
    """A part that fails stops the kubelet (and says why), rather than leaving it half alive."""
    try:
        await job
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.exception("a kubelet part failed; stopping")
        stop.set()
