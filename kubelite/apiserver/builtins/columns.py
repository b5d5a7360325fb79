"""Table columns of the built-in kinds, matching what ``kubectl get`` prints against a real cluster."""

from __future__ import annotations

from typing import Any

from kubelite.apiserver.objects import Object, meta
from kubelite.apiserver.tables import AGE, NAME, Column, human_age, path_cell


def _count(field: str) -> Any:
    def cell(obj: Object) -> int:
        value = obj.get(field)
        return len(value) if isinstance(value, dict | list) else 0

    return cell


def _ready_of(ready_path: str, total_path: str) -> Any:
    def cell(obj: Object) -> str:
        ready = _num(obj, ready_path)
        total = _num(obj, total_path)
        return f"{ready}/{total}"

    return cell


def _num(obj: Object, path: str) -> int:
    value: Any = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value if isinstance(value, int) else 0


def _int(path: str) -> Any:
    return lambda obj: _num(obj, path)


def _containers(obj: Object) -> str:
    return ",".join(c.get("name", "") for c in _template_containers(obj))


def _images(obj: Object) -> str:
    return ",".join(c.get("image", "") for c in _template_containers(obj))


def _template_containers(obj: Object) -> list[dict[str, Any]]:
    spec = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    return [c for c in spec.get("containers") or [] if isinstance(c, dict)]


def _selector(obj: Object) -> str:
    selector = (obj.get("spec") or {}).get("selector") or {}
    labels = selector.get("matchLabels", selector) if isinstance(selector, dict) else {}
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()) if isinstance(v, str)) or "<none>"


def _pod_status(obj: Object) -> str:
    if meta(obj).get("deletionTimestamp"):
        return "Terminating"
    status = obj.get("status") or {}
    for cs in status.get("containerStatuses") or []:
        state = cs.get("state") or {}
        if "waiting" in state and state["waiting"].get("reason"):
            return str(state["waiting"]["reason"])
        if "terminated" in state and state["terminated"].get("reason") and status.get("phase") != "Succeeded":
            return str(state["terminated"]["reason"])
    return str(status.get("reason") or status.get("phase") or "Unknown")


def _pod_ready(obj: Object) -> str:
    containers = (obj.get("spec") or {}).get("containers") or []
    statuses = (obj.get("status") or {}).get("containerStatuses") or []
    return f"{sum(1 for s in statuses if s.get('ready'))}/{len(containers)}"


def _pod_restarts(obj: Object) -> int:
    return sum(int(s.get("restartCount", 0)) for s in (obj.get("status") or {}).get("containerStatuses") or [])


def _node_status(obj: Object) -> str:
    conditions = (obj.get("status") or {}).get("conditions") or []
    ready = next((c for c in conditions if c.get("type") == "Ready"), None)
    text = "Unknown" if ready is None else ("Ready" if ready.get("status") == "True" else "NotReady")
    if (obj.get("spec") or {}).get("unschedulable"):
        text += ",SchedulingDisabled"
    return text


def _node_roles(obj: Object) -> str:
    prefix = "node-role.kubernetes.io/"
    roles = sorted(k[len(prefix) :] for k in meta(obj).get("labels") or {} if k.startswith(prefix))
    return ",".join(r for r in roles if r) or "<none>"


def _node_address(kind: str) -> Any:
    def cell(obj: Object) -> str:
        for address in (obj.get("status") or {}).get("addresses") or []:
            if address.get("type") == kind:
                return str(address.get("address", ""))
        return "<none>"

    return cell


def _service_ports(obj: Object) -> str:
    ports = []
    for port in (obj.get("spec") or {}).get("ports") or []:
        text = str(port.get("port"))
        if port.get("nodePort"):
            text += f":{port['nodePort']}"
        ports.append(f"{text}/{port.get('protocol', 'TCP')}")
    return ",".join(ports) or "<none>"


def _service_external(obj: Object) -> str:
    spec = obj.get("spec") or {}
    if spec.get("type") == "ExternalName":
        return str(spec.get("externalName", "<none>"))
    ingress = ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    ips = [i.get("ip") or i.get("hostname") for i in ingress] + list(spec.get("externalIPs") or [])
    if ips:
        return ",".join(str(i) for i in ips)
    return "<pending>" if spec.get("type") == "LoadBalancer" else "<none>"


def _endpoints(obj: Object) -> str:
    found = []
    for subset in obj.get("subsets") or []:
        for address in subset.get("addresses") or []:
            for port in subset.get("ports") or [{}]:
                found.append(f"{address.get('ip')}:{port.get('port')}" if port else str(address.get("ip")))
    if not found:
        return "<none>"
    shown = ",".join(found[:3])
    return shown + (f" + {len(found) - 3} more..." if len(found) > 3 else "")


