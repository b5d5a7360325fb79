from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.server import RunningServer, threaded_server


@pytest.fixture(scope="module")
def kubelite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server per test module (starting one costs ~100 ms, but modules share state deliberately little)."""
    with threaded_server(tmp_path_factory.mktemp("kubelite")) as server:
        yield server


@pytest.fixture
def fresh_kubelite(tmp_path: Path) -> Iterator[RunningServer]:
    with threaded_server(tmp_path) as server:
        yield server
