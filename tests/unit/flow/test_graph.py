from __future__ import annotations

import itertools

import pytest

from gardenlet.flow import Graph, GraphError, Task, render
from gardenlet.flow.render import levels
from tests.unit.flow.helpers import Journal, work

pytestmark = pytest.mark.unit


def task(name: str, *deps: str) -> Task[Journal]:
    return Task(name, work(name), dependencies=deps)


def test_compiled_order_is_topological_and_keeps_insertion_order_for_ties() -> None:
    graph: Graph[Journal] = Graph("demo")
    graph.add(task("c", "b"))
    graph.add(task("b"))
    graph.add(task("a"))
    graph.add(task("d", "a", "c"))
    assert list(graph.compile().tasks) == ["b", "c", "a", "d"]


def test_add_returns_the_task_id_for_later_dependencies() -> None:
    graph: Graph[Journal] = Graph("demo")
    first = graph.add(task("Deploying the namespace"))
    graph.add(Task("Deploying secrets", work("s"), dependencies=[first]))
    flow = graph.compile()
    assert flow.dependants[first] == ("Deploying secrets",)


def test_a_duplicate_name_is_rejected_when_added() -> None:
    graph: Graph[Journal] = Graph("demo", [task("a")])
    with pytest.raises(GraphError, match="duplicate task 'a'"):
        graph.add(task("a"))


def test_every_unknown_dependency_is_named() -> None:
    graph: Graph[Journal] = Graph("demo", [task("a", "x"), task("b", "a", "y")])
    with pytest.raises(GraphError) as caught:
        graph.compile()
    assert caught.value.problems == (
        "task 'a' depends on unknown task 'x'",
        "task 'b' depends on unknown task 'y'",
    )


def test_a_cycle_is_reported_as_a_path() -> None:
    graph: Graph[Journal] = Graph("demo", [task("root"), task("a", "root", "c"), task("b", "a"), task("c", "b")])
    with pytest.raises(GraphError, match="cycle") as caught:
        graph.compile()
    (problem,) = caught.value.problems
    path = problem.removeprefix("cycle: ").split(" -> ")
    assert path[0] == path[-1]
    assert set(path) == {"a", "b", "c"}
    # Each step goes from a dependency to a task depending on it.
    for before, after in itertools.pairwise(path):
        assert before in {"a": ["c"], "b": ["a"], "c": ["b"]}[after]


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Task("", work("x")), ValueError, "non-empty name"),
        (lambda: Task("a", work("a"), dependencies=["a"]), ValueError, "depends on itself"),
        (lambda: Task("a", work("a"), dependencies="bc"), TypeError, "not one string"),
        (lambda: Task("a", "not callable"), TypeError, "async callable"),  # type: ignore[arg-type]
        (lambda: Task("a", work("a"), dependencies=[1]), TypeError, "not a task name"),  # type: ignore[list-item]
    ],
    ids=["empty-name", "self-dependency", "string-dependencies", "fn-not-callable", "non-string-dependency"],
)
def test_bad_tasks_are_rejected_when_built(build: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        build()  # type: ignore[operator]


def test_tasks_are_immutable() -> None:
    built = task("a")
    with pytest.raises(AttributeError):
        built.name = "b"


def test_render_lists_tasks_by_level_with_their_dependencies() -> None:
    graph: Graph[Journal] = Graph(
        "Shoot cluster reconciliation",
        [
            task("Deploying the namespace"),
            task("Deploying secrets", "Deploying the namespace"),
            task("Deploying etcd", "Deploying secrets"),
            task("Deploying the infrastructure", "Deploying the namespace"),
            Task("Deploying DNS", work("dns"), dependencies=["Deploying etcd"], skip_if=True),
        ],
    )
    flow = graph.compile()
    assert levels(flow) == {
        "Deploying the namespace": 0,
        "Deploying secrets": 1,
        "Deploying the infrastructure": 1,
        "Deploying etcd": 2,
        "Deploying DNS": 3,
    }
    assert render(flow) == (
        "Shoot cluster reconciliation (5 tasks, 4 levels)\n"
        "  level 0:\n"
        "    - Deploying the namespace\n"
        "  level 1:\n"
        "    - Deploying secrets  <- Deploying the namespace\n"
        "    - Deploying the infrastructure  <- Deploying the namespace\n"
        "  level 2:\n"
        "    - Deploying etcd  <- Deploying secrets\n"
        "  level 3:\n"
        "    - Deploying DNS [skipped]  <- Deploying etcd\n"
    )
