"""The shoot scheduler's decisions per second: in-process beside a naive baseline, and end to end through a real
garden API server.

Run ``.venv/bin/python bench/scheduler.py [--quick] [--out FILE]``; it prints a markdown report at the end (progress
goes to stderr). ``bench/README.md`` says what each figure means.

* **In-process**: 10,000 shoots onto 1,000 seeds (aws, gcp and local; 13 regions; capacity 250 shoots each, a few
  seeds unready, tainted, with two zones or with networks that clash with the shoots'; some shoots for testing, with a
  zone-tolerant control plane or tolerating the protected taint). Every shoot exists, unscheduled, before the first
  decision, as after an outage of the scheduler.

  - *ours*: :class:`garden.scheduler.core.Scheduler`: the shoot read (``ShootView.parse``), filters and strategy
    from the cache of candidate groups, shoots per seed from incremental counts; after each decision the binding is
    applied to the counts as its watch event would be.
  - *naive*: Gardener's ``DetermineSeed`` in Python: per decision, the list of all seeds and of all shoots, the
    shoots per seed counted by scanning every shoot (``CalculateSeedUsage``), then every filter over every seed
    (the same pure functions as ours), the strategy and the least loaded seed. It is given the seeds already read
    (as an informer cache hands out typed objects) and counts once per decision (Gardener counts twice): both
    favour the baseline. Its decisions must equal ours, seed for seed.

* **End to end**: a ``garden apiserver`` process with the aws CloudProfile, a project and its binding; seeds created
  through the API and their status patched as a gardenlet would (ready, 250 allocatable shoots); the scheduler as a
  ``garden scheduler`` process. Two phases: a *backlog* (the shoots exist before the scheduler starts) and a
  *stream* (the scheduler runs while the shoots are created, 8 clients). Bindings are seen through a watch of the
  benchmark's own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import platform
import random
import shlex
import ssl
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/apiserver.py, however this file is started
import apiserver as base

from garden.scheduler import filters, strategy
from garden.scheduler.core import Scheduler
from garden.scheduler.strategy import Strategy
from garden.scheduler.views import ProfileRef, SeedView, Selector, ShootView, profile_selector

ROOT = Path(__file__).resolve().parent.parent
NAMESPACE = "garden-dev"
CORE = "core.gardener.cloud/v1beta1"
SHOOTS_PATH = f"/apis/core.gardener.cloud/v1beta1/namespaces/{NAMESPACE}/shoots"
DEADLINE = 300.0

REGIONS = {
    "aws": ("eu-central-1", "eu-west-1", "us-east-1", "us-west-2", "ap-southeast-1", "ap-northeast-1"),
    "gcp": ("europe-west1", "europe-west3", "europe-west4", "us-central1", "us-east1", "asia-southeast1"),
    "local": ("local",),
}
PROVIDER_WEIGHTS = {"aws": 0.45, "gcp": 0.45, "local": 0.10}
PROTECTED = "seed.gardener.cloud/protected"


@dataclass(frozen=True)
class Scale:
    seeds: int
    shoots: int
    capacity: int
    e2e_seeds: int
    e2e_shoots: int  # the backlog
    stream_shoots: int  # created one by one at stream_rate while the scheduler runs
    stream_rate: float
    workers: int

    def describe(self) -> str:
        return (
            f"in-process: {self.shoots:,} shoots onto {self.seeds:,} seeds (capacity {self.capacity} each);"
            f" end to end: a backlog of {self.e2e_shoots:,} shoots, then {self.stream_shoots} at"
            f" {self.stream_rate:g}/s, onto {self.e2e_seeds} seeds, scheduler with {self.workers} workers"
        )


SCALES: dict[base.Mode, Scale] = {
    "full": Scale(1_000, 10_000, 250, 50, 1_000, 200, 5.0, 5),
    "quick": Scale(100, 1_000, 250, 10, 200, 50, 5.0, 5),
}


# -- the in-process landscape -----------------------------------------------------------------------------------------


def seed_object(name: str, provider: str, region: str, rng: random.Random, capacity: int) -> dict[str, Any]:
    ready = "True" if rng.random() > 0.03 else "Unknown"
    zones = 3 if rng.random() > 0.1 else 2
    spec: dict[str, Any] = {
        "provider": {"type": provider, "region": region, "zones": [f"{region}-z{z}" for z in range(zones)]},
        # A few seeds' pod networks clash with the shoots' default pod network (100.96.0.0/11).
        "networks": {
            "nodes": "10.0.0.0/16",
            "pods": "100.96.0.0/16" if rng.random() < 0.02 else "10.1.0.0/16",
            "services": "10.2.0.0/16",
        },
        "dns": {"provider": {"type": "aws-route53", "secretRef": {"name": "dns", "namespace": "garden"}}},
        "ingress": {"domain": f"ingress.{name}.example.com", "controller": {"kind": "nginx"}},
    }
    if rng.random() < 0.05:
        spec["taints"] = [{"key": PROTECTED}]
    return {
        "apiVersion": CORE,
        "kind": "Seed",
        "metadata": {"name": name, "labels": {"environment": rng.choice(["prod", "canary"])}},
        "spec": spec,
        "status": {
            "conditions": [{"type": "GardenletReady", "status": ready}],
            "lastOperation": {"type": "Reconcile", "state": "Succeeded", "lastUpdateTime": "2026-11-25T00:00:00Z"},
            "allocatable": {"shoots": str(capacity)},
        },
    }


def shoot_object(name: str, provider: str, region: str, rng: random.Random, *, version: int) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "cloudProfile": {"kind": "CloudProfile", "name": provider},
        "region": region,
        "provider": {
            "type": provider,
            "workers": [{"name": "worker", "machine": {"type": "m5.large"}, "minimum": 1, "maximum": 2}],
        },
        "kubernetes": {"version": "1.36.2"},
        "networking": {
            "type": "calico",
            "nodes": "10.250.0.0/16",
            "pods": "100.96.0.0/11",
            "services": "100.64.0.0/13",
        },
        "purpose": "testing" if rng.random() < 0.1 else "production",
        "schedulerName": "default-scheduler",
    }
    if rng.random() < 0.1:
        spec["controlPlane"] = {"highAvailability": {"failureTolerance": {"type": "zone"}}}
    if rng.random() < 0.03:
        spec["tolerations"] = [{"key": PROTECTED}]
    metadata = {"name": name, "namespace": NAMESPACE, "uid": f"uid-{name}", "resourceVersion": str(version)}
    return {"apiVersion": CORE, "kind": "Shoot", "metadata": {**metadata, "generation": 1}, "spec": spec}


@dataclass
class Landscape:
    seeds: list[dict[str, Any]]
    profiles: list[dict[str, Any]]
    shoots: list[dict[str, Any]]


def landscape(scale: Scale, seed: int = 1) -> Landscape:
    rng = random.Random(seed)
    providers = list(PROVIDER_WEIGHTS)
    weights = list(PROVIDER_WEIGHTS.values())
    seeds = []
    for i in range(scale.seeds):
        provider = rng.choices(providers, weights)[0]
        seeds.append(seed_object(f"seed-{i:04d}", provider, rng.choice(REGIONS[provider]), rng, scale.capacity))
    shoots = []
    for i in range(scale.shoots):
        provider = rng.choices(providers, weights)[0]
        shoots.append(shoot_object(f"shoot-{i:05d}", provider, rng.choice(REGIONS[provider]), rng, version=i + 1))
    profiles = [
        {"metadata": {"name": p}, "spec": {"seedSelector": {"providerTypes": [p]}} if p != "local" else {}}
        for p in providers
    ]
    return Landscape(seeds, profiles, shoots)


# -- in-process: ours and the naive baseline --------------------------------------------------------------------------


@dataclass
class InProcess:
    name: str
    decisions: int = 0
    seconds: float = 0.0
    placements: list[str | None] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.decisions / self.seconds if self.seconds > 0 else 0.0


def run_ours(land: Landscape, kind: Strategy) -> InProcess:
    scheduler = Scheduler(kind)
    for obj in land.profiles:
        scheduler.set_profile(
            ProfileRef("CloudProfile", obj["metadata"]["name"]), profile_selector(obj, namespaced=False)
        )
    for obj in land.seeds:
        scheduler.set_seed(SeedView.parse(obj))
    result = InProcess("ours")
    version = len(land.shoots)
    started = time.perf_counter()
    for obj in land.shoots:
        view = ShootView.parse(obj)
        decision = scheduler.schedule(view)
        if decision.seed is not None:  # the bound shoot comes back through the watch
            version += 1
            scheduler.counts.observe(view.key, decision.seed, None, str(version))
        result.placements.append(decision.seed)
    result.seconds = time.perf_counter() - started
    result.decisions = len(land.shoots)
    return result


def calculate_seed_usage(shoots: list[dict[str, Any]]) -> dict[str, int]:
    """Gardener's CalculateSeedUsage: spec.seedName, and status.seedName when it differs."""
    usage: dict[str, int] = {}
    for shoot in shoots:
        spec_seed = shoot["spec"].get("seedName")
        status_seed = (shoot.get("status") or {}).get("seedName")
        if spec_seed:
            usage[spec_seed] = usage.get(spec_seed, 0) + 1
        if status_seed and status_seed != spec_seed:
            usage[status_seed] = usage.get(status_seed, 0) + 1
    return usage