def _event_object(obj: Object) -> str:
    ref = obj.get("involvedObject") or obj.get("regarding") or {}
    return f"{str(ref.get('kind', '')).lower()}/{ref.get('name', '')}"


def _event_last_seen(obj: Object) -> str:
    when = (
        obj.get("lastTimestamp")
        or (obj.get("series") or {}).get("lastObservedTime")
        or obj.get("eventTime")
        or meta(obj).get("creationTimestamp")
    )
    return human_age(when)


def _binding_role(obj: Object) -> str:
    ref = obj.get("roleRef") or {}
    return f"{ref.get('kind', '')}/{ref.get('name', '')}"


def _subjects(kind: str) -> Any:
    def cell(obj: Object) -> str:
        names = []
        for subject in obj.get("subjects") or []:
            if subject.get("kind") == kind:
                ns = subject.get("namespace")
                names.append(f"{ns}/{subject.get('name')}" if kind == "ServiceAccount" and ns else subject.get("name"))
        return ",".join(str(n) for n in names)

    return cell


CREATED_AT = Column("Created At", path_cell(".metadata.creationTimestamp"), type="date")

NAMESPACE = (NAME, Column("Status", path_cell(".status.phase")), AGE)
CONFIGMAP = (NAME, Column("Data", _count("data"), type="integer"), AGE)
SECRET = (NAME, Column("Type", path_cell(".type")), Column("Data", _count("data"), type="integer"), AGE)
SERVICEACCOUNT = (NAME, Column("Secrets", _count("secrets"), type="integer"), AGE)
POD = (
    NAME,
    Column("Ready", _pod_ready),
    Column("Status", _pod_status),
    Column("Restarts", _pod_restarts, type="string"),
    AGE,
    Column("IP", path_cell(".status.podIP", default="<none>"), priority=1),
    Column("Node", path_cell(".spec.nodeName", default="<none>"), priority=1),
    Column("Nominated Node", path_cell(".status.nominatedNodeName", default="<none>"), priority=1),
    Column("Readiness Gates", lambda obj: "<none>", priority=1),
)
NODE = (
    NAME,
    Column("Status", _node_status),
    Column("Roles", _node_roles),
    AGE,
    Column("Version", path_cell(".status.nodeInfo.kubeletVersion")),
    Column("Internal-IP", _node_address("InternalIP"), priority=1),
    Column("External-IP", _node_address("ExternalIP"), priority=1),
    Column("OS-Image", path_cell(".status.nodeInfo.osImage", default="<unknown>"), priority=1),
    Column("Kernel-Version", path_cell(".status.nodeInfo.kernelVersion", default="<unknown>"), priority=1),
    Column("Container-Runtime", path_cell(".status.nodeInfo.containerRuntimeVersion", default="<unknown>"), priority=1),
)
SERVICE = (
    NAME,
    Column("Type", path_cell(".spec.type")),
    Column("Cluster-IP", path_cell(".spec.clusterIP", default="<none>")),
    Column("External-IP", _service_external),
    Column("Port(s)", _service_ports),
    AGE,
    Column("Selector", _selector, priority=1),
)
ENDPOINTS = (NAME, Column("Endpoints", _endpoints), AGE)
EVENT = (
    Column("Last Seen", _event_last_seen),
    Column("Type", path_cell(".type")),
    Column("Reason", path_cell(".reason")),
    Column("Object", _event_object),
    Column("Message", lambda obj: obj.get("message") or obj.get("note") or ""),
)
LEASE = (NAME, Column("Holder", path_cell(".spec.holderIdentity", default="")), AGE)
DEPLOYMENT = (
    NAME,
    Column("Ready", _ready_of("status.readyReplicas", "spec.replicas")),
    Column("Up-to-date", _int("status.updatedReplicas"), type="integer"),
    Column("Available", _int("status.availableReplicas"), type="integer"),
    AGE,
    Column("Containers", _containers, priority=1),
    Column("Images", _images, priority=1),
    Column("Selector", _selector, priority=1),
)
STATEFULSET = (
    NAME,
    Column("Ready", _ready_of("status.readyReplicas", "spec.replicas")),
    AGE,
    Column("Containers", _containers, priority=1),
    Column("Images", _images, priority=1),
)
DAEMONSET = (
    NAME,
    Column("Desired", _int("status.desiredNumberScheduled"), type="integer"),
    Column("Current", _int("status.currentNumberScheduled"), type="integer"),
    Column("Ready", _int("status.numberReady"), type="integer"),
    Column("Up-to-date", _int("status.updatedNumberScheduled"), type="integer"),
    Column("Available", _int("status.numberAvailable"), type="integer"),
    Column(
        "Node Selector",
        lambda obj: (
            ",".join(
                f"{k}={v}"
                for k, v in (((obj.get("spec") or {}).get("template") or {}).get("spec") or {})
                .get("nodeSelector", {})
                .items()
            )
            or "<none>"
        ),
    ),
    AGE,
    Column("Containers", _containers, priority=1),
    Column("Images", _images, priority=1),
    Column("Selector", _selector, priority=1),
)
REPLICASET = (
    NAME,
    Column("Desired", _int("spec.replicas"), type="integer"),
    Column("Current", _int("status.replicas"), type="integer"),
    Column("Ready", _int("status.readyReplicas"), type="integer"),
    AGE,
    Column("Containers", _containers, priority=1),
    Column("Images", _images, priority=1),
    Column("Selector", _selector, priority=1),
)
ROLE = (NAME, CREATED_AT)
BINDING = (
    NAME,
    Column("Role", _binding_role),
    AGE,
    Column("Users", _subjects("User"), priority=1),
    Column("Groups", _subjects("Group"), priority=1),
    Column("ServiceAccounts", _subjects("ServiceAccount"), priority=1),
)
CRD = (NAME, CREATED_AT)


