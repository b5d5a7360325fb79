"""moto's server for the AWS tests (one per module), and providers wired to it through a hooked boto3 session."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import boto3
import pytest

from providers.aws.calls import RetryPolicy
from providers.aws.provider import AWSProvider
from providers.interface import ClusterInfo
from tests.fakes.moto import REGION, ZONES, Faults, Realism, credentials, moto_server, plain_session

#: Tests wait for nothing real: back-off and polling in milliseconds, settling bounded well below the test timeout.
FAST = RetryPolicy(attempts=10, base_delay=0.005, max_delay=0.05, settle_timeout=30.0, poll_interval=0.01)

_ids = itertools.count()


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def ami() -> str:
    """An AMI id of the right shape (the aws CloudProfile's placeholder): moto runs any id, and listing moto's own
    images first costs seconds."""
    return "ami-0f77156d10e6996f6"


@dataclass
class AWSWorld:
    """A provider whose every boto3 client carries this world's hooks, and a fresh shoot for it."""

    endpoint: str
    faults: Faults | None = None
    realism: Realism | None = None
    retry: RetryPolicy = FAST
    sessions: list[boto3.session.Session] = field(default_factory=list)

    def session(self, _: object, region: str) -> boto3.session.Session:
        session = plain_session(region=region)
        if self.realism is not None:
            self.realism.install(session)
        if self.faults is not None:
            self.faults.install(session)
        self.sessions.append(session)
        return session

    def provider(self) -> AWSProvider:
        return AWSProvider(session_factory=self.session, retry=self.retry)

    def cluster(self, zones: tuple[str, ...] = ZONES[:2]) -> ClusterInfo:
        return ClusterInfo(
            technical_id=f"shoot--test--c{next(_ids)}",
            region=REGION,
            credentials=credentials(self.endpoint),
            zones=zones,
        )


@pytest.fixture
def world(moto_endpoint: str) -> AWSWorld:
    """AWS with its timing and dependency rules (moto alone has neither), no faults."""
    return AWSWorld(moto_endpoint, realism=Realism(moto_endpoint))


@pytest.fixture
def faulty_world(moto_endpoint: str) -> Callable[..., AWSWorld]:
    def make(**faults: object) -> AWSWorld:
        return AWSWorld(moto_endpoint, faults=Faults(**faults), realism=Realism(moto_endpoint))  # type: ignore[arg-type]

    return make
