from __future__ import annotations

from typing import Any

from kubelite.kubelet.controllers import endpointsets
from tests.unit.kubelet.workloads import pod


def service(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default", "uid": "svc-1", "labels": {"tier": "front"}},
        "spec": {
            "selector": {"app": "web"},
            "clusterIP": "10.96.0.10",
            "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
            **spec,
        },
    }


def named(name: str, ip: str, port: int | None, **kw: Any) -> dict[str, Any]:
    ports = [{"name": "http", "containerPort": port, "protocol": "TCP"}] if port else []
    p = pod(name, ip=ip, **kw)
    p["spec"]["containers"][0]["ports"] = ports
    return p


def test_subsets_split_ready_and_group_by_resolved_port() -> None:
    pods = [
        named("a", "127.244.0.2", 8080),
        named("b", "127.244.0.3", 8080, ready=False),
        named("c", "127.244.0.4", 9090),
        named("no-port", "127.244.0.5", None),
        named("other", "127.244.0.6", 8080, labels={"app": "other"}),
        named("done", "127.244.0.7", 8080, phase="Failed"),
        named("no-ip", "", 8080),
    ]
    subsets = endpointsets.endpoint_subsets(service(), pods)
    assert [[a["ip"] for a in s.get("addresses", [])] for s in subsets] == [["127.244.0.2"], ["127.244.0.4"]]
    assert subsets[0]["notReadyAddresses"][0]["targetRef"] == {
        "kind": "Pod",
        "namespace": "default",
        "name": "b",
        "uid": "uid-b",
    }
    assert subsets[0]["ports"] == [{"name": "http", "port": 8080, "protocol": "TCP"}]
    assert subsets[1]["ports"] == [{"name": "http", "port": 9090, "protocol": "TCP"}]
    assert subsets[0]["addresses"][0]["nodeName"] == "n"


def test_numeric_target_port_hostname_and_publish_not_ready() -> None:
    svc = service(
        ports=[{"port": 443, "targetPort": 8443, "protocol": "TCP"}], publishNotReadyAddresses=True, clusterIP="None"
    )
    p = named("db-0", "127.244.0.9", None, ready=False, hostname="db-0", subdomain="web")
    (subset,) = endpointsets.endpoint_subsets(svc, [p])
    assert subset["addresses"][0]["hostname"] == "db-0"
    assert subset["ports"] == [{"port": 8443, "protocol": "TCP"}]
    endpoints = endpointsets.desired_endpoints(svc, [p])
    assert endpoints["metadata"]["labels"] == {"tier": "front", "service.kubernetes.io/headless": ""}


def test_slices_are_labelled_owned_and_stable() -> None:
    pods = [named("a", "127.244.0.2", 8080), named("b", "127.244.0.3", 8080, ready=False)]
    (slice_,) = endpointsets.desired_slices(service(), pods)
    assert slice_["metadata"]["labels"]["kubernetes.io/service-name"] == "web"
    assert slice_["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io"
    assert slice_["metadata"]["ownerReferences"][0]["kind"] == "Service"
    assert [e["conditions"]["ready"] for e in slice_["endpoints"]] == [True, False]
    assert slice_["metadata"]["name"] == endpointsets.desired_slices(service(), pods[:1])[0]["metadata"]["name"]
    (empty,) = endpointsets.desired_slices(service(), [])
    assert empty["endpoints"] == []
