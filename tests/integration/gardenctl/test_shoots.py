"""gardenctl against a real garden API server: targeting, listing, creating and operating shoots, and errors."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
import yaml

from garden.kube import SHOOTS, Kube
from tests.integration.garden.objects import apply, aws_shoot
from tests.integration.gardenctl.conftest import Gardenctl, shoot_of
from tests.integration.server import RunningServer

pytestmark = pytest.mark.integration

CORE = "core.gardener.cloud/v1beta1"


def _seed(name: str) -> dict[str, Any]:
    return {
        "apiVersion": CORE,
        "kind": "Seed",
        "metadata": {"name": name},
        "spec": {
            "provider": {"type": "aws", "region": "eu-central-1"},
            "networks": {"nodes": "10.0.0.0/16", "pods": "10.1.0.0/16", "services": "10.2.0.0/16"},
            "dns": {"provider": {"type": "aws-route53", "secretRef": {"name": "dns", "namespace": "garden"}}},
            "ingress": {"domain": f"ingress.{name}.example.com", "controller": {"kind": "nginx"}},
        },
    }


def _bind(kube: Kube, namespace: str, name: str, seed: str) -> None:
    shoot = kube.get(SHOOTS, namespace, name)
    assert shoot is not None
    shoot["spec"]["seedName"] = seed
    kube.update(SHOOTS, namespace, name, shoot, subresource="binding")


def _status(kube: Kube, namespace: str, name: str, status: dict[str, Any]) -> None:
    kube.patch(SHOOTS, namespace, name, {"status": status}, subresource="status")


def _ready_status(generation: int) -> dict[str, Any]:
    return {
        "observedGeneration": generation,
        "hibernated": False,
        "lastOperation": {
            "type": "Reconcile",
            "state": "Succeeded",
            "progress": 100,
            "description": "Shoot cluster has been successfully reconciled.",
            "lastUpdateTime": "2026-11-25T12:00:00Z",
        },
        "conditions": [
            {
                "type": t,
                "status": "True",
                "reason": "Healthy",
                "message": "fine",
                "lastTransitionTime": "2026-11-25T12:00:00Z",
                "lastUpdateTime": "2026-11-25T12:00:00Z",
            }
            for t in ("APIServerAvailable", "ControlPlaneHealthy", "EveryNodeReady", "SystemComponentsHealthy")
        ],
    }


@pytest.fixture(scope="module")
def landscape(garden: RunningServer, dev: str, kube: Kube) -> str:
    """Shoots ``alpha`` (on seed aws-eu1) and ``beta`` (unscheduled) in dev, ``twin`` in dev and in project other."""
    garden.kubectl("create", "namespace", "garden-other")
    apply(
        garden,
        _seed("aws-eu1"),
        {"apiVersion": CORE, "kind": "Project", "metadata": {"name": "other"}, "spec": {"namespace": "garden-other"}},
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "aws-credentials", "namespace": "garden-other"},
            "stringData": {"accessKeyID": "AKIAOTHER", "secretAccessKey": "other"},
        },
        {
            "apiVersion": CORE,
            "kind": "SecretBinding",
            "metadata": {"name": "aws", "namespace": "garden-other"},
            "secretRef": {"name": "aws-credentials"},
            "provider": {"type": "aws"},
        },
        aws_shoot("alpha", dev),
        aws_shoot("beta", dev, purpose="testing"),
        aws_shoot("twin", dev),
        aws_shoot("twin", "garden-other"),
    )
    _bind(kube, dev, "alpha", "aws-eu1")
    return dev


def test_target_a_shoot_by_name_finds_its_project(gctl: Gardenctl, landscape: str) -> None:
    assert gctl.run("target", "shoot", "alpha").stdout == 'Successfully targeted shoot "alpha"\n'
    assert yaml.safe_load(gctl.run("target", "view").stdout) == {"garden": "local", "project": "dev", "shoot": "alpha"}

    error = gctl.fail("target", "shoot", "twin", "--garden", "local")
    assert error == 'error: shoot "twin" exists in several projects (dev, other) in garden "local": add --project'
    gctl.run("target", "--garden", "local", "--project", "other", "--shoot", "twin")
    assert json.loads(gctl.run("target", "view", "-o", "json").stdout)["project"] == "other"

    gctl.run("target", "control-plane")
    assert yaml.safe_load(gctl.run("target", "view").stdout)["controlPlane"] is True
    assert gctl.run("target", "unset", "shoot").stdout == 'Successfully unset targeted shoot "twin"\n'
    assert yaml.safe_load(gctl.run("target", "view").stdout) == {"garden": "local", "project": "other"}
    assert gctl.fail("target", "unset", "shoot") == "error: no shoot targeted"

    gctl.run("target", "seed", "aws-eu1")
    assert yaml.safe_load(gctl.run("target", "view").stdout) == {"garden": "local", "seed": "aws-eu1"}
    assert gctl.fail("target", "shoot", "beta") == 'error: shoot "beta" does not exist on seed "aws-eu1"'
    assert gctl.fail("target", "project", "nope") == 'error: project "nope" does not exist in garden "local"'


def test_the_target_belongs_to_the_shell_session(gctl: Gardenctl, landscape: str) -> None:
    gctl.run("target", "shoot", "alpha")
    other_shell = Gardenctl(gctl.home, gctl.tmp, gctl.session + "-other")
    assert yaml.safe_load(other_shell.run("target", "view").stdout) == {"garden": "local"}  # the only garden
    assert oct((gctl.tmp / "garden" / gctl.session).stat().st_mode & 0o777) == "0o700"


def test_get_shoots_prints_gardeners_columns(gctl: Gardenctl, landscape: str) -> None:
    lines = gctl.run("get", "shoots").stdout.splitlines()
    assert lines[0].split() == [
        "PROJECT", "NAME", "CLOUDPROFILE", "PROVIDER", "REGION", "K8S", "VERSION", "HIBERNATION", "LAST", "OPERATION",
        "STATUS", "AGE",
    ]  # fmt: skip
    rows = {tuple(line.split()[:2]) for line in lines[1:]}
    assert {("dev", "alpha"), ("dev", "beta"), ("dev", "twin"), ("other", "twin")} <= rows
    alpha = next(line.split() for line in lines if line.split()[:2] == ["dev", "alpha"])
    assert alpha[2:7] == ["aws", "aws", "eu-central-1", "1.36.2", "Awake"]
    assert alpha[7] == "<pending>"
    assert alpha[8] == "healthy"

    gctl.run("target", "project", "dev")
    wide = gctl.run("get", "shoots", "-o", "wide").stdout.splitlines()
    assert wide[0].split()[:2] == ["NAME", "CLOUDPROFILE"]  # one project: no project column
    assert wide[0].split()[-6:] == ["SEED", "PURPOSE", "APISERVER", "CONTROL", "NODES", "SYSTEM"]
    by_name = {line.split()[0]: line.split() for line in wide[1:]}
    assert set(by_name) >= {"alpha", "beta", "twin"}
    assert by_name["alpha"][-6:] == ["aws-eu1", "evaluation", "<unknown>", "<unknown>", "<unknown>", "<unknown>"]
    assert by_name["beta"][-5] == "testing"

    listed = json.loads(gctl.run("get", "shoots", "alpha", "-o", "json").stdout)
    assert listed["kind"] == "Shoot" and listed["spec"]["seedName"] == "aws-eu1"
    seeds = gctl.run("get", "seeds").stdout.splitlines()
    assert seeds[0].split() == ["NAME", "STATUS", "PROVIDER", "REGION", "AGE"]
    assert seeds[1].split()[:4] == ["aws-eu1", "Unknown", "aws", "eu-central-1"]
    projects = yaml.safe_load(gctl.run("get", "projects", "-o", "yaml").stdout)
    assert {p["metadata"]["name"] for p in projects["items"]} >= {"dev", "other"}
    assert gctl.fail("get", "nodes") == 'error: cannot get "nodes": choose shoots, seeds or projects'


def test_create_shoot_dry_run_prints_the_manifest_and_create_creates_it(
    gctl: Gardenctl, landscape: str, kube: Kube
) -> None:
    flags = ["--project", "dev", "--cloud-profile", "aws", "--region", "eu-central-1", "--nodes-cidr", "10.250.0.0/16"]
    printed = gctl.run(
        "create", "shoot", "gamma", *flags, "--worker", "name=cpu,min=2,max=4", "--dry-run", "-o", "yaml"
    )
    manifest = yaml.safe_load(printed.stdout)
    assert manifest["metadata"] == {"name": "gamma", "namespace": landscape}
    assert manifest["spec"]["secretBindingName"] == "aws"  # the project's only aws binding
    assert manifest["spec"]["provider"]["type"] == "aws"
    worker = manifest["spec"]["provider"]["workers"][0]
    assert worker["name"] == "cpu" and (worker["minimum"], worker["maximum"]) == (2, 4)
    assert worker["zones"] == ["eu-central-1a"] and worker["machine"]["type"]
    assert shoot_of(kube, landscape, "gamma") is None

    gctl.run("create", "shoot", "gamma", *flags, "--kubernetes-version", "1.35", "--purpose", "development")
    created = shoot_of(kube, landscape, "gamma")
    assert created is not None
    assert created["spec"]["kubernetes"]["version"] == "1.35.2"  # completed by the garden's admission
    assert created["spec"]["purpose"] == "development"

    error = gctl.fail("create", "shoot", "delta", *flags, "--worker", "name=x,min=3,max=1")
    assert "need 0 <= min <= max" in error
    error = gctl.fail("create", "shoot", "delta", *flags[:-4])
    assert error.startswith("error: --region is required (cloud profile aws offers ")
    error = gctl.fail("create", "shoot", "gamma", *flags)
    assert "already exists" in error


def test_hibernate_wake_up_and_operation_annotations(gctl: Gardenctl, landscape: str, kube: Kube) -> None:
    gctl.run("target", "--project", "dev", "--shoot", "beta")

    gctl.run("hibernate")
    assert shoot_of(kube, landscape, "beta")["spec"]["hibernation"]["enabled"] is True  # type: ignore[index]
    row = next(line for line in gctl.run("get", "shoots").stdout.splitlines() if line.startswith("beta "))
    assert "Hibernating" in row
    gctl.run("wake-up", "beta")
    assert shoot_of(kube, landscape, "beta")["spec"]["hibernation"]["enabled"] is False  # type: ignore[index]

    for command, value in (
        (["reconcile"], "reconcile"),
        (["maintain"], "maintain"),
        (["rotate-credentials"], "rotate-credentials-start"),
        (["rotate-credentials", "--complete"], "rotate-credentials-complete"),
    ):
        gctl.run(*command)
        annotations = shoot_of(kube, landscape, "beta")["metadata"]["annotations"]  # type: ignore[index]
        assert annotations["gardener.cloud/operation"] == value
    out = gctl.run("reconcile", "twin", "--project", "other").stdout
    assert out.startswith('Shoot "twin" of project "other": reconciliation requested')


def test_delete_asks_and_sets_the_confirmation(
    gctl: Gardenctl, landscape: str, kube: Kube, garden: RunningServer
) -> None:
    apply(garden, aws_shoot("doomed", landscape))
    gctl.run("target", "project", "dev")

    refused = gctl.run("delete", "shoot", "doomed", input="n\n", code=1)
    assert 'Delete shoot "doomed" of project "dev"' in refused.stdout
    assert shoot_of(kube, landscape, "doomed") is not None

    gctl.run("delete", "shoot", "doomed", input="y\n")
    gone = shoot_of(kube, landscape, "doomed")
    assert gone is None or gone["metadata"]["annotations"]["confirmation.gardener.cloud/deletion"] == "true"

    apply(garden, aws_shoot("doomed2", landscape))
    gctl.run("delete", "shoot", "doomed2", "--yes")
    gone = shoot_of(kube, landscape, "doomed2")
    assert gone is None or "deletionTimestamp" in gone["metadata"]  # no gardenlet here holds a finalizer
    assert gctl.run("wait", "doomed2", "--for", "deleted", "--timeout", "30s").stdout == 'Shoot "doomed2" is deleted\n'


def test_wait_follows_the_last_operation(gctl: Gardenctl, landscape: str, kube: Kube, garden: RunningServer) -> None:
    apply(garden, aws_shoot("waiter", landscape))
    gctl.run("target", "project", "dev")
    generation = shoot_of(kube, landscape, "waiter")["metadata"]["generation"]  # type: ignore[index]
    processing = _ready_status(generation)
    processing["lastOperation"] = {**processing["lastOperation"], "state": "Processing", "progress": 40}
    _status(kube, landscape, "waiter", processing)
    timer = threading.Timer(0.5, _status, (kube, landscape, "waiter", _ready_status(generation)))
    timer.start()
    try:
        assert gctl.run("wait", "waiter", "--timeout", "30s").stdout == 'Shoot "waiter" of project "dev" is ready\n'
    finally:
        timer.cancel()

    failed = _ready_status(generation)
    failed["lastOperation"] = {**failed["lastOperation"], "state": "Failed", "progress": 60}
    failed["lastErrors"] = [{"description": "infrastructure quota exceeded", "codes": ["ERR_INFRA_QUOTA_EXCEEDED"]}]
    _status(kube, landscape, "waiter", failed)
    error = gctl.fail("wait", "waiter")
    assert error == 'error: shoot "waiter" of project "dev": Reconcile failed: infrastructure quota exceeded'

    error = gctl.fail("wait", "alpha", "--for", "hibernated")
    assert error == 'error: shoot "alpha" of project "dev": the shoot is not asked to hibernate (gardenctl hibernate)'


def test_info_counts_shoots_per_seed(gctl: Gardenctl, landscape: str) -> None:
    text = gctl.run("info").stdout
    lines = text.splitlines()
    assert lines[0] == "Garden: local"
    assert lines[1].split() == ["SEED", "TOTAL", "ACTIVE", "HIBERNATED", "ALLOCATABLE", "CAPACITY"]
    assert lines[2].split()[:4] == ["aws-eu1", "1", "1", "0"]
    summary = yaml.safe_load(gctl.run("info", "-o", "yaml").stdout)
    assert f"{landscape}/beta" in summary["unscheduled"]
    assert "garden-other/twin" in summary["unscheduled"]


def test_ls_issues_says_why(gctl: Gardenctl, landscape: str, kube: Kube, garden: RunningServer) -> None:
    apply(garden, aws_shoot("broken", landscape))
    _bind(kube, landscape, "broken", "aws-eu1")
    generation = shoot_of(kube, landscape, "broken")["metadata"]["generation"]  # type: ignore[index]
    status = _ready_status(generation)
    status["lastOperation"] = {**status["lastOperation"], "state": "Error", "description": "waiting for nodes"}
    status["conditions"][2] = {**status["conditions"][2], "status": "False", "reason": "NodesNotReady"}
    status["conditions"][2]["message"] = "0/1 nodes ready"
    _status(kube, landscape, "broken", status)
    gctl.run("target", "project", "dev")

    text = gctl.run("ls", "issues").stdout
    block = text[text.index("dev/broken") :].split("\ndev/")[0]
    assert block.splitlines()[0] == "dev/broken (seed aws-eu1): Reconcile Error (100%)"
    assert "  - last operation Reconcile Error: waiting for nodes" in block
    assert "  - condition EveryNodeReady is False (NodesNotReady): 0/1 nodes ready" in block
    assert "dev/beta (no seed)" in text
    issues = {i["shoot"]: i for i in yaml.safe_load(gctl.run("ls", "issues", "-o", "yaml").stdout)}
    assert "alpha" not in issues or all("condition" not in r for r in issues["alpha"]["reasons"])


def test_provider_env_exports_the_bindings_credentials(gctl: Gardenctl, landscape: str) -> None:
    gctl.run("target", "shoot", "alpha")
    out = gctl.run("provider-env", "bash").stdout
    assert "export AWS_ACCESS_KEY_ID='AKIAEXAMPLE';" in out
    assert "export AWS_SECRET_ACCESS_KEY='not-a-real-key';" in out
    assert "export AWS_DEFAULT_REGION='eu-central-1';" in out
    assert "unset AWS_ACCESS_KEY_ID;" in gctl.run("provider-env", "bash", "-u").stdout
    assert "set -gx AWS_ACCESS_KEY_ID 'AKIAEXAMPLE';" in gctl.run("provider-env", "fish").stdout
    assert "$Env:AWS_ACCESS_KEY_ID = 'AKIAEXAMPLE';" in gctl.run("provider-env", "powershell").stdout


def test_errors_are_one_line(gctl: Gardenctl, landscape: str, garden: RunningServer) -> None:
    gctl.run("target", "project", "dev")
    assert gctl.fail("hibernate", "nope") == 'error: shoot "nope" does not exist in project "dev"'
    assert gctl.fail("hibernate") == "error: no shoot targeted: run `gardenctl target shoot NAME` first"
    assert gctl.fail("target", "garden", "elsewhere").startswith('error: garden "elsewhere" is not configured in ')

    config = yaml.safe_load(garden.kubeconfig.read_text())
    config["clusters"][0]["cluster"]["server"] = "https://127.0.0.1:1"
    unreachable = gctl.home / "unreachable.kubeconfig"
    unreachable.write_text(yaml.safe_dump(config))
    gctl.configure(
        {
            "gardens": [
                {"identity": "local", "kubeconfig": str(garden.kubeconfig)},
                {"identity": "down", "kubeconfig": str(unreachable)},
            ]
        }
    )
    gctl.run("target", "unset", "garden")
    assert gctl.fail("kubeconfig") == "error: nothing targeted: run `gardenctl target garden NAME` first"
    gctl.run("target", "garden", "down")
    error = gctl.fail("get", "shoots")
    assert error.startswith('error: cannot reach garden "down" at https://127.0.0.1:1: '), error
    assert "refused" in error.lower()
