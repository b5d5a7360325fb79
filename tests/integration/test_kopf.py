"""A real kopf operator (``operators/widget_operator.py``) run against kubelite as ``python -m kopf run``.

Everything is asserted from outside the operator, as one would against a real cluster: the ConfigMaps its handlers
leave behind (one per invocation, counted with label selectors), the Widget's status, finalizers and generation,
the Events kopf posts, the peering object's status, and the operator's log, which must be free of errors, warnings
and tracebacks (kopf logs a failed or inconsistent patch, a conflict or a denied request there).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kubernetes
import pytest
from kubernetes.client import ApiException

from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration
#: Every test runs on both storage backends (see conftest.py).
KUBELITE_BACKENDS = ("sqlite", "etcd3")

OPERATOR = Path(__file__).parent / "operators" / "widget_operator.py"
GROUP, VERSION, PLURAL = "kopf.example.com", "v1", "widgets"
WIDGET_LABEL = "kopf.example.com/widget"
HANDLER_LABEL = "kopf.example.com/handler"
FINALIZER = "kopf.example.com/widget-finalizer"

#: What kopf writes to its log when the API server misbehaves (a failed or partly ignored patch, a conflict, a
#: denied request) or a handler fails; none of it may appear.
LOG_PROBLEMS = re.compile(
    r"\[(WARNING|ERROR|CRITICAL) *\]|Traceback|Patching failed|PermissionError|APIConflict|APIForbidden|"
    r"APIClientError|APIServerError|failed with an exception|failed temporarily|failed permanently"
)


#: kopf's own shutdown running past its exit timeout on a loaded machine (queued events it did not get to); it
#: says nothing about the API server.
SHUTDOWN_TIMING = re.compile(r"Unprocessed streams left for")


def _crd(
    group: str, kind: str, plural: str, scope: str, *, status_subresource: bool, spec: dict[str, Any]
) -> dict[str, Any]:
    version: dict[str, Any] = {
        "name": "v1",
        "served": True,
        "storage": True,
        "schema": {
            "openAPIV3Schema": {
                "type": "object",
                "properties": {
                    "spec": {"type": "object", "properties": spec},
                    "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                },
            }
        },
    }
    if status_subresource:
        version["subresources"] = {"status": {}}
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "scope": scope,
            "names": {"kind": kind, "plural": plural, "singular": kind.lower(), "listKind": f"{kind}List"},
            "versions": [version],
        },
    }


WIDGET_CRD = _crd(
    GROUP,
    "Widget",
    PLURAL,
    "Namespaced",
    status_subresource=True,
    spec={"size": {"type": "integer"}, "color": {"type": "string"}},
)
# kopf's peering resources (docs/peering.rst; kopf.dev/v1 since kopf 1.29): kopf keeps its peers in ``status``,
# which it patches through the main resource (there is no status subresource).
PEERING_CRDS = [
    _crd("kopf.dev", "ClusterKopfPeering", "clusterkopfpeerings", "Cluster", status_subresource=False, spec={}),
    _crd("kopf.dev", "KopfPeering", "kopfpeerings", "Namespaced", status_subresource=False, spec={}),
]


class Cluster:
    """The test's own view of the server, through the official client (not the operator's)."""

    def __init__(self, server: RunningServer) -> None:
        config = kubernetes.client.Configuration()
        kubernetes.config.load_kube_config(config_file=str(server.kubeconfig), client_configuration=config)
        self.api = kubernetes.client.ApiClient(config)
        self.core = kubernetes.client.CoreV1Api(self.api)
        self.custom = kubernetes.client.CustomObjectsApi(self.api)
        self.crds = kubernetes.client.ApiextensionsV1Api(self.api)

    def install_crd(self, crd: dict[str, Any]) -> None:
        try:
            self.crds.create_custom_resource_definition(crd)
        except ApiException as exc:
            if exc.status != 409:
                raise
        group, plural = crd["spec"]["group"], crd["spec"]["names"]["plural"]
        wait_for(lambda: self._established(crd["metadata"]["name"]), f"{plural}.{group} to be established")
        wait_for(lambda: self._served(group, plural), f"{plural}.{group} to be served")

    def _established(self, name: str) -> bool:
        crd = self.api.sanitize_for_serialization(self.crds.read_custom_resource_definition(name))
        conditions = crd.get("status", {}).get("conditions") or []
        return any(c["type"] == "Established" and c["status"] == "True" for c in conditions)

    def _served(self, group: str, plural: str) -> bool:
        try:
            self.custom.list_cluster_custom_object(group, "v1", plural)
        except ApiException as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def widget(self, namespace: str, name: str) -> dict[str, Any] | None:
        try:
            return self.custom.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, name)  # type: ignore[no-any-return]
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def create_widget(self, namespace: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
        body = {"apiVersion": f"{GROUP}/{VERSION}", "kind": "Widget", "metadata": {"name": name}, "spec": spec}
        return self.custom.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, body)  # type: ignore[no-any-return]

    def patch_widget_spec(self, namespace: str, name: str, spec: dict[str, Any]) -> None:
        self.custom.patch_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, name, {"spec": spec})

    def records(self, namespace: str, widget: str, handler: str) -> list[dict[str, str]]:
        """The data of every ConfigMap the operator left for one handler of one widget, oldest first."""
        items = self.core.list_namespaced_config_map(
            namespace, label_selector=f"{WIDGET_LABEL}={widget},{HANDLER_LABEL}={handler}"
        ).items
        items.sort(key=lambda cm: int(cm.metadata.resource_version))
        return [cm.data or {} for cm in items]

    def counts(self, namespace: str, widget: str) -> dict[str, int]:
        """How often each handler of one widget ran."""
        items = self.core.list_namespaced_config_map(namespace, label_selector=f"{WIDGET_LABEL}={widget}").items
        counts: dict[str, int] = {}
        for cm in items:
            handler = cm.metadata.labels[HANDLER_LABEL]
            counts[handler] = counts.get(handler, 0) + 1
        return counts

    def wait_records(self, namespace: str, widget: str, handler: str, count: int) -> list[dict[str, str]]:
        def enough() -> list[dict[str, str]] | None:
            records = self.records(namespace, widget, handler)
            return records if len(records) >= count else None

        return wait_for(enough, f"{count} {handler} record(s) of widget {namespace}/{widget}")

    def release(self, namespace: str, widget: str) -> None:
        """Let the operator's delete handler finish."""
        self.core.create_namespaced_config_map(
            namespace, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{widget}-release"}}
        )

    def cluster_peering(self, name: str) -> dict[str, Any]:
        return self.custom.get_cluster_custom_object("kopf.dev", "v1", "clusterkopfpeerings", name)  # type: ignore[no-any-return]


