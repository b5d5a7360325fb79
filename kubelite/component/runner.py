"""What runs a control-plane component: its common flags, the client, the secure port, leader election, signals.

``kubelite controller-manager`` and ``kubelite scheduler`` are each "some informers and workers against a cluster";
this module gives both the rest, as upstream's ``app`` packages do: ``--kubeconfig`` (in-cluster config without
one; ``--master`` overrides the server), ``--leader-elect`` (default true) with upstream's durations, the secure
port serving ``/healthz``, and SIGTERM/SIGINT for a clean stop (the Lease is released). A component whose
leadership is lost exits 1, so its pod restarts as a follower, as upstream's do.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import signal
import socket
import sys
import tempfile
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubelite.client import Kube
from kubelite.component.flags import AcceptedFlags, add_bool, go_duration
from kubelite.component.leaderelection import LeaderElection
from kubelite.component.serving import SecureServing, serve

log = logging.getLogger(__name__)

#: Flags every upstream component takes that kubelite's accept without effect, with why.
COMMON_ACCEPTED: dict[str, str] = {
    "--authentication-kubeconfig": "the secure port serves only health endpoints, which need no authentication",
    "--authentication-skip-lookup": "the secure port serves only health endpoints, which need no authentication",
    "--authentication-tolerate-lookup-failure": "the secure port serves only health endpoints",
    "--authorization-always-allow-paths": "the secure port serves only health endpoints, always allowed",
    "--authorization-kubeconfig": "the secure port serves only health endpoints, which need no authorization",
    "--client-ca-file": "the secure port serves only health endpoints, which need no client certificate",
    "--contention-profiling": "there is no profiling endpoint",
    "--feature-gates": "kubelite has no feature gates",
    "--http2-max-streams-per-connection": "the secure port serves HTTP/1.1",
    "--kube-api-burst": "requests to the API server are not rate-limited",
    "--kube-api-content-type": "kubelite clients speak JSON",
    "--kube-api-qps": "requests to the API server are not rate-limited",
    "--leader-elect-resource-lock": "leases are the only lock, as upstream since 1.24",
    "--log-flush-frequency": "log lines are written as they come",
    "--logging-format": "logs are text",
    "--permit-address-sharing": "the secure port binds without SO_REUSEADDR sharing",
    "--permit-port-sharing": "the secure port binds without SO_REUSEPORT sharing",
    "--profiling": "there is no profiling endpoint",
    "--requestheader-allowed-names": "there is no front proxy",
    "--requestheader-client-ca-file": "there is no front proxy",
    "--requestheader-extra-headers-prefix": "there is no front proxy",
    "--requestheader-group-headers": "there is no front proxy",
    "--requestheader-username-headers": "there is no front proxy",
    "--tls-cipher-suites": "Python's TLS defaults apply",
    "--tls-min-version": "Python's TLS defaults apply (TLS 1.2 or newer)",
    "--tls-sni-cert-key": "one serving certificate is used for every name",
}


def add_component_flags(p: argparse.ArgumentParser, *, name: str, port: int) -> None:
    p.add_argument("--kubeconfig", type=Path, help="kubeconfig of the cluster (default: in-cluster configuration)")
    p.add_argument("--master", default="", help="the API server's address; overrides the kubeconfig's server")
    election = p.add_argument_group("leader election")
    add_bool(election, "--leader-elect", True, "elect a leader on a Lease before acting (default: true)")
    election.add_argument("--leader-elect-lease-duration", type=go_duration, default=15.0, metavar="DURATION")
    election.add_argument("--leader-elect-renew-deadline", type=go_duration, default=10.0, metavar="DURATION")
    election.add_argument("--leader-elect-retry-period", type=go_duration, default=2.0, metavar="DURATION")
    election.add_argument("--leader-elect-resource-namespace", default="kube-system", metavar="NAMESPACE")
    election.add_argument("--leader-elect-resource-name", default=name, metavar="NAME")
    serving = p.add_argument_group("secure serving (/healthz)")
    serving.add_argument("--bind-address", default="0.0.0.0", help="address of the secure port (default: 0.0.0.0)")
    serving.add_argument(
        "--secure-port", type=int, default=port, help=f"HTTPS port for /healthz; 0 serves none (default: {port})"
    )
    serving.add_argument("--cert-dir", type=Path, help="where a self-signed serving certificate is kept")
    serving.add_argument("--tls-cert-file", type=Path, help="serving certificate (default: self-signed)")
    serving.add_argument("--tls-private-key-file", type=Path, help="the serving certificate's key")
    p.add_argument("-v", "--v", dest="verbosity", type=int, default=0, help="log verbosity (0-5)")


def check_component_flags(args: argparse.Namespace) -> str:
    """Why the common flags cannot be used ("" when they can)."""
    if not 0 <= args.secure_port < 65536:
        return f"--secure-port {args.secure_port} is not a port"
    if (args.tls_cert_file is None) != (args.tls_private_key_file is None):
        return "--tls-cert-file and --tls-private-key-file go together"
    for flag in ("kubeconfig", "tls_cert_file", "tls_private_key_file"):
        path = getattr(args, flag)
        if path is not None and not path.is_file():
            return f"--{flag.replace('_', '-')} {path} does not exist"
    if args.leader_elect and not (
        0 < args.leader_elect_retry_period < args.leader_elect_renew_deadline < args.leader_elect_lease_duration
    ):
        return "leader election needs retry period < renew deadline < lease duration"
    return ""


def configure_logging(verbosity: int) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbosity >= 4 else logging.INFO if verbosity >= 1 else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # NB: the accepted-flag notices and leadership changes are worth seeing at the default verbosity.
    logging.getLogger("kubelite.component").setLevel(logging.INFO)


def connect(args: argparse.Namespace, kubeconfig: Path | None = None) -> Kube:
    kube = Kube.from_kubeconfig(kubeconfig or args.kubeconfig)
    if args.master:
        kube.configuration.host = args.master.rstrip("/")
    return kube


#: ``work(kube, stop)``: what the component does while it leads.
Work = Callable[[Kube, asyncio.Event], Coroutine[Any, Any, None]]


@dataclass
class Component:
    """One component's run: its name (logs, the Lease), its flags, and its work."""

    name: str
    args: argparse.Namespace
    work: Work
    accepted: AcceptedFlags

    def main(self, kubeconfig: Path | None = None) -> int:
        self.accepted.log_given(self.args)
        try:
            kube = connect(self.args, kubeconfig)
        except Exception as exc:  # kubernetes.config.ConfigException and file errors
            print(f"kubelite {self.name}: cannot load the client configuration: {exc}", file=sys.stderr)
            return 2
        try:
            return asyncio.run(self._run(kube))
        except KeyboardInterrupt:
            return 0
        except Exception:
            log.exception("%s: failed", self.name)
            return 1
        finally:
            kube.close()

    async def _run(self, kube: Kube) -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        election: LeaderElection | None = None
        if self.args.leader_elect:
            election = LeaderElection(
                kube,
                self.args.leader_elect_resource_namespace,
                self.args.leader_elect_resource_name,
                f"{socket.gethostname()}_{uuid.uuid4()}",
                lease_duration=self.args.leader_elect_lease_duration,
                renew_deadline=self.args.leader_elect_renew_deadline,
                retry_period=self.args.leader_elect_retry_period,
            )
        cert_dir = self.args.cert_dir
        temporary = cert_dir is None
        if cert_dir is None:
            cert_dir = Path(tempfile.mkdtemp(prefix=f"kubelite-{self.name}-"))
        runner = None
        try:
            if self.args.secure_port:
                serving = SecureServing(
                    self.args.bind_address,
                    self.args.secure_port,
                    cert_dir,
                    self.args.tls_cert_file,
                    self.args.tls_private_key_file,
                )
                try:
                    runner = await serve(serving, lambda: "")
                except OSError as exc:
                    print(
                        f"kubelite {self.name}: cannot serve on {self.args.bind_address}:{self.args.secure_port}: "
                        f"{exc}",
                        file=sys.stderr,
                    )
                    return 1
            log.info("%s: serving /healthz on %s:%s", self.name, self.args.bind_address, self.args.secure_port)
            if election is None:
                await self.work(kube, stop)
                return 0
            return 0 if await election.run(lambda done: self.work(kube, done), stop) else 1
        finally:
            if runner is not None:
                await runner.cleanup()
            if temporary:
                shutil.rmtree(cert_dir, ignore_errors=True)
