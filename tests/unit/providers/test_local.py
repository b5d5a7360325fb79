"""The local provider's pure parts: machine pods, provider IDs, nodes CIDRs, DNS keys and bucket names."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.interface import (
    BackupBucketRequest,
    ClusterInfo,
    InfrastructureRequest,
    MachineClassRequest,
    MachineSpec,
    Networks,
    ProviderError,
)
from providers.local import LocalProvider
from providers.local.backup import LocalBackup
from providers.local.config import InfrastructureConfig
from providers.local.dns import record_key, zone_configmap
from providers.local.infrastructure import nodes_cidr
from providers.local.machines import machine_pod, parse_provider_id, provider_id

pytestmark = pytest.mark.unit

CLUSTER = ClusterInfo("shoot--p--s", "local", {}, ("z1",), Networks(nodes="10.10.0.0/16"))


def test_a_machine_is_a_pod_running_the_node_image_with_its_user_data() -> None:
    spec = MachineSpec("m-1", CLUSTER, "class", "small", "localhost/kubelite/node:1.0", "z1", b"#cloud-config\n")
    pod = machine_pod(spec)
    assert pod["metadata"]["namespace"] == "shoot--p--s"
    assert pod["spec"]["restartPolicy"] == "Never"
    container = pod["spec"]["containers"][0]
    assert container["image"] == "localhost/kubelite/node:1.0"
    args = container["args"]
    assert args[args.index("--provider-id") + 1] == "local:///shoot--p--s/m-1"
    assert args[args.index("--userdata") + 1] == "/etc/machine/userdata"
    assert pod["spec"]["volumes"][0]["secret"]["secretName"] == "m-1-userdata"


def test_provider_ids_round_trip() -> None:
    assert parse_provider_id(provider_id("ns", "m")) == ("ns", "m")
    assert parse_provider_id("aws:///eu-west-1a/i-1") is None
    assert parse_provider_id("local:///ns") is None


def test_nodes_cidr_comes_from_the_config_then_the_shoot_then_a_default() -> None:
    assert nodes_cidr(InfrastructureRequest(CLUSTER, InfrastructureConfig(nodes="10.1.0.0/24"))) == "10.1.0.0/24"
    assert nodes_cidr(InfrastructureRequest(CLUSTER, None)) == "10.10.0.0/16"
    assert nodes_cidr(InfrastructureRequest(ClusterInfo("t", "r", {}), None)) == "10.250.0.0/16"
    with pytest.raises(ProviderError, match="nodes CIDR") as caught:
        nodes_cidr(InfrastructureRequest(CLUSTER, InfrastructureConfig(nodes="10.1.0.1/24")))
    assert not caught.value.retryable


def test_machine_classes_run_the_node_image() -> None:
    result = LocalProvider().machine_class(MachineClassRequest(CLUSTER, "cpu", "z1", 0, "small", "ubuntu", "24.4"))
    assert result.image.startswith("localhost/kubelite/node:")
    assert result.provider_spec["zone"] == "z1"


def test_dns_keys() -> None:
    assert record_key("api.shoot.example.com.", "A") == "api.shoot.example.com_A"
    assert record_key("*.ingress.example.com", "CNAME") == "wildcard.ingress.example.com_CNAME"
    assert zone_configmap("Example.com") == "zone-example-com"


def test_buckets_are_directories_and_names_cannot_escape_the_root(tmp_path: Path) -> None:
    backup = LocalBackup(tmp_path)
    request = BackupBucketRequest("bucket-1", "local", {})
    backup.reconcile(request)
    (tmp_path / "bucket-1" / "shoot--p--s--uid").mkdir()
    (tmp_path / "bucket-1" / "shoot--p--s--uid" / "full").write_text("backup")
    backup.delete_entry(request, "shoot--p--s--uid")
    assert list((tmp_path / "bucket-1").iterdir()) == []
    backup.delete(request)
    backup.delete(request)
    assert not (tmp_path / "bucket-1").exists()
    for name in ("..", "a/b", ""):
        with pytest.raises(ProviderError, match="one path component"):
            backup.reconcile(BackupBucketRequest(name, "local", {}))
    with pytest.raises(ProviderError, match="backupRoot"):
        LocalBackup.from_credentials({})
