"""One pod's life on this node: volumes, init containers in order, containers with restarts and probes, status,
graceful termination. A worker runs as one asyncio task per pod; it wakes on pod changes and every second.

Termination: a Pod with ``deletionTimestamp`` gets SIGTERM on every container's process group, SIGKILL after
``deletionGracePeriodSeconds``, its directory removed, and is then deleted for good (``gracePeriodSeconds=0`` with a
uid precondition, so a new pod of the same name is never hit). A pod that vanished from the API (force-deleted)
is stopped the same way, with its spec's grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kubelite.client import PODS, Kube, KubeError, Object
from kubelite.kubelet import processes
from kubelite.kubelet.catalogue import Catalogue, ResolveError
from kubelite.kubelet.container import Container, Launch
from kubelite.kubelet.environment import container_env, service_env
from kubelite.kubelet.expansion import expand
from kubelite.kubelet.logs import Stamper
from kubelite.kubelet.lookup import ConfigError, Lookup
from kubelite.kubelet.mounts import MOUNTS_ENV, Mount, PathMap
from kubelite.kubelet.network.netns.hook import ENV as NETWORK_ENV
from kubelite.kubelet.network.netns.resolve import TableFile
from kubelite.kubelet.network.rewrite import rewrite_args
from kubelite.kubelet.probes import ExecContext, Prober, probe_once
from kubelite.kubelet.status import pod_status
from kubelite.kubelet.volumes import materialise
from kubelite.nodes.heartbeat import timestamp

logger = logging.getLogger(__name__)

SYNC_PERIOD = 1.0
VOLUME_REFRESH = 10.0
DEFAULT_GRACE = 30
NETNS_DIR = Path(__file__).parent / "network" / "netns"


@dataclass(frozen=True, slots=True)
class NodeContext:
    """What every pod worker of this node shares."""

    node_name: str
    root: Path
    host_ip: str
    allocatable: Mapping[str, str]
    catalogue: Catalogue
    names_path: Path
    allowed_host_paths: tuple[Path, ...] = ()


def pod_dir_name(namespace: str, name: str, uid: str) -> str:
    return f"{namespace}_{name}_{uid}"


class PodWorker:
    def __init__(
        self,
        pod: Object,
        pod_ip: str,
        ctx: NodeContext,
        kube: Kube,
        lookup: Lookup,
        stamper: Stamper,
        counters: dict[str, int],
    ) -> None:
        meta = pod["metadata"]
        self.uid: str = meta["uid"]
        self.namespace: str = meta["namespace"]
        self.name: str = meta["name"]
        self.pod: Object = pod
        self.gone = False
        self.finished = False
        self.pod_ip = pod_ip
        self.ctx = ctx
        self.kube = kube
        self.lookup = lookup
        self.stamper = stamper
        self.counters = counters
        self.directory = ctx.root / "pods" / pod_dir_name(self.namespace, self.name, self.uid)
        self.wake = asyncio.Event()
        spec = pod.get("spec") or {}
        self.init = [Container(c, self.directory / c["name"], init=True) for c in spec.get("initContainers") or []]
        self.containers = [Container(c, self.directory / c["name"]) for c in spec.get("containers") or []]
        self.volume_dirs: dict[str, Path] = {}
        self.volumes_at = float("-inf")
        self.config_error: ConfigError | None = None
        self.last_status: Object | None = None
        self.start_time = str((pod.get("status") or {}).get("startTime") or timestamp())
        self.names = TableFile(str(ctx.names_path))
        self.usage: Object = {}
        self._seed_from_status()
        self._adopt()

    # -- set-up ----------------------------------------------------------------------------------------------------

    def all_containers(self) -> list[Container]:
        return [*self.init, *self.containers]

    def container(self, name: str) -> Container | None:
        return next((c for c in self.all_containers() if c.name == name), None)

    def _seed_from_status(self) -> None:
        """After a kubelet restart, continue from what the Pod's status says (restart counts, finished inits)."""
        status = self.pod.get("status") or {}
        known = {
            s.get("name"): s
            for s in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]
        }
        for container in self.all_containers():
            seen = known.get(container.name)
            if not seen:
                continue
            container.record.restart_count = int(seen.get("restartCount") or 0)
            state = seen.get("state") or {}
            if "running" in state or "terminated" in state or seen.get("lastState"):
                container.has_run = True
            if container.init and (state.get("terminated") or {}).get("exitCode") == 0:
                container.record.state = "terminated"
                container.record.exit_code = 0
                container.record.reason = "Completed"
                container.record.started_at = state["terminated"].get("startedAt") or ""
                container.record.finished_at = state["terminated"].get("finishedAt") or ""
            elif "terminated" in state and self._terminal_phase():
                term = state["terminated"]
                container.record.state = "terminated"
                container.record.exit_code = int(term.get("exitCode") or 0)
                container.record.reason = str(term.get("reason") or "")

    def _terminal_phase(self) -> bool:
        return (self.pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")

    def _adopt(self) -> None:
        for container in self.all_containers():
            state = processes.ProcessState.load(container.directory)
            if state is None:
                continue
            if processes.alive(state.pid, state.create_time):
                container.adopt(state, self.stamper)
                container.spec_hash = state.spec_hash
                self.counters["adopted"] += 1
                self._arm(container)
                logger.info("pod %s/%s: adopted %s (pid %d)", self.namespace, self.name, container.name, state.pid)
            else:
                processes.ProcessState.clear(container.directory)

    # -- the loop --------------------------------------------------------------------------------------------------

    def update(self, pod: Object | None) -> None:
        if pod is None:
            self.gone = True
        else:
            self.pod = pod
        self.wake.set()

    @property
    def deleting(self) -> bool:
        return self.gone or bool((self.pod.get("metadata") or {}).get("deletionTimestamp"))

    async def run(self) -> None:
        while True:
            try:
                await self.sync()
            except Exception:
                logger.exception("pod %s/%s: sync failed", self.namespace, self.name)
            if self.finished:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), SYNC_PERIOD)
            self.wake.clear()

    async def sync(self) -> None:
        if self.deleting:
            await self.terminate()
            return
        for container in self.all_containers():
            if container.poll():
                self._after_exit(container)
        if self._terminal_phase() and not any(c.running for c in self.all_containers()):
            return
        if time.monotonic() - self.volumes_at >= VOLUME_REFRESH or self.config_error is not None:
            await self._refresh_volumes()
        if all(c.record.state == "terminated" and c.record.exit_code == 0 for c in self.init):
            await self._step_containers()
        else:
            await self._step_init()
        await self._probe()
        await self._post_status()

    async def _refresh_volumes(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._write_network_file()
        try:
            self.volume_dirs = await asyncio.to_thread(
                materialise,
                self.pod,
                self.directory,
                self.ctx.root,
                self.lookup,
                pod_ip=self.pod_ip,
                host_ip=self.ctx.host_ip,
                allocatable=self.ctx.allocatable,
                allowed_host_paths=self.ctx.allowed_host_paths,
            )
            self.config_error = None
            self.volumes_at = time.monotonic()
        except ConfigError as exc:
            self.config_error = exc
        except KubeError as exc:
            self.config_error = ConfigError("CreateContainerConfigError", f"reading the pod's volumes failed: {exc}")

    def _write_network_file(self) -> None:
        document = {"podIP": self.pod_ip, "namespace": self.namespace, "names": str(self.ctx.names_path)}
        path = self.directory / "network.json"
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(document), encoding="utf-8")
        os.replace(temporary, path)

    @property
    def restart_policy(self) -> str:
        return str((self.pod.get("spec") or {}).get("restartPolicy") or "Always")

    def _should_restart(self, container: Container) -> bool:
        policy = self.restart_policy
        failed = container.record.exit_code != 0
        if container.init:
            return failed and policy != "Never"
        return policy == "Always" or (policy == "OnFailure" and failed)

    def _after_exit(self, container: Container) -> None:
        logger.info(
            "pod %s/%s: container %s exited with %s",
            self.namespace,
            self.name,
            container.name,
            container.record.exit_code,
        )
        if not self._should_restart(container):
            return
        delay = container.backoff.next_delay(container.ran_for())
        container.roll_termination()
        container.restart_at = time.monotonic() + delay
        container.restart_scheduled = True
        if delay > 0:
            container.record.state = "waiting"
            container.record.reason = "CrashLoopBackOff"
            container.record.message = (
                f"back-off {delay:g}s restarting failed container={container.name} pod={self.name}_{self.namespace}"
                f"({self.uid})"
            )

    def _wants_start(self, container: Container) -> bool:
        if container.running:
            return False
        if container.record.state == "terminated" and not container.restart_scheduled:
            return False  # finished for good
        return time.monotonic() >= container.restart_at

    async def _step_init(self) -> None:
        for container in self.init:
            if container.record.state == "terminated" and container.record.exit_code == 0:
                continue
            if container.running:
                return
            if self._wants_start(container):
                await self._start(container)
            return

    async def _step_containers(self) -> None:
        spec_by_name = {c["name"]: c for c in (self.pod.get("spec") or {}).get("containers") or []}
        for container in self.containers:
            wanted = spec_by_name.get(container.name)
            if wanted is not None and container.running and processes.spec_hash(wanted) != container.spec_hash:
                logger.info("pod %s/%s: container %s changed; restarting", self.namespace, self.name, container.name)
                await container.stop(self._grace())
                container.spec = wanted
                container.spec_hash = processes.spec_hash(wanted)
                container.roll_termination()
                container.restart_at = 0.0
                container.restart_scheduled = True
            if self._wants_start(container):
                await self._start(container)

    async def _start(self, container: Container) -> None:
        if self.config_error is not None:
            container.record.state = "waiting"
            container.record.reason = self.config_error.reason
            container.record.message = self.config_error.message
            return
        try:
            launch = await asyncio.to_thread(self._prepare, container)
        except ResolveError as exc:
            pulled_before = container.record.reason in ("ErrImagePull", "ImagePullBackOff")
            container.record.state = "waiting"
            container.record.reason = (
                "ImagePullBackOff" if pulled_before and exc.reason == "ErrImagePull" else exc.reason
            )
            container.record.message = exc.message
            container.restart_at = time.monotonic() + 5.0
            return
        except (ConfigError, KubeError) as exc:
            container.record.state = "waiting"
            container.record.reason = getattr(exc, "reason", "") or "CreateContainerConfigError"
            container.record.message = str(getattr(exc, "message", "") or exc)
            container.restart_at = time.monotonic() + 2.0
            return
        try:
            container.start(launch, self.stamper)
        except OSError as exc:
            container.record.state = "waiting"
            container.record.reason = "RunContainerError"
            container.record.message = f"starting {launch.argv[0]} failed: {exc}"
            container.restart_at = time.monotonic() + 5.0
            return
        self.counters["starts"] += 1
        self._arm(container)
        logger.info("pod %s/%s: started %s (pid %d)", self.namespace, self.name, container.name, container.pid)

    def path_map(self, container: Container) -> PathMap:
        mounts = []
        for mount in container.spec.get("volumeMounts") or []:
            directory = self.volume_dirs.get(mount.get("name", ""))
            if directory is None:
                raise ConfigError("CreateContainerConfigError", f"volumeMount {mount.get('name')!r}: no such volume")
            host = directory / mount["subPath"] if mount.get("subPath") else directory
            mounts.append(Mount(str(mount.get("mountPath", "")), str(host)))
        return PathMap(mounts)

    def _prepare(self, container: Container) -> Launch:
        """Blocking (API reads): the argv, env and working directory of the container's next process."""
        spec = container.spec
        pod_spec = self.pod.get("spec") or {}
        links = pod_spec.get("enableServiceLinks", True)
        services = self.lookup.services(self.namespace) if links else []
        kubernetes = next(
            iter(s for s in self.lookup.services("default") if s["metadata"]["name"] == "kubernetes"), None
        )
        env = container_env(
            self.pod,
            spec,
            self.lookup,
            pod_ip=self.pod_ip,
            host_ip=self.ctx.host_ip,
            allocatable=self.ctx.allocatable,
            services=service_env(services, include_kubernetes=kubernetes),
        )
        paths = self.path_map(container)
        env = {key: paths.text(value) for key, value in env.items()}
        command = [paths.text(expand(str(part), env)) for part in spec.get("command") or []]
        args = [paths.text(expand(str(part), env)) for part in spec.get("args") or []]
        resolved = self.ctx.catalogue.resolve(str(spec.get("image") or ""), command, args)
        argv = list(resolved.argv)
        if resolved.entry.rewrite.urls or resolved.entry.rewrite.cluster:
            argv = [
                argv[0],
                *rewrite_args(argv[1:], resolved.entry.rewrite, self.pod_ip, self.namespace, self.names.current()),
            ]
        home = container.directory / "home"
        home.mkdir(parents=True, exist_ok=True)
        base = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(home),
            "HOSTNAME": str(pod_spec.get("hostname") or self.name),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
        }
        full = {**base, **env}
        if resolved.network == "hook":
            python_path = [str(NETNS_DIR)]
            if env.get("PYTHONPATH"):
                python_path.append(env["PYTHONPATH"])
            full["PYTHONPATH"] = os.pathsep.join(python_path)
            full[NETWORK_ENV] = str(self.directory / "network.json")
            full[MOUNTS_ENV] = paths.encode()
            full.setdefault("PYTHONUNBUFFERED", "1")
        working = spec.get("workingDir")
        cwd = paths.path(str(working)) if working else str(container.directory / "work")
        Path(cwd).mkdir(parents=True, exist_ok=True)
        return Launch(argv, full, cwd, resolved.image_id)

    # -- probes ----------------------------------------------------------------------------------------------------

    def _arm(self, container: Container) -> None:
        container.probers.clear()
        if container.init:
            return
        for kind in ("startup", "readiness", "liveness"):
            spec = container.spec.get(f"{kind}Probe")
            if spec:
                container.probers[kind] = Prober(kind, spec, container.started_monotonic)

    def _argv_for(self, container: Container) -> Callable[[Sequence[str]], list[str]]:
        def argv_for(command: Sequence[str]) -> list[str]:
            paths = self.path_map(container)
            mapped = [paths.text(expand(str(part), container.env)) for part in command]
            return list(self.ctx.catalogue.resolve(str(container.spec.get("image") or ""), mapped, []).argv)

        return argv_for

    async def _probe(self) -> None:
        now = time.monotonic()
        jobs: list[tuple[Container, Prober]] = []
        for container in self.containers:
            if not container.running:
                continue
            started = container.record.started
            for kind, prober in container.probers.items():
                if kind == "startup" and started:
                    continue
                if kind != "startup" and not started:
                    continue
                if prober.due(now):
                    jobs.append((container, prober))
        if jobs:
            results = await asyncio.gather(*(self._run_probe(c, p) for c, p in jobs))
            now = time.monotonic()
            for (container, prober), (ok, message) in zip(jobs, results, strict=True):
                verdict = prober.record(ok, message, now)
                await self._act_on_probe(container, prober, verdict)
        for container in self.containers:
            readiness = container.probers.get("readiness")
            container.record.ready = (
                container.running and container.record.started and (readiness.result if readiness else True)
            )

    async def _run_probe(self, container: Container, prober: Prober) -> tuple[bool, str]:
        context = ExecContext(container.env, container.cwd or str(container.directory), self._argv_for(container))
        try:
            return await probe_once(prober.spec, container.spec, self.pod_ip, context)
        except (ResolveError, ConfigError) as exc:
            return False, str(exc)

    async def _act_on_probe(self, container: Container, prober: Prober, verdict: bool) -> None:
        if prober.kind == "startup" and verdict:
            container.record.started = True
            return
        if prober.kind in ("liveness", "startup") and not verdict and prober.failures >= _threshold(prober):
            logger.info(
                "pod %s/%s: container %s failed its %s probe (%s); restarting",
                self.namespace,
                self.name,
                container.name,
                prober.kind,
                prober.message,
            )
            await container.stop(float(prober.spec.get("terminationGracePeriodSeconds") or self._grace()))
            container.record.message = f"{prober.kind} probe failed: {prober.message}"
            self._after_exit(container)

    # -- status ----------------------------------------------------------------------------------------------------

    async def _post_status(self) -> None:
        pod = dict(self.pod)
        if self.last_status is not None:
            pod["status"] = self.last_status
        status = pod_status(
            pod,
            [c.record for c in self.init],
            [c.record for c in self.containers],
            pod_ip=self.pod_ip,
            host_ip=self.ctx.host_ip,
            start_time=self.start_time,
            now=timestamp(),
        )
        if status == self.last_status:
            return
        try:
            await asyncio.to_thread(
                self.kube.patch, PODS, self.namespace, self.name, {"status": status}, subresource="status"
            )
        except KubeError as exc:
            if not exc.not_found:
                logger.warning("pod %s/%s: status update failed: %s", self.namespace, self.name, exc)
            return
        self.last_status = status
        self.counters["status_updates"] += 1

    # -- termination -----------------------------------------------------------------------------------------------

    def _grace(self) -> float:
        meta = self.pod.get("metadata") or {}
        if meta.get("deletionGracePeriodSeconds") is not None:
            return float(meta["deletionGracePeriodSeconds"])
        return float((self.pod.get("spec") or {}).get("terminationGracePeriodSeconds", DEFAULT_GRACE))

    async def terminate(self) -> None:
        grace = self._grace()
        logger.info("pod %s/%s: terminating (grace %gs)", self.namespace, self.name, grace)
        await asyncio.gather(*(c.stop(grace) for c in self.all_containers() if c.running))
        for container in self.all_containers():
            for restart in range(container.record.restart_count + 1):
                self.stamper.forget(container.log_path(restart))
        await asyncio.to_thread(shutil.rmtree, self.directory, True)
        if not self.gone:
            body = {
                "kind": "DeleteOptions",
                "apiVersion": "v1",
                "gracePeriodSeconds": 0,
                "preconditions": {"uid": self.uid},
            }
            try:
                await asyncio.to_thread(self.kube.request, "DELETE", PODS.item(self.namespace, self.name), body)
            except KubeError as exc:
                if not (exc.not_found or exc.conflict):
                    logger.warning("pod %s/%s: final delete failed: %s", self.namespace, self.name, exc)
                    return
        self.finished = True


def _threshold(prober: Prober) -> int:
    return int(prober.spec.get("failureThreshold") or 3)


def kill_leftovers(pod_directory: Path, grace: float) -> list[int]:
    """Stop every live process recorded under a pod directory whose pod is gone; the pids that were stopped."""
    stopped = []
    for state_file in pod_directory.glob(f"*/{processes.STATE_FILE}"):
        state = processes.ProcessState.load(state_file.parent)
        if state is None or not processes.alive(state.pid, state.create_time):
            continue
        processes.signal_group(state.pid, state.create_time, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and processes.alive(state.pid, state.create_time):
            time.sleep(0.05)
        processes.signal_group(state.pid, state.create_time, signal.SIGKILL)
        stopped.append(state.pid)
    return stopped