@dataclass
class Operator:
    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def problems(self) -> list[str]:
        return [
            line for line in self.text().splitlines() if LOG_PROBLEMS.search(line) and not SHUTDOWN_TIMING.search(line)
        ]

    def wait_log(self, *needles: str, timeout: float = 30.0) -> None:
        """Wait until the log has each of ``needles``, in this order."""

        def found() -> bool:
            text, position = self.text(), 0
            for needle in needles:
                position = text.find(needle, position)
                if position < 0:
                    return False
            return True

        wait_for(found, f"{' ... '.join(needles)!r} in the operator's log {self.log}", timeout=timeout)

    def wait_ready(self) -> None:
        """kopf is watching widgets (importing kopf and kubernetes alone takes seconds on a busy machine)."""
        self.wait_log("Starting the watch-stream for widgets.v1.kopf.example.com", timeout=60)

    def stop(self) -> int:
        """SIGINT, as Ctrl-C would; kopf stops its daemons and handlers and exits by itself."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"kopf did not exit within 30 s of SIGINT; log: {self.log}") from None
        return self.process.returncode


@contextmanager
def run_operator(server: RunningServer, log: Path, *flags: str, operator_id: str = "op") -> Iterator[Operator]:
    env = {**os.environ, "KUBECONFIG": str(server.kubeconfig), "WIDGET_OPERATOR_ID": operator_id}
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kopf", "run", "--verbose", "--all-namespaces", *flags, str(OPERATOR)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    operator = Operator(process, log)
    try:
        operator.wait_ready()
        yield operator
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def assert_clean_log(operator: Operator) -> None:
    problems = operator.problems()
    assert not problems, f"the operator's log {operator.log} reports problems:\n" + "\n".join(problems[:20])


@pytest.fixture(scope="module")
def cluster(kubelite: RunningServer) -> Iterator[Cluster]:
    cluster = Cluster(kubelite)
    cluster.install_crd(WIDGET_CRD)
    yield cluster
    cluster.api.close()


@pytest.fixture
def namespace(cluster: Cluster) -> Iterator[str]:
    name = f"kopf-{uuid.uuid4().hex[:8]}"
    cluster.core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    yield name
    # Leave nothing behind for the next test's operator (they all watch every namespace): drop kopf's finalizer
    # from whatever a failed test left, then the namespace.
    for widget in cluster.custom.list_namespaced_custom_object(GROUP, VERSION, name, PLURAL)["items"]:
        cluster.custom.patch_namespaced_custom_object(
            GROUP, VERSION, name, PLURAL, widget["metadata"]["name"], {"metadata": {"finalizers": None}}
        )
    cluster.core.delete_namespace(name)


@pytest.fixture
def operator(kubelite: RunningServer, cluster: Cluster, tmp_path: Path) -> Iterator[Operator]:
    with run_operator(kubelite, tmp_path / "operator.log", "--standalone") as operator:
        yield operator


def test_widget_lifecycle(cluster: Cluster, operator: Operator, namespace: str) -> None:
    cluster.create_widget(namespace, "alpha", {"size": 3, "color": "red"})

    # Creation: the create handler and the field handler (spec.size: None -> 3) run once each; kopf puts its
    # finalizer on (there is a delete handler), keeps its diff base in an annotation, and stores the create
    # handler's return value in status (through /status).
    assert cluster.wait_records(namespace, "alpha", "create", 1) == [{"size": "3", "operator": "op"}]
    assert cluster.wait_records(namespace, "alpha", "field", 1) == [{"old": "None", "new": "3", "operator": "op"}]
    widget = wait_for(
        lambda: (w := cluster.widget(namespace, "alpha")) and "create_fn" in w.get("status", {}) and w,
        "the create handler's result in status",
    )
    assert widget["status"]["create_fn"] == {"message": "created with size 3"}
    assert widget["metadata"]["finalizers"] == [FINALIZER]
    assert "kopf.zalando.org/last-handled-configuration" in widget["metadata"]["annotations"]

    # The timer ticks every second into status; the daemon beats into its own ConfigMap. Neither status writes
    # nor kopf's annotations move the generation (only spec does).
    widget = wait_for(
        lambda: (w := cluster.widget(namespace, "alpha")) and w.get("status", {}).get("ticks", 0) >= 3 and w,
        "three timer ticks",
        timeout=20,
    )
    assert widget["metadata"]["generation"] == 1
    cluster.wait_records(namespace, "alpha", "daemon-start", 1)
    beats = wait_for(
        lambda: int(cluster.core.read_namespaced_config_map("alpha-heartbeat", namespace).data["beats"]) >= 3,
        "three daemon heartbeats",
    )
    assert beats
    heartbeat = cluster.core.read_namespaced_config_map("alpha-heartbeat", namespace)
    assert [(ref.kind, ref.name, ref.controller) for ref in heartbeat.metadata.owner_references] == [
        ("Widget", "alpha", True)
    ]

    # An update of spec.size: the update handler (with the diff) and the field handler (3 -> 5).
    cluster.patch_widget_spec(namespace, "alpha", {"size": 5})
    assert cluster.wait_records(namespace, "alpha", "update", 1) == [{"fields": "spec.size", "operator": "op"}]
    assert cluster.wait_records(namespace, "alpha", "field", 2)[1] == {"old": "3", "new": "5", "operator": "op"}
    wait_for(
        lambda: cluster.widget(namespace, "alpha")["status"].get("update_fn") == {"changed": ["spec.size"]},  # type: ignore[index]
        "the update handler's result in status",
    )

    # An update of spec.color only: the update handler, but not the field handler.
    cluster.patch_widget_spec(namespace, "alpha", {"color": "blue"})
    assert cluster.wait_records(namespace, "alpha", "update", 2)[1] == {"fields": "spec.color", "operator": "op"}
    widget = wait_for(
        lambda: (
            (w := cluster.widget(namespace, "alpha"))
            and w["status"].get("update_fn") == {"changed": ["spec.color"]}
            and w
        ),
        "the second update's result in status",
    )
    assert widget["metadata"]["generation"] == 3

    # Deletion waits for kopf's finalizer: the widget lingers, marked, while the delete handler runs ...
    cluster.custom.delete_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "alpha")
    cluster.wait_records(namespace, "alpha", "delete", 1)
    widget = cluster.widget(namespace, "alpha")
    assert widget is not None, "the widget went before its finalizer was removed"
    assert widget["metadata"]["deletionTimestamp"]
    assert widget["metadata"]["finalizers"] == [FINALIZER]
    # ... and the daemon was told that its widget is being deleted.
    (stop,) = cluster.wait_records(namespace, "alpha", "daemon-stop", 1)
    assert "RESOURCE_DELETED" in stop["reason"]

    # ... and goes once the handler is done and kopf removed the finalizer; the garbage collector then removes
    # the daemon's ConfigMap, which the widget owns.
    cluster.release(namespace, "alpha")
    cluster.wait_records(namespace, "alpha", "released", 1)
    wait_for(lambda: cluster.widget(namespace, "alpha") is None, "the widget to be deleted")
    wait_for(
        lambda: (
            not cluster.core.list_namespaced_config_map(namespace, field_selector="metadata.name=alpha-heartbeat").items
        ),
        "the garbage collector to delete the widget's heartbeat ConfigMap",
    )

    # Exactly once each, as on a real cluster: no handler was retried or run twice, resume never ran.
    assert cluster.counts(namespace, "alpha") == {
        "create": 1,
        "field": 2,
        "update": 2,
        "delete": 1,
        "released": 1,
        "daemon-start": 1,
        "daemon-stop": 1,
    }

    # The handlers' Events, posted by kopf (as a real operator does: with no kind or apiVersion in the body).
    def events() -> set[tuple[str, str, str]]:
        items = cluster.core.list_namespaced_event(
            namespace, field_selector="involvedObject.kind=Widget,involvedObject.name=alpha"
        ).items
        return {(event.type, event.reason, event.message) for event in items}

    wait_for(
        lambda: (
            {
                ("Normal", "Created", "widget created with size 3"),
                ("Normal", "Updated", "widget changed: spec.size"),
                ("Normal", "Updated", "widget changed: spec.color"),
                ("Normal", "Deleting", "widget is being deleted"),
            }
            <= events()
        ),
        "kopf's Events for the create, update and delete handlers",
        timeout=10,
    )

    assert operator.stop() == 0
    assert_clean_log(operator)


def test_resume_after_restart(kubelite: RunningServer, cluster: Cluster, namespace: str, tmp_path: Path) -> None:
    with run_operator(kubelite, tmp_path / "first.log", "--standalone", operator_id="first") as first:
        cluster.create_widget(namespace, "beta", {"size": 1})
        cluster.wait_records(namespace, "beta", "create", 1)
        wait_for(lambda: "create_fn" in cluster.widget(namespace, "beta").get("status", {}), "the create result")  # type: ignore[union-attr]
        cluster.wait_records(namespace, "beta", "daemon-start", 1)
        assert first.stop() == 0
    # A stopping operator stops its daemons, saying why.
    (stop,) = cluster.records(namespace, "beta", "daemon-stop")
    assert "OPERATOR_EXITING" in stop["reason"]

    # The next operator resumes the widget (once), restarts its daemon, and neither creates nor updates it again.
    with run_operator(kubelite, tmp_path / "second.log", "--standalone", operator_id="second") as second:
        assert cluster.wait_records(namespace, "beta", "resume", 1) == [{"operator": "second"}]
        cluster.wait_records(namespace, "beta", "daemon-start", 2)
        ticks = cluster.widget(namespace, "beta")["status"].get("ticks", 0)  # type: ignore[index]
        wait_for(
            lambda: cluster.widget(namespace, "beta")["status"].get("ticks", 0) > ticks,  # type: ignore[index]
            "the timer to tick again after the restart",
        )

        cluster.custom.delete_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "beta")
        cluster.release(namespace, "beta")
        wait_for(lambda: cluster.widget(namespace, "beta") is None, "the widget to be deleted")
        assert second.stop() == 0

    assert cluster.counts(namespace, "beta") == {
        "create": 1,
        "field": 1,
        "resume": 1,
        "delete": 1,
        "released": 1,
        "daemon-start": 2,
        "daemon-stop": 2,
    }
    assert_clean_log(first)
    assert_clean_log(second)


def test_peering(kubelite: RunningServer, cluster: Cluster, namespace: str, tmp_path: Path) -> None:
    """Two operators in one peering: the one with the higher priority works, the other pauses until it is gone."""
    for crd in PEERING_CRDS:
        cluster.install_crd(crd)
    cluster.custom.create_cluster_custom_object(
        "kopf.dev",
        "v1",
        "clusterkopfpeerings",
        {"apiVersion": "kopf.dev/v1", "kind": "ClusterKopfPeering", "metadata": {"name": "widgets"}},
    )

    def peers() -> dict[str, Any]:
        return cluster.cluster_peering("widgets").get("status") or {}

    with run_operator(kubelite, tmp_path / "low.log", "--peering=widgets", operator_id="low") as low:
        # The operator announces itself in the peering object's status and keeps it alive.
        (low_id,) = wait_for(peers, "the first operator in the peering's status")
        assert peers()[low_id]["priority"] == 0
        assert peers()[low_id]["lifetime"] == 60
        cluster.create_widget(namespace, "gamma", {"size": 1})
        assert cluster.wait_records(namespace, "gamma", "create", 1) == [{"size": "1", "operator": "low"}]

        with run_operator(
            kubelite, tmp_path / "high.log", "--peering=widgets", "--priority=100", operator_id="high"
        ) as high:
            wait_for(lambda: len(peers()) == 2, "the second operator in the peering's status")
            # Paused: not only decided, but its widget watch-stream stopped.
            low.wait_log("Pausing operations in favour of", "Pausing the watch-stream for widgets")
            (high_id,) = set(peers()) - {low_id}
            assert peers()[high_id]["priority"] == 100

            # Only the operator with the higher priority handles a new widget.
            cluster.create_widget(namespace, "delta", {"size": 2})
            assert cluster.wait_records(namespace, "delta", "create", 1) == [{"size": "2", "operator": "high"}]
            assert high.stop() == 0
            # A stopping operator removes itself from the peering.
            assert set(peers()) == {low_id}

        # The other one resumes and handles the next widget.
        low.wait_log("Pausing operations in favour of", "Resuming operations after the pause")
        cluster.create_widget(namespace, "epsilon", {"size": 3})
        assert cluster.wait_records(namespace, "epsilon", "create", 1) == [{"size": "3", "operator": "low"}]
        assert low.stop() == 0
        assert peers() == {}

    assert cluster.counts(namespace, "delta")["create"] == 1
    assert cluster.counts(namespace, "epsilon")["create"] == 1
    assert_clean_log(low)
    assert_clean_log(high)
