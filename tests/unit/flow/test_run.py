from __future__ import annotations

import asyncio

import pytest

from garden.api.common import ErrorCode
from gardenlet.flow import FlowError, Graph, Stats, Task, TaskCancelledError, describe
from tests.unit.flow.helpers import Journal, work
from tests.unit.flow.virtual_time import run

pytestmark = pytest.mark.unit


class CodedError(Exception):
    """Any exception with ``.codes`` is classified by them (the providers' ProviderError keeps this convention)."""

    def __init__(self, message: str, *codes: ErrorCode) -> None:
        super().__init__(message)
        self.codes = codes


def flow_of(*tasks: Task[Journal], name: str = "demo") -> Graph[Journal]:
    return Graph(name, tasks)


def test_tasks_start_when_their_dependencies_are_done_not_level_by_level() -> None:
    graph = flow_of(
        Task("a", work("a", 1)),
        Task("slow", work("slow", 10)),
        Task("after-a", work("after-a", 1), dependencies=["a"]),
        Task("after-both", work("after-both", 1), dependencies=["after-a", "slow"]),
    )
    journal = Journal()
    stats = run(graph.compile().run(journal))
    assert journal.starts() == {"a": 0, "slow": 0, "after-a": 1, "after-both": 10}
    assert stats.succeeded == ("a", "slow", "after-a", "after-both")
    assert stats.durations == {"a": 1, "slow": 10, "after-a": 1, "after-both": 1}
    assert stats.progress == 100


@pytest.mark.parametrize(
    ("parallelism", "most", "elapsed"), [(None, 5, 10), (1, 1, 50), (2, 2, 30), (5, 5, 10)], ids=str
)
def test_parallelism_bounds_how_many_tasks_run_at_once(parallelism: int | None, most: int, elapsed: float) -> None:
    graph = flow_of(*(Task(f"t{i}", work(f"t{i}", 10)) for i in range(5)))
    journal = Journal()

    async def timed() -> float:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await graph.compile().run(journal, parallelism=parallelism)
        return loop.time() - start

    assert run(timed()) == elapsed
    assert journal.most_at_once == most
    # Ready tasks start in flow order.
    assert journal.order() == ["t0", "t1", "t2", "t3", "t4"]


@pytest.mark.parametrize("parallelism", [0, -1, True])
def test_a_parallelism_below_one_is_an_error(parallelism: int) -> None:
    with pytest.raises(ValueError, match="parallelism"):
        run(flow_of(Task("a", work("a"))).compile().run(Journal(), parallelism=parallelism))


def test_skipped_tasks_count_as_done_and_release_their_dependants() -> None:
    asked: list[Journal] = []

    def skip_when_asked(journal: Journal) -> bool:
        asked.append(journal)
        return True

    graph = flow_of(
        Task("a", work("a", 1)),
        Task("static-skip", work("static-skip"), skip_if=True),
        Task("dynamic-skip", work("dynamic-skip"), dependencies=["a"], skip_if=skip_when_asked),
        Task("kept", work("kept", 1), dependencies=["dynamic-skip", "static-skip"], skip_if=lambda _: False),
    )
    journal = Journal()
    stats = run(graph.compile().run(journal, parallelism=1))
    assert journal.order() == ["a", "kept"]
    assert journal.starts()["kept"] == 1
    assert asked == [journal]
    assert stats.skipped == ("static-skip", "dynamic-skip")
    assert stats.done == ("a", "static-skip", "dynamic-skip", "kept")
    assert stats.progress == 100


def test_a_failed_task_blocks_its_dependants_while_independent_branches_finish() -> None:
    graph = flow_of(
        Task("infra", work("infra", 1, CodedError("quota", ErrorCode.INFRA_QUOTA_EXCEEDED))),
        Task("etcd", work("etcd", 5)),
        Task("worker", work("worker"), dependencies=["infra"]),
        Task("nodes", work("nodes"), dependencies=["worker"]),
        Task("apiserver", work("apiserver", 1), dependencies=["etcd"]),
    )
    journal = Journal()
    progress: list[Stats] = []
    with pytest.raises(FlowError) as caught:
        run(graph.compile().run(journal, on_progress=progress.append))
    assert journal.order("end") == ["infra", "etcd", "apiserver"]
    error = caught.value
    assert error.task_ids == ("infra",)
    assert error.blocked == ("worker", "nodes")
    assert error.codes == (ErrorCode.INFRA_QUOTA_EXCEEDED,)
    assert not error.retryable
    assert "task 'infra' failed: quota" in str(error)
    final = progress[-1]
    assert final.failed == ("infra",)
    assert final.succeeded == ("etcd", "apiserver")
    assert final.blocked == ("worker", "nodes")
    assert final.pending == () and final.running == ()
    assert final.progress == 40
    assert describe(final) == "demo failed at: infra"


