"""The state directory: remembered ports and provider, the lock that says a landscape runs, the status file."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
import yaml

from garden.up.state import AlreadyRunning, StateDir, StateError, pod_cidr_for

pytestmark = pytest.mark.unit


def test_first_run_chooses_ports_and_a_second_run_gets_the_same(tmp_path: Path) -> None:
    state = StateDir(tmp_path / "s")
    first = state.remember("local")
    assert first.ports.moto == 0
    assert len({first.ports.garden, first.ports.seed, first.ports.kubelet}) == 3
    assert StateDir(tmp_path / "s").remember("local") == first
    on_disk = yaml.safe_load(state.landscape_file.read_text())
    assert on_disk["ports"]["garden"] == first.ports.garden


def test_aws_gets_a_port_for_moto(tmp_path: Path) -> None:
    assert StateDir(tmp_path).remember("aws").ports.moto > 0


def test_another_provider_on_the_same_state_is_refused(tmp_path: Path) -> None:
    StateDir(tmp_path).remember("local")
    with pytest.raises(StateError, match="--provider local or another --state-dir"):
        StateDir(tmp_path).remember("aws")


def test_an_unreadable_landscape_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "landscape.yaml").write_text("provider: local\n")
    with pytest.raises(StateError, match=r"landscape\.yaml is not a landscape file"):
        StateDir(tmp_path).remember("local")


@pytest.mark.parametrize("port", [1024, 6443, 40000, 65535])
def test_pod_range_is_a_loopback_slash_20(port: int) -> None:
    network = ipaddress.ip_network(pod_cidr_for(port))
    assert network.prefixlen == 20
    assert network.subnet_of(ipaddress.ip_network("127.0.0.0/8"))


def test_the_lock_says_a_landscape_runs_and_who_runs_it(tmp_path: Path) -> None:
    state = StateDir(tmp_path)
    assert not state.is_running()
    with state.locked():
        assert state.is_running()
        assert state.running_pid() is not None
        with pytest.raises(AlreadyRunning, match="already running") as caught, state.locked():
            pass
        assert caught.value.pid == state.running_pid()
    assert not state.is_running()
    assert not state.pid_file.exists()


def test_status_is_replaced_whole(tmp_path: Path) -> None:
    state = StateDir(tmp_path)
    assert state.read_status() == {}
    state.write_status("ready", [{"name": "kubelet", "pid": 1}])
    assert state.read_status()["phase"] == "ready"
    assert state.read_status()["components"] == [{"name": "kubelet", "pid": 1}]