def naive_decide(
    obj: dict[str, Any],
    seed_cache: Mapping[str, SeedView],
    shoot_store: Mapping[str, dict[str, Any]],
    profiles: Mapping[str, Selector | None],
    kind: Strategy,
) -> str | None:
    """One decision as Gardener's DetermineSeed makes it: list everything, count, filter every seed."""
    seeds = [seed_cache[name] for name in sorted(seed_cache)]  # List(seeds), in name order
    shoots = list(shoot_store.values())  # List(shoots)
    needs = ShootView.parse(obj).needs
    profile = profiles[needs.profile.name]  # Get(cloudProfile)
    usage = calculate_seed_usage(shoots)
    passed = filters.all_filters(seeds, needs, profile, usage, needs.profile.name).passed
    best = strategy.least_loaded(strategy.candidates(kind, needs, passed).passed, usage)
    return best.name if best is not None else None


def run_naive_aligned(land: Landscape, kind: Strategy, ours: list[str | None], every: int) -> tuple[InProcess, int]:
    """The baseline on every ``every``-th shoot, each time on the state ours had reached there; how many of its
    decisions differ from ours."""
    seed_cache = {obj["metadata"]["name"]: SeedView.parse(obj) for obj in land.seeds}
    profiles = {obj["metadata"]["name"]: profile_selector(obj, namespaced=False) for obj in land.profiles}
    store = {obj["metadata"]["name"]: {**obj, "spec": dict(obj["spec"])} for obj in land.shoots}
    result = InProcess("naive")
    differ = 0
    for index, obj in enumerate(land.shoots):
        if index % every == 0:
            started = time.perf_counter()
            chosen = naive_decide(obj, seed_cache, store, profiles, kind)
            result.seconds += time.perf_counter() - started
            result.decisions += 1
            differ += chosen != ours[index]
            result.placements.append(chosen)
        if ours[index] is not None:  # bind as ours did: the next decision sees the same landscape
            store[obj["metadata"]["name"]]["spec"]["seedName"] = ours[index]
    return result, differ


