from __future__ import annotations

import json
from pathlib import Path

from kubelite.kubelet.network.names import names_table, write_table
from tests.unit.kubelet.workloads import pod


def svc(name: str, cluster_ip: str) -> dict:  # type: ignore[type-arg]
    return {"metadata": {"name": name, "namespace": "ns"}, "spec": {"clusterIP": cluster_ip}}


def test_table_lists_services_vips_ready_addresses_and_pod_names() -> None:
    endpoints = [
        {
            "metadata": {"name": "web", "namespace": "ns"},
            "subsets": [
                {
                    "addresses": [{"ip": "127.244.0.8"}, {"ip": "127.244.0.7"}],
                    "notReadyAddresses": [{"ip": "127.244.0.9"}],
                }
            ],
        }
    ]
    member = pod("db-0", ip="127.244.0.7", hostname="db-0", subdomain="db")
    member["metadata"]["namespace"] = "ns"
    table = names_table([svc("web", "10.96.0.10"), svc("db", "None")], endpoints, [member, pod("x")])
    assert table == {
        "clusterDomain": "cluster.local",
        "services": {
            "ns/db": {"clusterIP": "None", "vip": None, "addresses": []},
            "ns/web": {"clusterIP": "10.96.0.10", "vip": "127.96.0.10", "addresses": ["127.244.0.7", "127.244.0.8"]},
        },
        "pods": {"ns/db-0.db": "127.244.0.7"},
    }


def test_write_is_atomic_and_only_on_change(tmp_path: Path) -> None:
    path = tmp_path / "run" / "names.json"
    table = {"clusterDomain": "cluster.local", "services": {}, "pods": {}}
    assert write_table(path, table)
    first = path.stat().st_mtime_ns
    assert not write_table(path, table)
    assert path.stat().st_mtime_ns == first
    assert write_table(path, {**table, "pods": {"ns/a.b": "127.244.0.1"}})
    assert json.loads(path.read_text())["pods"] == {"ns/a.b": "127.244.0.1"}
    assert [p.name for p in path.parent.iterdir()] == ["names.json"]  # no temporary file left behind
