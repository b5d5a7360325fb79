"""AWS for tests: moto's server on a loopback port, plus two layers of our own at the boto3 layer.

moto's server mode is a real HTTP endpoint speaking AWS's wire protocols; the provider reaches it through the
``endpointURL`` key of its credentials and never knows it is not AWS. Two things moto does not do, and which the
provider's logic depends on, are added here with botocore event hooks on the session the provider is given:

* :class:`Faults` answers a chosen share of requests with throttling (``RequestLimitExceeded``/``Throttling``/
  ``SlowDown``), a 503, or a timeout, either before the request leaves (AWS never saw it) or after moto carried it out
  (the answer is lost: the case where a naive retry makes a duplicate).
* :class:`Realism` gives AWS's timing and dependency rules: a NAT gateway is ``pending`` for a few describes after it
  is made and ``deleting`` for a few after it is deleted; an instance is ``pending`` and ``shutting-down`` likewise;
  subnets, security groups, VPCs, internet gateways and Elastic IPs cannot be deleted while something still uses them
  (``DependencyViolation``/``InvalidIPAddress.InUse``), judged by that same timeline; a network interface of no
  instance and no NAT gateway (one made with ``CreateNetworkInterface``) keeps its subnet, groups and VPC in use.

Both hooks see every request of every client made from the session (``before-send``, ``before-parse``,
``after-call``), which is the boto3 layer: the provider's own code runs unchanged.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import boto3
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.exceptions import ReadTimeoutError
from moto.server import ThreadedMotoServer

REGION = "eu-west-1"
ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")


@contextmanager
def moto_server() -> Iterator[str]:
    """moto's server in a thread on a free loopback port; yields its URL and stops it afterwards."""
    # werkzeug logs every request at INFO: thousands of lines in a failing test's captured log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def credentials(endpoint: str, key: str = "testing") -> dict[str, str]:
    """A cloud provider secret's data for moto (any key is accepted; the key separates moto accounts' limiters)."""
    return {"accessKeyID": key, "secretAccessKey": "testing", "endpointURL": endpoint}


def plain_session(_: Mapping[str, str] | None = None, region: str = REGION) -> boto3.session.Session:
    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region)


def raw_client(endpoint: str, service: str, region: str = REGION) -> Any:
    """A client straight to moto, with no hooks: what tests use to look at the cloud behind the provider's back."""
    return plain_session(region=region).client(service, endpoint_url=endpoint, region_name=region)


# -- answering at the boto3 layer ------------------------------------------------------------------------------------


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def error_response(request: AWSRequest, service: str, status: int, code: str, message: str) -> AWSResponse:
    """An error answer in the service's own wire format, as AWS would send it."""
    if service == "ec2":
        body = f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
        body += "<RequestID>fault</RequestID></Response>"
    elif service == "s3":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault</RequestId></Error>"
    else:
        body = f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        body += "<RequestId>fault</RequestId></ErrorResponse>"
    return AWSResponse(request.url, status, {"Content-Type": "text/xml"}, _Body(body.encode()))


def _service(event_name: str) -> str:
    return event_name.split(".")[1]


THROTTLE_CODES = {"ec2": "RequestLimitExceeded", "s3": "SlowDown"}
FAULT_KINDS = ("throttle", "unavailable", "timeout", "lost")


@dataclass
class Faults:
    """Injects faults into a share of requests, deterministically (seeded) so a failing run can be repeated.

    ``rate`` is the chance per request; ``kinds`` which faults to draw from; ``only`` limits faults to operations whose
    name starts with one of its prefixes (``("Create", "Run")``). ``injected`` counts what was done.
    """

    rate: float = 0.2
    kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 7
    only: tuple[str, ...] = ()
    enabled: bool = True
    injected: Counter[str] = field(default_factory=Counter)
    _random: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _lost: threading.local = field(default_factory=threading.local)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def install(self, session: boto3.session.Session) -> None:
        session.events.register("before-send", self._before_send)
        session.events.register("before-parse", self._before_parse)

    def _draw(self, operation: str) -> str | None:
        if not self.enabled or (self.only and not operation.startswith(self.only)):
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            kind = self._random.choice(self.kinds)
            self.injected[kind] += 1
            return kind

    def _before_send(self, request: AWSRequest, event_name: str, **_: Any) -> AWSResponse | None:
        service, operation = _service(event_name), event_name.split(".")[2]
        kind = self._draw(operation)
        if kind == "throttle":
            status = 503 if service == "s3" else 400
            return error_response(request, service, status, THROTTLE_CODES.get(service, "Throttling"), "Rate exceeded")
        if kind == "unavailable":
            return error_response(request, service, 503, "ServiceUnavailable", "Service unavailable")
        if kind == "timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        if kind == "lost":
            # The request goes through and moto carries it out; the answer is dropped in _before_parse (same thread).
            self._lost.url = request.url
        return None

    def _before_parse(self, **_: Any) -> None:
        url = getattr(self._lost, "url", None)
        if url is not None:
            self._lost.url = None
            raise ReadTimeoutError(endpoint_url=url)