# -- end to end -------------------------------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    shoots: int = 0
    create: base.Stats | None = None
    bound: int = 0
    first_bound: float = float("nan")  # seconds from the phase's start
    last_bound: float = float("nan")
    latencies: list[float] = field(default_factory=list)  # create acknowledged -> binding seen (stream)
    server_cpu: float = float("nan")  # CPU seconds of the API server process during the phase
    scheduler_cpu: float = float("nan")  # CPU seconds of the scheduler process during the phase

    @property
    def rate(self) -> float:
        span = self.last_bound - self.first_bound
        return (self.bound - 1) / span if self.bound > 1 and span > 0 else float("nan")


@dataclass
class EndToEnd:
    phases: list[Phase] = field(default_factory=list)
    seeds: int = 0
    setup_seconds: float = float("nan")
    misplaced: list[str] = field(default_factory=list)
    spread: dict[str, tuple[int, int]] = field(default_factory=dict)  # region -> (fewest, most) shoots per seed
    events: int = 0
    scheduler_rss_mb: float = float("nan")
    notes: list[str] = field(default_factory=list)
    failed: str = ""


E2E_REGIONS = REGIONS["aws"]


def e2e_shoot(name: str, region: str) -> bytes:
    body = {
        "apiVersion": CORE,
        "kind": "Shoot",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {
            "cloudProfile": {"name": "aws"},
            "region": region,
            "secretBindingName": "aws",
            "provider": {
                "type": "aws",
                "workers": [
                    {
                        "name": "worker",
                        "machine": {"type": "m5.large"},
                        "minimum": 1,
                        "maximum": 2,
                        "zones": [f"{region}{'c' if region == 'ap-northeast-1' else 'a'}"],
                    }
                ],
            },
            "kubernetes": {"version": "1.36"},
            "networking": {"type": "calico", "nodes": "10.250.0.0/16"},
        },
    }
    return json.dumps(body).encode()


