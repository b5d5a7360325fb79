"""The embedded landscape as real processes on loopback, for integration and end-to-end tests.

:func:`running_landscape` starts, each in its own process with its own temp directory and log file:

* the garden API server (``garden apiserver``) and, optionally, ``garden scheduler`` and ``garden
  controller-manager`` against it;
* a seed: ``kubelite apiserver``, ``kubelite kubelet`` on it (the seed's only node, running its workloads as
  processes), and ``gardenlet extensions --providers local`` (extension and machine controllers);
* optionally the gardenlet itself (``gardenlet --garden-kubeconfig ... --seed-kubeconfig ... --config ...``), started
  with the landscape or later with :meth:`Landscape.start_gardenlet`;

then seeds the garden with the local CloudProfile, the project ``dev`` (namespace ``garden-dev``), the local
provider's credentials (the seed's kubeconfig and a backup directory) and the SecretBinding ``local``, so
``examples/shoot-local.yaml`` can be created as it is.

Start-up is parallel where the order allows (both API servers at once; the garden objects while the seed's
processes start) and waits on readiness signals, never on sleeps: an API server is ready when it has written its
kubeconfig, the kubelet when its /healthz answers, the gardenlet when its Seed reports ``GardenletReady``.
Everything started is stopped on exit, also when start-up failed half-way; pods the kubelet ran are deleted and any
leftover container process is killed.

Use it as a context manager (``with running_landscape(tmp_path) as scape:``) or as the module-scoped pytest fixture
:func:`landscape`; a test module tunes the fixture with a module attribute ``LANDSCAPE = LandscapeOptions(...)``.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubelite.client import Kube
from tests.integration.kubelet.conftest import KubeletProcess
from tests.integration.server import BIN, KUBECTL, RunningServer
from tests.integration.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
SEED_CRDS = ROOT / "charts" / "crds" / "seed"
LOCAL_CLOUDPROFILE = ROOT / "cloudprofiles" / "local.yaml"
PROJECT = "dev"
PROJECT_NAMESPACE = f"garden-{PROJECT}"
BINDING = "local"
CREDENTIALS_SECRET = "local-credentials"
SEED_NAME = "local"
SEED_NODE = "seed-node"


@dataclass(frozen=True)
class LandscapeOptions:
    """What runs. Timings are short by default: tests wait on outcomes, and a slow heartbeat only slows them."""

    scheduler: bool = True
    controller_manager: bool = True
    extensions: bool = True
    #: Start the gardenlet with the landscape (else :meth:`Landscape.start_gardenlet` later).
    gardenlet: bool = False
    seed_name: str = SEED_NAME
    #: ``garden controller-manager --resync-seconds`` and ``--seed-grace-seconds``.
    resync_seconds: float = 1.0
    seed_grace_seconds: float = 40.0
    #: Gardenlet configuration: merged over :func:`local_gardenlet_config` (dicts recursively).
    gardenlet_config: Mapping[str, Any] = field(default_factory=dict)


class ChildProcess:
    """A command run by the landscape, its output in ``log``; stopped with SIGTERM, killed if it lingers."""

    def __init__(self, name: str, argv: list[str], log: Path, env: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.argv = argv
        self.log_path = log
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ChildProcess:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT, env=self.env)
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self, tail: int = 5000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def check_alive(self) -> None:
        """Fail with the process's log when it has exited."""
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"{self.name} exited with {self.process.returncode}:\n{self.log()}")

    def terminate(self) -> None:
        if self.running:
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)

    def wait_stopped(self, timeout: float = 15.0) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def stop(self, timeout: float = 15.0) -> None:
        self.terminate()
        self.wait_stopped(timeout)


def _apiserver(name: str, data_dir: Path, command: list[str], *extra: str) -> ChildProcess:
    data_dir.mkdir(parents=True, exist_ok=True)
    kubeconfig = data_dir / "admin.kubeconfig"
    kubeconfig.unlink(missing_ok=True)
    argv = [*command, "--data-dir", str(data_dir), "--secure-port", "0", "--write-kubeconfig", str(kubeconfig), *extra]
    return ChildProcess(name, argv, data_dir / "apiserver.log")


