"""The scheduler's plumbing: the work queue, the event recorder, the views of seeds and shoots, and the command's
flags."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from garden.kube import KubeError
from garden.scheduler import command, events, strategy
from garden.scheduler.views import ProfileRef, Selector
from garden.scheduler.workqueue import WorkQueue
from tests.fakes.clock import FakeClock
from tests.unit.scheduler.landscape import seed, shoot

pytestmark = pytest.mark.unit


# -- work queue -------------------------------------------------------------------------------------------------------


def test_a_key_is_queued_once_and_never_processed_twice_at_a_time() -> None:
    queue: WorkQueue[str] = WorkQueue()
    queue.add("a")
    queue.add("a")
    queue.add("b")
    assert len(queue) == 2
    assert queue.get(0) == "a"
    queue.add("a")  # while in process: queued again once done
    assert queue.get(0) == "b"
    assert queue.get(0) is None
    queue.done("a")
    assert queue.get(0) == "a"
    queue.done("a")
    queue.done("b")
    assert queue.idle


def test_delayed_keys_come_when_due_and_the_soonest_delay_counts() -> None:
    queue: WorkQueue[str] = WorkQueue()
    queue.add_after("late", 30)
    queue.add_after("late", 0.05)  # sooner: replaces the later one
    queue.add_after("late", 60)  # later than one already waiting: ignored
    assert not queue.idle
    began = time.monotonic()
    assert queue.get(5) == "late"
    assert 0.04 <= time.monotonic() - began < 5
    queue.done("late")
    assert queue.get(0.2) is None  # the superseded entries never fire
    assert queue.idle


def test_closing_wakes_waiting_workers() -> None:
    queue: WorkQueue[str] = WorkQueue()
    got: list[str | None] = []
    worker = threading.Thread(target=lambda: got.append(queue.get()))
    worker.start()
    time.sleep(0.05)
    queue.close()
    worker.join(5)
    assert got == [None]
    queue.add("ignored")
    assert queue.get(0) is None


# -- events -----------------------------------------------------------------------------------------------------------


class FakeKube:
    def __init__(self) -> None:
        self.created: list[dict[str, Any]] = []
        self.patched: list[tuple[str, dict[str, Any]]] = []
        self.missing = False

    def create(self, resource: Any, namespace: str | None, body: dict[str, Any]) -> dict[str, Any]:
        self.created.append(body)
        return body

    def patch(self, resource: Any, namespace: str | None, name: str, patch: dict[str, Any]) -> dict[str, Any]:
        if self.missing:
            raise KubeError("PATCH", name, 404, "NotFound", "gone")
        self.patched.append((name, patch))
        return patch


SHOOT = {"apiVersion": "core.gardener.cloud/v1beta1", "kind": "Shoot", "namespace": "dev", "name": "web", "uid": "1"}


def test_events_are_posted_and_repeats_bump_the_count() -> None:
    kube = FakeKube()
    recorder = events.EventRecorder(kube, FakeClock())  # type: ignore[arg-type]
    recorder.record(SHOOT, events.WARNING, "SchedulingFailed", "no seed")
    [event] = kube.created
    assert event["involvedObject"] == SHOOT
    assert (event["type"], event["reason"], event["message"], event["count"]) == (
        "Warning",
        "SchedulingFailed",
        "no seed",
        1,
    )
    assert event["metadata"]["namespace"] == "dev"
    assert event["metadata"]["name"].startswith("web.")
    assert event["firstTimestamp"] == "2026-11-25T12:00:00Z"
    assert event["source"] == {"component": "gardener-scheduler"}
    recorder.record(SHOOT, events.WARNING, "SchedulingFailed", "no seed")
    assert kube.patched == [(event["metadata"]["name"], {"count": 2, "lastTimestamp": "2026-11-25T12:00:00Z"})]
    recorder.record(SHOOT, events.WARNING, "SchedulingFailed", "other reason")
    assert len(kube.created) == 2
    # The event expired meanwhile: a new one is posted.
    kube.missing = True
    recorder.record(SHOOT, events.WARNING, "SchedulingFailed", "no seed")
    assert len(kube.created) == 3


def test_the_spam_filter_limits_events_per_object() -> None:
    kube = FakeKube()
    recorder = events.EventRecorder(kube, FakeClock())  # type: ignore[arg-type]
    for i in range(events.BURST + 5):
        recorder.record(SHOOT, events.WARNING, "SchedulingFailed", f"message {i}")
    assert len(kube.created) == events.BURST
    recorder.record({**SHOOT, "name": "other", "uid": "2"}, events.NORMAL, "SchedulingSuccessful", "ok")
    assert len(kube.created) == events.BURST + 1


# -- views ------------------------------------------------------------------------------------------------------------


def test_seed_views_compare_equal_across_heartbeats() -> None:
    assert seed("a") == seed("a")
    assert seed("a", allocatable="1k").allocatable == 1000
    assert seed("a", allocatable="1500m").allocatable == 2  # Quantity.Value() rounds up
    assert seed("a", allocatable="junk").allocatable is None
    assert seed("a", zones=["x", "y"]).zones == 2


def test_shoot_requirements_and_responsibility() -> None:
    view = shoot(purpose="testing", seedSelector={"matchLabels": {"a": "b"}, "providerTypes": ["*"]})
    assert view.needs.testing
    assert view.needs.selector == Selector(match_labels=(("a", "b"),), provider_types=("*",))
    assert view.needs.profile == ProfileRef("CloudProfile", "aws")
    assert view.wants_scheduling
    assert not shoot(seed_name="x").wants_scheduling
    assert not shoot(schedulerName="my-scheduler").wants_scheduling
    assert shoot(cloudProfileName="old", cloudProfile=None).needs.profile == ProfileRef("CloudProfile", "old")
    assert shoot(status_seed_name="source", seed_name="target").status_seed_name == "source"
    # Requirements are hashable and equal for shoots that differ only in name.
    assert hash(shoot("x").needs) == hash(shoot("y").needs)


# -- command ----------------------------------------------------------------------------------------------------------


def test_the_commands_strategies_are_the_schedulers() -> None:
    assert command.STRATEGIES == strategy.STRATEGIES


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--strategy", "Nearest"], "--strategy: 'Nearest' is not one of SameRegion, MinimalDistance"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--workers", "0"], "--workers must be at least 1"),
        (["--kubeconfig", "/nonexistent/kubeconfig"], "--kubeconfig: no such file: /nonexistent/kubeconfig"),
        (["-v", "x"], "argument -v/--v: invalid int value: 'x'"),
    ],
)
def test_bad_flags_give_one_line_and_exit_code_2(
    argv: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = command.main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert code == 2
    err = capsys.readouterr().err
    assert err == f"garden scheduler: {error}\n"