def e2e_seed(name: str, region: str) -> bytes:
    body = {
        "apiVersion": CORE,
        "kind": "Seed",
        "metadata": {"name": name},
        "spec": {
            "provider": {"type": "aws", "region": region, "zones": [f"{region}a", f"{region}b", f"{region}c"]},
            "networks": {"nodes": "10.0.0.0/16", "pods": "10.1.0.0/16", "services": "10.2.0.0/16"},
            "dns": {"provider": {"type": "aws-route53", "secretRef": {"name": "dns", "namespace": "garden"}}},
            "ingress": {"domain": f"ingress.{name}.example.com", "controller": {"kind": "nginx"}},
        },
    }
    return json.dumps(body).encode()


def seed_status(capacity: int) -> bytes:
    now = "2026-11-25T00:00:00Z"
    return json.dumps(
        {
            "status": {
                "conditions": [
                    {"type": "GardenletReady", "status": "True", "lastTransitionTime": now, "lastUpdateTime": now}
                ],
                "lastOperation": {"type": "Reconcile", "state": "Succeeded", "progress": 100, "lastUpdateTime": now},
                "allocatable": {"shoots": str(capacity)},
            }
        }
    ).encode()


MERGE = {"Content-Type": "application/merge-patch+json", "Accept": "application/json"}


@contextlib.asynccontextmanager
async def garden_server(workdir: Path) -> AsyncIterator[tuple[base.Server, base.KubeClient, Path]]:
    data, kubeconfig = workdir / "garden", workdir / "garden.kubeconfig"
    port = base._free_port()
    cmd = [str(base.BIN / "garden"), "apiserver", "--data-dir", str(data), "--secure-port", str(port)]
    server = base._spawn("garden", [*cmd, "--write-kubeconfig", str(kubeconfig)], workdir / "garden.log")
    client: list[base.KubeClient] = []

    async def ready() -> bool:
        token = yaml.safe_load(kubeconfig.read_text())["users"][0]["user"]["token"]
        context = ssl.create_default_context(cafile=data / "pki" / "ca.crt")
        client.append(base.KubeClient("garden", f"https://127.0.0.1:{port}", token=token, ssl_context=context))
        return True

    async with base.started(server, ready):
        yield server, client[-1], kubeconfig


