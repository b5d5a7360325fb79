"""kube-apiserver flags that control-plane charts pass and kubelite accepts without acting on them.

A chart written for a real seed (Gardener's kube-apiserver Deployment, kubeadm manifests) passes dozens of flags.
kubelite implements the ones that change what a client sees (serving, TLS, storage, authentication, the service
range); the rest are listed here, accepted so the same manifests run, and named once in the log at start-up so
nobody mistakes them for honoured settings. Each entry says why it has no effect yet.
"""

from __future__ import annotations

import argparse
import logging

log = logging.getLogger(__name__)

#: flag -> why it is accepted without effect. Boolean flags may be given bare (``--profiling``) or with a value.
ACCEPTED: dict[str, str] = {
    "--advertise-address": "kubelite advertises the address it serves on",
    "--allow-privileged": "processes run as the kubelet's user; nothing is privileged",
    "--audit-log-maxage": "the audit log is not rotated",
    "--audit-log-maxbackup": "the audit log is not rotated",
    "--audit-log-maxsize": "the audit log is not rotated",
    "--disable-admission-plugins": "kubelite runs its own admission chain",
    "--enable-admission-plugins": "kubelite runs its own admission chain",
    "--enable-aggregator-routing": "there is no API aggregation",
    "--endpoint-reconciler-type": "kubelite keeps no kubernetes Service endpoints",
    "--etcd-servers-overrides": "Events are stored with every other resource, on --etcd-servers",
    "--event-ttl": "events are kept until deleted",
    "--external-hostname": "kubelite advertises the address it serves on",
    "--feature-gates": "kubelite has no feature gates",
    "--http2-max-streams-per-connection": "kubelite serves HTTP/1.1",
    "--kubelet-certificate-authority": "kubelite speaks plain HTTP to kubelets on loopback",
    "--kubelet-client-certificate": "kubelite speaks plain HTTP to kubelets on loopback",
    "--kubelet-client-key": "kubelite speaks plain HTTP to kubelets on loopback",
    "--kubelet-preferred-address-types": "kubelite uses a node's InternalIP",
    "--livez-grace-period": "kubelite is live as soon as it serves",
    "--max-mutating-requests-inflight": "requests are not limited",
    "--max-requests-inflight": "requests are not limited",
    "--profiling": "there is no profiling endpoint",
    "--proxy-client-cert-file": "there is no API aggregation",
    "--proxy-client-key-file": "there is no API aggregation",
    "--requestheader-allowed-names": "there is no front proxy",
    "--requestheader-client-ca-file": "there is no front proxy",
    "--requestheader-extra-headers-prefix": "there is no front proxy",
    "--requestheader-group-headers": "there is no front proxy",
    "--requestheader-username-headers": "there is no front proxy",
    "--service-node-port-range": "node ports are not allocated",
    "--shutdown-delay-duration": "kubelite stops serving at once on SIGTERM",
    "--shutdown-send-retry-after": "kubelite stops serving at once on SIGTERM",
    "--tls-cipher-suites": "Python's TLS defaults apply",
    "--tls-min-version": "Python's TLS defaults apply (TLS 1.2 or newer)",
    "--tls-sni-cert-key": "one serving certificate is used for every name",
}


def add_accepted_flags(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("accepted for kube-apiserver compatibility, without effect (see the log)")
    for flag in ACCEPTED:
        group.add_argument(
            flag,
            dest="compat_" + flag.lstrip("-").replace("-", "_"),
            nargs="?",
            const="true",
            default=None,
            action="append",
            metavar="VALUE",
            help=argparse.SUPPRESS,
        )


def log_accepted_flags(args: argparse.Namespace) -> list[str]:
    """Log each accepted-but-ignored flag that was given, with why; returns the flags, for tests."""
    given = [flag for flag in ACCEPTED if getattr(args, "compat_" + flag.lstrip("-").replace("-", "_"), None)]
    for flag in given:
        log.warning("%s is accepted for compatibility and has no effect: %s", flag, ACCEPTED[flag])
    return given
