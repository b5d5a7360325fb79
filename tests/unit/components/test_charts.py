"""Every chart renders for representative values into objects the Kubernetes 1.37 schemas accept, and its parts fit
together: selectors match pod labels, probes and Services name ports that exist, mounts name volumes."""

from __future__ import annotations

from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from gardenlet.components.base import ChartComponent
from gardenlet.components.chart import ChartError, render_chart
from gardenlet.components.kinds import resource_of
from tests.unit.components.examples import components

pytestmark = pytest.mark.unit

COMPONENTS = components()
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")


@pytest.fixture(params=sorted(COMPONENTS), ids=str)
def component(request: pytest.FixtureRequest) -> ChartComponent:
    return COMPONENTS[request.param]


def pods(objects: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(workload, pod template) of each workload."""
    return [(o, o["spec"]["template"]) for o in objects if o["kind"] in WORKLOADS]


def matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def test_objects_validate_against_kubernetes_schemas(component: ChartComponent) -> None:
    objects = component.objects()
    assert objects
    for obj in objects:
        kubernetes_validate.validate(obj, "1.37.0", strict=True)
        assert yaml.safe_load(yaml.safe_dump(obj)) == obj
        resource = resource_of(obj)
        assert bool(obj["metadata"].get("namespace")) == resource.namespaced, obj["metadata"]


def test_names_are_unique(component: ChartComponent) -> None:
    keys = [(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in component.objects()]
    assert len(keys) == len(set(keys))


def test_workload_selectors_match_their_pod_labels(component: ChartComponent) -> None:
    for workload, template in pods(component.objects()):
        selector = workload["spec"]["selector"]["matchLabels"]
        assert selector
        assert matches(selector, template["metadata"]["labels"]), workload["metadata"]["name"]


def test_services_and_budgets_select_pods_of_the_chart(component: ChartComponent) -> None:
    objects = component.objects()
    labels = [template["metadata"]["labels"] for _, template in pods(objects)]
    for obj in objects:
        if obj["kind"] == "Service":
            selector = obj["spec"]["selector"]
        elif obj["kind"] in ("PodDisruptionBudget", "NetworkPolicy"):
            selector = (obj["spec"].get("selector") or obj["spec"].get("podSelector"))["matchLabels"]
        else:
            continue
        assert any(matches(selector, pod_labels) for pod_labels in labels), obj["metadata"]["name"]


def test_probes_and_service_ports_name_container_ports(component: ChartComponent) -> None:
    objects = component.objects()
    named: dict[str, int] = {}
    for _, template in pods(objects):
        for container in template["spec"]["containers"]:
            ports = container.get("ports") or []
            named |= {p["name"]: p["containerPort"] for p in ports}
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                port = (container.get(probe) or {}).get("httpGet", {}).get("port")
                if isinstance(port, str):
                    assert port in {p["name"] for p in ports}, (container["name"], probe, port)
    for obj in objects:
        if obj["kind"] == "Service":
            for port in obj["spec"]["ports"]:
                target = port.get("targetPort", port["port"])
                assert target in named or target in named.values(), (obj["metadata"]["name"], port)


def test_mounts_name_volumes(component: ChartComponent) -> None:
    for workload, template in pods(component.objects()):
        volumes = {v["name"] for v in template["spec"].get("volumes") or []}
        volumes |= {c["metadata"]["name"] for c in workload["spec"].get("volumeClaimTemplates") or []}
        for container in template["spec"]["containers"]:
            for mount in container.get("volumeMounts") or []:
                assert mount["name"] in volumes, (workload["metadata"]["name"], mount)


def test_images_are_upstream_or_given(component: ChartComponent) -> None:
    for _, template in pods(component.objects()):
        for container in template["spec"]["containers"]:
            assert container["image"].startswith(("registry.k8s.io/", "registry.example.com/")), container["image"]


def test_a_missing_chart_value_is_an_error(tmp_path: Any) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "a.yaml.j2").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {{ nope }}}\n")
    with pytest.raises(ChartError, match="nope"):
        render_chart("broken", {}, charts=tmp_path)
    with pytest.raises(ChartError, match="no directory"):
        render_chart("absent", {}, charts=tmp_path)
    (tmp_path / "list").mkdir()
    (tmp_path / "list" / "a.yaml.j2").write_text("- 1\n- 2\n")
    with pytest.raises(ChartError, match="not an API object"):
        render_chart("list", {}, charts=tmp_path)
