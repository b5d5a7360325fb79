from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from garden.admission.chain import AdmissionOptions
from garden.apiserver.setup import garden_setup
from tests.integration.server import RunningServer, threaded_server

#: The admission clock of the garden tests: which versions count as expired must not depend on the day tests run.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def garden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A garden API server (kubelite with Gardener's API) per test module, its admission clock at :data:`NOW`."""
    options = AdmissionOptions(now=lambda: NOW)
    with threaded_server(tmp_path_factory.mktemp("garden"), garden_setup(options)) as server:
        yield server
