"""Route 53 records, S3 buckets, and the whole infrastructure under faults injected at the boto3 layer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from providers.interface import BackupBucketRequest, DNSRecordRequest, InfrastructureRequest
from tests.fakes.moto import REGION, credentials, raw_client
from tests.integration.aws.conftest import AWSWorld
from tests.integration.aws.inventory import empty, inventory
from tests.integration.aws.test_infrastructure import EXPECTED_ONE_ZONE, config

pytestmark = pytest.mark.integration


def records(endpoint: str, zone: str, name: str) -> list[tuple[str, str, list[str]]]:
    answer = raw_client(endpoint, "route53").list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    return [
        (r["Name"], r["Type"], [v["Value"] for v in r.get("ResourceRecords") or ()])
        for r in answer
        if r["Name"] == name
    ]


def test_dns_record_upsert_update_delete(world: AWSWorld) -> None:
    route53 = raw_client(world.endpoint, "route53")
    zone = route53.create_hosted_zone(Name="dev.example.com", CallerReference="t1")["HostedZone"]["Id"].split("/")[-1]
    route53.create_hosted_zone(Name="example.com", CallerReference="t2")
    cluster = world.cluster()
    dns = world.provider().dns(cluster)
    name = "api.foo.dev.example.com"
    request = DNSRecordRequest(cluster=cluster, name=name, record_type="A", values=("10.0.0.1",))

    assert dns.reconcile(request) == {"zone": zone}  # the longest matching zone, found by name
    dns.reconcile(DNSRecordRequest(cluster=cluster, name=name, record_type="A", values=("10.0.0.2", "10.0.0.3")))
    assert records(world.endpoint, zone, f"{name}.") == [(f"{name}.", "A", ["10.0.0.2", "10.0.0.3"])]
    txt = DNSRecordRequest(cluster=cluster, name=f"owner.{name}", record_type="TXT", values=("owner=x",), zone=zone)
    dns.reconcile(txt)
    assert records(world.endpoint, zone, f"owner.{name}.") == [(f"owner.{name}.", "TXT", ['"owner=x"'])]

    dns.delete(request)
    dns.delete(request)
    dns.delete(txt)
    assert records(world.endpoint, zone, f"{name}.") == []
    assert records(world.endpoint, zone, f"owner.{name}.") == []


def test_backup_bucket_and_entries(world: AWSWorld) -> None:
    backup = world.provider().backup(credentials(world.endpoint), REGION)
    bucket = "garden-backup-seed-1"
    request = BackupBucketRequest(name=bucket, region=REGION, credentials=credentials(world.endpoint))
    s3 = raw_client(world.endpoint, "s3")

    backup.reconcile(request)
    backup.reconcile(request)
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] == REGION
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    for key in ("shoot--a--one/etcd/full-1", "shoot--a--one/etcd/incr-2", "shoot--a--two/etcd/full-1"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"snapshot")

    backup.delete_entry(request, "shoot--a--one/")
    left = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents") or ()]
    assert left == ["shoot--a--two/etcd/full-1"]
    backup.delete(request)
    backup.delete(request)
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_faults_at_the_boto3_layer_change_nothing(faulty_world: Callable[..., AWSWorld]) -> None:
    world = faulty_world(rate=0.15, seed=11)
    cluster = world.cluster(zones=("eu-west-1a",))
    request = InfrastructureRequest(cluster=cluster, config=config(cluster.zones))

    world.provider().infrastructure(cluster).reconcile(request)

    assert world.faults is not None
    assert world.faults.injected["lost"] > 0 and world.faults.injected["throttle"] > 0
    found = {kind: len(items) for kind, items in inventory(world.endpoint, cluster.technical_id).items()}
    assert found == {**EXPECTED_ONE_ZONE, "key_pairs": 0}
    world.provider().infrastructure(cluster).delete(request)
    assert empty(inventory(world.endpoint, cluster.technical_id)) == {}
