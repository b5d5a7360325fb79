from __future__ import annotations

from kubelite.kubelet.network.proxy_rules import Listen, backends, load_balancer_ingress, rules

ENDPOINTS = {
    "metadata": {"name": "web", "namespace": "ns"},
    "subsets": [
        {
            "addresses": [{"ip": "127.244.0.3"}],
            "notReadyAddresses": [{"ip": "127.244.0.4"}],
            "ports": [
                {"name": "https", "port": 443, "protocol": "TCP"},
                {"name": "dns", "port": 53, "protocol": "UDP"},
            ],
        },
        {"addresses": [{"ip": "127.244.0.2"}], "ports": [{"name": "https", "port": 8443, "protocol": "TCP"}]},
    ],
}


def service(**spec: object) -> dict:  # type: ignore[type-arg]
    return {
        "metadata": {"name": "web", "namespace": "ns"},
        "spec": {
            "clusterIP": "10.96.1.2",
            "ports": [
                {"name": "https", "port": 443, "protocol": "TCP"},
                {"name": "dns", "port": 53, "protocol": "UDP"},
            ],
            **spec,
        },
    }


def test_backends_are_ready_and_shifted() -> None:
    assert backends(ENDPOINTS, "https") == (("127.244.0.2", 8443), ("127.244.0.3", 10443))
    assert backends(ENDPOINTS, "dns") == ()  # UDP is not proxied
    assert backends(None, "https") == ()


def test_rules_listen_on_vip_and_node_port() -> None:
    found = rules([service(type="NodePort", ports=[{"name": "https", "port": 443, "nodePort": 30443}])], [ENDPOINTS])
    assert [r.listen for r in found] == [Listen("127.96.1.2", 10443), Listen("127.0.0.1", 30443)]
    assert rules([service(clusterIP="None")], [ENDPOINTS]) == []


def test_load_balancer_ingress() -> None:
    assert load_balancer_ingress(service()) is None
    assert load_balancer_ingress(service(type="LoadBalancer")) == [
        {"ip": "127.96.1.2", "ipMode": "VIP", "ports": [{"port": 10443, "protocol": "TCP"}]}
    ]
