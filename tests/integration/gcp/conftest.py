"""The GCP provider against the loopback Compute fake: one fake per module, a provider with short back-off."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from providers.gcp import GCPProvider
from providers.gcp.calls import RetryPolicy
from providers.interface import ClusterInfo, Networks
from tests.fakes.gce.keys import credentials
from tests.fakes.gce.server import ComputeFake, gce_server

PROJECT = "garden-dev"
OTHER_PROJECT = "someone-else"
REGION = "europe-west1"
ZONES = ("europe-west1-b", "europe-west1-c")
NETWORKS = Networks(nodes="10.250.0.0/16", pods="100.96.0.0/11", services="100.64.0.0/13")
FAST = RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.05, settle_timeout=10.0, poll_interval=0.02)

_ids = itertools.count(1)


@pytest.fixture(scope="module")
def fake() -> Iterator[ComputeFake]:
    with gce_server() as server:
        server.add_account(f"garden@{PROJECT}.iam.gserviceaccount.com", PROJECT)
        server.add_account(f"garden@{OTHER_PROJECT}.iam.gserviceaccount.com", OTHER_PROJECT)
        yield server


@pytest.fixture
def clean_fake(fake: ComputeFake) -> Iterator[ComputeFake]:
    """The module's fake with no faults or quotas left over from a test."""
    yield fake
    fake.faults = None
    fake.quotas.clear()


@pytest.fixture
def provider() -> GCPProvider:
    return GCPProvider(retry=FAST)


def cluster_for(fake: ComputeFake, project: str = PROJECT, account: str = "garden") -> ClusterInfo:
    return ClusterInfo(
        technical_id=f"shoot--dev--g{next(_ids)}",
        region=REGION,
        credentials=credentials(fake.url, project, account),
        zones=ZONES,
        networks=NETWORKS,
    )


@pytest.fixture
def cluster(clean_fake: ComputeFake) -> ClusterInfo:
    return cluster_for(clean_fake)
