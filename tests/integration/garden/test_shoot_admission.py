"""Shoot admission in the garden API server, through the pinned kubectl: a Shoot written as Gardener's documentation
writes one is created with its defaults filled in; invalid ones are refused with a 4xx naming the field and nothing
is stored; updates that downgrade, skip a minor or move the region are refused, a minor upgrade is accepted.

The server's admission clock is pinned to 2026-11-25, so which catalogue versions have expired does not depend on
the day the tests run.
"""

from __future__ import annotations

import copy
import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.server import RunningServer
from tests.unit.admission.test_shoot_common import shoot

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
NAMESPACE = "garden-dev"

SURROUNDINGS = textwrap.dedent(
    f"""\
    apiVersion: v1
    kind: Namespace
    metadata:
      name: {NAMESPACE}
      labels:
        gardener.cloud/role: project
        project.gardener.cloud/name: dev
    ---
    apiVersion: core.gardener.cloud/v1beta1
    kind: Project
    metadata:
      name: dev
    spec:
      namespace: {NAMESPACE}
    ---
    apiVersion: v1
    kind: Secret
    metadata:
      name: aws
      namespace: {NAMESPACE}
    type: Opaque
    stringData:
      accessKeyID: AKIAIOSFODNN7EXAMPLE
      secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
    ---
    apiVersion: core.gardener.cloud/v1beta1
    kind: SecretBinding
    metadata:
      name: aws
      namespace: {NAMESPACE}
    secretRef:
      name: aws
      namespace: {NAMESPACE}
    provider:
      type: aws
    """
)


@pytest.fixture(scope="module")
def garden(garden: RunningServer) -> RunningServer:
    """The package's garden API server (admission clock pinned), with cloud profiles, a project and a binding."""
    for name in ("aws", "local"):
        garden.kubectl("apply", "-f", str(ROOT / "cloudprofiles" / f"{name}.yaml"))
    garden.kubectl("apply", "-f", "-", input=SURROUNDINGS)
    return garden


def manifest(name: str) -> dict[str, Any]:
    """A Shoot as Gardener's documentation writes one (the same the unit tests default)."""
    return shoot(name)


def create(garden: RunningServer, obj: dict[str, Any]) -> Any:
    return garden.kubectl("create", "-f", "-", input=yaml.safe_dump(obj), check=False)


def get(garden: RunningServer, name: str) -> dict[str, Any]:
    return garden.kubectl_yaml("get", "shoot", name, "-n", NAMESPACE)


def patch(garden: RunningServer, name: str, body: dict[str, Any]) -> Any:
    return garden.kubectl(
        "patch", "shoot", name, "-n", NAMESPACE, "--type", "merge", "-p", json.dumps(body), check=False
    )


def test_a_gardener_docs_shoot_is_created_with_its_defaults(garden: RunningServer) -> None:
    result = create(garden, manifest("docs"))
    assert result.returncode == 0, result.stderr
    spec = get(garden, "docs")["spec"]
    assert spec["kubernetes"]["version"] == "1.36.2"
    assert spec["cloudProfile"] == {"kind": "CloudProfile", "name": "aws"}
    pool = spec["provider"]["workers"][0]
    assert pool["machine"] == {
        "type": "m5.large",
        "architecture": "amd64",
        "image": {"name": "gardenlinux", "version": "1877.3"},
    }
    assert (pool["maxSurge"], pool["maxUnavailable"], pool["cri"]) == (1, 0, {"name": "containerd"})
    assert pool["systemComponents"] == {"allow": True}
    assert spec["purpose"] == "evaluation"
    assert spec["schedulerName"] == "default-scheduler"
    maintenance = spec["maintenance"]
    assert maintenance["autoUpdate"] == {"kubernetesVersion": True, "machineImageVersion": True}
    begin, end = maintenance["timeWindow"]["begin"], maintenance["timeWindow"]["end"]
    assert int(begin[:2]) in (22, 23, 0, 1, 2, 3, 4) and int(end[:2]) == (int(begin[:2]) + 1) % 24
    assert spec["networking"] == {
        "type": "calico",
        "nodes": "10.250.0.0/16",
        "ipFamilies": ["IPv4"],
        "pods": "100.96.0.0/11",
        "services": "100.64.0.0/13",
    }


