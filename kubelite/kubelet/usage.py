"""Resource accounting: RSS and CPU of each container's process tree (psutil), for the Pod annotation
``kubelite.io/usage`` and the kubelet's Prometheus metrics."""

from __future__ import annotations

import time
from dataclasses import dataclass

import psutil

USAGE_ANNOTATION = "kubelite.io/usage"


@dataclass(slots=True)
class Sample:
    rss_bytes: int
    cpu_seconds: float
    at: float


def sample(pid: int) -> Sample | None:
    """The process and all its descendants; None when the process is gone."""
    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None
    rss = 0
    cpu = 0.0
    for process in tree:
        try:
            rss += process.memory_info().rss
            times = process.cpu_times()
            cpu += times.user + times.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return Sample(rss, cpu, time.monotonic())


def millicores(before: Sample | None, after: Sample) -> int:
    """Average CPU use between two samples, in millicores (0 without an earlier sample)."""
    if before is None or after.at <= before.at:
        return 0
    return max(0, round((after.cpu_seconds - before.cpu_seconds) / (after.at - before.at) * 1000))
