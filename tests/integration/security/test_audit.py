"""The audit log of a real server: JSON lines of audit.k8s.io/v1 Events at the levels the policy gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.integration.server import threaded_server

pytestmark = pytest.mark.integration


def test_audit_events_follow_the_policy(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "audit.k8s.io/v1",
                "kind": "Policy",
                "omitStages": ["RequestReceived"],
                "rules": [
                    {"level": "None", "nonResourceURLs": ["/api*", "/openapi*", "/version"]},
                    {"level": "RequestResponse", "resources": [{"group": "", "resources": ["configmaps"]}]},
                    {"level": "None", "verbs": ["get", "list", "watch"]},
                    {"level": "Metadata"},
                ],
            }
        )
    )
    log = tmp_path / "audit" / "audit.log"
    with threaded_server(tmp_path / "data", audit_log_path=str(log), audit_policy_file=policy) as server:
        server.kubectl("create", "configmap", "settings", "--from-literal=a=b")
        server.kubectl("create", "namespace", "audited")
        server.kubectl("get", "namespaces")
        server.kubectl("get", "configmap", "nope", check=False)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert all(e["kind"] == "Event" and e["apiVersion"] == "audit.k8s.io/v1" for e in events)
    assert {e["stage"] for e in events} == {"ResponseComplete"}
    created = [e for e in events if e.get("objectRef", {}).get("resource") == "configmaps" and e["verb"] == "create"]
    assert len(created) == 1
    event = created[0]
    assert event["level"] == "RequestResponse"
    assert event["user"]["username"] == "kubelite-admin"
    assert event["objectRef"] == {"resource": "configmaps", "namespace": "default", "apiGroup": "", "apiVersion": "v1"}
    assert event["responseStatus"]["code"] == 201
    assert event["responseObject"]["data"] == {"a": "b"}
    assert event["requestURI"].startswith("/api/v1/namespaces/default/configmaps")
    assert event["auditID"] and event["requestReceivedTimestamp"] <= event["stageTimestamp"]
    namespace = [e for e in events if e.get("objectRef", {}).get("resource") == "namespaces"]
    assert [(e["verb"], e["level"], e["responseStatus"]["code"]) for e in namespace] == [("create", "Metadata", 201)]
    assert "responseObject" not in namespace[0]
    missing = [e for e in events if e.get("objectRef", {}).get("name") == "nope"]
    assert [e["responseStatus"]["code"] for e in missing] == [404]
