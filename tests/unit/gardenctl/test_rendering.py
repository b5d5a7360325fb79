"""What gardenctl prints: shell exports, provider credentials, shoot manifests, wait verdicts, issues, info."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
import yaml

from garden.cli.gardenctl.commands.info import render as render_info
from garden.cli.gardenctl.commands.info import summarize
from garden.cli.gardenctl.commands.ls import shoot_problems
from garden.cli.gardenctl.commands.wait import Goal, evaluate
from garden.cli.gardenctl.errors import GardenctlError
from garden.cli.gardenctl.manifest import ShootFlags, WorkerFlag, parse_worker, shoot_manifest
from garden.cli.gardenctl.output import table
from garden.cli.gardenctl.providerenv import provider_variable_names, provider_variables
from garden.cli.gardenctl.shells import Shell, render

pytestmark = pytest.mark.unit

NASTY = 'it\'s $HOME \\ "x"'


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_posix_exports_survive_quotes_and_dollars(shell: str) -> None:
    script = render(Shell(shell), "gardenctl x", {"SECRET": NASTY})
    assert script.splitlines()[-1] == "# eval $(gardenctl x)"
    echoed = subprocess.run(
        ["bash", "-c", f'{script}\nprintf %s "$SECRET"'], capture_output=True, text=True, check=True
    ).stdout
    assert echoed == NASTY


def test_fish_and_powershell_quote_in_their_own_way() -> None:
    assert render(Shell.fish, "c", {"A": "it's \\"}).splitlines()[0] == "set -gx A 'it\\'s \\\\';"
    assert render(Shell.powershell, "c", {"A": "it's"}).splitlines()[0] == "$Env:A = 'it''s';"
    assert (
        render(Shell.powershell, "c", {}, ["A"]).splitlines()[0] == "Remove-Item -ErrorAction SilentlyContinue Env:\\A;"
    )
    assert render(Shell.fish, "c", {}, ["A"]).splitlines()[0] == "set -e A;"
    assert "# eval (c)" in render(Shell.fish, "c", {})
    assert "# & c | Invoke-Expression" in render(Shell.powershell, "c", {})


def test_provider_variables_follow_each_clouds_cli() -> None:
    aws = provider_variables(
        "aws", {"accessKeyID": "AK", "secretAccessKey": "SK", "endpointURL": "http://127.0.0.1:5000"}, "eu-west-1"
    )
    assert aws == {
        "AWS_ACCESS_KEY_ID": "AK",
        "AWS_SECRET_ACCESS_KEY": "SK",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
    }
    key = json.dumps({"type": "service_account", "project_id": "p1", "client_email": "sa@p1.iam"})
    gcp = provider_variables("gcp", {"serviceaccount.json": key}, "europe-west1")
    assert gcp["GOOGLE_CREDENTIALS"] == key
    assert (gcp["CLOUDSDK_CORE_PROJECT"], gcp["GOOGLE_CREDENTIALS_ACCOUNT"]) == ("p1", "sa@p1.iam")
    assert set(gcp) <= set(provider_variable_names("gcp"))
    with pytest.raises(GardenctlError, match="the aws credentials lack secretAccessKey"):
        provider_variables("aws", {"accessKeyID": "AK"}, "r")
    with pytest.raises(GardenctlError, match='no cloud credentials for provider type "local"'):
        provider_variables("local", {}, "local")


def test_worker_flags_parse_and_refuse_nonsense() -> None:
    assert parse_worker("name=cpu,machine=m5.large,min=1,max=3,zone=a,zone=b") == WorkerFlag(
        "cpu", "m5.large", 1, 3, ("a", "b")
    )
    assert parse_worker("zones=a+b,min=4") == WorkerFlag("worker", "", 4, 4, ("a", "b"))
    for bad, message in (
        ("name=x,color=red", '"color=red" is not one of'),
        ("min=two", "whole numbers"),
        ("min=3,max=1", "need 0 <= min <= max"),
        ("name=a,name=b", "name is given twice"),
    ):
        with pytest.raises(GardenctlError, match=message):
            parse_worker(bad)


def _flags(**changes: Any) -> ShootFlags:
    values: dict[str, Any] = {
        "name": "s",
        "namespace": "garden-dev",
        "cloud_profile": "aws",
        "provider_type": "aws",
        "region": "eu-central-1",
        "workers": (WorkerFlag("w", "m5.large", 1, 2, ("eu-central-1a",)),),
        "secret_binding": "aws",
    }
    values.update(changes)
    return ShootFlags(**values)


def test_the_manifest_holds_only_what_was_asked() -> None:
    manifest = shoot_manifest(_flags(nodes_cidr="10.250.0.0/16"))
    assert manifest == yaml.safe_load(
        """
apiVersion: core.gardener.cloud/v1beta1
kind: Shoot
metadata: {name: s, namespace: garden-dev}
spec:
  cloudProfile: {kind: CloudProfile, name: aws}
  region: eu-central-1
  secretBindingName: aws
  kubernetes: {}
  networking: {type: calico, nodes: 10.250.0.0/16}
  provider:
    type: aws
    workers:
    - {name: w, machine: {type: m5.large}, minimum: 1, maximum: 2, zones: [eu-central-1a]}
