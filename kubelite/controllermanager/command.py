"""``kubelite controller-manager``: the workload controllers of kube-controller-manager, against any API server.

A shoot's control plane in a seed runs kube-controller-manager as a Deployment (the gardenlet's
``controlplane/kube-controller-manager`` chart); the kubelite kubelet runs this verb for the
``registry.k8s.io/kube-controller-manager`` image with the flags the chart passes. It runs the Deployment,
ReplicaSet, StatefulSet, DaemonSet and Endpoints/EndpointSlice controllers (the ones the kubelet runs for its own
node, :mod:`kubelite.kubelet.controllers`) against the cluster of ``--kubeconfig``, never binding pods (that is
the scheduler's part), elects a leader on the ``kube-system/kube-controller-manager`` Lease, and serves
``/healthz`` on ``--secure-port`` (10257).

Flags whose controllers kubelite does not run (certificate signing, service-account tokens, node IPAM) are
accepted; their files must still exist when named, as upstream checks them at start, and each is named once in
the log with why it has no effect.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from kubelite.client import Kube
from kubelite.component.flags import AcceptedFlags, go_duration
from kubelite.component.runner import (
    COMMON_ACCEPTED,
    Component,
    add_component_flags,
    check_component_flags,
    configure_logging,
)
from kubelite.controllermanager.selection import SelectionError, select

log = logging.getLogger("kubelite.component.controllermanager")

NAME = "kube-controller-manager"
PORT = 10257

ACCEPTED: dict[str, str] = {
    **COMMON_ACCEPTED,
    "--allocate-node-cidrs": "pod addresses come from each kubelet's own range (no node IPAM)",
    "--cloud-provider": "there is no cloud controller",
    "--cluster-cidr": "pod addresses come from each kubelet's own range (no node IPAM)",
    "--cluster-name": "the cluster name only prefixes cloud resources, and there is no cloud controller",
    "--cluster-signing-duration": "CertificateSigningRequests are not signed yet",
    "--concurrent-deployment-syncs": "each controller runs two workers",
    "--concurrent-endpoint-syncs": "each controller runs two workers",
    "--concurrent-replicaset-syncs": "each controller runs two workers",
    "--concurrent-service-endpoint-syncs": "each controller runs two workers",
    "--concurrent-statefulset-syncs": "each controller runs two workers",
    "--configure-cloud-routes": "there is no cloud controller",
    "--horizontal-pod-autoscaler-sync-period": "HorizontalPodAutoscalers are not run",
    "--node-cidr-mask-size": "pod addresses come from each kubelet's own range (no node IPAM)",
    "--node-monitor-grace-period": "the node lifecycle controller is not run",
    "--node-monitor-period": "the node lifecycle controller is not run",
    "--pod-eviction-timeout": "the node lifecycle controller is not run",
    "--service-cluster-ip-range": "the API server allocates cluster IPs",
    "--terminated-pod-gc-threshold": "finished pods are not collected yet",
    "--use-service-account-credentials": "every controller uses the --kubeconfig credentials (no RBAC to narrow)",
}

#: Files the flags name that upstream reads at start-up; a missing one is an error here too.
FILE_FLAGS: dict[str, str] = {
    "--cluster-signing-cert-file": "CertificateSigningRequests are not signed yet",
    "--cluster-signing-key-file": "CertificateSigningRequests are not signed yet",
    "--cluster-signing-kube-apiserver-client-cert-file": "CertificateSigningRequests are not signed yet",
    "--cluster-signing-kube-apiserver-client-key-file": "CertificateSigningRequests are not signed yet",
    "--cluster-signing-kubelet-client-cert-file": "CertificateSigningRequests are not signed yet",
    "--cluster-signing-kubelet-client-key-file": "CertificateSigningRequests are not signed yet",
    "--cluster-signing-kubelet-serving-cert-file": "CertificateSigningRequests are not signed yet",
    "--cluster-signing-kubelet-serving-key-file": "CertificateSigningRequests are not signed yet",
    "--cluster-signing-legacy-unknown-cert-file": "CertificateSigningRequests are not signed yet",
    "--cluster-signing-legacy-unknown-key-file": "CertificateSigningRequests are not signed yet",
    "--root-ca-file": "the kube-root-ca.crt ConfigMap is not published and token Secrets are not issued yet",
    "--service-account-private-key-file": "service-account token Secrets are not issued yet",
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kubelite controller-manager",
        description="Run kube-controller-manager's workload controllers against a cluster (kubelite's own).",
    )
    add_component_flags(p, name=NAME, port=PORT)
    p.add_argument(
        "--controllers",
        default="*",
        help="comma-separated: '*' for the defaults, 'name' to enable, '-name' to disable (default: *)",
    )
    p.add_argument(
        "--min-resync-period",
        type=go_duration,
        default=300.0,
        metavar="DURATION",
        help="how often every cached object is reconciled again although unchanged (default: 5m)",
    )
    files = p.add_argument_group("files read at start-up (checked, no further effect yet; see the log)")
    for flag in FILE_FLAGS:
        files.add_argument(flag, type=Path, metavar="FILE")
    AcceptedFlags(NAME, ACCEPTED).add_to(p)
    return p


def main(argv: Sequence[str]) -> int:
    p = parser()
    args = p.parse_args(list(argv))
    configure_logging(args.verbosity)
    problem = check_component_flags(args)
    if not problem:
        for flag in FILE_FLAGS:
            path = getattr(args, flag.lstrip("-").replace("-", "_"))
            if path is not None and not path.is_file():
                problem = f"{flag} {path} does not exist"
                break
    try:
        selection = select(args.controllers.split(","))
    except SelectionError as exc:
        problem = problem or str(exc)
    if problem:
        print(f"kubelite controller-manager: {problem}", file=sys.stderr)
        return 2
    for flag, why in FILE_FLAGS.items():
        if getattr(args, flag.lstrip("-").replace("-", "_")) is not None:
            log.warning("%s is read but has no further effect: %s", flag, why)
    for name, why in selection.skipped:
        log.warning("controller %s is enabled but not run: %s", name, why)
    if not selection.run:
        log.warning("no controller kubelite runs is enabled; only serving /healthz")
    log.info("running controllers: %s", ", ".join(selection.run) or "none")

    async def work(kube: Kube, stop: asyncio.Event) -> None:
        from kubelite.kubelet.controllers import run_controllers  # noqa: PLC0415  (heavy; loaded when leading)

        await run_controllers(kube, "", stop, bind=False, enabled=selection.run, resync=args.min_resync_period)

    return Component(NAME, args, work, AcceptedFlags(NAME, ACCEPTED)).main()