def _await_apiserver(child: ChildProcess, data_dir: Path, timeout: float = 30.0) -> RunningServer:
    """The API server once it has written its kubeconfig (it does so when it serves)."""
    kubeconfig = data_dir / "admin.kubeconfig"

    def written() -> bool:
        child.check_alive()
        return kubeconfig.exists()

    wait_for(written, f"{child.name} to write its kubeconfig", timeout=timeout)
    config = yaml.safe_load(kubeconfig.read_text())
    url = config["clusters"][0]["cluster"]["server"]
    token = config["users"][0]["user"]["token"]
    return RunningServer(url, kubeconfig, data_dir, token, data_dir / "pki" / "ca.crt", process=child.process)


def _merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def local_gardenlet_config(seed_name: str = SEED_NAME, **overrides: Any) -> dict[str, Any]:
    """A GardenletConfiguration for a local seed, with test timings (``overrides`` merged in recursively)."""
    config: dict[str, Any] = {
        "apiVersion": "gardenlet.config.gardener.cloud/v1alpha1",
        "kind": "GardenletConfiguration",
        "seedConfig": {
            "metadata": {"name": seed_name, "labels": {"seed.gardener.cloud/purpose": "local"}},
            "spec": {
                "provider": {"type": "local", "region": "local", "zones": ["0", "1", "2"]},
                "networks": {"nodes": "172.18.0.0/16", "pods": "10.1.0.0/16", "services": "10.2.0.0/16"},
                "dns": {},
                "ingress": {
                    "domain": f"ingress.{seed_name}.seed.local.gardener.cloud",
                    "controller": {"kind": "nginx"},
                },
            },
        },
        "controllers": {
            "seed": {"heartbeatSeconds": 1},
            "shootCare": {"syncPeriodSeconds": 2},
            "shoot": {"retryMinSeconds": 1, "retryMaxSeconds": 10},
        },
    }
    return _merged(config, overrides)


def _secret_data(values: Mapping[str, str]) -> dict[str, str]:
    return {key: base64.b64encode(value.encode()).decode() for key, value in values.items()}