def _pool(obj: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = obj["spec"]["provider"]["workers"][0]
    return found


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(obj: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = obj
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[last] = value

    return change


W0 = "spec.provider.workers[0]"
INVALID = [
    ("region", _set("spec.region", "eu-west-9"), "spec.region", 'Unsupported value: "eu-west-9"'),
    ("zone", _set("spec.provider.workers.0.zones", ["eu-central-1z"]), f"{W0}.zones[0]", "Unsupported value"),
    ("mtype", _set("spec.provider.workers.0.machine.type", "m7.huge"), f"{W0}.machine.type", "Unsupported value"),
    (
        "gpu",
        lambda o: _pool(o).update(machine={"type": "p3.2xlarge"}, zones=["eu-central-1c"]),
        f"{W0}.machine.type",
        'is unavailable in zone "eu-central-1c"',
    ),
    ("k8s", _set("spec.kubernetes.version", "1.33.5"), "spec.kubernetes.version", 'Unsupported value: "1.33.5"'),
    (
        "image",
        _set("spec.provider.workers.0.machine.image", {"name": "gardenlinux", "version": "1443.10"}),
        f"{W0}.machine.image.version",
        'Unsupported value: "1443.10"',
    ),
    ("minmax", _set("spec.provider.workers.0.minimum", 5), f"{W0}.maximum", "must not be less than minimum"),
    ("profile", _set("spec.cloudProfile", {"name": "azure"}), "spec.cloudProfile.name", "not found"),
    ("cidr", _set("spec.networking.nodes", "10.250.0.0/33"), "spec.networking.nodes", "invalid CIDR address"),
    (
        "cron",
        _set("spec.hibernation", {"schedules": [{"start": "0 25 * * 1-5"}]}),
        "spec.hibernation.schedules[0].start",
        "not a valid cron spec",
    ),
]


@pytest.mark.parametrize(("suffix", "change", "path", "detail"), INVALID, ids=[case[0] for case in INVALID])
def test_an_invalid_shoot_is_refused_and_not_stored(
    garden: RunningServer, suffix: str, change: Callable[[dict[str, Any]], None], path: str, detail: str
) -> None:
    name = f"bad-{suffix}"
    obj = manifest(name)
    change(obj)
    result = create(garden, obj)
    assert result.returncode != 0
    assert f'The Shoot "{name}" is invalid' in result.stderr, result.stderr
    assert f"{path}: " in result.stderr, result.stderr
    assert detail in result.stderr, result.stderr
    missing = garden.kubectl("get", "shoot", name, "-n", NAMESPACE, check=False)
    assert missing.returncode != 0
    assert "NotFound" in missing.stderr, missing.stderr


def test_the_refusal_is_a_422_naming_each_field(garden: RunningServer) -> None:
    obj = manifest("bad-many")
    obj["spec"]["region"] = "eu-west-9"
    _pool(obj)["minimum"] = 5
    result = garden.kubectl("create", "-f", "-", "-v=6", input=yaml.safe_dump(obj), check=False)
    assert result.returncode != 0
    assert "422" in result.stderr, result.stderr
    assert "spec.region: Unsupported value" in result.stderr
    assert f"{W0}.maximum: Forbidden" in result.stderr


@pytest.fixture(scope="module")
def running(garden: RunningServer) -> str:
    """A shoot on Kubernetes 1.35, to update."""
    obj = manifest("upd")
    obj["spec"]["kubernetes"]["version"] = "1.35"
    result = create(garden, obj)
    assert result.returncode == 0, result.stderr
    assert get(garden, "upd")["spec"]["kubernetes"]["version"] == "1.35.2"
    return "upd"


@pytest.mark.parametrize(
    ("body", "path", "detail"),
    [
        ({"spec": {"kubernetes": {"version": "1.35.1"}}}, "spec.kubernetes.version", "downgrade is not supported"),
        ({"spec": {"kubernetes": {"version": "1.37.1"}}}, "spec.kubernetes.version", "cannot skip a minor version"),
        ({"spec": {"region": "eu-west-1"}}, "spec.region", "field is immutable"),
    ],
    ids=["downgrade", "minor-skip", "region"],
)
def test_forbidden_updates_are_refused(
    garden: RunningServer, running: str, body: dict[str, Any], path: str, detail: str
) -> None:
    before = get(garden, running)
    result = patch(garden, running, body)
    assert result.returncode != 0
    assert f"{path}: " in result.stderr and detail in result.stderr, result.stderr
    after = get(garden, running)
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
    assert after["spec"] == before["spec"]


def test_a_minor_upgrade_is_accepted(garden: RunningServer, running: str) -> None:
    result = patch(garden, running, {"spec": {"kubernetes": {"version": "1.36"}}})
    assert result.returncode == 0, result.stderr
    upgraded = get(garden, running)
    assert upgraded["spec"]["kubernetes"]["version"] == "1.36.2"
    assert upgraded["spec"]["provider"]["workers"][0]["machine"]["image"] == {
        "name": "gardenlinux",
        "version": "1877.3",
    }
    unchanged = copy.deepcopy(upgraded["spec"])
    result = patch(garden, running, {"metadata": {"labels": {"team": "a"}}})
    assert result.returncode == 0, result.stderr
    assert get(garden, running)["spec"] == unchanged