"""
    )
    credentials = shoot_manifest(_flags(secret_binding="", credentials_binding="gcp", kubernetes_version="1.36"))
    assert credentials["spec"]["credentialsBindingName"] == "gcp"
    assert credentials["spec"]["kubernetes"] == {"version": "1.36"}
    with pytest.raises(GardenctlError, match="pool names must differ"):
        shoot_manifest(_flags(workers=(WorkerFlag("w", "t"), WorkerFlag("w", "t"))))
    with pytest.raises(GardenctlError, match="exactly one of"):
        shoot_manifest(_flags(credentials_binding="also"))


def _shoot(**status: Any) -> dict[str, Any]:
    return {"metadata": {"name": "s", "namespace": "garden-dev", "generation": 2}, "spec": {}, "status": status}


READY_CONDITIONS = [{"type": "APIServerAvailable", "status": "True"}, {"type": "EveryNodeReady", "status": "True"}]


def test_wait_verdicts() -> None:
    succeeded = {"type": "Reconcile", "state": "Succeeded", "progress": 100}
    assert evaluate(_shoot(observedGeneration=2, lastOperation=succeeded, conditions=READY_CONDITIONS), Goal.ready).done
    stale = _shoot(observedGeneration=1, lastOperation=succeeded, conditions=READY_CONDITIONS)
    assert not evaluate(stale, Goal.ready).done  # the status speaks of an older spec
    node_down = [READY_CONDITIONS[0], {"type": "EveryNodeReady", "status": "False"}]
    verdict = evaluate(_shoot(observedGeneration=2, lastOperation=succeeded, conditions=node_down), Goal.ready)
    assert not verdict.done and verdict.description == "waiting for EveryNodeReady"
    processing = evaluate(_shoot(lastOperation={"type": "Create", "state": "Processing", "progress": 40}), Goal.ready)
    assert (processing.done, processing.progress, processing.failure) == (False, 40, "")

    failed = _shoot(
        observedGeneration=2,
        lastOperation={"type": "Create", "state": "Failed", "progress": 70},
        lastErrors=[{"description": "quota exceeded"}],
    )
    assert evaluate(failed, Goal.ready).failure == "Create failed: quota exceeded"
    retried = {**failed, "metadata": {**failed["metadata"], "annotations": {"gardener.cloud/operation": "retry"}}}
    assert evaluate(retried, Goal.ready).failure == ""  # the gardenlet has not picked the retry up yet

    asleep = _shoot(observedGeneration=2, lastOperation=succeeded, hibernated=True)
    asleep["spec"] = {"hibernation": {"enabled": True}}
    assert evaluate(asleep, Goal.hibernated).done
    assert "wake it up first" in evaluate(asleep, Goal.ready).failure
    assert evaluate(None, Goal.deleted).done
    assert evaluate(None, Goal.ready).failure == "the shoot does not exist"
    assert evaluate(_shoot(), Goal.deleted).failure == "the shoot is not being deleted"


def test_issues_say_why() -> None:
    shoot = _shoot(
        lastOperation={"type": "Reconcile", "state": "Error", "description": "waiting for nodes"},
        lastErrors=[{"description": "no capacity", "codes": ["ERR_INFRA_RESOURCES_DEPLETED"], "taskID": "Deploy"}],
        conditions=[{"type": "EveryNodeReady", "status": "False", "reason": "NodesNotReady", "message": "0/1"}],
    )
    shoot["spec"]["seedName"] = "local"
    assert shoot_problems(shoot) == [
        "last operation Reconcile Error: waiting for nodes",
        'error [ERR_INFRA_RESOURCES_DEPLETED] (task "Deploy"): no capacity',
        "condition EveryNodeReady is False (NodesNotReady): 0/1",
    ]
    healthy = _shoot(lastOperation={"type": "Reconcile", "state": "Succeeded"}, conditions=READY_CONDITIONS)
    healthy["spec"]["seedName"] = "local"
    assert shoot_problems(healthy) == []
    assert shoot_problems(_shoot()) == [
        "not scheduled to a seed (see `kubectl describe shoot` for the scheduler's events)"
    ]


def test_info_counts_per_seed() -> None:
    seeds = [{"metadata": {"name": "b"}, "status": {"allocatable": {"shoots": 200}, "capacity": {"shoots": 250}}}]
    seeds.append({"metadata": {"name": "a"}})

    def shoot(name: str, seed: str, asleep: bool = False) -> dict[str, Any]:
        spec: dict[str, Any] = {"hibernation": {"enabled": asleep}}
        if seed:
            spec["seedName"] = seed
        return {"metadata": {"name": name, "namespace": "garden-dev"}, "spec": spec}

    summary = summarize(seeds, [shoot("x", "b"), shoot("y", "b", asleep=True), shoot("z", ""), shoot("w", "gone")])
    assert [(s.seed, s.total, s.active, s.hibernated) for s in summary.seeds] == [
        ("a", 0, 0, 0),
        ("b", 2, 1, 1),
        ("gone", 1, 1, 0),
    ]
    assert summary.unscheduled == ["garden-dev/z"]
    text = render_info("local", summary)
    assert text.splitlines()[3].split() == ["b", "2", "1", "1", "200", "250"]
    assert text.splitlines()[5].split() == ["TOTAL", "3", "2", "1"]
    assert text.endswith("Unscheduled: 1\n  garden-dev/z\n")


def test_tables_align_like_kubectl() -> None:
    assert table(["Name", "K8S Version"], [["a", "1.36.2"], ["longer", None]]) == (
        "NAME     K8S VERSION\na        1.36.2\nlonger   <none>\n"
    )
