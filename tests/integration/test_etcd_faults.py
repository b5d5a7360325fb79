"""kubelite over a 3-member etcd cluster under faults: kill -9 of the member the API server talks to, mid-load.

The API server (a real ``kubelite apiserver`` process with all three ``--etcd-servers``) keeps serving after a short
failover, loses no acknowledged write, and a client's watch started before the fault delivers every created object
exactly once, in increasing resourceVersion order, without the client noticing (kubelite resumes its etcd watch on
the next member from the last delivered revision). kill -9 of the API server itself is in ``test_durability.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.integration.etcd import etcd_cluster
from tests.integration.server import process_server
from tests.integration.waiting import wait_for
from tests.integration.writeload import WatchRecorder, lost, stored, write_load

pytestmark = pytest.mark.integration


def test_kill_9_of_the_first_member_mid_load_loses_nothing_and_the_watch_sees_everything_once(
    tmp_path: Path,
) -> None:
    with etcd_cluster(tmp_path, 3) as cluster:
        data_dir = tmp_path / "kubelite"
        data_dir.mkdir()
        flags = ("--storage-backend=etcd3", f"--etcd-servers={','.join(cluster.servers)}")
        with process_server(data_dir, *flags) as server:
            before = stored(server)
            assert not before
            watch = WatchRecorder(server, "0")
            watch.start()
            try:
                with write_load(server, writers=4) as load:
                    load.wait_acknowledged(100)
                    first = cluster.members[0].process
                    assert first is not None
                    killed_at = time.monotonic()
                    first.kill()  # SIGKILL: kubelite's requests and watches were all on this member
                    first.wait()
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
            # With -s: how the failover went (typically the first create is acknowledged within 0.2 s).
            print(
                f"failover: first create acknowledged {resumed:.2f} s after the kill; "
                f"{len(load.acknowledged)} acknowledged, {len(load.failures)} failed: {load.failures[:3]}"
            )
