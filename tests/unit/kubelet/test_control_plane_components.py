"""The scheduler's filters and score, kube-controller-manager's --controllers selection, Go-style flags, and the
scheduler configuration file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubelite.component.flags import AcceptedFlags, go_bool, go_duration
from kubelite.controllermanager.selection import SelectionError, select
from kubelite.kubelet.mounts import MOUNTS_ENV, Mount, PathMap, host_path
from kubelite.scheduler.command import ConfigError, load_config
from kubelite.scheduler.filters import decide


def node(name: str, *, ready: bool = True, labels: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "labels": labels or {}},
        "spec": spec,
        "status": {
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "allocatable": {"pods": "3"},
        },
    }


def pending(**spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [], **spec}}


def test_the_least_loaded_eligible_node_wins_and_ties_go_by_name() -> None:
    nodes = [node("b"), node("a"), node("c", ready=False)]
    assert decide(pending(), nodes, {}).node == "a"
    assert decide(pending(), nodes, {"a": 2, "b": 1}).node == "b"
    assert decide(pending(), nodes, {"a": 2, "b": 1}, pack=True).node == "a"


def test_every_filter_reports_its_reason() -> None:
    nodes = [
        node("down", ready=False),
        node("cordoned", unschedulable=True),
        node("tainted", taints=[{"key": "dedicated", "value": "infra", "effect": "NoExecute"}]),
        node("full"),
        node("other", labels={"disk": "hdd"}),
    ]
    decision = decide(pending(), nodes[:4], {"full": 3})
    assert decision.node is None
    assert decision.message == (
        "0/4 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint {dedicated: infra}, "
        "1 node(s) were not ready, 1 node(s) were unschedulable."
    )
    picky = pending(nodeSelector={"disk": "ssd"})
    assert decide(picky, [nodes[4]], {}).message.endswith("1 node(s) didn't match Pod's node affinity/selector.")


def test_tolerations_and_required_affinity_open_nodes() -> None:
    tainted = node("t", taints=[{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}])
    tolerant = pending(tolerations=[{"key": "dedicated", "operator": "Equal", "value": "infra"}])
    assert decide(tolerant, [tainted], {}).node == "t"
    cordoned = node("c", unschedulable=True)
    assert decide(pending(tolerations=[{"operator": "Exists"}]), [cordoned], {}).node == "c"
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["z1"]}]},
                    {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["x"]}]},
                ]
            }
        }
    }
    nodes = [node("a", labels={"zone": "z2"}), node("x"), node("b", labels={"zone": "z1"})]
    assert decide(pending(affinity=affinity), nodes, {"b": 1}).node == "x"
    assert decide(pending(affinity=affinity), nodes, {"x": 2}).node == "b"


def test_controller_selection_follows_upstream_rules() -> None:
    defaults = select(["*"])
    assert defaults.run == ("daemonset", "deployment", "endpoint", "endpointslice", "replicaset", "statefulset")
    assert "bootstrapsigner" not in dict(defaults.skipped)
    gardener = select(["*", "bootstrapsigner", "tokencleaner"])
    assert {"bootstrapsigner", "tokencleaner"} <= set(dict(gardener.skipped))
    only = select(["deployment-controller", "replicaset", "-replicaset"])
    assert only.run == ("deployment",) and only.skipped == ()
    with pytest.raises(SelectionError, match="'frobnicator' is not a kube-controller-manager controller"):
        select(["*", "frobnicator"])


@pytest.mark.parametrize(("text", "seconds"), [("40s", 40.0), ("1m30s", 90.0), ("500ms", 0.5), ("2h", 7200.0)])
def test_go_durations(text: str, seconds: float) -> None:
    assert go_duration(text) == seconds


def test_bad_go_values_are_errors() -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        go_duration("40")
    with pytest.raises(argparse.ArgumentTypeError):
        go_bool("maybe")


def test_accepted_flags_are_parsed_and_named_once() -> None:
    accepted = AcceptedFlags("kube-thing", {"--profiling": "no profiling endpoint"})
    parser = argparse.ArgumentParser()
    accepted.add_to(parser)
    assert accepted.log_given(parser.parse_args(["--profiling=false"])) == ["--profiling"]
    assert accepted.log_given(parser.parse_args([])) == []


def test_the_scheduler_configuration(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    document = {
        "apiVersion": "kubescheduler.config.k8s.io/v1",
        "kind": "KubeSchedulerConfiguration",
        "clientConnection": {"kubeconfig": "/var/run/secrets/kubeconfig"},
        "leaderElection": {"leaderElect": False},
        "profiles": [
            {
                "schedulerName": "default-scheduler",
                "pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "MostAllocated"}}}],
            }
        ],
    }
    path.write_text(yaml.safe_dump(document))
    config = load_config(path)
    assert config.kubeconfig == Path("/var/run/secrets/kubeconfig")
    assert config.pack and config.scheduler_names == ("default-scheduler",)
    assert config.leader_election == {"leaderElect": False}
    path.write_text(yaml.safe_dump({**document, "kind": "Pod"}))
    with pytest.raises(ConfigError, match="not a KubeSchedulerConfiguration"):
        load_config(path)


def test_container_paths_in_files_resolve_through_the_kubelets_mount_table() -> None:
    table = PathMap([Mount("/var/run/secrets", "/pods/x/volumes/kubeconfig")]).encode()
    environ = {MOUNTS_ENV: table}
    assert host_path("/var/run/secrets/kubeconfig", environ) == "/pods/x/volumes/kubeconfig/kubeconfig"
    assert host_path("/etc/other", environ) == "/etc/other"
    assert host_path("/var/run/secrets/kubeconfig", {}) == "/var/run/secrets/kubeconfig"