def _params(request: AWSRequest) -> dict[str, str]:
    body = request.body
    if isinstance(body, bytes):
        body = body.decode()
    return {key: values[0] for key, values in parse_qs(body or "").items()}


@dataclass
class Realism:
    """AWS's timing and dependency rules on top of moto (which makes and deletes everything at once).

    ``describes`` is how many Describe answers a NAT gateway or instance stays in its transitional state for.
    ``refused`` counts the dependency violations answered, so tests can see the rules were exercised.
    """

    endpoint: str
    describes: int = 2
    refused: Counter[str] = field(default_factory=Counter)
    _pending: Counter[str] = field(default_factory=Counter)  # NAT gateways and instances not ready yet
    _leaving: Counter[str] = field(default_factory=Counter)  # NAT gateways deleting, instances shutting down
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.ec2 = raw_client(self.endpoint, "ec2")

    def install(self, session: boto3.session.Session) -> None:
        events = session.events
        events.register("after-call.ec2.CreateNatGateway", self._made_nat)
        events.register("after-call.ec2.DeleteNatGateway", self._deleted_nat)
        events.register("after-call.ec2.RunInstances", self._ran)
        events.register("after-call.ec2.TerminateInstances", self._terminated)
        events.register("after-call.ec2.DescribeNatGateways", self._show_nats)
        events.register("after-call.ec2.DescribeInstances", self._show_instances)
        checks: dict[str, Callable[[dict[str, str]], tuple[str, str] | None]] = {
            "DeleteSubnet": self._subnet_busy,
            "DeleteSecurityGroup": self._group_busy,
            "DeleteVpc": self._vpc_busy,
            "DeleteInternetGateway": self._gateway_busy,
            "DetachInternetGateway": self._gateway_mapped,
            "ReleaseAddress": self._address_busy,
        }
        for operation, check in checks.items():
            events.register(f"before-send.ec2.{operation}", self._refuser(operation, check))

    # -- timeline --------------------------------------------------------------------------------------------------

    def _made_nat(self, parsed: dict[str, Any], **_: Any) -> None:
        with self._lock:
            self._pending[parsed["NatGateway"]["NatGatewayId"]] = self.describes

    def _deleted_nat(self, parsed: dict[str, Any], **_: Any) -> None:
        with self._lock:
            self._leaving[parsed["NatGatewayId"]] = self.describes

    def _ran(self, parsed: dict[str, Any], **_: Any) -> None:
        with self._lock:
            for instance in parsed.get("Instances") or ():
                self._pending[instance["InstanceId"]] = self.describes

    def _terminated(self, parsed: dict[str, Any], **_: Any) -> None:
        with self._lock:
            for instance in parsed.get("TerminatingInstances") or ():
                self._leaving.setdefault(instance["InstanceId"], self.describes)

    def _shown(self, key: str, state: str, pending: tuple[str, str], leaving: tuple[str, str]) -> str:
        """The state AWS would show now, counting this describe as time passing."""
        with self._lock:
            if state == pending[1] and self._pending[key] > 0:
                self._pending[key] -= 1
                return pending[0]
            if state == leaving[1] and self._leaving[key] > 0:
                self._leaving[key] -= 1
                return leaving[0]
        return state

    def _show_nats(self, parsed: dict[str, Any], **_: Any) -> None:
        for nat in parsed.get("NatGateways") or ():
            nat["State"] = self._shown(
                nat["NatGatewayId"], nat["State"], ("pending", "available"), ("deleting", "deleted")
            )

    def _show_instances(self, parsed: dict[str, Any], **_: Any) -> None:
        for reservation in parsed.get("Reservations") or ():
            for instance in reservation.get("Instances") or ():
                state = self._shown(
                    instance["InstanceId"],
                    instance["State"]["Name"],
                    ("pending", "running"),
                    ("shutting-down", "terminated"),
                )
                instance["State"]["Name"] = state

    def _leaving_now(self, key: str) -> bool:
        with self._lock:
            return self._leaving[key] > 0

    # -- dependencies ----------------------------------------------------------------------------------------------

    def _refuser(
        self, operation: str, check: Callable[[dict[str, str]], tuple[str, str] | None]
    ) -> Callable[..., AWSResponse | None]:
        def refuse(request: AWSRequest, **_: Any) -> AWSResponse | None:
            verdict = check(_params(request))
            if verdict is None:
                return None
            self.refused[operation] += 1
            return error_response(request, "ec2", 400, *verdict)

        return refuse

    def _instances(self, *filters: dict[str, Any]) -> list[dict[str, Any]]:
        reservations = self.ec2.describe_instances(Filters=list(filters))["Reservations"]
        return [
            i
            for r in reservations
            for i in r["Instances"]
            if i["State"]["Name"] != "terminated" or self._leaving_now(i["InstanceId"])
        ]

    def _nats(self, *filters: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            n
            for n in self.ec2.describe_nat_gateways(Filter=list(filters))["NatGateways"]
            if n["State"] != "deleted" or self._leaving_now(n["NatGatewayId"])
        ]

    def _loose_interfaces(self, *filters: dict[str, Any]) -> list[str]:
        """Network interfaces attached to no instance and made for no NAT gateway (moto keeps those of deleted ones)."""
        nat_interfaces = {
            address["NetworkInterfaceId"]
            for nat in self.ec2.describe_nat_gateways()["NatGateways"]
            for address in nat.get("NatGatewayAddresses") or ()
            if address.get("NetworkInterfaceId")
        }
        return [
            eni["NetworkInterfaceId"]
            for eni in self.ec2.describe_network_interfaces(Filters=list(filters))["NetworkInterfaces"]
            if eni["NetworkInterfaceId"] not in nat_interfaces and not eni.get("Attachment")
        ]

    def _subnet_busy(self, params: dict[str, str]) -> tuple[str, str] | None:
        subnet = params["SubnetId"]
        where = {"Name": "subnet-id", "Values": [subnet]}
        if self._instances(where) or self._nats(where) or self._loose_interfaces(where):
            return "DependencyViolation", f"The subnet '{subnet}' has dependencies and cannot be deleted."
        return None

    def _group_busy(self, params: dict[str, str]) -> tuple[str, str] | None:
        group = params["GroupId"]
        if self._instances({"Name": "instance.group-id", "Values": [group]}) or self._loose_interfaces(
            {"Name": "group-id", "Values": [group]}
        ):
            return "DependencyViolation", f"resource {group} has a dependent object"
        return None

    def _vpc_busy(self, params: dict[str, str]) -> tuple[str, str] | None:
        vpc = params["VpcId"]
        where = [{"Name": "vpc-id", "Values": [vpc]}]
        busy = (
            self.ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])[
                "InternetGateways"
            ]
            or [
                g
                for g in self.ec2.describe_security_groups(Filters=where)["SecurityGroups"]
                if g["GroupName"] != "default"
            ]
            or [
                t
                for t in self.ec2.describe_route_tables(Filters=where)["RouteTables"]
                if not any(a.get("Main") for a in t.get("Associations") or ())
            ]
            or self.ec2.describe_subnets(Filters=where)["Subnets"]
            or self._loose_interfaces(*where)
        )
        return ("DependencyViolation", f"The vpc '{vpc}' has dependencies and cannot be deleted.") if busy else None

    def _gateway_busy(self, params: dict[str, str]) -> tuple[str, str] | None:
        gateway = params["InternetGatewayId"]
        found = self.ec2.describe_internet_gateways(InternetGatewayIds=[gateway])["InternetGateways"]
        if found and found[0].get("Attachments"):
            return "DependencyViolation", f"The internetGateway '{gateway}' has dependencies and cannot be deleted."
        return None

    def _gateway_mapped(self, params: dict[str, str]) -> tuple[str, str] | None:
        vpc = params["VpcId"]
        if self._nats({"Name": "vpc-id", "Values": [vpc]}):
            return "DependencyViolation", f"Network {vpc} has some mapped public address(es). Please unmap those."
        return None

    def _address_busy(self, params: dict[str, str]) -> tuple[str, str] | None:
        allocation = params.get("AllocationId")
        for nat in self._nats():
            if any(a.get("AllocationId") == allocation for a in nat.get("NatGatewayAddresses") or ()):
                return "InvalidIPAddress.InUse", f"Address {allocation} is in use by {nat['NatGatewayId']}."
        return None
