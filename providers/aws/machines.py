"""The machine driver: one EC2 instance per Machine, found by the machine's name tag before one is run.

The instance carries the cluster tag and ``Name=<machine name>``, set by ``RunInstances`` itself
(``TagSpecifications``), and the request carries a ``ClientToken`` derived from the shoot and machine name, so neither
a retry after a lost answer nor a second create for the same Machine starts a second instance: the tag lookup finds
what a previous attempt started, and where AWS's lookups lag behind, the token makes AWS return the same instance.

What to run comes from the MachineClass ``providerSpec`` in the shape of Gardener's AWS machine classes (``ami``,
``iam.name``, ``keyName``, ``networkInterfaces[0].subnetID/securityGroupIDs``, ``blockDevices``, ``tags``,
``instanceMetadataOptions``; see :func:`providers.aws.machineclass.provider_spec`). Whatever the spec leaves out is
found by the names the infrastructure actuator gives things (the zone's ``<id>-nodes-z<i>`` subnet, the
``<id>-nodes`` security group and instance profile), so a bare :class:`~providers.interface.MachineSpec` runs too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from garden.api.common import ErrorCode
from providers.aws.calls import Calls
from providers.aws.clients import AWSClients
from providers.aws.ec2 import EC2, Resource
from providers.aws.errors import is_not_found
from providers.aws.iam import nodes_name
from providers.aws.tags import cluster_filter, name_filter, tag_spec, tag_value
from providers.interface import ClusterInfo, MachineInfo, MachineSpec, ProviderError

#: Instance states that still count as the machine (a stopped instance can be started again).
LIVE_STATES = ("pending", "running", "stopping", "stopped")
_STATES = {
    "pending": "Pending",
    "running": "Running",
    "stopping": "Terminating",
    "stopped": "Unknown",
    "shutting-down": "Terminating",
    "terminated": "Terminated",
}
ROOT_DEVICE = "/dev/xvda"


def provider_id(zone: str, instance_id: str) -> str:
    return f"aws:///{zone}/{instance_id}"


def instance_id_of(provider_id: str) -> str | None:
    """``aws:///eu-west-1a/i-0123`` -> ``i-0123``; None for anything that is not an AWS provider ID."""
    if not provider_id.startswith("aws://"):
        return None
    last = provider_id.rsplit("/", 1)[-1]
    return last if last.startswith("i-") else None


def client_token(technical_id: str, machine: str) -> str:
    """RunInstances' idempotency token: at most 64 ASCII characters, the same for every attempt at one machine."""
    return hashlib.sha256(f"{technical_id}/{machine}".encode()).hexdigest()


def machine_info(instance: Resource) -> MachineInfo:
    zone = instance.get("Placement", {}).get("AvailabilityZone", "")
    addresses = tuple(a for a in (instance.get("PrivateIpAddress"), instance.get("PublicIpAddress")) if a)
    return MachineInfo(
        name=tag_value(instance, "Name") or instance["InstanceId"],
        provider_id=provider_id(zone, instance["InstanceId"]),
        state=_STATES.get(instance["State"]["Name"], "Unknown"),
        addresses=addresses,
    )


def _profile(iam: dict[str, str], technical_id: str) -> dict[str, str]:
    if iam.get("arn"):
        return {"Arn": iam["arn"]}
    return {"Name": iam.get("name") or nodes_name(technical_id)}


