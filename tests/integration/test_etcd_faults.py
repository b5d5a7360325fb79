"""kubelite over etcd under faults: kill -9 of a member of a 3-member cluster mid-load (the one the API server talks
to, and the leader), and a restart of a single-member etcd under a watch load.

The API server (a real ``kubelite apiserver`` process with every ``--etcd-servers``) keeps serving after a short
failover, loses no acknowledged write, and a client's watch started before the fault delivers every created object
exactly once, in increasing resourceVersion order, without the client noticing (kubelite resumes its etcd watch on
the next member, or on the restarted one, from the last delivered revision). kill -9 of the API server itself is in
``test_durability.py``.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest

from tests.integration.etcd import EtcdCluster, EtcdMember, etcd_cluster
from tests.integration.server import process_server
from tests.integration.waiting import wait_for
from tests.integration.writeload import WatchRecorder, list_revision, lost, stored, write_load

pytestmark = pytest.mark.integration


def check_watch(watch: WatchRecorder, now: dict[str, str]) -> None:
    """The watch delivered every stored object once, in increasing resourceVersion order, in one request."""
    events = list(watch.events)
    assert {kind for kind, _, _ in events} == {"ADDED"}
    names = [name for _, name, _ in events]
    assert len(names) == len(set(names)), "an object was delivered twice"
    assert set(names) == set(now)
    versions = [int(rv) for _, _, rv in events]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert {name: rv for _, name, rv in events} == now
    # The failover inside kubelite is invisible to the client: one watch request, no ERROR event.
    assert watch.starts == 1 and not watch.errors, (watch.starts, watch.errors)


def led_by_another(cluster: EtcdCluster, old: EtcdMember) -> bool:
    with contextlib.suppress(OSError, RuntimeError):
        return cluster.leader() is not old
    return False


@pytest.mark.parametrize("victim", ["first", "leader"])
def test_kill_9_of_a_member_mid_load_loses_nothing_and_the_watch_sees_everything_once(
    tmp_path: Path, victim: str
) -> None:
    """``first``: the member kubelite talks to (its first endpoint). ``leader``: the leader, found through etcd's
    maintenance Status, with kubelite's endpoints ordered so it talks to a follower, which sees the election."""
    with etcd_cluster(tmp_path, 3) as cluster:
        data_dir = tmp_path / "kubelite"
        data_dir.mkdir()
        if victim == "leader":
            leader = cluster.leader()
            order = [m for m in cluster.members if m is not leader] + [leader]
        else:
            order = list(cluster.members)
        flags = ("--storage-backend=etcd3", f"--etcd-servers={','.join(m.client_url for m in order)}")
        with process_server(data_dir, *flags) as server:
            before = stored(server)
            assert not before
            watch = WatchRecorder(server, list_revision(server))
            watch.start()
            try:
                with write_load(server, writers=4) as load:
                    load.wait_acknowledged(100)
                    doomed = (order[-1] if victim == "leader" else order[0]).process
                    assert doomed is not None
                    killed_at = time.monotonic()
                    doomed.kill()  # SIGKILL, mid-load
                    doomed.wait()
                    if victim == "leader":
                        wait_for(lambda: led_by_another(cluster, order[-1]), "a new leader", 10)
                    # The API keeps serving: writes succeed again after a short failover.
                    wait_for(lambda: load.acknowledged_after(killed_at) >= 100, "100 creates after the kill", 20)
                    resumed = load.first_ack_after(killed_at) - killed_at
                    assert resumed < 5, f"no create acknowledged for {resumed:.1f} s after the kill"
                # A create retried inside kubelite after it was applied would come back as AlreadyExists (the names are
                # unique): kubelite answers an ambiguous write with an error instead.
                assert not [f for f in load.failures if "HTTP 409" in f[1]], load.failures
                now = stored(server)
                missing = lost(load.acknowledged, now)
                assert not missing, (
                    f"{len(missing)} of {len(load.acknowledged)} acknowledged creates lost: {missing[:5]}"
                )

                # The watch delivers every stored object (each acknowledged create and any create that was applied
                # but whose answer was an error) exactly once, in increasing resourceVersion order.
                wait_for(lambda: watch.names() >= set(now), "the watch to deliver every stored ConfigMap", 15)
            finally:
                watch.stop()
            check_watch(watch, now)
            # With -s: how the failover went (typically the first create is acknowledged within 0.2 s).
            print(
                f"failover: first create acknowledged {resumed:.2f} s after the kill; "
                f"{len(load.acknowledged)} acknowledged, {len(load.failures)} failed: {load.failures[:3]}"
            )


def test_an_etcd_restart_under_a_watch_load_is_invisible_to_the_watchers(tmp_path: Path) -> None:
    """kill -9 of a single-member etcd and a start on the same data, while four clients watch and two write: writes
    fail while etcd is down and succeed again after; every watch resumes (kubelite's etcd watch reconnects from its
    last delivered revision) and delivers every stored object once, in order, in the client's one request."""
    with etcd_cluster(tmp_path) as cluster:
        member = cluster.members[0]
        data_dir = tmp_path / "kubelite"
        data_dir.mkdir()
        flags = ("--storage-backend=etcd3", f"--etcd-servers={member.client_url}")
        with process_server(data_dir, *flags) as server:
            watches = [WatchRecorder(server, list_revision(server)) for _ in range(4)]
            for watch in watches:
                watch.start()
            try:
                with write_load(server, writers=2) as load:
                    load.wait_acknowledged(50)
                    assert member.process is not None
                    member.process.kill()
                    member.process.wait()
                    down_at = time.monotonic()
                    member.start()
                    member.wait_healthy(time.monotonic() + 30)
                    wait_for(lambda: load.acknowledged_after(down_at) >= 50, "50 creates after the restart", 30)
                now = stored(server)
                assert not lost(load.acknowledged, now)
                for watch in watches:
                    wait_for(lambda w=watch: w.names() >= set(now), "every watch to deliver every ConfigMap", 15)
            finally:
                for watch in watches:
                    watch.stop()
            for watch in watches:
                check_watch(watch, now)
            assert any(when > down_at for when, _ in load.ack_times)
