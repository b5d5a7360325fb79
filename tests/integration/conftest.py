"""Server fixtures for the integration tests.

``kubelite`` is one server per test module, ``fresh_kubelite`` one per test. Both run on the storage backend named by
the ``backend`` fixture: ``sqlite`` unless the module sets ``KUBELITE_BACKENDS``, e.g. ``("sqlite", "etcd3")``, which
runs each of its tests once per backend (test ids ``test_x[sqlite]``, ``test_x[etcd3]``). With ``etcd3`` the module
gets its own single-member etcd (``fresh_kubelite``: one per test), so revisions start from an empty cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.integration.etcd import etcd_cluster
from tests.integration.server import RunningServer, threaded_server

BACKENDS = ("sqlite", "etcd3")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    backends = getattr(metafunc.module, "KUBELITE_BACKENDS", None)
    if backends and "backend" in metafunc.fixturenames:
        unknown = set(backends) - set(BACKENDS)
        if unknown:
            raise ValueError(f"KUBELITE_BACKENDS: unknown backends {sorted(unknown)}")
        metafunc.parametrize("backend", list(backends), indirect=True, scope="module")


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest) -> str:
    """The storage backend of this module's servers (see the module docstring)."""
    return str(getattr(request, "param", "sqlite"))


@contextmanager
def server_on(backend: str, data_dir: Path) -> Iterator[RunningServer]:
    """A threaded server on ``backend``; for etcd3 with its own etcd, started under ``data_dir`` and stopped after."""
    if backend == "sqlite":
        with threaded_server(data_dir) as server:
            yield server
        return
    with (
        etcd_cluster(data_dir) as etcd,
        threaded_server(data_dir, storage_backend="etcd3", etcd=etcd.options()) as server,
    ):
        yield server


@pytest.fixture(scope="module")
def kubelite(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server per test module (starting one costs ~100 ms, but modules share state deliberately little)."""
    with server_on(backend, tmp_path_factory.mktemp(f"kubelite-{backend}")) as server:
        yield server


@pytest.fixture
def fresh_kubelite(backend: str, tmp_path: Path) -> Iterator[RunningServer]:
    with server_on(backend, tmp_path) as server:
        yield server
