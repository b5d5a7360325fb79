"""A graph of named tasks with dependencies, run with bounded parallelism; progress is done / all.

Gardener's ``pkg/utils/flow`` in asyncio::

    graph: Graph[Operation] = Graph("Shoot cluster reconciliation")
    namespace = graph.add(Task("Deploying the shoot namespace", deploy_namespace))
    secrets = graph.add(Task("Deploying the control plane secrets", deploy_secrets, dependencies=[namespace]))
    graph.add(Task("Deploying etcd", retry_until_timeout(deploy_etcd, 5, 300), dependencies=[secrets]))
    stats = await graph.compile().run(operation, parallelism=8, on_progress=report)

* :mod:`~gardenlet.flow.task`: :class:`Task`, :data:`TaskID`.
* :mod:`~gardenlet.flow.graph`: :class:`Graph` (wiring, checked by ``compile``) and :class:`Flow` (runnable).
* :mod:`~gardenlet.flow.run`: the scheduler; :mod:`~gardenlet.flow.stats`: progress snapshots and descriptions.
* :mod:`~gardenlet.flow.errors`: :class:`FlowError` with each failed task's error and Gardener codes.
* :mod:`~gardenlet.flow.wrappers`: :func:`retry_until_timeout`, :func:`timeout`.
* :mod:`~gardenlet.flow.clock`: the :class:`Clock` runs, retries and timeouts take their time from.
* :mod:`~gardenlet.flow.critical_path` and :mod:`~gardenlet.flow.render`: looking at a flow.
"""

from gardenlet.flow.clock import Clock, LoopClock
from gardenlet.flow.critical_path import CriticalPath, critical_path
from gardenlet.flow.errors import FlowError, TaskError, codes_of
from gardenlet.flow.graph import Flow, Graph, GraphError
from gardenlet.flow.render import render
from gardenlet.flow.run import TaskCancelledError
from gardenlet.flow.stats import Stats, describe
from gardenlet.flow.task import Task, TaskID
from gardenlet.flow.wrappers import Backoff, RetryTimeoutError, TaskTimeoutError, retry_until_timeout, timeout

__all__ = [
    "Backoff",
    "Clock",
    "CriticalPath",
    "Flow",
    "FlowError",
    "Graph",
    "GraphError",
    "LoopClock",
    "RetryTimeoutError",
    "Stats",
    "Task",
    "TaskCancelledError",
    "TaskError",
    "TaskID",
    "TaskTimeoutError",
    "codes_of",
    "critical_path",
    "describe",
    "render",
    "retry_until_timeout",
    "timeout",
]
