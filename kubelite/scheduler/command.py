"""``kubelite scheduler``: kube-scheduler's decisions for a cluster kubelite hosts, against any API server.

A shoot's control plane in a seed runs kube-scheduler as a Deployment (the gardenlet's
``controlplane/kube-scheduler`` chart, with a ``KubeSchedulerConfiguration`` in ``--config``); the kubelite kubelet
runs this verb for the ``registry.k8s.io/kube-scheduler`` image. It binds pending pods of its profiles'
``schedulerName`` to Ready, schedulable nodes (:mod:`.filters`), elects a leader on the ``kube-system/kube-scheduler``
Lease, and serves ``/healthz`` on ``--secure-port`` (10259).

From the configuration it reads ``clientConnection.kubeconfig``, ``leaderElection`` (``leaderElect``, the resource
namespace and name, the durations) and the profiles' ``schedulerName``, and a profile whose ``NodeResourcesFit``
scores ``MostAllocated`` packs pods instead of spreading them. As upstream, the configuration wins over the
deprecated flags it overlaps (``--kubeconfig``, ``--leader-elect``...). A kubeconfig path inside the configuration
is a container path; under the kubelite kubelet it is resolved through the pod's mounts
(:func:`kubelite.kubelet.mounts.host_path`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kubelite.client import Kube
from kubelite.component.flags import AcceptedFlags, go_duration
from kubelite.component.runner import (
    COMMON_ACCEPTED,
    Component,
    add_component_flags,
    check_component_flags,
    configure_logging,
)
from kubelite.kubelet.mounts import host_path

NAME = "kube-scheduler"
PORT = 10259
CONFIG_API_VERSIONS = ("kubescheduler.config.k8s.io/v1", "kubescheduler.config.k8s.io/v1beta3")

ACCEPTED: dict[str, str] = {
    **COMMON_ACCEPTED,
    "--pod-max-in-unschedulable-pods-duration": "unschedulable pods wait for a node event, not a timer",
    "--write-config-to": "the configuration is read, never written",
}


class ConfigError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class SchedulerConfig:
    """What kubelite takes from a ``KubeSchedulerConfiguration``."""

    kubeconfig: Path | None = None
    scheduler_names: tuple[str, ...] = ("default-scheduler",)
    pack: bool = False
    leader_election: dict[str, Any] = field(default_factory=dict)


def _packs(profile: dict[str, Any]) -> bool:
    for plugin in profile.get("pluginConfig") or ():
        if plugin.get("name") == "NodeResourcesFit":
            strategy = ((plugin.get("args") or {}).get("scoringStrategy") or {}).get("type")
            if strategy == "MostAllocated":
                return True
    return False


def load_config(path: Path) -> SchedulerConfig:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"--config {path}: {exc}") from exc
    if not isinstance(document, dict) or document.get("kind") != "KubeSchedulerConfiguration":
        raise ConfigError(f"--config {path}: not a KubeSchedulerConfiguration")
    if document.get("apiVersion") not in CONFIG_API_VERSIONS:
        raise ConfigError(
            f"--config {path}: apiVersion {document.get('apiVersion')!r} is not one of {CONFIG_API_VERSIONS}"
        )
    profiles = document.get("profiles") or [{"schedulerName": "default-scheduler"}]
    if not isinstance(profiles, list) or not all(isinstance(p, dict) for p in profiles):
        raise ConfigError(f"--config {path}: profiles must be a list of mappings")
    names = tuple(str(p.get("schedulerName") or "default-scheduler") for p in profiles)
    if len(set(names)) != len(names):
        raise ConfigError(f"--config {path}: two profiles share a schedulerName")
    kubeconfig = str((document.get("clientConnection") or {}).get("kubeconfig") or "")
    return SchedulerConfig(
        kubeconfig=Path(host_path(kubeconfig)) if kubeconfig else None,
        scheduler_names=names,
        pack=any(_packs(p) for p in profiles),
        leader_election=dict(document.get("leaderElection") or {}),
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kubelite scheduler",
        description="Bind pending pods to Ready, schedulable nodes (kube-scheduler for kubelite's clusters).",
    )
    add_component_flags(p, name=NAME, port=PORT)
    p.add_argument("--config", type=Path, help="a KubeSchedulerConfiguration file")
    AcceptedFlags(NAME, ACCEPTED).add_to(p)
    return p


def apply_config(args: argparse.Namespace, config: SchedulerConfig) -> None:
    """The configuration over the flags it overlaps (upstream ignores those flags when --config is given)."""
    if config.kubeconfig is not None:
        args.kubeconfig = config.kubeconfig
    election = config.leader_election
    if "leaderElect" in election:
        args.leader_elect = bool(election["leaderElect"])
    for key, dest in (
        ("leaseDuration", "leader_elect_lease_duration"),
        ("renewDeadline", "leader_elect_renew_deadline"),
        ("retryPeriod", "leader_elect_retry_period"),
    ):
        if election.get(key):
            setattr(args, dest, go_duration(str(election[key])))
    if election.get("resourceNamespace"):
        args.leader_elect_resource_namespace = str(election["resourceNamespace"])
    if election.get("resourceName"):
        args.leader_elect_resource_name = str(election["resourceName"])


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv))
    configure_logging(args.verbosity)
    config = SchedulerConfig()
    try:
        if args.config is not None:
            config = load_config(args.config)
            apply_config(args, config)
    except (ConfigError, argparse.ArgumentTypeError) as exc:
        print(f"kubelite scheduler: {exc}", file=sys.stderr)
        return 2
    problem = check_component_flags(args)
    if problem:
        print(f"kubelite scheduler: {problem}", file=sys.stderr)
        return 2

    async def work(kube: Kube, stop: asyncio.Event) -> None:
        from kubelite.scheduler.scheduling import Scheduler  # noqa: PLC0415  (loaded when leading)

        await Scheduler(kube, config.scheduler_names, pack=config.pack).run(stop)

    return Component(NAME, args, work, AcceptedFlags(NAME, ACCEPTED)).main()
