"""A small kopf operator for Widgets (``widgets.kopf.example.com``), run by ``tests/integration/test_kopf.py`` as
``python -m kopf run ... widget_operator.py`` against a kubelite server.

Every handler leaves a visible trace that a test can read from outside the process: one ConfigMap per invocation
(``generateName`` ``<widget>-<handler>-``, labelled with the widget and the handler), so a test counts invocations
with a label selector instead of parsing logs. The handlers' return values land in the widget's ``status`` (kopf
stores them under the handler's id, through the ``/status`` subresource); the timer counts its ticks there too.

The delete handler holds the deletion until a ConfigMap ``<widget>-release`` exists, so a test can see the widget
linger with its deletion timestamp and kopf's finalizer before letting it go.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import kopf
import kubernetes

GROUP, VERSION, PLURAL = "kopf.example.com", "v1", "widgets"
WIDGET_LABEL = "kopf.example.com/widget"
HANDLER_LABEL = "kopf.example.com/handler"
#: How long the delete handler waits for its release before giving up (and failing the test that forgot it).
RELEASE_TIMEOUT = 60.0
#: Which operator process left a record (tests with several operators tell them apart by it).
OPERATOR_ID = os.environ.get("WIDGET_OPERATOR_ID", "")

kubernetes.config.load_kube_config(config_file=os.environ["KUBECONFIG"])
_core = kubernetes.client.CoreV1Api()
# NB: urllib3's pool is shared by the handlers' threads; serialise the calls rather than trust it.
_lock = threading.Lock()


def record(handler: str, name: str, namespace: str, **data: object) -> None:
    """Leave one ConfigMap behind as the trace of one handler invocation."""
    body = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "generateName": f"{name}-{handler}-",
            "labels": {WIDGET_LABEL: name, HANDLER_LABEL: handler},
        },
        "data": {key: str(value) for key, value in {**data, "operator": OPERATOR_ID}.items()},
    }
    with _lock:
        _core.create_namespaced_config_map(namespace, body)


@kopf.on.startup()
def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
    # Short server-side watch timeouts make kopf re-list and re-watch several times during a test, as it does
    # (less often) against a real cluster.
    settings.watching.server_timeout = 5
    settings.watching.client_timeout = 15
    settings.persistence.finalizer = "kopf.example.com/widget-finalizer"
    # The heartbeat daemon notices its stop flag within 0.3 s: give it that long before kopf escalates.
    settings.background.instant_exit_timeout = 2.0
    # Sync handlers and daemons each hold a thread of kopf's executor (on 2 cores it has 6 by default); the delete
    # handler blocks one until its release.
    settings.execution.max_workers = 20


@kopf.on.create(GROUP, VERSION, PLURAL)
def create_fn(spec: kopf.Spec, body: kopf.Body, name: str, namespace: str, **_: Any) -> dict[str, object]:
    record("create", name, namespace, size=spec.get("size"))
    kopf.info(body, reason="Created", message=f"widget created with size {spec.get('size')}")
    return {"message": f"created with size {spec.get('size')}"}


@kopf.on.update(GROUP, VERSION, PLURAL)
def update_fn(diff: kopf.Diff, body: kopf.Body, name: str, namespace: str, **_: Any) -> dict[str, object]:
    fields = sorted(".".join(change[1]) for change in diff)
    record("update", name, namespace, fields=",".join(fields))
    kopf.info(body, reason="Updated", message=f"widget changed: {', '.join(fields)}")
    return {"changed": fields}


@kopf.on.field(GROUP, VERSION, PLURAL, field="spec.size")
def size_fn(old: Any, new: Any, name: str, namespace: str, **_: Any) -> None:
    record("field", name, namespace, old=old, new=new)


@kopf.on.resume(GROUP, VERSION, PLURAL)
def resume_fn(name: str, namespace: str, **_: Any) -> None:
    record("resume", name, namespace)


@kopf.on.delete(GROUP, VERSION, PLURAL)
def delete_fn(body: kopf.Body, name: str, namespace: str, **_: Any) -> None:
    record("delete", name, namespace)
    kopf.info(body, reason="Deleting", message="widget is being deleted")
    deadline = time.monotonic() + RELEASE_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with _lock:
                _core.read_namespaced_config_map(f"{name}-release", namespace)
        except kubernetes.client.ApiException as exc:
            if exc.status != 404:
                raise
            time.sleep(0.1)
        else:
            record("released", name, namespace)
            return
    raise kopf.PermanentError(f"{name}-release never appeared")


@kopf.timer(GROUP, VERSION, PLURAL, interval=1.0)
def tick(status: kopf.Status, patch: kopf.Patch, **_: Any) -> None:
    patch.status["ticks"] = int(status.get("ticks", 0)) + 1


@kopf.daemon(GROUP, VERSION, PLURAL, cancellation_backoff=5.0, cancellation_timeout=10.0)
def heartbeat(stopped: kopf.DaemonStopped, body: kopf.Body, name: str, namespace: str, **_: Any) -> None:
    """Beat into ``<widget>-heartbeat`` (owned by the widget, so the garbage collector removes it) until stopped."""
    record("daemon-start", name, namespace)
    heartbeat = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{name}-heartbeat"},
        "data": {"beats": "0"},
    }
    kopf.adopt(heartbeat, owner=body)
    with _lock:
        try:
            _core.create_namespaced_config_map(namespace, heartbeat)
        except kubernetes.client.ApiException as exc:
            if exc.status != 409:  # left by the previous run of the operator
                raise
    beats = 0
    while not stopped:
        beats += 1
        with _lock:
            _core.patch_namespaced_config_map(f"{name}-heartbeat", namespace, {"data": {"beats": str(beats)}})
        stopped.wait(0.3)
    record("daemon-stop", name, namespace, reason=stopped.reason)