def setup_objects() -> list[tuple[str, dict[str, Any]]]:
    """The landscape's objects, each with its collection path."""
    objects: list[tuple[str, dict[str, Any]]] = [
        (
            "/apis/core.gardener.cloud/v1beta1/cloudprofiles",
            yaml.safe_load((ROOT / "cloudprofiles/aws.yaml").read_text()),
        ),
        ("/apis/core.gardener.cloud/v1beta1/projects", yaml.safe_load((ROOT / "examples/project.yaml").read_text())),
        ("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}),
    ]
    for doc in yaml.safe_load_all((ROOT / "examples/secretbinding-aws.yaml").read_text()):
        path = (
            f"/api/v1/namespaces/{NAMESPACE}/secrets"
            if doc["kind"] == "Secret"
            else (f"/apis/core.gardener.cloud/v1beta1/namespaces/{NAMESPACE}/secretbindings")
        )
        objects.append((path, doc))
    return objects


class Bindings:
    """A watch of the namespace's shoots: when each shoot was first seen with a seed, and which."""

    def __init__(self, client: base.KubeClient) -> None:
        self.client = client
        self.seen: dict[str, tuple[float, str]] = {}
        self.region: dict[str, str] = {}
        self.changed = asyncio.Event()

    async def run(self, resource_version: str) -> None:
        url = f"{self.client.base_url}{SHOOTS_PATH}?watch=true&resourceVersion={resource_version}"
        async with self.client.session(1, timeout=None) as s, s.get(url) as response:
            async for line in response.content:
                if not line.strip():
                    continue
                event = json.loads(line)
                obj = event.get("object") or {}
                name = (obj.get("metadata") or {}).get("name")
                seed = (obj.get("spec") or {}).get("seedName")
                if name and seed and name not in self.seen:
                    self.seen[name] = (time.perf_counter(), seed)
                    self.region[name] = obj["spec"]["region"]
                    self.changed.set()

    async def wait(self, names: list[str], seconds: float) -> None:
        deadline = time.perf_counter() + seconds
        while not all(n in self.seen for n in names):
            self.changed.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                missing = sum(n not in self.seen for n in names)
                raise TimeoutError(f"{missing} of {len(names)} shoots not bound after {seconds:.0f} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), min(left, 1.0))


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def spawn_scheduler(workdir: Path, kubeconfig: Path, workers: int, log_name: str) -> base.Server:
    cmd = [str(base.BIN / "garden"), "scheduler", "--kubeconfig", str(kubeconfig), "--workers", str(workers)]
    return base._spawn("scheduler", cmd, workdir / log_name)


async def create_shoots(
    client: base.KubeClient, names: list[str], regions: list[str]
) -> tuple[base.Stats, dict[str, float]]:
    acked: dict[str, float] = {}
    url = client.base_url + SHOOTS_PATH
    async with client.session(8) as s:

        async def op(i: int) -> None:
            await base._send(s, "POST", url, e2e_shoot(names[i], regions[i]))
            acked[names[i]] = time.perf_counter()

        return await base.run_ops(len(names), 8, op, deadline=DEADLINE), acked


async def create_paced(
    client: base.KubeClient, names: list[str], regions: list[str], rate: float
) -> tuple[base.Stats, dict[str, float]]:
    """One create every 1/rate seconds (one client; a create that is late is sent at once)."""
    acked: dict[str, float] = {}
    url = client.base_url + SHOOTS_PATH
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    async with client.session(1) as s:
        for i, name in enumerate(names):
            await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
            sent = time.perf_counter()
            try:
                await base._send(s, "POST", url, e2e_shoot(name, regions[i]))
            except base.OpError as exc:
                errors.append(str(exc)[:300])
                continue
            acked[name] = time.perf_counter()
            latencies.append(acked[name] - sent)
    elapsed = time.perf_counter() - started
    return base.Stats(len(names), elapsed, latencies, len(errors), errors[0] if errors else ""), acked


async def setup_landscape(client: base.KubeClient, scale: Scale) -> tuple[list[tuple[str, str]], str]:
    """The profile, project, binding and the seeds (status reported as a gardenlet would); the seeds and the
    resourceVersion to watch the shoots from."""
    seeds = [(f"aws-{i:03d}", E2E_REGIONS[i % len(E2E_REGIONS)]) for i in range(scale.e2e_seeds)]
    seeds_url = f"{client.base_url}/apis/core.gardener.cloud/v1beta1/seeds"
    async with client.session(8) as s:
        for path, obj in setup_objects():
            await base._send(s, "POST", client.base_url + path, json.dumps(obj).encode())
        for name, region in seeds:
            await base._send(s, "POST", seeds_url, e2e_seed(name, region))
            await base._send(s, "PATCH", f"{seeds_url}/{name}/status", seed_status(scale.capacity), MERGE)
        listed = json.loads(await base._send(s, "GET", client.base_url + SHOOTS_PATH))
    return seeds, str(listed["metadata"]["resourceVersion"])


def _bound(phase: Phase, bindings: Bindings, names: list[str], phase_start: float) -> None:
    times = sorted(bindings.seen[n][0] - phase_start for n in names)
    phase.bound, phase.first_bound, phase.last_bound = len(times), times[0], times[-1]


def _placement(result: EndToEnd, bindings: Bindings, seeds: list[tuple[str, str]]) -> None:
    """Where the shoots went: each in its region; per region, how even."""
    region_of_seed = dict(seeds)
    per_seed: Counter[str] = Counter()
    for name, (_, seed) in bindings.seen.items():
        per_seed[seed] += 1
        if region_of_seed.get(seed) != bindings.region[name]:
            result.misplaced.append(f"{name} ({bindings.region[name]}) on {seed}")
    for region in E2E_REGIONS:
        counts = [per_seed[name] for name, r in seeds if r == region]
        if counts:
            result.spread[region] = (min(counts), max(counts))


async def run_e2e(workdir: Path, scale: Scale) -> EndToEnd:
    result = EndToEnd(seeds=scale.e2e_seeds)
    rng = random.Random(2)
    async with garden_server(workdir) as (server, client, kubeconfig):
        started = time.perf_counter()
        seeds, resource_version = await setup_landscape(client, scale)
        result.setup_seconds = time.perf_counter() - started
        base.log(f"e2e: landscape with {len(seeds)} seeds in {result.setup_seconds:.1f} s")
        bindings = Bindings(client)
        watcher = asyncio.create_task(bindings.run(resource_version))
        scheduler: base.Server | None = None
        try:
            # Backlog: every shoot exists before the scheduler starts.
            backlog = Phase("backlog", scale.e2e_shoots)
            names = [f"b-{i:05d}" for i in range(scale.e2e_shoots)]
            backlog.create, _ = await create_shoots(client, names, [rng.choice(E2E_REGIONS) for _ in names])
            base.log(f"e2e backlog: {len(names):,} shoots created at {backlog.create.rate:,.0f}/s")
            phase_start, server_cpu = time.perf_counter(), cpu_seconds(server.proc.pid)
            scheduler = spawn_scheduler(workdir, kubeconfig, scale.workers, "scheduler.log")
            await bindings.wait(names, DEADLINE)
            _bound(backlog, bindings, names, phase_start)
            backlog.server_cpu = cpu_seconds(server.proc.pid) - server_cpu
            backlog.scheduler_cpu = scheduler_cpu = cpu_seconds(scheduler.proc.pid)
            result.phases.append(backlog)
            base.log(f"e2e backlog: all bound {backlog.last_bound:.1f} s after the scheduler started")

            # Stream: the scheduler runs while shoots are created one by one.
            stream = Phase("stream", scale.stream_shoots)
            names = [f"s-{i:05d}" for i in range(scale.stream_shoots)]
            phase_start, server_cpu = time.perf_counter(), cpu_seconds(server.proc.pid)
            stream.create, acked = await create_paced(
                client, names, [rng.choice(E2E_REGIONS) for _ in names], scale.stream_rate
            )
            await bindings.wait(names, DEADLINE)
            _bound(stream, bindings, names, phase_start)
            stream.server_cpu = cpu_seconds(server.proc.pid) - server_cpu
            stream.scheduler_cpu = cpu_seconds(scheduler.proc.pid) - scheduler_cpu
            stream.latencies = sorted(max(0.0, bindings.seen[n][0] - acked[n]) for n in names if n in acked)
            result.phases.append(stream)
            base.log(f"e2e stream: created at {stream.create.rate:,.0f}/s, all bound after {stream.last_bound:.1f} s")

            result.scheduler_rss_mb = base.memory(scheduler.proc.pid).rss_mb
            _placement(result, bindings, seeds)
            async with client.session(1) as s:
                url = f"{client.base_url}/api/v1/namespaces/{NAMESPACE}/events"
                events = json.loads(await base._send(s, "GET", url)).get("items") or []
            result.events = sum(1 for e in events if e.get("reason") == "SchedulingSuccessful")
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            if scheduler is not None:
                scheduler.stop()
                errors = [line for line in scheduler.log_tail(5000).splitlines() if " ERROR " in line]
                if errors:
                    result.notes.append(f"scheduler log: {len(errors)} errors, first: {errors[0][:200]}")
    return result


# -- the report -------------------------------------------------------------------------------------------------------


def _goal(label: str, ok: bool | None, measured: str) -> str:
    verdict = "n/a" if ok is None else ("PASS" if ok else "MISS")
    return f"- **{verdict}** {label}: {measured}"


@dataclass
class Results:
    ours: InProcess
    naive: InProcess
    differ: int
    every: int
    unschedulable: int
    kind: Strategy
    e2e: EndToEnd | None


def render(
    results: Results, mode: base.Mode, command: str, started: datetime.datetime, seconds: float, load: float
) -> str:
    scale = SCALES[mode]
    ours, naive = results.ours, results.naive
    speedup = ours.rate / naive.rate if naive.rate else float("nan")

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "?"

    lines = [
        "# Shoot scheduler benchmark",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC; the run took {seconds / 60:.1f} minutes",
        f"- command: `{command}`",
        base.machine_line(mode, load),
        f"- source: {base.source_of(ROOT / 'garden')}",
        f"- Python {platform.python_version()}, pydantic {version('pydantic')}, kopf {version('kopf')},"
        f" aiohttp {version('aiohttp')}",
        f"- mode: {mode}; {scale.describe()}; strategy {results.kind}",
        "",
        "## Goals",
        "",
        _goal("ours >= 5,000 decisions/s in-process", ours.rate >= 5000, f"{ours.rate:,.0f}/s"),
        _goal(
            "ours >= 20x the naive baseline",
            speedup >= 20,
            f"{speedup:,.0f}x ({ours.rate:,.0f}/s vs {naive.rate:,.1f}/s)",
        ),
        _goal(
            "the baseline decides as ours does",
            results.differ == 0,
            f"{naive.decisions - results.differ:,} of {naive.decisions:,} decisions equal",
        ),
    ]
    e2e = results.e2e
    if e2e is not None and not e2e.failed:
        bound = sum(p.bound for p in e2e.phases)
        total = sum(p.shoots for p in e2e.phases)
        lines.append(
            _goal(
                "end to end: every shoot bound, in its region",
                bound == total and not e2e.misplaced,
                f"{bound:,} of {total:,} bound, {len(e2e.misplaced)} outside their region",
            )
        )
    lines += [
        "",
        "## In-process decisions",
        "",
        f"{scale.shoots:,} shoots, all unscheduled, onto {scale.seeds:,} seeds. A decision: read the shoot, filter,"
        " apply the strategy, choose the least loaded seed, record the binding. The baseline decided "
        + ("every shoot" if results.every == 1 else f"every {results.every}th shoot")
        + ", each time on the landscape as ours had left it there (bound where ours bound).",
        "",
        "| scheduler | decisions timed | time | decisions/s | per decision |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for run in (ours, naive):
        per = run.seconds / run.decisions * 1e6 if run.decisions else float("nan")
        lines.append(f"| {run.name} | {run.decisions:,} | {run.seconds:.2f} s | {run.rate:,.1f} | {per:,.0f} µs |")
    placed = Counter(p for p in ours.placements if p is not None)
    lines += [
        "",
        f"Ours placed {sum(placed.values()):,} shoots on {len(placed):,} seeds"
        f" (at most {max(placed.values(), default=0)} on one); {results.unschedulable:,} found no seed (their"
        " region has no usable seed of their provider, or none there has three zones or the toleration they need).",
    ]
    if e2e is not None:
        lines += ["", "## End to end", ""]
        if e2e.failed:
            lines.append(f"**failed**: {e2e.failed}")
        else:
            lines += [
                f"A `garden apiserver` process, {e2e.seeds} aws seeds over {len(E2E_REGIONS)} regions (landscape set"
                f" up in {e2e.setup_seconds:.1f} s), the scheduler as a `garden scheduler --workers {scale.workers}`"
                " process. Bound: the shoot seen with `spec.seedName` in the benchmark's watch.",
                "",
                "| phase | shoots | creates/s | first binding | last binding | decisions/s | create→bound p50 / p99"
                " | API server CPU per shoot | scheduler CPU per shoot |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            ]
            for phase in e2e.phases:
                latency = "-"
                if phase.latencies:
                    latency = (
                        f"{base.percentile(phase.latencies, 0.5) * 1e3:,.0f} ms /"
                        f" {base.percentile(phase.latencies, 0.99) * 1e3:,.0f} ms"
                    )
                create = f"{phase.create.rate:,.0f}" if phase.create else "-"
                per = max(phase.bound, 1)
                lines.append(
                    f"| {phase.name} | {phase.shoots:,} | {create} | {phase.first_bound:.2f} s |"
                    f" {phase.last_bound:.2f} s | {phase.rate:,.1f} | {latency} |"
                    f" {phase.server_cpu / per * 1e3:,.1f} ms | {phase.scheduler_cpu / per * 1e3:,.1f} ms |"
                )
            spread = ", ".join(f"{r} {lo}-{hi}" for r, (lo, hi) in e2e.spread.items())
            lines += [
                "",
                "Backlog: the shoots exist before the scheduler starts; times from starting the scheduler process (the"
                " first binding includes its start-up: Python, kopf, listing the landscape); decisions/s between the"
                " first and the last binding. Stream: one create at a time at a fixed rate while the scheduler runs;"
                " times from the first create; create→bound from a create's acknowledgement to the binding seen in"
                " the watch. CPU per shoot: the process's CPU time during the phase over the shoots bound; the API"
                " server's includes the creates (stream only), the bindings with their admission, the events and"
                " the watches; the scheduler's includes its start-up in the backlog.",
                "",
                f"- shoots per seed, fewest-most, by region: {spread}",
                f"- `SchedulingSuccessful` events: {e2e.events:,}",
                f"- scheduler RSS at the end: {e2e.scheduler_rss_mb:.0f} MB",
            ]
            if e2e.misplaced:
                lines.append(f"- outside their region: {', '.join(e2e.misplaced[:5])}")
        for note in e2e.notes:
            lines.append(f"- note: {note}")
    return "\n".join(lines) + "\n"


# -- main -------------------------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace, command: str) -> str:
    mode: base.Mode = "quick" if args.quick else "full"
    scale = SCALES[mode]
    kind = Strategy(args.strategy)
    started = datetime.datetime.now(datetime.UTC)
    began = time.monotonic()
    load = os.getloadavg()[0]
    land = landscape(scale)
    base.log(f"in-process: {scale.shoots:,} shoots onto {scale.seeds:,} seeds, {kind}")
    ours = run_ours(land, kind)
    base.log(f"ours: {ours.decisions:,} decisions in {ours.seconds:.2f} s: {ours.rate:,.0f}/s")
    every = args.every
    naive, differ = run_naive_aligned(land, kind, ours.placements, every)
    base.log(f"naive: {naive.decisions:,} decisions in {naive.seconds:.2f} s: {naive.rate:,.1f}/s; {differ} differ")
    unschedulable = sum(p is None for p in ours.placements)
    e2e: EndToEnd | None = None
    if not args.skip_e2e:
        with tempfile.TemporaryDirectory(prefix="bench-scheduler-") as tmp:
            try:
                e2e = await run_e2e(Path(tmp), scale)
            except Exception as exc:  # the in-process figures stand on their own
                base.log(f"e2e failed: {exc!r}")
                e2e = EndToEnd(seeds=scale.e2e_seeds, failed=f"{type(exc).__name__}: {exc}".splitlines()[0][:300])
    results = Results(ours, naive, differ, every, unschedulable, kind, e2e)
    return render(results, mode, command, started, time.monotonic() - began, load)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="The shoot scheduler: in-process beside a naive baseline, and end to end.")
    p.add_argument("--quick", action="store_true", help="a small run (under a minute) to check that it works")
    p.add_argument("--out", type=Path, help="also write the markdown report here")
    p.add_argument("--strategy", default="SameRegion", choices=list(strategy.STRATEGIES))
    p.add_argument("--every", type=int, default=1, help="time the baseline on every Nth decision only (default: all)")
    p.add_argument("--skip-e2e", action="store_true", help="only the in-process part")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = shlex.join([".venv/bin/python", "bench/scheduler.py", *(sys.argv[1:] if argv is None else argv)])
    text = asyncio.run(run(args, command))
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
        base.log(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