def _pvc_capacity(obj: Object) -> str:
    return str(((obj.get("status") or {}).get("capacity") or {}).get("storage") or "")


def _pvc_access_modes(obj: Object) -> str:
    short = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}
    modes = (obj.get("status") or {}).get("accessModes") or []
    return ",".join(short.get(m, m) for m in modes if isinstance(m, str))


def _slice_ports(obj: Object) -> str:
    ports = [p.get("port") for p in obj.get("ports") or [] if isinstance(p, dict) and p.get("port") is not None]
    return ",".join(str(p) for p in ports) or "<unset>"


def _slice_endpoints(obj: Object) -> str:
    addresses = [a for e in obj.get("endpoints") or [] if isinstance(e, dict) for a in e.get("addresses") or []]
    shown = ",".join(str(a) for a in addresses[:3])
    return (shown + (f" + {len(addresses) - 3} more..." if len(addresses) > 3 else "")) or "<unset>"


def _pod_selector(obj: Object) -> str:
    selector = (obj.get("spec") or {}).get("podSelector") or {}
    labels = selector.get("matchLabels") or {}
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "<none>"


def _hpa_reference(obj: Object) -> str:
    ref = (obj.get("spec") or {}).get("scaleTargetRef") or {}
    return f"{ref.get('kind', '')}/{ref.get('name', '')}"


def _or_na(path: str) -> Any:
    return path_cell(path, default="N/A")


PERSISTENTVOLUMECLAIM = (
    NAME,
    Column("Status", path_cell(".status.phase")),
    Column("Volume", path_cell(".spec.volumeName", default="")),
    Column("Capacity", _pvc_capacity),
    Column("Access Modes", _pvc_access_modes),
    Column("StorageClass", path_cell(".spec.storageClassName", default="<unset>")),
    Column("VolumeAttributesClass", path_cell(".spec.volumeAttributesClassName", default="<unset>")),
    AGE,
    Column("VolumeMode", path_cell(".spec.volumeMode"), priority=1),
)
ENDPOINTSLICE = (
    NAME,
    Column("AddressType", path_cell(".addressType")),
    Column("Ports", _slice_ports),
    Column("Endpoints", _slice_endpoints),
    AGE,
)
PODDISRUPTIONBUDGET = (
    NAME,
    Column("Min Available", _or_na(".spec.minAvailable")),
    Column("Max Unavailable", _or_na(".spec.maxUnavailable")),
    Column("Allowed Disruptions", _int("status.disruptionsAllowed"), type="integer"),
    AGE,
)
NETWORKPOLICY = (NAME, Column("Pod-Selector", _pod_selector), AGE)
HORIZONTALPODAUTOSCALER = (
    NAME,
    Column("Reference", _hpa_reference),
    Column("MinPods", _int("spec.minReplicas"), type="integer"),
    Column("MaxPods", _int("spec.maxReplicas"), type="integer"),
    Column("Replicas", _int("status.currentReplicas"), type="integer"),
    AGE,
)
PRIORITYCLASS = (
    NAME,
    Column("Value", _int("value"), type="integer"),
    Column("Global-Default", lambda obj: bool(obj.get("globalDefault")), type="boolean"),
    AGE,
    Column("PreemptionPolicy", path_cell(".preemptionPolicy", default="")),
)
CONTROLLERREVISION = (
    NAME,
    Column(
        "Controller",
        lambda obj: next(
            (
                f"{r.get('kind', '').lower()}.{r.get('apiVersion', '').split('/')[0]}/{r.get('name')}"
                for r in meta(obj).get("ownerReferences") or []
                if r.get("controller")
            ),
            "<none>",
        ),
    ),
    Column("Revision", _int("revision"), type="integer"),
    AGE,
)