class AWSMachines:
    def __init__(self, cluster: ClusterInfo, clients: AWSClients, calls: Calls) -> None:
        self.cluster = cluster
        self.ec2 = EC2(clients.ec2, calls, cluster.technical_id, dict(cluster.labels))
        self.calls = calls

    def _instances(self, *filters: dict[str, Any]) -> list[Resource]:
        found: list[Resource] = []
        paginator = self.ec2.client.get_paginator("describe_instances")
        for page in paginator.paginate(Filters=[cluster_filter(self.cluster.technical_id), *filters]):
            for reservation in page.get("Reservations") or ():
                found.extend(reservation.get("Instances") or ())
        return found

    def _live(self, name: str) -> list[Resource]:
        return self._instances(name_filter(name), {"Name": "instance-state-name", "Values": list(LIVE_STATES)})

    def _subnet(self, spec: MachineSpec) -> str:
        subnets = self.ec2.tagged(
            "describe_subnets",
            {"Name": "availability-zone", "Values": [spec.zone]},
            {"Name": "tag:Name", "Values": [f"{self.cluster.technical_id}-nodes-z*"]},
        )
        if not subnets:
            raise ProviderError(
                f"no nodes subnet of {self.cluster.technical_id} in zone {spec.zone}: is the zone in the "
                "InfrastructureConfig and the infrastructure reconciled?",
                ErrorCode.CONFIGURATION_PROBLEM,
            )
        return str(subnets[0]["SubnetId"])

    def _security_groups(self) -> list[str]:
        groups = self.ec2.tagged("describe_security_groups", name_filter(nodes_name(self.cluster.technical_id)))
        if not groups:
            raise ProviderError(
                f"the nodes' security group of {self.cluster.technical_id} is missing", ErrorCode.CONFIGURATION_PROBLEM
            )
        return [str(g["GroupId"]) for g in groups]

    def _run(self, spec: MachineSpec) -> Resource:
        ps = spec.provider_spec
        nic = (ps.get("networkInterfaces") or [{}])[0]
        subnet = nic.get("subnetID") or self._subnet(spec)
        groups = nic.get("securityGroupIDs") or self._security_groups()
        ebs = dict(((ps.get("blockDevices") or [{}])[0]).get("ebs") or {})
        volume: dict[str, Any] = {"DeleteOnTermination": ebs.get("deleteOnTermination", True), "Encrypted": True}
        if size := spec.volume_size_gib or ebs.get("volumeSize"):
            volume["VolumeSize"] = int(size)
        if kind := spec.volume_type or ebs.get("volumeType"):
            volume["VolumeType"] = kind
        if ebs.get("iops"):
            volume["Iops"] = int(ebs["iops"])
        if ebs.get("throughput"):
            volume["Throughput"] = int(ebs["throughput"])
        tags = {**dict(ps.get("tags") or {}), "kubernetes.io/role/node": "1"}
        request: dict[str, Any] = {
            "ImageId": ps.get("ami") or spec.image,
            "InstanceType": ps.get("machineType") or spec.machine_type,
            "MinCount": 1,
            "MaxCount": 1,
            "UserData": spec.userdata.decode(),
            "ClientToken": client_token(self.cluster.technical_id, spec.name),
            "IamInstanceProfile": _profile(ps.get("iam") or {}, self.cluster.technical_id),
            "NetworkInterfaces": [
                {"DeviceIndex": 0, "SubnetId": subnet, "Groups": list(groups), "AssociatePublicIpAddress": False}
            ],
            "BlockDeviceMappings": [{"DeviceName": ps.get("rootDeviceName") or ROOT_DEVICE, "Ebs": volume}],
            "TagSpecifications": [
                *tag_spec("instance", self.cluster.technical_id, spec.name, {**self.ec2.extra_tags, **tags}),
                *tag_spec("volume", self.cluster.technical_id, spec.name, self.ec2.extra_tags),
            ],
        }
        if ps.get("keyName"):
            request["KeyName"] = ps["keyName"]
        if options := ps.get("instanceMetadataOptions"):
            request["MetadataOptions"] = {
                key: value
                for key, value in (
                    ("HttpTokens", options.get("httpTokens")),
                    ("HttpPutResponseHopLimit", options.get("httpPutResponseHopLimit")),
                )
                if value is not None
            }
        return dict(self.ec2.client.run_instances(**request)["Instances"][0])

    def create(self, spec: MachineSpec) -> MachineInfo:
        def step() -> Resource:
            found = self._live(spec.name)
            return found[0] if found else self._run(spec)

        return machine_info(self.calls.run(f"running machine {spec.name}", step))

    def delete(self, spec: MachineSpec, provider_id: str | None) -> None:
        def step() -> None:
            ids = []
            if provider_id and (instance := instance_id_of(provider_id)):
                ids.append(instance)
            ids.extend(i["InstanceId"] for i in self._live(spec.name) if i["InstanceId"] not in ids)
            for instance in ids:
                try:
                    self.ec2.client.terminate_instances(InstanceIds=[instance])
                except Exception as exc:
                    if not is_not_found(exc):
                        raise

        self.calls.run(f"terminating machine {spec.name}", step)

    def list(self, cluster: ClusterInfo) -> Sequence[MachineInfo]:
        instances = self.calls.run(
            "listing the shoot's machines",
            lambda: self._instances({"Name": "instance-state-name", "Values": [*LIVE_STATES, "shutting-down"]}),
        )
        return [machine_info(i) for i in instances]


__all__ = ["AWSMachines", "client_token", "instance_id_of", "machine_info", "provider_id"]
