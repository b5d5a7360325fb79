"""Strategies of the built-in kinds that differ from the generic one.

Only behaviour clients can observe is modelled: the status a new object starts with, defaults that kubectl and
controllers read back (Deployment strategy and replicas, Service cluster IPs, Secret type), generation tracking for
workloads, graceful deletion of bound Pods, and the validation a user most often trips over. Full upstream
defaulting and validation of every field is not attempted; what is left out is listed in docs/concepts/kubelite.md.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import itertools
import re
from typing import Any, ClassVar

from kubelite.apiserver import errors
from kubelite.apiserver.errors import FieldError
from kubelite.apiserver.objects import Object, meta
from kubelite.apiserver.strategy import GenerationPolicy, Strategy

_DEFAULT_TERMINATION_GRACE = 30
_CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]+")
_CONFIG_KEY_MAX = 253


def validate_config_map_key(key: str) -> list[str]:
    """Keys of ConfigMap and Secret data (apimachinery's IsConfigMapKey)."""
    problems = []
    if len(key.encode()) > _CONFIG_KEY_MAX:
        problems.append(f"must be no more than {_CONFIG_KEY_MAX} characters")
    if not _CONFIG_KEY.fullmatch(key):
        problems.append(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
            "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
        )
    if key in (".", ".."):
        problems.append(f"must not be '{key}'")
    elif key.startswith(".."):
        problems.append("must not start with '..'")
    return problems


_ZERO_STATUS = {
    "ReplicaSet": {"replicas": 0},
    "StatefulSet": {"replicas": 0, "availableReplicas": 0},
    "DaemonSet": {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0, "numberReady": 0},
}


class WorkloadStrategy(Strategy):
    """Deployment, StatefulSet, DaemonSet, ReplicaSet: generation follows spec; status starts empty."""

    generation: ClassVar[GenerationPolicy] = "spec"

    def prepare_for_create(self, obj: Object) -> None:
        obj["status"] = dict(_ZERO_STATUS.get(str(obj.get("kind")), {}))

    def default(self, obj: Object) -> None:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return
        kind = obj.get("kind")
        if kind != "DaemonSet":
            spec.setdefault("replicas", 1)
        if kind != "ReplicaSet":
            spec.setdefault("revisionHistoryLimit", 10)
        if kind == "Deployment":
            spec.setdefault("progressDeadlineSeconds", 600)
            strategy = spec.setdefault("strategy", {})
            if isinstance(strategy, dict):
                strategy.setdefault("type", "RollingUpdate")
                if strategy["type"] == "RollingUpdate":
                    rolling = strategy.setdefault("rollingUpdate", {})
                    if isinstance(rolling, dict):
                        rolling.setdefault("maxSurge", "25%")
                        rolling.setdefault("maxUnavailable", "25%")
        elif kind == "StatefulSet":
            spec.setdefault("podManagementPolicy", "OrderedReady")
            spec.setdefault("updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
        elif kind == "DaemonSet":
            spec.setdefault(
                "updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}
            )
        template = spec.get("template")
        if isinstance(template, dict) and isinstance(template.get("spec"), dict):
            default_pod_spec(template["spec"])

    def validate(self, obj: Object) -> list[FieldError]:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return [errors.required("spec")]
        problems = []
        replicas = spec.get("replicas")
        if replicas is not None and (not isinstance(replicas, int) or replicas < 0):
            problems.append(errors.invalid("spec.replicas", replicas, "must be greater than or equal to 0"))
        selector = spec.get("selector")
        template_labels = (spec.get("template") or {}).get("metadata", {}).get("labels") or {}
        if not isinstance(selector, dict) or not (selector.get("matchLabels") or selector.get("matchExpressions")):
            problems.append(errors.required("spec.selector"))
        else:
            for key, value in (selector.get("matchLabels") or {}).items():
                if template_labels.get(key) != value:
                    problems.append(
                        errors.invalid(
                            "spec.template.metadata.labels",
                            template_labels,
                            "`selector` does not match template `labels`",
                        )
                    )
                    break
        template = spec.get("template")
        if not isinstance(template, dict) or not isinstance(template.get("spec"), dict):
            problems.append(errors.required("spec.template"))
        else:
            problems += validate_containers(template["spec"], "spec.template.spec")
        return problems

    def validate_update(self, new: Object, old: Object) -> list[FieldError]:
        problems = self.validate(new)
        if new.get("kind") != "DaemonSet" and (new.get("spec") or {}).get("selector") != (old.get("spec") or {}).get(
            "selector"
        ):
            problems.append(errors.invalid("spec.selector", new["spec"].get("selector"), "field is immutable"))
        return problems


def default_pod_spec(spec: dict[str, Any]) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", _DEFAULT_TERMINATION_GRACE)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    for container in itertools.chain(spec.get("initContainers") or [], spec.get("containers") or []):
        if not isinstance(container, dict):
            continue
        container.setdefault("terminationMessagePath", "/dev/termination-log")
        container.setdefault("terminationMessagePolicy", "File")
        image = str(container.get("image", ""))
        latest = ":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest")
        container.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
        container.setdefault("resources", {})
        for port in container.get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")


def validate_containers(spec: dict[str, Any], path: str) -> list[FieldError]:
    problems: list[FieldError] = []
    containers = spec.get("containers")
    if not isinstance(containers, list) or not containers:
        return [errors.required(f"{path}.containers")]
    seen: set[str] = set()
    for index, container in enumerate(containers):
        where = f"{path}.containers[{index}]"
        if not isinstance(container, dict):
            problems.append(errors.invalid(where, container, "must be an object"))
            continue
        name = container.get("name")
        if not name:
            problems.append(errors.required(f"{where}.name"))
        elif name in seen:
            problems.append(errors.FieldError("FieldValueDuplicate", f"{where}.name", "", name))
        else:
            seen.add(name)
        if not container.get("image"):
            problems.append(errors.required(f"{where}.image"))
    return problems


class PodStrategy(Strategy):
    spec_and_status_subresources: ClassVar[frozenset[str]] = frozenset({"binding"})

    def prepare_for_create(self, obj: Object) -> None:
        obj["status"] = {"phase": "Pending", "qosClass": "BestEffort"}

    def default(self, obj: Object) -> None:
        if isinstance(obj.get("spec"), dict):
            default_pod_spec(obj["spec"])
            obj["spec"].setdefault("enableServiceLinks", True)

    def validate(self, obj: Object) -> list[FieldError]:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return [errors.required("spec")]
        return validate_containers(spec, "spec")

    def validate_update(self, new: Object, old: Object) -> list[FieldError]:
        problems = self.validate(new)
        new_spec, old_spec = dict(new.get("spec") or {}), dict(old.get("spec") or {})
        # Only images (and a few scheduling fields) of a Pod may change after creation.
        for spec in (new_spec, old_spec):
            spec.pop("activeDeadlineSeconds", None)
            spec.pop("tolerations", None)
            spec["containers"] = [{k: v for k, v in c.items() if k != "image"} for c in spec.get("containers") or []]
        if new_spec != old_spec and not (old_spec.get("nodeName") is None and new_spec.get("nodeName")):
            problems.append(
                errors.forbidden(
                    "spec",
                    "pod updates may not change fields other than `spec.containers[*].image`, "
                    "`spec.activeDeadlineSeconds` or `spec.tolerations` (only additions to existing "
                    "tolerations)",
                )
            )
        return problems

    def graceful_deletion_seconds(self, obj: Object, requested: int | None) -> int:
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        if not spec.get("nodeName") or status.get("phase") in ("Succeeded", "Failed"):
            return 0
        if requested is not None:
            return max(requested, 0)
        return int(spec.get("terminationGracePeriodSeconds", _DEFAULT_TERMINATION_GRACE))


class NamespaceStrategy(Strategy):
    def default(self, obj: Object) -> None:
        spec = obj.setdefault("spec", {})
        if isinstance(spec, dict) and "finalizers" not in spec:
            spec["finalizers"] = ["kubernetes"]
        labels = meta(obj).setdefault("labels", {})
        if isinstance(labels, dict) and meta(obj).get("name"):
            labels["kubernetes.io/metadata.name"] = meta(obj)["name"]

    def prepare_for_create(self, obj: Object) -> None:
        obj["status"] = {"phase": "Active"}

    def prepare_for_update(self, new: Object, old: Object) -> None:
        # spec.finalizers move only through /finalize.
        new["spec"] = old.get("spec", {})

    def deletion_blocked(self, obj: Object) -> bool:
        return bool((obj.get("spec") or {}).get("finalizers"))

    def mark_deleting(self, obj: Object) -> None:
        status = obj.setdefault("status", {})
        if isinstance(status, dict):
            status["phase"] = "Terminating"


class ServiceStrategy(Strategy):
    """Services get a ClusterIP from the service range (allocation is per server, from a counter in the name)."""

    allow_create_on_update: ClassVar[bool] = False

    def __init__(self, *args: Any, allocate: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._allocate = allocate

    def default(self, obj: Object) -> None:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return
        spec.setdefault("type", "ClusterIP")
        spec.setdefault("sessionAffinity", "None")
        spec.setdefault("internalTrafficPolicy", "Cluster")
        for port in spec.get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")
                port.setdefault("targetPort", port.get("port"))

    def prepare_for_create(self, obj: Object) -> None:
        obj["status"] = {"loadBalancer": {}}
        spec = obj.get("spec")
        if (
            isinstance(spec, dict)
            and not spec.get("clusterIP")
            and spec.get("type") != "ExternalName"
            and self._allocate is not None
        ):
            ip = self._allocate(obj)
            spec["clusterIP"] = ip
            spec["clusterIPs"] = [ip]
            spec.setdefault("ipFamilies", ["IPv4"])
            spec.setdefault("ipFamilyPolicy", "SingleStack")

    def prepare_for_update(self, new: Object, old: Object) -> None:
        new_spec, old_spec = new.get("spec"), old.get("spec") or {}
        if isinstance(new_spec, dict):
            for key in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
                if key not in new_spec and key in old_spec:
                    new_spec[key] = old_spec[key]

    def validate(self, obj: Object) -> list[FieldError]:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return [errors.required("spec")]
        problems = []
        kind = spec.get("type")
        if kind not in ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"):
            problems.append(
                errors.not_supported("spec.type", kind, ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"])
            )
        if kind != "ExternalName" and spec.get("clusterIP") != "None" and not spec.get("ports"):
            problems.append(errors.required("spec.ports"))
        for index, port in enumerate(spec.get("ports") or []):
            number = port.get("port") if isinstance(port, dict) else None
            if not isinstance(number, int) or not 0 < number < 65536:
                problems.append(
                    errors.invalid(f"spec.ports[{index}].port", number, "must be between 1 and 65535, inclusive")
                )
        ip = spec.get("clusterIP")
        if ip and ip != "None":
            try:
                ipaddress.ip_address(ip)
            except ValueError:
                problems.append(errors.invalid("spec.clusterIP", ip, "must be a valid IP address"))
        return problems

    def validate_update(self, new: Object, old: Object) -> list[FieldError]:
        problems = self.validate(new)
        old_ip = (old.get("spec") or {}).get("clusterIP")
        new_ip = (new.get("spec") or {}).get("clusterIP")
        if old_ip and new_ip != old_ip:
            problems.append(errors.invalid("spec.clusterIP", new_ip, "field is immutable"))
        return problems


class NodeStrategy(Strategy):
    """Nodes keep the status their kubelet registers with."""

    def prepare_for_create(self, obj: Object) -> None:
        obj.setdefault("status", {})


class SecretStrategy(Strategy):
    def default(self, obj: Object) -> None:
        obj.setdefault("type", "Opaque")
        string_data = obj.pop("stringData", None)
        if isinstance(string_data, dict):
            data = obj.setdefault("data", {})
            for key, value in string_data.items():
                data[key] = base64.b64encode(str(value).encode()).decode()

    def validate(self, obj: Object) -> list[FieldError]:
        problems = _validate_data_keys(obj, ("data",))
        for key, value in (obj.get("data") or {}).items():
            try:
                base64.b64decode(str(value), validate=True)
            except (binascii.Error, ValueError):
                problems.append(errors.invalid(f"data[{key}]", "<secret contents redacted>", "illegal base64 data"))
        return problems

    def validate_update(self, new: Object, old: Object) -> list[FieldError]:
        return self.validate(new) + _immutable_data(new, old, ("data", "type"))


class ConfigMapStrategy(Strategy):
    def validate(self, obj: Object) -> list[FieldError]:
        return _validate_data_keys(obj, ("data", "binaryData"))

    def validate_update(self, new: Object, old: Object) -> list[FieldError]:
        return self.validate(new) + _immutable_data(new, old, ("data", "binaryData"))


def _validate_data_keys(obj: Object, fields: tuple[str, ...]) -> list[FieldError]:
    problems: list[FieldError] = []
    seen: set[str] = set()
    for field_name in fields:
        data = obj.get(field_name)
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.append(errors.invalid(field_name, data, "must be a map of strings"))
            continue
        for key in data:
            for message in validate_config_map_key(key):
                problems.append(errors.invalid(f"{field_name}[{key}]", key, message))
            if key in seen:
                problems.append(errors.invalid(f"{field_name}[{key}]", key, "duplicate of key present in data"))
            seen.add(key)
    return problems


def _immutable_data(new: Object, old: Object, fields: tuple[str, ...]) -> list[FieldError]:
    if not old.get("immutable"):
        return []
    problems = []
    if new.get("immutable") is not True:
        problems.append(errors.forbidden("immutable", "field is immutable when `immutable` is set"))
    if any(new.get(f) != old.get(f) for f in fields):
        problems.append(errors.forbidden("data", "field is immutable when `immutable` is set"))
    return problems