def test_every_independent_failure_is_collected_with_its_task_id_and_codes() -> None:
    graph = flow_of(
        Task("dns", work("dns", 2, CodedError("throttled", ErrorCode.INFRA_RATE_LIMITS_EXCEEDED))),
        Task("infra", work("infra", 1, RuntimeError("boom"))),
        Task("backup", work("backup", 3, CodedError("flaky", ErrorCode.RETRYABLE_INFRA_DEPENDENCIES))),
    )
    with pytest.raises(FlowError) as caught:
        run(graph.compile().run(Journal()))
    error = caught.value
    # In flow order, not in the order they failed.
    assert [(e.task, e.description, e.codes) for e in error.errors] == [
        ("dns", "throttled", (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED,)),
        ("infra", "boom", ()),
        ("backup", "flaky", (ErrorCode.RETRYABLE_INFRA_DEPENDENCIES,)),
    ]
    assert error.codes == (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED, ErrorCode.RETRYABLE_INFRA_DEPENDENCIES)
    assert error.retryable
    assert [e.retryable for e in error.errors] == [True, True, True]


def test_one_non_retryable_code_makes_the_whole_run_non_retryable() -> None:
    graph = flow_of(
        Task("a", work("a", 1, RuntimeError("transient"))),
        Task("b", work("b", 1, CodedError("bad config", ErrorCode.CONFIGURATION_PROBLEM))),
    )
    with pytest.raises(FlowError) as caught:
        run(graph.compile().run(Journal()))
    assert [e.retryable for e in caught.value.errors] == [True, False]
    assert not caught.value.retryable


def test_a_skip_predicate_or_function_that_raises_fails_its_task() -> None:
    def broken(_: Journal) -> bool:
        raise KeyError("no such worker pool")

    def not_async(_: Journal) -> None:
        return None

    graph = flow_of(
        Task("predicate", work("predicate"), skip_if=broken),
        Task("sync", not_async),  # type: ignore[arg-type]
        Task("fine", work("fine")),
    )
    with pytest.raises(FlowError) as caught:
        run(graph.compile().run(Journal()))
    assert caught.value.task_ids == ("predicate", "sync")
    assert "not an awaitable" in caught.value.errors[1].description


def test_progress_is_reported_at_each_step_and_describes_running_tasks() -> None:
    graph = flow_of(
        Task("Deploying the namespace", work("ns", 1)),
        Task("Deploying etcd", work("etcd", 2), dependencies=["Deploying the namespace"]),
        Task("Deploying DNS", work("dns", 1), dependencies=["Deploying the namespace"]),
        Task("Deploying the kube-apiserver", work("kas", 1), dependencies=["Deploying etcd"]),
        name="Shoot cluster reconciliation",
    )
    reports: list[Stats] = []
    run(graph.compile().run(Journal(), on_progress=reports.append))
    assert [(s.progress, describe(s)) for s in reports] == [
        (0, "Deploying the namespace"),
        (25, "Deploying etcd, Deploying DNS"),
        (50, "Deploying etcd"),
        (75, "Deploying the kube-apiserver"),
        (100, "Shoot cluster reconciliation finished"),
    ]
    assert reports[1].pending == ("Deploying the kube-apiserver",)


def test_a_failing_progress_callback_does_not_fail_the_run(caplog: pytest.LogCaptureFixture) -> None:
    def broken(_: Stats) -> None:
        raise RuntimeError("status write failed")

    stats = run(flow_of(Task("a", work("a"))).compile().run(Journal(), on_progress=broken))
    assert stats.succeeded == ("a",)
    assert "progress callback failed" in caplog.text


def test_an_empty_flow_is_complete_at_once() -> None:
    stats = run(flow_of().compile().run(Journal()))
    assert stats.progress == 100
    assert describe(stats) == "Starting demo"


def test_cancelling_the_run_cancels_and_awaits_running_tasks_and_reports_them() -> None:
    graph = flow_of(
        Task("quick", work("quick", 1)),
        Task("long-a", work("long-a", 100)),
        Task("long-b", work("long-b", 100)),
        Task("later", work("later", 1), dependencies=["long-a"]),
    )
    journal = Journal()
    reports: list[Stats] = []

    async def cancel_midway() -> set[asyncio.Task[object]]:
        running = asyncio.create_task(graph.compile().run(journal, on_progress=reports.append))
        await asyncio.sleep(5)
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        return asyncio.all_tasks() - {asyncio.current_task()}

    leftovers = run(cancel_midway())
    assert leftovers == set()
    assert {(at, name) for at, event, name in journal.events if event == "cancelled"} == {
        (5, "long-a"),
        (5, "long-b"),
    }
    final = reports[-1]
    assert final.cancelled == ("long-a", "long-b")
    assert final.succeeded == ("quick",)
    assert final.pending == ("later",)
    assert final.running == ()
    assert final.durations["long-a"] == 5
    assert describe(final) == "demo cancelled while running: long-a, long-b"


def test_a_task_that_cancels_itself_fails_without_cancelling_the_run() -> None:
    async def gives_up(_: Journal) -> None:
        raise asyncio.CancelledError

    graph = flow_of(Task("gives-up", gives_up), Task("other", work("other", 1)))
    with pytest.raises(FlowError) as caught:
        run(graph.compile().run(Journal()))
    assert isinstance(caught.value.errors[0].error, TaskCancelledError)


def test_a_compiled_flow_runs_again_from_scratch() -> None:
    flow = flow_of(Task("a", work("a")), Task("b", work("b"), dependencies=["a"])).compile()
    first, second = Journal(), Journal()
    run(flow.run(first))
    run(flow.run(second))
    assert first.order() == second.order() == ["a", "b"]