@dataclass
class Landscape:
    root: Path
    options: LandscapeOptions
    garden: RunningServer
    seed: RunningServer
    garden_kube: Kube
    seed_kube: Kube
    kubelet: KubeletProcess
    processes: dict[str, ChildProcess] = field(default_factory=dict)

    # -- kubectl -----------------------------------------------------------------------------------------------------

    def kubectl_garden(self, *args: str, input: str | None = None, check: bool = True) -> str:
        return self.garden.kubectl(*args, input=input, check=check).stdout

    def kubectl_seed(self, *args: str, input: str | None = None, check: bool = True) -> str:
        return self.seed.kubectl(*args, input=input, check=check).stdout

    def kubectl_shoot(
        self, kubeconfig: Path | str, *args: str, input: str | None = None, check: bool = True, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """kubectl against a shoot; ``kubeconfig`` is a file or the text of one (shoots/adminkubeconfig)."""
        path = Path(kubeconfig) if isinstance(kubeconfig, Path) else self.root / "shoot.kubeconfig"
        if not isinstance(kubeconfig, Path):
            path.write_text(kubeconfig)
        result = subprocess.run(
            [str(KUBECTL), "--kubeconfig", str(path), *args],
            capture_output=True,
            text=True,
            input=input,
            timeout=timeout,
            check=False,
            env={**os.environ, "HOME": str(self.root), "KUBECACHEDIR": str(self.root / "kubecache")},
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl (shoot) {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def apply_garden(self, *objects: Mapping[str, Any]) -> None:
        """``kubectl apply`` of objects into the garden (a YAML stream)."""
        self.kubectl_garden("apply", "-f", "-", input=yaml.safe_dump_all([dict(o) for o in objects]))

    # -- the gardenlet -----------------------------------------------------------------------------------------------

    @property
    def seed_name(self) -> str:
        return self.options.seed_name

    def gardenlet_config(self) -> dict[str, Any]:
        return local_gardenlet_config(self.options.seed_name, **dict(self.options.gardenlet_config))

    def start_gardenlet(self, *, wait_ready: bool = True, timeout: float = 60.0) -> ChildProcess:
        """Start the gardenlet (again); by default wait until its Seed reports ``GardenletReady`` True."""
        previous = self.processes.get("gardenlet")
        if previous is not None and previous.running:
            raise RuntimeError("the gardenlet is running already")
        config = self.root / "gardenlet" / "config.yaml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(yaml.safe_dump(self.gardenlet_config(), sort_keys=False))
        child = ChildProcess(
            "gardenlet",
            [
                str(BIN / "gardenlet"),
                "--garden-kubeconfig",
                str(self.garden.kubeconfig),
                "--seed-kubeconfig",
                str(self.seed.kubeconfig),
                "--config",
                str(config),
            ],
            self.root / "gardenlet" / "gardenlet.log",
        ).start()
        self.processes["gardenlet"] = child
        if wait_ready:
            self.wait_seed_ready(timeout=timeout)
        return child

    def stop_gardenlet(self) -> None:
        child = self.processes.get("gardenlet")
        if child is not None:
            child.stop()

    def seed_condition(self, condition_type: str) -> dict[str, Any] | None:
        from garden.kube import SEEDS  # noqa: PLC0415

        seed = self.garden_kube.get(SEEDS, None, self.options.seed_name)
        for condition in ((seed or {}).get("status") or {}).get("conditions") or []:
            if condition.get("type") == condition_type:
                return dict(condition)
        return None

    def wait_seed_ready(self, timeout: float = 60.0) -> None:
        child = self.processes.get("gardenlet")

        def ready() -> bool:
            if child is not None:
                child.check_alive()
            condition = self.seed_condition("GardenletReady")
            return condition is not None and condition.get("status") == "True"

        wait_for(ready, f"seed {self.options.seed_name} to report GardenletReady", timeout=timeout, interval=0.1)

    def logs(self) -> str:
        """The tail of every process's log, for a failing test's message."""
        parts = [f"--- {name} ---\n{child.log(3000)}" for name, child in self.processes.items()]
        parts.append(f"--- kubelet ---\n{self.kubelet.log()}")
        return "\n".join(parts)


def _seed_garden(garden: Kube, seed_kubeconfig: Path, backups: Path) -> None:
    """The local CloudProfile, project ``dev`` with its namespace, local credentials and the SecretBinding."""
    from garden.kube import CLOUDPROFILES, NAMESPACES, PROJECTS, SECRETBINDINGS, SECRETS  # noqa: PLC0415

    backups.mkdir(exist_ok=True)
    garden.create(CLOUDPROFILES, None, yaml.safe_load(LOCAL_CLOUDPROFILE.read_text()))
    garden.create(NAMESPACES, None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": PROJECT_NAMESPACE}})
    garden.create(
        PROJECTS,
        None,
        {
            "apiVersion": "core.gardener.cloud/v1beta1",
            "kind": "Project",
            "metadata": {"name": PROJECT},
            "spec": {"namespace": PROJECT_NAMESPACE},
        },
    )
    garden.create(
        SECRETS,
        PROJECT_NAMESPACE,
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": CREDENTIALS_SECRET, "namespace": PROJECT_NAMESPACE},
            "type": "Opaque",
            "data": _secret_data({"kubeconfig": seed_kubeconfig.read_text(), "backupRoot": str(backups)}),
        },
    )
    garden.create(
        SECRETBINDINGS,
        PROJECT_NAMESPACE,
        {
            "apiVersion": "core.gardener.cloud/v1beta1",
            "kind": "SecretBinding",
            "metadata": {"name": BINDING, "namespace": PROJECT_NAMESPACE},
            "provider": {"type": "local"},
            "secretRef": {"name": CREDENTIALS_SECRET},
        },
    )


def _stop_all(children: list[ChildProcess]) -> None:
    for child in children:
        child.terminate()
    for child in children:
        child.wait_stopped()


@contextmanager
def running_landscape(root: Path, options: LandscapeOptions | None = None) -> Iterator[Landscape]:
    """Start the landscape under ``root``; stop every process on exit (see the module docstring)."""
    chosen = options or LandscapeOptions()
    root.mkdir(parents=True, exist_ok=True)
    garden_dir, seed_dir = root / "garden", root / "seed"
    with ExitStack() as stack:
        garden_child = _apiserver("garden apiserver", garden_dir, [str(BIN / "garden"), "apiserver"])
        seed_child = _apiserver("seed apiserver", seed_dir, [str(BIN / "kubelite"), "apiserver"])
        servers = [garden_child, seed_child]
        stack.callback(_stop_all, servers)
        for child in servers:
            child.start()
        seed = _await_apiserver(seed_child, seed_dir)
        # The garden side (wait for its API server, fill it) runs beside the seed side's start-up.
        pool = stack.enter_context(ThreadPoolExecutor(1, thread_name_prefix="landscape-garden"))
        garden_side = pool.submit(_start_garden, garden_child, garden_dir, seed.kubeconfig, root / "backups")
        seed.kubectl("apply", "-f", str(SEED_CRDS))
        seed_kube = Kube.from_kubeconfig(seed.kubeconfig)
        stack.callback(seed_kube.close)

        controllers: list[ChildProcess] = []
        stack.callback(_stop_all, controllers)
        if chosen.extensions:
            controllers.append(
                ChildProcess(
                    "gardenlet extensions",
                    [
                        str(BIN / "gardenlet"),
                        "extensions",
                        "--kubeconfig",
                        str(seed.kubeconfig),
                        "--providers",
                        "local",
                        "--sync-interval",
                        "0.5",
                    ],
                    root / "extensions.log",
                ).start()
            )
        kubelet = KubeletProcess(seed, root / "kubelet", controllers=True, node=SEED_NODE)
        stack.callback(_stop_kubelet, kubelet)
        kubelet.start()

        garden, garden_kube = garden_side.result()
        stack.callback(garden_kube.close)
        if chosen.scheduler:
            controllers.append(
                ChildProcess(
                    "garden scheduler",
                    [str(BIN / "garden"), "scheduler", "--kubeconfig", str(garden.kubeconfig)],
                    root / "scheduler.log",
                ).start()
            )
        if chosen.controller_manager:
            controllers.append(
                ChildProcess(
                    "garden controller-manager",
                    [
                        str(BIN / "garden"),
                        "controller-manager",
                        "--kubeconfig",
                        str(garden.kubeconfig),
                        "--resync-seconds",
                        str(chosen.resync_seconds),
                        "--seed-grace-seconds",
                        str(chosen.seed_grace_seconds),
                    ],
                    root / "controller-manager.log",
                ).start()
            )
        scape = Landscape(root, chosen, garden, seed, garden_kube, seed_kube, kubelet)
        scape.processes.update({child.name: child for child in controllers})
        # The gardenlet is stopped before the controllers and the kubelet (ExitStack unwinds in reverse).
        stack.callback(scape.stop_gardenlet)
        if chosen.gardenlet:
            scape.start_gardenlet()
        for child in controllers:
            child.check_alive()
        yield scape


def _start_garden(
    child: ChildProcess, data_dir: Path, seed_kubeconfig: Path, backups: Path
) -> tuple[RunningServer, Kube]:
    garden = _await_apiserver(child, data_dir)
    kube = Kube.from_kubeconfig(garden.kubeconfig)
    try:
        _seed_garden(kube, seed_kubeconfig, backups)
    except BaseException:
        kube.close()
        raise
    return garden, kube


def _stop_kubelet(kubelet: KubeletProcess) -> None:
    """Delete the pods the kubelet runs while it can still stop them, then make sure no container process is left."""
    from kubelite.kubelet.podworker import kill_leftovers  # noqa: PLC0415

    try:
        if kubelet.process is not None and kubelet.process.poll() is None:
            kubelet.cleanup()
    finally:
        kubelet.stop()
        pods = kubelet.root / "pods"
        if pods.is_dir():
            for directory in pods.iterdir():
                kill_leftovers(directory, 1.0)
        kubelet.kube.close()


def options_of(module: object) -> LandscapeOptions:
    """A test module's ``LANDSCAPE`` options, or the defaults."""
    chosen = getattr(module, "LANDSCAPE", None)
    if chosen is None:
        return LandscapeOptions()
    if not isinstance(chosen, LandscapeOptions):
        raise TypeError(f"{module}: LANDSCAPE must be a LandscapeOptions, not {type(chosen).__name__}")
    return chosen


@pytest.fixture(scope="module")
def landscape(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Landscape]:
    """The landscape for one test module (``LANDSCAPE = LandscapeOptions(...)`` in the module tunes it)."""
    with running_landscape(tmp_path_factory.mktemp("landscape"), options_of(request.module)) as scape:
        yield scape


def wait_for_object(
    read: Callable[[], dict[str, Any] | None], probe: Callable[[dict[str, Any]], bool], what: str, timeout: float = 60
) -> dict[str, Any]:
    """Poll ``read`` until the object exists and ``probe`` accepts it; the object."""

    def check() -> dict[str, Any] | None:
        obj = read()
        return obj if obj is not None and probe(obj) else None

    return wait_for(check, what, timeout=timeout, interval=0.1)


__all__ = [
    "BINDING",
    "PROJECT_NAMESPACE",
    "ChildProcess",
    "Landscape",
    "LandscapeOptions",
    "landscape",
    "local_gardenlet_config",
    "options_of",
    "running_landscape",
    "wait_for_object",
]
