"""``garden admission-webhook``: Gardener's admission plugins as a webhook server for a real Kubernetes garden."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl

    from aiohttp import web

PROG = "garden admission-webhook"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Serve Gardener's admission plugins (defaulting and validation) as a Kubernetes admission "
        "webhook: POST /webhooks/mutate, POST /webhooks/validate, GET /healthz, over HTTPS.",
    )
    p.add_argument("--bind-address", default="0.0.0.0", help="address to listen on (default: 0.0.0.0)")
    p.add_argument("--port", type=int, default=9443, help="HTTPS port (default: 9443)")
    p.add_argument("--tls-cert-file", type=Path, help="serving certificate (PEM); required")
    p.add_argument("--tls-private-key-file", type=Path, help="its private key (PEM); required")
    p.add_argument(
        "--kubeconfig",
        type=Path,
        help="kubeconfig of the garden the plugins read from (default: the pod's service account)",
    )
    p.add_argument("-v", "--v", dest="verbosity", type=int, default=0, help="log verbosity (0-5)")
    return p


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    for flag, path in (
        ("--tls-cert-file", args.tls_cert_file),
        ("--tls-private-key-file", args.tls_private_key_file),
    ):
        if path is None:
            print(f"{PROG}: {flag} is required", file=sys.stderr)
            return 2
        if not path.is_file():
            print(f"{PROG}: {flag}: no such file: {path}", file=sys.stderr)
            return 2
    if args.kubeconfig is not None and not args.kubeconfig.is_file():
        print(f"{PROG}: --kubeconfig: no such file: {args.kubeconfig}", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"{PROG}: --port: {args.port} is not a port", file=sys.stderr)
        return 2

    from garden.admission.chain import AdmissionOptions, plugins  # noqa: PLC0415  (keeps `--help` fast)
    from garden.admission.kubereader import KubernetesReader  # noqa: PLC0415
    from garden.admission.request import Chain  # noqa: PLC0415
    from garden.admission.webhook import make_app, server_ssl_context  # noqa: PLC0415

    logging.basicConfig(
        level=logging.DEBUG if args.verbosity >= 4 else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        context = server_ssl_context(args.tls_cert_file, args.tls_private_key_file)
    except (OSError, ValueError) as exc:
        print(f"{PROG}: cannot load the serving certificate: {exc}", file=sys.stderr)
        return 2
    try:
        reader = KubernetesReader.from_kubeconfig(args.kubeconfig)
    except Exception as exc:  # kubernetes.config.ConfigException and malformed kubeconfigs
        where = args.kubeconfig or "the in-cluster service account (pass --kubeconfig outside a pod)"
        print(f"{PROG}: cannot load the garden's client configuration from {where}: {exc}", file=sys.stderr)
        return 1
    app = make_app(Chain(plugins(reader, AdmissionOptions())))
    try:
        asyncio.run(_serve(app, args.bind_address, args.port, context))
    except OSError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    finally:
        reader.close()
    return 0


async def _serve(app: web.Application, bind_address: str, port: int, context: ssl.SSLContext) -> None:
    from garden.admission.webhook import serve  # noqa: PLC0415

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with serve(app, bind_address, port, context):
        await stop.wait()
    logging.getLogger(__name__).info("admission webhook stopped")
