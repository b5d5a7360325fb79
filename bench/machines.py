"""Machines on AWS under EC2's request-rate limits: machines created per second, and a 3-zone x 3-pool worker
rolled to a new image, beside the floor those limits allow.

The cloud is moto's server on loopback, started here. Around it sits a model of EC2's documented request throttling,
enforced at the boto3 layer for every client of the (one) account: token buckets per category, RunInstances 5 tokens
refilled at 2/s, mutating calls 50 at 5/s, non-mutating 100 at 20/s; a request finding its bucket empty is answered
``RequestLimitExceeded``, as EC2 does. Two providers are measured against it: ``paced`` (the default: a client-side
limiter with the same buckets, so requests wait instead of being refused) and ``retrying`` (no limiter: refused
requests are retried with the provider's back-off). The floor is what the buckets allow at best: the largest of
``(calls - burst) / refill`` over the categories, for the calls each phase needs.

The rollout is driven here with a plain loop on the machine driver (each of the 9 machine deployments, in parallel:
start a machine of the new image, wait until it runs, terminate an old one; maxSurge 1, maxUnavailable 0), not through
the machine controller, so the figure is the provider's and AWS's, not the controller's.

    .venv/bin/python bench/machines.py            # about a minute
    .venv/bin/python bench/machines.py --machines 60 --per-deployment 3
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.awsrequest import AWSRequest, AWSResponse
from moto.server import ThreadedMotoServer

from providers.aws.calls import RetryPolicy
from providers.aws.config import InfrastructureConfig
from providers.aws.provider import AWSProvider
from providers.aws.ratelimit import EC2_LIMITS, TokenBucket, ec2_category
from providers.interface import ClusterInfo, InfrastructureRequest, MachineSpec

REGION = "eu-west-1"
ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
POOLS = ("cpu", "mem", "gpu")
OLD_IMAGE, NEW_IMAGE = "ami-0f77156d10e6996f6", "ami-0352205099b01e9d8"


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


class EC2Throttle:
    """EC2's request buckets for one account, refusing (not delaying) a request whose bucket is empty."""

    def __init__(self) -> None:
        self.buckets = {category: TokenBucket(size) for category, size in EC2_LIMITS.items()}
        self.calls: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self._lock = threading.Lock()

    def install(self, session: boto3.session.Session) -> None:
        session.events.register("before-send.ec2", self._before_send)

    def _before_send(self, request: AWSRequest, event_name: str, **_: Any) -> AWSResponse | None:
        category = ec2_category(event_name.rsplit(".", 1)[-1])
        with self._lock:
            self.calls[category] += 1
        if self.buckets[category].take() == 0.0:
            return None
        with self._lock:
            self.refused[category] += 1
        body = (
            b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded."
            b"</Message></Error></Errors><RequestID>bench</RequestID></Response>"
        )
        return AWSResponse(request.url, 503, {"Content-Type": "text/xml"}, _Body(body))

    def floor(self) -> float:
        """The least time the calls made could have taken under the buckets."""
        return max(
            max(0.0, (self.calls[c] - self.refused[c] - size.capacity) / size.refill_per_second)
            for c, size in EC2_LIMITS.items()
        )


@contextmanager
def moto() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def provider(throttle: EC2Throttle, paced: bool) -> AWSProvider:
    def session(_: object, region: str) -> boto3.session.Session:
        made = boto3.session.Session(aws_access_key_id="bench", aws_secret_access_key="bench", region_name=region)
        throttle.install(made)
        return made

    return AWSProvider(session_factory=session, retry=RetryPolicy(attempts=12), limits=EC2_LIMITS if paced else None)


def spec(cluster: ClusterInfo, name: str, zone: str, image: str) -> MachineSpec:
    return MachineSpec(
        name=name,
        cluster=cluster,
        class_name=name.rsplit("-", 1)[0],
        machine_type="m5.large",
        image=image,
        zone=zone,
        userdata=b"#cloud-config\n",
        volume_type="gp3",
        volume_size_gib=50,
    )


def create_phase(endpoint: str, paced: bool, machines: int, cluster: ClusterInfo) -> dict[str, float]:
    throttle = EC2Throttle()
    driver = provider(throttle, paced).machines(cluster)
    names = [f"{cluster.technical_id}-burst{'p' if paced else 'r'}-{i:04d}" for i in range(machines)]
    started = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda n: driver.create(spec(cluster, n[1], ZONES[n[0] % 3], OLD_IMAGE)), enumerate(names)))
    elapsed = time.perf_counter() - started
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda n: driver.delete(spec(cluster, n, ZONES[0], OLD_IMAGE), None), names))
    return {
        "seconds": elapsed,
        "rate": machines / elapsed,
        "floor": throttle.floor(),
        "refused": sum(throttle.refused.values()),
    }


def rollout_phase(endpoint: str, paced: bool, per_deployment: int, cluster: ClusterInfo) -> dict[str, float]:
    setup = provider(EC2Throttle(), True).machines(cluster)
    deployments = [(pool, zone) for pool in POOLS for zone in ZONES]
    tag = "p" if paced else "r"
    old = {
        (pool, zone): [f"{pool}{tag}-z{ZONES.index(zone)}-old{i}" for i in range(per_deployment)]
        for pool, zone in deployments
    }
    with ThreadPoolExecutor(16) as pool_:
        list(
            pool_.map(
                lambda n: setup.create(spec(cluster, n[1], n[0][1], OLD_IMAGE)),
                [(d, name) for d, names in old.items() for name in names],
            )
        )
    throttle = EC2Throttle()
    driver = provider(throttle, paced).machines(cluster)

    def roll(deployment: tuple[str, str]) -> None:
        pool, zone = deployment
        for i, name in enumerate(old[deployment]):
            fresh = spec(cluster, f"{pool}{tag}-z{ZONES.index(zone)}-new{i}", zone, NEW_IMAGE)
            info = driver.create(fresh)
            while info.state != "Running":  # maxUnavailable 0: the new one runs before an old one goes
                time.sleep(0.05)
                info = driver.create(fresh)
            driver.delete(spec(cluster, name, zone, OLD_IMAGE), None)

    started = time.perf_counter()
    with ThreadPoolExecutor(len(deployments)) as pool_:
        list(pool_.map(roll, deployments))
    elapsed = time.perf_counter() - started
    replaced = len(deployments) * per_deployment
    return {
        "seconds": elapsed,
        "machines": replaced,
        "floor": throttle.floor(),
        "refused": sum(throttle.refused.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--machines", type=int, default=40, help="machines created at once in the first phase")
    parser.add_argument("--per-deployment", type=int, default=2, help="machines per deployment (9 deployments)")
    args = parser.parse_args()
    with moto() as endpoint:
        credentials = {"accessKeyID": "bench", "secretAccessKey": "bench", "endpointURL": endpoint}
        cluster = ClusterInfo("shoot--bench--rollout", REGION, credentials, zones=ZONES)
        print("creating the infrastructure (3 zones) ...", file=sys.stderr)
        plain = AWSProvider(session_factory=lambda _c, r: boto3.session.Session("bench", "bench", region_name=r))
        layout = {
            "networks": {
                "vpc": {"cidr": "10.250.0.0/16"},
                "zones": [
                    {
                        "name": z,
                        "workers": f"10.250.{i * 32}.0/19",
                        "public": f"10.250.{128 + i * 16}.0/20",
                        "internal": f"10.250.{192 + i * 16}.0/20",
                    }
                    for i, z in enumerate(ZONES)
                ],
            }
        }
        plain.infrastructure(cluster).reconcile(
            InfrastructureRequest(cluster=cluster, config=InfrastructureConfig.model_validate(layout))
        )
        rows = []
        for paced in (True, False):
            mode = "paced (client-side buckets)" if paced else "retrying (back-off on RequestLimitExceeded)"
            print(f"{mode}: creating {args.machines} machines ...", file=sys.stderr)
            burst = create_phase(endpoint, paced, args.machines, cluster)
            time.sleep(max(EC2_LIMITS[c].capacity / EC2_LIMITS[c].refill_per_second for c in EC2_LIMITS))  # refill
            print(f"{mode}: rolling 9 deployments ...", file=sys.stderr)
            roll = rollout_phase(endpoint, paced, args.per_deployment, cluster)
            time.sleep(max(EC2_LIMITS[c].capacity / EC2_LIMITS[c].refill_per_second for c in EC2_LIMITS))
            rows.append((mode, burst, roll))
    print(
        f"## Machines under EC2's request limits (moto on loopback, {args.machines} machines; rollout of 3 zones x"
        f" 3 pools x {args.per_deployment} machines)\n"
    )
    print(
        "| provider | create: machines/s | create: seconds | create: floor s | refused | rollout: seconds |"
        " rollout: floor s | refused |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for mode, burst, roll in rows:
        print(
            f"| {mode} | {burst['rate']:.2f} | {burst['seconds']:.1f} | {burst['floor']:.1f} | {burst['refused']:.0f}"
            f" | {roll['seconds']:.1f} | {roll['floor']:.1f} | {roll['refused']:.0f} |"
        )


if __name__ == "__main__":
    main()
