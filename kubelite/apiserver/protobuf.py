"""Kubernetes protobuf request bodies, decoded into the JSON form kubelite stores.

Why this exists: since client-go made protobuf the default for built-in kinds, kubectl sends
``Content-Type: application/vnd.kubernetes.protobuf`` (with ``Accept: application/vnd.kubernetes.protobuf,
application/json``) whenever it goes through a typed clientset: ``kubectl create namespace|configmap|secret|
deployment|job|cronjob|serviceaccount|role|rolebinding|clusterrole|clusterrolebinding|ingress|pdb|priorityclass|
quota|service``, ``kubectl create token``, ``kubectl auth can-i`` and ``kubectl auth whoami``. It does so without
looking at discovery and does not fall back to JSON on a 415, so a server that wants those commands to work has to
read protobuf. kubelite answers in JSON, which the ``Accept`` header allows.

The body is a 4-byte magic ``k8s\\x00`` followed by a ``runtime.Unknown`` message::

    message Unknown  { TypeMeta typeMeta = 1; bytes raw = 2; string contentEncoding = 3; string contentType = 4; }
    message TypeMeta { string apiVersion = 1; string kind = 2; }

``raw`` is the object itself, a message of the kind that ``typeMeta`` names. Kubernetes generates its messages
with gogo-protobuf in proto2 mode, and the Go marshaller writes every non-pointer field even when it holds its zero
value (``name: ""``, ``generation: 0``, an empty ``creationTimestamp``), while pointer fields, lists and maps appear
only when set. kube-apiserver decodes that into its Go structs and stores them through ``encoding/json``, so the
stored JSON follows the Go field tags. The decoder reproduces that from three facts a field descriptor carries:

* ``omitempty``: a zero scalar (``""``, ``0``, ``false``) on the wire is dropped, as the Go tag would drop it;
* ``keep``: whatever is on the wire is stored, zero or not (pointer fields and tags without ``omitempty``);
* ``null``: like ``keep``, and an absent value is stored as ``null`` (lists, maps and pointers whose tag has no
  ``omitempty``: ``ClusterRole.rules``, ``DeploymentSpec.selector``, ``PodSpec.containers``).

Nested structs are stored whenever they are on the wire, as ``{}`` if empty (``"resources": {}``,
``"strategy": {}``, ``"status": {}``), because Go's ``omitempty`` never drops a struct. ``metav1.Time`` becomes an
RFC 3339 string with seconds precision, or ``null`` when zero; ``metadata.creationTimestamp`` is tagged
``omitzero`` in current Kubernetes and so is dropped when zero. ``resource.Quantity`` becomes its string,
``intstr.IntOrString`` a number or a string, ``[]byte`` standard base64, ``FieldsV1`` the JSON it wraps.

Known divergences from kube-apiserver, all for bodies no Go client produces: a non-pointer scalar that is missing
from the wire is left out rather than stored as its zero value, and quantities are stored as sent rather than
re-canonicalised (client-go always sends the canonical form).

Unknown field numbers inside a known message are skipped, as gogo-protobuf skips them; each is reported to the
caller's ``on_unknown_field`` so the server can turn it into a ``Warning`` header. kube-apiserver does not apply
``fieldValidation`` to protobuf bodies, so this never fails a request.

Errors: :class:`UnknownKindError` for a kind this module has no descriptor for (the server answers ``415
UnsupportedMediaType``, as kube-apiserver does for protobuf of a custom resource); :class:`ProtobufDecodeError`
for anything malformed: bad magic, a truncated varint or length, a wire type that does not match the field,
an envelope with a content encoding (the server answers ``400 BadRequest``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal, get_args

PROTOBUF_CONTENT_TYPE: Final = "application/vnd.kubernetes.protobuf"

MAGIC: Final = b"k8s\x00"


class ProtobufDecodeError(ValueError):
    """The body is not a well-formed Kubernetes protobuf envelope (the server answers 400)."""


class UnknownKindError(ProtobufDecodeError):
    """The envelope names a kind this module cannot decode (the server answers 415)."""

    def __init__(self, api_version: str, kind: str) -> None:
        super().__init__(f"protobuf is not supported for {kind!r} in {api_version!r}; send application/json")
        self.api_version = api_version
        self.kind = kind


@dataclass(frozen=True, slots=True)
class UnknownField:
    """A field number the descriptor of its message does not know, skipped while decoding."""

    path: str
    number: int
    wire_type: int

    def __str__(self) -> str:
        where = self.path or "<root>"
        return f"{where}: unknown protobuf field {self.number} (wire type {self.wire_type}) was dropped"


# ---------------------------------------------------------------------------------------------------------------
# The wire format: https://protobuf.dev/programming-guides/encoding/
# ---------------------------------------------------------------------------------------------------------------

VARINT: Final = 0
I64: Final = 1
LEN: Final = 2
I32: Final = 5
_WIRE_NAMES: Final = {VARINT: "varint", I64: "64-bit", LEN: "length-delimited", I32: "32-bit"}


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """The unsigned varint at ``pos`` and the position after it."""
    value = shift = 0
    for offset in range(10):
        if pos + offset >= len(data):
            raise ProtobufDecodeError(f"truncated varint at byte {pos}")
        byte = data[pos + offset]
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value & 0xFFFF_FFFF_FFFF_FFFF, pos + offset + 1
        shift += 7
    raise ProtobufDecodeError(f"varint longer than 10 bytes at byte {pos}")


def iter_fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """Each field of a message as (number, wire type, value).

    The value is an int for varints and the fixed 64- and 32-bit types (little-endian, unsigned) and the bytes of a
    length-delimited field. Group wire types (3, 4) were never used by Kubernetes and are rejected.
    """
    pos = 0
    while pos < len(data):
        start = pos
        key, pos = _read_varint(data, pos)
        number, wire_type = key >> 3, key & 0x7
        if number == 0:
            raise ProtobufDecodeError(f"field number 0 at byte {start}")
        if wire_type == VARINT:
            value, pos = _read_varint(data, pos)
            yield number, wire_type, value
        elif wire_type == LEN:
            length, pos = _read_varint(data, pos)
            if length > len(data) - pos:
                raise ProtobufDecodeError(
                    f"field {number} at byte {start} claims {length} bytes but only {len(data) - pos} are left"
                )
            yield number, wire_type, data[pos : pos + length]
            pos += length
        elif wire_type in (I64, I32):
            size = 8 if wire_type == I64 else 4
            if size > len(data) - pos:
                raise ProtobufDecodeError(f"truncated {size * 8}-bit field {number} at byte {start}")
            yield number, wire_type, int.from_bytes(data[pos : pos + size], "little")
            pos += size
        else:
            raise ProtobufDecodeError(f"unsupported wire type {wire_type} for field {number} at byte {start}")


# ---------------------------------------------------------------------------------------------------------------
# Descriptors: what each field number of each message means, and how its JSON form looks.
# ---------------------------------------------------------------------------------------------------------------

#: Kinds that are not messages of the table: protobuf scalars and the apimachinery types with a JSON form of their
#: own. Everything else names a message of :data:`MESSAGES` ("core.Container").
Scalar = Literal[
    "string", "int32", "int64", "bool", "bytes", "Time", "Quantity", "IntOrString", "FieldsV1", "StringList"
]
_SCALARS: Final[frozenset[str]] = frozenset(get_args(Scalar))

#: How a field's JSON follows its Go tag; see the module docstring.
Presence = Literal["omitempty", "keep", "null"]


@dataclass(frozen=True, slots=True)
class Field:
    #: The JSON name; empty for an inlined (embedded) struct, whose fields land in the parent object.
    name: str
    #: A :data:`Scalar` or a message name; for a map, the type of its values (keys are always strings).
    kind: str
    presence: Presence = "omitempty"
    repeated: bool = False
    map: bool = False

    @property
    def inline(self) -> bool:
        return not self.name


KEEP: Final = "keep"
NULL: Final = "null"


def string(name: str, presence: Presence = "omitempty") -> Field:
    return Field(name, "string", presence)


def int32(name: str, presence: Presence = "omitempty") -> Field:
    return Field(name, "int32", presence)


def int64(name: str, presence: Presence = "omitempty") -> Field:
    return Field(name, "int64", presence)


def boolean(name: str, presence: Presence = "omitempty") -> Field:
    return Field(name, "bool", presence)


def message(name: str, kind: str, presence: Presence = "keep") -> Field:
    """A nested struct or pointer to one: stored whenever it is on the wire."""
    return Field(name, kind, presence)


def inline(kind: str) -> Field:
    return Field("", kind, "keep")


def time(name: str, presence: Presence = "keep") -> Field:
    """A ``metav1.Time``; ``omitempty`` here stands for Go's ``omitzero`` (drop it when zero)."""
    return Field(name, "Time", presence)


def repeated(name: str, kind: str, presence: Presence = "omitempty") -> Field:
    return Field(name, kind, presence, repeated=True)


def mapping(name: str, kind: str = "string", presence: Presence = "omitempty") -> Field:
    return Field(name, kind, presence, map=True)


_META: dict[str, dict[int, Field]] = {
    "meta.ObjectMeta": {
        1: string("name"),
        2: string("generateName"),
        3: string("namespace"),
        4: string("selfLink"),
        5: string("uid"),
        6: string("resourceVersion"),
        7: int64("generation"),
        # NB: tagged omitzero since Kubernetes 1.35: no more "creationTimestamp": null in what kubectl prints.
        8: time("creationTimestamp", "omitempty"),
        9: time("deletionTimestamp"),
        10: int64("deletionGracePeriodSeconds", KEEP),
        11: mapping("labels"),
        12: mapping("annotations"),
        13: repeated("ownerReferences", "meta.OwnerReference"),
        14: repeated("finalizers", "string"),
        17: repeated("managedFields", "meta.ManagedFieldsEntry"),
    },
    "meta.OwnerReference": {
        5: string("apiVersion", KEEP),
        1: string("kind", KEEP),
        3: string("name", KEEP),
        4: string("uid", KEEP),
        6: boolean("controller", KEEP),
        7: boolean("blockOwnerDeletion", KEEP),
    },
    "meta.ManagedFieldsEntry": {
        1: string("manager"),
        2: string("operation"),
        3: string("apiVersion"),
        4: time("time"),
        6: string("fieldsType"),
        7: Field("fieldsV1", "FieldsV1", KEEP),
        8: string("subresource"),
    },
    "meta.LabelSelector": {
        1: mapping("matchLabels"),
        2: repeated("matchExpressions", "meta.LabelSelectorRequirement"),
    },
    "meta.LabelSelectorRequirement": {
        1: string("key", KEEP),
        2: string("operator", KEEP),
        3: repeated("values", "string"),
    },
    "meta.Condition": {
        1: string("type", KEEP),
        2: string("status", KEEP),
        3: int64("observedGeneration"),
        4: time("lastTransitionTime"),
        5: string("reason", KEEP),
        6: string("message", KEEP),
    },
}

_CORE_OBJECTS: dict[str, dict[int, Field]] = {
    "core.Namespace": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "core.NamespaceSpec"),
        3: message("status", "core.NamespaceStatus"),
    },
    "core.NamespaceSpec": {1: repeated("finalizers", "string")},
    "core.NamespaceStatus": {
        1: string("phase"),
        2: repeated("conditions", "core.NamespaceCondition"),
    },
    "core.NamespaceCondition": {
        1: string("type", KEEP),
        2: string("status", KEEP),
        4: time("lastTransitionTime"),
        5: string("reason"),
        6: string("message"),
    },
    "core.ConfigMap": {
        1: message("metadata", "meta.ObjectMeta"),
        2: mapping("data"),
        3: mapping("binaryData", "bytes"),
        4: boolean("immutable", KEEP),
    },
    "core.Secret": {
        1: message("metadata", "meta.ObjectMeta"),
        2: mapping("data", "bytes"),
        3: string("type"),
        4: mapping("stringData"),
        5: boolean("immutable", KEEP),
    },
    "core.ServiceAccount": {
        1: message("metadata", "meta.ObjectMeta"),
        2: repeated("secrets", "core.ObjectReference"),
        3: repeated("imagePullSecrets", "core.LocalObjectReference"),
        4: boolean("automountServiceAccountToken", KEEP),
    },
    "core.ObjectReference": {
        1: string("kind"),
        2: string("namespace"),
        3: string("name"),
        4: string("uid"),
        5: string("apiVersion"),
        6: string("resourceVersion"),
        7: string("fieldPath"),
    },
    "core.LocalObjectReference": {1: string("name")},
    "core.TypedLocalObjectReference": {
        1: string("apiGroup", NULL),
        2: string("kind", KEEP),
        3: string("name", KEEP),
    },
    "core.TypedObjectReference": {
        1: string("apiGroup", NULL),
        2: string("kind", KEEP),
        3: string("name", KEEP),
        4: string("namespace", KEEP),
    },
    "core.Service": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "core.ServiceSpec"),
        3: message("status", "core.ServiceStatus"),
    },
    "core.ServiceSpec": {
        1: repeated("ports", "core.ServicePort"),
        2: mapping("selector"),
        3: string("clusterIP"),
        18: repeated("clusterIPs", "string"),
        4: string("type"),
        5: repeated("externalIPs", "string"),
        7: string("sessionAffinity"),
        8: string("loadBalancerIP"),
        9: repeated("loadBalancerSourceRanges", "string"),
        10: string("externalName"),
        11: string("externalTrafficPolicy"),
        12: int32("healthCheckNodePort"),
        13: boolean("publishNotReadyAddresses"),
        14: message("sessionAffinityConfig", "core.SessionAffinityConfig"),
        19: repeated("ipFamilies", "string"),
        17: string("ipFamilyPolicy", KEEP),
        20: boolean("allocateLoadBalancerNodePorts", KEEP),
        21: string("loadBalancerClass", KEEP),
        22: string("internalTrafficPolicy", KEEP),
        23: string("trafficDistribution", KEEP),
    },
    "core.ServicePort": {
        1: string("name"),
        2: string("protocol"),
        6: string("appProtocol", KEEP),
        3: int32("port", KEEP),
        4: Field("targetPort", "IntOrString", KEEP),
        5: int32("nodePort"),
    },
    "core.SessionAffinityConfig": {1: message("clientIP", "core.ClientIPConfig")},
    "core.ClientIPConfig": {1: int32("timeoutSeconds", KEEP)},
    "core.ServiceStatus": {
        1: message("loadBalancer", "core.LoadBalancerStatus"),
        2: repeated("conditions", "meta.Condition"),
    },
    "core.LoadBalancerStatus": {1: repeated("ingress", "core.LoadBalancerIngress")},
    "core.LoadBalancerIngress": {
        1: string("ip"),
        2: string("hostname"),
        3: string("ipMode", KEEP),
        4: repeated("ports", "core.PortStatus"),
    },
    "core.PortStatus": {
        1: int32("port", KEEP),
        2: string("protocol", KEEP),
        3: string("error", KEEP),
    },
    "core.ResourceQuota": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "core.ResourceQuotaSpec"),
        3: message("status", "core.ResourceQuotaStatus"),
    },
    "core.ResourceQuotaSpec": {
        1: mapping("hard", "Quantity"),
        2: repeated("scopes", "string"),
        3: message("scopeSelector", "core.ScopeSelector"),
    },
    "core.ScopeSelector": {1: repeated("matchExpressions", "core.ScopedResourceSelectorRequirement")},
    "core.ScopedResourceSelectorRequirement": {
        1: string("scopeName", KEEP),
        2: string("operator", KEEP),
        3: repeated("values", "string"),
    },
    "core.ResourceQuotaStatus": {
        1: mapping("hard", "Quantity"),
        2: mapping("used", "Quantity"),
    },
}

_CORE_PODS: dict[str, dict[int, Field]] = {
    "core.Pod": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "core.PodSpec"),
        3: message("status", "core.PodStatus"),
    },
    "core.PodTemplateSpec": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "core.PodSpec"),
    },
    "core.PodSpec": {
        1: repeated("volumes", "core.Volume"),
        20: repeated("initContainers", "core.Container"),
        2: repeated("containers", "core.Container", NULL),
        34: repeated("ephemeralContainers", "core.EphemeralContainer"),
        3: string("restartPolicy"),
        4: int64("terminationGracePeriodSeconds", KEEP),
        5: int64("activeDeadlineSeconds", KEEP),
        6: string("dnsPolicy"),
        7: mapping("nodeSelector"),
        8: string("serviceAccountName"),
        9: string("serviceAccount"),
        21: boolean("automountServiceAccountToken", KEEP),
        10: string("nodeName"),
        11: boolean("hostNetwork"),
        12: boolean("hostPID"),
        13: boolean("hostIPC"),
        27: boolean("shareProcessNamespace", KEEP),
        14: message("securityContext", "core.PodSecurityContext"),
        15: repeated("imagePullSecrets", "core.LocalObjectReference"),
        16: string("hostname"),
        17: string("subdomain"),
        18: message("affinity", "core.Affinity"),
        19: string("schedulerName"),
        22: repeated("tolerations", "core.Toleration"),
        23: repeated("hostAliases", "core.HostAlias"),
        24: string("priorityClassName"),
        25: int32("priority", KEEP),
        26: message("dnsConfig", "core.PodDNSConfig"),
        28: repeated("readinessGates", "core.PodReadinessGate"),
        29: string("runtimeClassName", KEEP),
        30: boolean("enableServiceLinks", KEEP),
        31: string("preemptionPolicy", KEEP),
        32: mapping("overhead", "Quantity"),
        33: repeated("topologySpreadConstraints", "core.TopologySpreadConstraint"),
        35: boolean("setHostnameAsFQDN", KEEP),
        36: message("os", "core.PodOS"),
        37: boolean("hostUsers", KEEP),
        38: repeated("schedulingGates", "core.PodSchedulingGate"),
        39: repeated("resourceClaims", "core.PodResourceClaim"),
        40: message("resources", "core.ResourceRequirements"),
        41: string("hostnameOverride", KEEP),
    },
    "core.Container": {
        1: string("name", KEEP),
        2: string("image"),
        3: repeated("command", "string"),
        4: repeated("args", "string"),
        5: string("workingDir"),
        6: repeated("ports", "core.ContainerPort"),
        19: repeated("envFrom", "core.EnvFromSource"),
        7: repeated("env", "core.EnvVar"),
        8: message("resources", "core.ResourceRequirements"),
        23: repeated("resizePolicy", "core.ContainerResizePolicy"),
        24: string("restartPolicy", KEEP),
        25: repeated("restartPolicyRules", "core.ContainerRestartRule"),
        9: repeated("volumeMounts", "core.VolumeMount"),
        21: repeated("volumeDevices", "core.VolumeDevice"),
        10: message("livenessProbe", "core.Probe"),
        11: message("readinessProbe", "core.Probe"),
        22: message("startupProbe", "core.Probe"),
        12: message("lifecycle", "core.Lifecycle"),
        13: string("terminationMessagePath"),
        20: string("terminationMessagePolicy"),
        14: string("imagePullPolicy"),
        15: message("securityContext", "core.SecurityContext"),
        16: boolean("stdin"),
        17: boolean("stdinOnce"),
        18: boolean("tty"),
    },
    # An EphemeralContainer embeds all of Container (as field 1) and adds its target.
    "core.EphemeralContainer": {
        1: inline("core.Container"),
        2: string("targetContainerName"),
    },
    "core.ContainerPort": {
        1: string("name"),
        2: int32("hostPort"),
        3: int32("containerPort", KEEP),
        4: string("protocol"),
        5: string("hostIP"),
    },
    "core.ContainerResizePolicy": {
        1: string("resourceName", KEEP),
        2: string("restartPolicy", KEEP),
    },
    "core.ContainerRestartRule": {
        1: string("action", KEEP),
        2: message("exitCodes", "core.ContainerRestartRuleOnExitCodes"),
    },
    "core.ContainerRestartRuleOnExitCodes": {
        1: string("operator", KEEP),
        2: repeated("values", "int32"),
    },
    "core.EnvFromSource": {
        1: string("prefix"),
        2: message("configMapRef", "core.ConfigMapEnvSource"),
        3: message("secretRef", "core.SecretEnvSource"),
    },
    "core.ConfigMapEnvSource": {1: inline("core.LocalObjectReference"), 2: boolean("optional", KEEP)},
    "core.SecretEnvSource": {1: inline("core.LocalObjectReference"), 2: boolean("optional", KEEP)},
    "core.EnvVar": {
        1: string("name", KEEP),
        2: string("value"),
        3: message("valueFrom", "core.EnvVarSource"),
    },
    "core.EnvVarSource": {
        1: message("fieldRef", "core.ObjectFieldSelector"),
        2: message("resourceFieldRef", "core.ResourceFieldSelector"),
        3: message("configMapKeyRef", "core.ConfigMapKeySelector"),
        4: message("secretKeyRef", "core.SecretKeySelector"),
        5: message("fileKeyRef", "core.FileKeySelector"),
    },
    "core.ObjectFieldSelector": {1: string("apiVersion"), 2: string("fieldPath", KEEP)},
    "core.ResourceFieldSelector": {
        1: string("containerName"),
        2: string("resource", KEEP),
        3: Field("divisor", "Quantity", KEEP),
    },
    "core.ConfigMapKeySelector": {
        1: inline("core.LocalObjectReference"),
        2: string("key", KEEP),
        3: boolean("optional", KEEP),
    },
    "core.SecretKeySelector": {
        1: inline("core.LocalObjectReference"),
        2: string("key", KEEP),
        3: boolean("optional", KEEP),
    },
    "core.FileKeySelector": {
        1: string("volumeName", KEEP),
        2: string("path", KEEP),
        3: string("key", KEEP),
        4: boolean("optional"),
    },
    "core.ResourceRequirements": {
        1: mapping("limits", "Quantity"),
        2: mapping("requests", "Quantity"),
        3: repeated("claims", "core.ResourceClaim"),
    },
    "core.ResourceClaim": {1: string("name", KEEP), 2: string("request")},
    "core.VolumeMount": {
        1: string("name", KEEP),
        2: boolean("readOnly"),
        7: string("recursiveReadOnly", KEEP),
        3: string("mountPath", KEEP),
        4: string("subPath"),
        5: string("mountPropagation", KEEP),
        6: string("subPathExpr"),
    },
    "core.VolumeDevice": {1: string("name", KEEP), 2: string("devicePath", KEEP)},
    "core.Probe": {
        1: inline("core.ProbeHandler"),
        2: int32("initialDelaySeconds"),
        3: int32("timeoutSeconds"),
        4: int32("periodSeconds"),
        5: int32("successThreshold"),
        6: int32("failureThreshold"),
        7: int64("terminationGracePeriodSeconds", KEEP),
    },
    "core.ProbeHandler": {
        1: message("exec", "core.ExecAction"),
        2: message("httpGet", "core.HTTPGetAction"),
        3: message("tcpSocket", "core.TCPSocketAction"),
        4: message("grpc", "core.GRPCAction"),
    },
    "core.ExecAction": {1: repeated("command", "string")},
    "core.HTTPGetAction": {
        1: string("path"),
        2: Field("port", "IntOrString", KEEP),
        3: string("host"),
        4: string("scheme"),
        5: repeated("httpHeaders", "core.HTTPHeader"),
    },
    "core.HTTPHeader": {1: string("name", KEEP), 2: string("value", KEEP)},
    "core.TCPSocketAction": {1: Field("port", "IntOrString", KEEP), 2: string("host")},
    "core.GRPCAction": {1: int32("port", KEEP), 2: string("service", NULL)},
    "core.Lifecycle": {
        1: message("postStart", "core.LifecycleHandler"),
        2: message("preStop", "core.LifecycleHandler"),
        3: string("stopSignal", KEEP),
    },
    "core.LifecycleHandler": {
        1: message("exec", "core.ExecAction"),
        2: message("httpGet", "core.HTTPGetAction"),
        3: message("tcpSocket", "core.TCPSocketAction"),
        4: message("sleep", "core.SleepAction"),
    },
    "core.SleepAction": {1: int64("seconds", KEEP)},
    "core.SecurityContext": {
        1: message("capabilities", "core.Capabilities"),
        2: boolean("privileged", KEEP),
        3: message("seLinuxOptions", "core.SELinuxOptions"),
        10: message("windowsOptions", "core.WindowsSecurityContextOptions"),
        4: int64("runAsUser", KEEP),
        8: int64("runAsGroup", KEEP),
        5: boolean("runAsNonRoot", KEEP),
        6: boolean("readOnlyRootFilesystem", KEEP),
        7: boolean("allowPrivilegeEscalation", KEEP),
        9: string("procMount", KEEP),
        11: message("seccompProfile", "core.SeccompProfile"),
        12: message("appArmorProfile", "core.AppArmorProfile"),
    },
    "core.PodSecurityContext": {
        1: message("seLinuxOptions", "core.SELinuxOptions"),
        8: message("windowsOptions", "core.WindowsSecurityContextOptions"),
        2: int64("runAsUser", KEEP),
        6: int64("runAsGroup", KEEP),
        3: boolean("runAsNonRoot", KEEP),
        4: repeated("supplementalGroups", "int64"),
        12: string("supplementalGroupsPolicy", KEEP),
        5: int64("fsGroup", KEEP),
        7: repeated("sysctls", "core.Sysctl"),
        9: string("fsGroupChangePolicy", KEEP),
        10: message("seccompProfile", "core.SeccompProfile"),
        11: message("appArmorProfile", "core.AppArmorProfile"),
        13: string("seLinuxChangePolicy", KEEP),
    },
    "core.Capabilities": {1: repeated("add", "string"), 2: repeated("drop", "string")},
    "core.SELinuxOptions": {1: string("user"), 2: string("role"), 3: string("type"), 4: string("level")},
    "core.WindowsSecurityContextOptions": {
        1: string("gmsaCredentialSpecName", KEEP),
        2: string("gmsaCredentialSpec", KEEP),
        3: string("runAsUserName", KEEP),
        4: boolean("hostProcess", KEEP),
    },
    "core.SeccompProfile": {1: string("type", KEEP), 2: string("localhostProfile", KEEP)},
    "core.AppArmorProfile": {1: string("type", KEEP), 2: string("localhostProfile", KEEP)},
    "core.Sysctl": {1: string("name", KEEP), 2: string("value", KEEP)},
    "core.Affinity": {
        1: message("nodeAffinity", "core.NodeAffinity"),
        2: message("podAffinity", "core.PodAffinity"),
        3: message("podAntiAffinity", "core.PodAffinity"),
    },
    "core.NodeAffinity": {
        1: message("requiredDuringSchedulingIgnoredDuringExecution", "core.NodeSelector"),
        2: repeated("preferredDuringSchedulingIgnoredDuringExecution", "core.PreferredSchedulingTerm"),
    },
    "core.NodeSelector": {1: repeated("nodeSelectorTerms", "core.NodeSelectorTerm", NULL)},
    "core.NodeSelectorTerm": {
        1: repeated("matchExpressions", "core.NodeSelectorRequirement"),
        2: repeated("matchFields", "core.NodeSelectorRequirement"),
    },
    "core.NodeSelectorRequirement": {
        1: string("key", KEEP),
        2: string("operator", KEEP),
        3: repeated("values", "string"),
    },
    "core.PreferredSchedulingTerm": {
        1: int32("weight", KEEP),
        2: message("preference", "core.NodeSelectorTerm"),
    },
    # PodAntiAffinity has the same two fields, so both use this descriptor.
    "core.PodAffinity": {
        1: repeated("requiredDuringSchedulingIgnoredDuringExecution", "core.PodAffinityTerm"),
        2: repeated("preferredDuringSchedulingIgnoredDuringExecution", "core.WeightedPodAffinityTerm"),
    },
    "core.WeightedPodAffinityTerm": {
        1: int32("weight", KEEP),
        2: message("podAffinityTerm", "core.PodAffinityTerm"),
    },
    "core.PodAffinityTerm": {
        1: message("labelSelector", "meta.LabelSelector"),
        2: repeated("namespaces", "string"),
        3: string("topologyKey", KEEP),
        4: message("namespaceSelector", "meta.LabelSelector"),
        5: repeated("matchLabelKeys", "string"),
        6: repeated("mismatchLabelKeys", "string"),
    },
    "core.Toleration": {
        1: string("key"),
        2: string("operator"),
        3: string("value"),
        4: string("effect"),
        5: int64("tolerationSeconds", KEEP),
    },
    "core.HostAlias": {1: string("ip"), 2: repeated("hostnames", "string")},
    "core.PodDNSConfig": {
        1: repeated("nameservers", "string"),
        2: repeated("searches", "string"),
        3: repeated("options", "core.PodDNSConfigOption"),
    },
    "core.PodDNSConfigOption": {1: string("name"), 2: string("value", KEEP)},
    "core.PodReadinessGate": {1: string("conditionType", KEEP)},
    "core.TopologySpreadConstraint": {
        1: int32("maxSkew", KEEP),
        2: string("topologyKey", KEEP),
        3: string("whenUnsatisfiable", KEEP),
        4: message("labelSelector", "meta.LabelSelector"),
        5: int32("minDomains", KEEP),
        6: string("nodeAffinityPolicy", KEEP),
        7: string("nodeTaintsPolicy", KEEP),
        8: repeated("matchLabelKeys", "string"),
    },
    "core.PodOS": {1: string("name", KEEP)},
    "core.PodSchedulingGate": {1: string("name", KEEP)},
    "core.PodResourceClaim": {
        1: string("name", KEEP),
        3: string("resourceClaimName", KEEP),
        4: string("resourceClaimTemplateName", KEEP),
    },
    "core.PodStatus": {
        1: string("phase"),
        2: repeated("conditions", "core.PodCondition"),
        3: string("message"),
        4: string("reason"),
        11: string("nominatedNodeName"),
        5: string("hostIP"),
        16: repeated("hostIPs", "core.HostIP"),
        6: string("podIP"),
        12: repeated("podIPs", "core.HostIP"),
        7: time("startTime"),
        9: string("qosClass"),
    },
    "core.PodCondition": {
        1: string("type", KEEP),
        2: string("status", KEEP),
        3: time("lastProbeTime"),
        4: time("lastTransitionTime"),
        5: string("reason"),
        6: string("message"),
    },
    # PodIP has the same single field.
    "core.HostIP": {1: string("ip")},
}

_CORE_VOLUMES: dict[str, dict[int, Field]] = {
    "core.Volume": {1: string("name", KEEP), 2: inline("core.VolumeSource")},
    "core.VolumeSource": {
        1: message("hostPath", "core.HostPathVolumeSource"),
        2: message("emptyDir", "core.EmptyDirVolumeSource"),
        6: message("secret", "core.SecretVolumeSource"),
        7: message("nfs", "core.NFSVolumeSource"),
        10: message("persistentVolumeClaim", "core.PersistentVolumeClaimVolumeSource"),
        16: message("downwardAPI", "core.DownwardAPIVolumeSource"),
        19: message("configMap", "core.ConfigMapVolumeSource"),
        26: message("projected", "core.ProjectedVolumeSource"),
        28: message("csi", "core.CSIVolumeSource"),
        29: message("ephemeral", "core.EphemeralVolumeSource"),
        30: message("image", "core.ImageVolumeSource"),
    },
    "core.HostPathVolumeSource": {1: string("path", KEEP), 2: string("type", KEEP)},
    "core.EmptyDirVolumeSource": {1: string("medium"), 2: Field("sizeLimit", "Quantity", KEEP)},
    "core.SecretVolumeSource": {
        1: string("secretName"),
        2: repeated("items", "core.KeyToPath"),
        3: int32("defaultMode", KEEP),
        4: boolean("optional", KEEP),
    },
    "core.NFSVolumeSource": {1: string("server", KEEP), 2: string("path", KEEP), 3: boolean("readOnly")},
    "core.PersistentVolumeClaimVolumeSource": {1: string("claimName", KEEP), 2: boolean("readOnly")},
    "core.DownwardAPIVolumeSource": {
        1: repeated("items", "core.DownwardAPIVolumeFile"),
        2: int32("defaultMode", KEEP),
    },
    "core.DownwardAPIVolumeFile": {
        1: string("path", KEEP),
        2: message("fieldRef", "core.ObjectFieldSelector"),
        3: message("resourceFieldRef", "core.ResourceFieldSelector"),
        4: int32("mode", KEEP),
    },
    "core.ConfigMapVolumeSource": {
        1: inline("core.LocalObjectReference"),
        2: repeated("items", "core.KeyToPath"),
        3: int32("defaultMode", KEEP),
        4: boolean("optional", KEEP),
    },
    "core.KeyToPath": {1: string("key", KEEP), 2: string("path", KEEP), 3: int32("mode", KEEP)},
    "core.ProjectedVolumeSource": {
        1: repeated("sources", "core.VolumeProjection", NULL),
        2: int32("defaultMode", KEEP),
    },
    "core.VolumeProjection": {
        1: message("secret", "core.SecretProjection"),
        2: message("downwardAPI", "core.DownwardAPIProjection"),
        3: message("configMap", "core.ConfigMapProjection"),
        4: message("serviceAccountToken", "core.ServiceAccountTokenProjection"),
    },
    "core.SecretProjection": {
        1: inline("core.LocalObjectReference"),
        2: repeated("items", "core.KeyToPath"),
        4: boolean("optional", KEEP),
    },
    "core.ConfigMapProjection": {
        1: inline("core.LocalObjectReference"),
        2: repeated("items", "core.KeyToPath"),
        4: boolean("optional", KEEP),
    },
    "core.DownwardAPIProjection": {1: repeated("items", "core.DownwardAPIVolumeFile")},
    "core.ServiceAccountTokenProjection": {
        1: string("audience"),
        2: int64("expirationSeconds", KEEP),
        3: string("path", KEEP),
    },
    "core.CSIVolumeSource": {
        1: string("driver", KEEP),
        2: boolean("readOnly", KEEP),
        3: string("fsType", KEEP),
        4: mapping("volumeAttributes"),
        5: message("nodePublishSecretRef", "core.LocalObjectReference"),
    },
    "core.EphemeralVolumeSource": {1: message("volumeClaimTemplate", "core.PersistentVolumeClaimTemplate")},
    "core.PersistentVolumeClaimTemplate": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "core.PersistentVolumeClaimSpec"),
    },
    "core.PersistentVolumeClaimSpec": {
        1: repeated("accessModes", "string"),
        4: message("selector", "meta.LabelSelector"),
        2: message("resources", "core.VolumeResourceRequirements"),
        3: string("volumeName"),
        5: string("storageClassName", KEEP),
        6: string("volumeMode", KEEP),
        7: message("dataSource", "core.TypedLocalObjectReference"),
        8: message("dataSourceRef", "core.TypedObjectReference"),
        9: string("volumeAttributesClassName", KEEP),
    },
    "core.VolumeResourceRequirements": {
        1: mapping("limits", "Quantity"),
        2: mapping("requests", "Quantity"),
    },
    "core.ImageVolumeSource": {1: string("reference"), 2: string("pullPolicy")},
}

_APPS_BATCH: dict[str, dict[int, Field]] = {
    "apps.Deployment": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "apps.DeploymentSpec"),
        3: message("status", "apps.DeploymentStatus"),
    },
    "apps.DeploymentSpec": {
        1: int32("replicas", KEEP),
        2: message("selector", "meta.LabelSelector", NULL),
        3: message("template", "core.PodTemplateSpec"),
        4: message("strategy", "apps.DeploymentStrategy"),
        5: int32("minReadySeconds"),
        6: int32("revisionHistoryLimit", KEEP),
        7: boolean("paused"),
        9: int32("progressDeadlineSeconds", KEEP),
    },
    "apps.DeploymentStrategy": {
        1: string("type"),
        2: message("rollingUpdate", "apps.RollingUpdateDeployment"),
    },
    "apps.RollingUpdateDeployment": {
        1: Field("maxUnavailable", "IntOrString", KEEP),
        2: Field("maxSurge", "IntOrString", KEEP),
    },
    "apps.DeploymentStatus": {
        1: int64("observedGeneration"),
        2: int32("replicas"),
        3: int32("updatedReplicas"),
        7: int32("readyReplicas"),
        4: int32("availableReplicas"),
        5: int32("unavailableReplicas"),
        9: int32("terminatingReplicas", KEEP),
        6: repeated("conditions", "apps.DeploymentCondition"),
        8: int32("collisionCount", KEEP),
    },
    "apps.DeploymentCondition": {
        1: string("type", KEEP),
        2: string("status", KEEP),
        6: time("lastUpdateTime"),
        7: time("lastTransitionTime"),
        4: string("reason"),
        5: string("message"),
    },
    "batch.Job": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "batch.JobSpec"),
        3: message("status", "batch.JobStatus"),
    },
    "batch.JobSpec": {
        1: int32("parallelism", KEEP),
        2: int32("completions", KEEP),
        3: int64("activeDeadlineSeconds", KEEP),
        11: message("podFailurePolicy", "batch.PodFailurePolicy"),
        16: message("successPolicy", "batch.SuccessPolicy"),
        7: int32("backoffLimit", KEEP),
        12: int32("backoffLimitPerIndex", KEEP),
        13: int32("maxFailedIndexes", KEEP),
        4: message("selector", "meta.LabelSelector"),
        5: boolean("manualSelector", KEEP),
        6: message("template", "core.PodTemplateSpec"),
        8: int32("ttlSecondsAfterFinished", KEEP),
        9: string("completionMode", KEEP),
        10: boolean("suspend", KEEP),
        14: string("podReplacementPolicy", KEEP),
        15: string("managedBy", KEEP),
    },
    "batch.PodFailurePolicy": {1: repeated("rules", "batch.PodFailurePolicyRule", NULL)},
    "batch.PodFailurePolicyRule": {
        1: string("action", KEEP),
        2: message("onExitCodes", "batch.PodFailurePolicyOnExitCodesRequirement"),
        3: repeated("onPodConditions", "batch.PodFailurePolicyOnPodConditionsPattern"),
    },
    "batch.PodFailurePolicyOnExitCodesRequirement": {
        1: string("containerName", KEEP),
        2: string("operator", KEEP),
        3: repeated("values", "int32", NULL),
    },
    "batch.PodFailurePolicyOnPodConditionsPattern": {1: string("type", KEEP), 2: string("status")},
    "batch.SuccessPolicy": {1: repeated("rules", "batch.SuccessPolicyRule", NULL)},
    "batch.SuccessPolicyRule": {1: string("succeededIndexes", KEEP), 2: int32("succeededCount", KEEP)},
    "batch.JobStatus": {
        1: repeated("conditions", "batch.JobCondition"),
        2: time("startTime"),
        3: time("completionTime"),
        4: int32("active"),
        5: int32("succeeded"),
        6: int32("failed"),
        11: int32("terminating", KEEP),
        7: string("completedIndexes"),
        10: string("failedIndexes", KEEP),
        8: message("uncountedTerminatedPods", "batch.UncountedTerminatedPods"),
        9: int32("ready", KEEP),
    },
    "batch.JobCondition": {
        1: string("type", KEEP),
        2: string("status", KEEP),
        3: time("lastProbeTime"),
        4: time("lastTransitionTime"),
        5: string("reason"),
        6: string("message"),
    },
    "batch.UncountedTerminatedPods": {1: repeated("succeeded", "string"), 2: repeated("failed", "string")},
    "batch.CronJob": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "batch.CronJobSpec"),
        3: message("status", "batch.CronJobStatus"),
    },
    "batch.CronJobSpec": {
        1: string("schedule", KEEP),
        8: string("timeZone", KEEP),
        2: int64("startingDeadlineSeconds", KEEP),
        3: string("concurrencyPolicy"),
        4: boolean("suspend", KEEP),
        5: message("jobTemplate", "batch.JobTemplateSpec"),
        6: int32("successfulJobsHistoryLimit", KEEP),
        7: int32("failedJobsHistoryLimit", KEEP),
    },
    "batch.JobTemplateSpec": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "batch.JobSpec"),
    },
    "batch.CronJobStatus": {
        1: repeated("active", "core.ObjectReference"),
        4: time("lastScheduleTime"),
        5: time("lastSuccessfulTime"),
    },
}

_OTHER_GROUPS: dict[str, dict[int, Field]] = {
    "rbac.Role": {
        1: message("metadata", "meta.ObjectMeta"),
        2: repeated("rules", "rbac.PolicyRule", NULL),
    },
    "rbac.ClusterRole": {
        1: message("metadata", "meta.ObjectMeta"),
        2: repeated("rules", "rbac.PolicyRule", NULL),
        3: message("aggregationRule", "rbac.AggregationRule"),
    },
    "rbac.PolicyRule": {
        1: repeated("verbs", "string", NULL),
        2: repeated("apiGroups", "string"),
        3: repeated("resources", "string"),
        4: repeated("resourceNames", "string"),
        5: repeated("nonResourceURLs", "string"),
    },
    "rbac.AggregationRule": {1: repeated("clusterRoleSelectors", "meta.LabelSelector")},
    # ClusterRoleBinding has the same three fields.
    "rbac.RoleBinding": {
        1: message("metadata", "meta.ObjectMeta"),
        2: repeated("subjects", "rbac.Subject"),
        3: message("roleRef", "rbac.RoleRef"),
    },
    "rbac.Subject": {
        1: string("kind", KEEP),
        2: string("apiGroup"),
        3: string("name", KEEP),
        4: string("namespace"),
    },
    "rbac.RoleRef": {1: string("apiGroup", KEEP), 2: string("kind", KEEP), 3: string("name", KEEP)},
    "networking.Ingress": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "networking.IngressSpec"),
        3: message("status", "networking.IngressStatus"),
    },
    "networking.IngressSpec": {
        4: string("ingressClassName", KEEP),
        1: message("defaultBackend", "networking.IngressBackend"),
        2: repeated("tls", "networking.IngressTLS"),
        3: repeated("rules", "networking.IngressRule"),
    },
    "networking.IngressBackend": {
        4: message("service", "networking.IngressServiceBackend"),
        3: message("resource", "core.TypedLocalObjectReference"),
    },
    "networking.IngressServiceBackend": {
        1: string("name", KEEP),
        2: message("port", "networking.ServiceBackendPort"),
    },
    "networking.ServiceBackendPort": {1: string("name"), 2: int32("number")},
    "networking.IngressTLS": {1: repeated("hosts", "string"), 2: string("secretName")},
    "networking.IngressRule": {1: string("host"), 2: inline("networking.IngressRuleValue")},
    "networking.IngressRuleValue": {1: message("http", "networking.HTTPIngressRuleValue")},
    "networking.HTTPIngressRuleValue": {1: repeated("paths", "networking.HTTPIngressPath", NULL)},
    "networking.HTTPIngressPath": {
        1: string("path"),
        3: string("pathType", NULL),
        2: message("backend", "networking.IngressBackend"),
    },
    "networking.IngressStatus": {1: message("loadBalancer", "networking.IngressLoadBalancerStatus")},
    "networking.IngressLoadBalancerStatus": {1: repeated("ingress", "networking.IngressLoadBalancerIngress")},
    "networking.IngressLoadBalancerIngress": {
        1: string("ip"),
        2: string("hostname"),
        4: repeated("ports", "core.PortStatus"),
    },
    "policy.PodDisruptionBudget": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "policy.PodDisruptionBudgetSpec"),
        3: message("status", "policy.PodDisruptionBudgetStatus"),
    },
    "policy.PodDisruptionBudgetSpec": {
        1: Field("minAvailable", "IntOrString", KEEP),
        2: message("selector", "meta.LabelSelector"),
        3: Field("maxUnavailable", "IntOrString", KEEP),
        4: string("unhealthyPodEvictionPolicy", KEEP),
    },
    "policy.PodDisruptionBudgetStatus": {
        1: int64("observedGeneration"),
        2: mapping("disruptedPods", "Time"),
        3: int32("disruptionsAllowed", KEEP),
        4: int32("currentHealthy", KEEP),
        5: int32("desiredHealthy", KEEP),
        6: int32("expectedPods", KEEP),
        7: repeated("conditions", "meta.Condition"),
    },
    "scheduling.PriorityClass": {
        1: message("metadata", "meta.ObjectMeta"),
        2: int32("value", KEEP),
        3: boolean("globalDefault"),
        4: string("description"),
        5: string("preemptionPolicy", KEEP),
    },
    "meta.DeleteOptions": {
        1: int64("gracePeriodSeconds", KEEP),
        2: message("preconditions", "meta.Preconditions"),
        3: boolean("orphanDependents", KEEP),
        4: string("propagationPolicy", KEEP),
        5: repeated("dryRun", "string"),
        6: boolean("ignoreStoreReadErrorWithClusterBreakingPotential", KEEP),
    },
    "meta.Preconditions": {1: string("uid", KEEP), 2: string("resourceVersion", KEEP)},
    "policy.Eviction": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("deleteOptions", "meta.DeleteOptions"),
    },
    "authentication.TokenRequest": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "authentication.TokenRequestSpec"),
        3: message("status", "authentication.TokenRequestStatus"),
    },
    "authentication.TokenRequestSpec": {
        1: repeated("audiences", "string", NULL),
        4: int64("expirationSeconds", KEEP),
        3: message("boundObjectRef", "authentication.BoundObjectReference"),
    },
    "authentication.BoundObjectReference": {
        1: string("kind"),
        2: string("apiVersion"),
        3: string("name"),
        4: string("uid"),
    },
    "authentication.TokenRequestStatus": {1: string("token", KEEP), 2: time("expirationTimestamp")},
    "authentication.SelfSubjectReview": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("status", "authentication.SelfSubjectReviewStatus"),
    },
    "authentication.SelfSubjectReviewStatus": {1: message("userInfo", "authentication.UserInfo")},
    "authentication.UserInfo": {
        1: string("username"),
        2: string("uid"),
        3: repeated("groups", "string"),
        4: mapping("extra", "StringList"),
    },
    "authorization.SelfSubjectAccessReview": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "authorization.SelfSubjectAccessReviewSpec"),
        3: message("status", "authorization.SubjectAccessReviewStatus"),
    },
    "authorization.SelfSubjectAccessReviewSpec": {
        1: message("resourceAttributes", "authorization.ResourceAttributes"),
        2: message("nonResourceAttributes", "authorization.NonResourceAttributes"),
    },
    "authorization.ResourceAttributes": {
        1: string("namespace"),
        2: string("verb"),
        3: string("group"),
        4: string("version"),
        5: string("resource"),
        6: string("subresource"),
        7: string("name"),
        8: message("fieldSelector", "authorization.SelectorAttributes"),
        9: message("labelSelector", "authorization.SelectorAttributes"),
    },
    # FieldSelectorAttributes and LabelSelectorAttributes share this shape; their requirements share meta's.
    "authorization.SelectorAttributes": {
        1: string("rawSelector"),
        2: repeated("requirements", "meta.LabelSelectorRequirement"),
    },
    "authorization.NonResourceAttributes": {1: string("path"), 2: string("verb")},
    # The review requests below are decoded up to their spec; a status sent by a client is skipped.
    "authorization.SelfSubjectRulesReview": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "authorization.SelfSubjectRulesReviewSpec"),
    },
    "authorization.SelfSubjectRulesReviewSpec": {1: string("namespace")},
    "authorization.SubjectAccessReview": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "authorization.SubjectAccessReviewSpec"),
    },
    "authorization.SubjectAccessReviewSpec": {
        1: message("resourceAttributes", "authorization.ResourceAttributes"),
        2: message("nonResourceAttributes", "authorization.NonResourceAttributes"),
        3: string("user"),
        4: repeated("groups", "string"),
        5: mapping("extra", "StringList"),
        6: string("uid"),
    },
    "authentication.TokenReview": {
        1: message("metadata", "meta.ObjectMeta"),
        2: message("spec", "authentication.TokenReviewSpec"),
    },
    "authentication.TokenReviewSpec": {1: string("token"), 2: repeated("audiences", "string")},
    "authorization.SubjectAccessReviewStatus": {
        1: boolean("allowed", KEEP),
        4: boolean("denied"),
        2: string("reason"),
        3: string("evaluationError"),
    },
}

#: Every message this module can decode, by name.
MESSAGES: Final[dict[str, dict[int, Field]]] = {
    **_META,
    **_CORE_OBJECTS,
    **_CORE_PODS,
    **_CORE_VOLUMES,
    **_APPS_BATCH,
    **_OTHER_GROUPS,
}

#: (apiVersion, kind) of each top-level object -> its message.
KINDS: Final[dict[tuple[str, str], str]] = {
    ("v1", "Namespace"): "core.Namespace",
    ("v1", "ConfigMap"): "core.ConfigMap",
    ("v1", "Secret"): "core.Secret",
    ("v1", "ServiceAccount"): "core.ServiceAccount",
    ("v1", "Service"): "core.Service",
    ("v1", "ResourceQuota"): "core.ResourceQuota",
    ("v1", "Pod"): "core.Pod",
    ("apps/v1", "Deployment"): "apps.Deployment",
    ("batch/v1", "Job"): "batch.Job",
    ("batch/v1", "CronJob"): "batch.CronJob",
    ("rbac.authorization.k8s.io/v1", "Role"): "rbac.Role",
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): "rbac.ClusterRole",
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): "rbac.RoleBinding",
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): "rbac.RoleBinding",
    ("networking.k8s.io/v1", "Ingress"): "networking.Ingress",
    ("policy/v1", "PodDisruptionBudget"): "policy.PodDisruptionBudget",
    ("scheduling.k8s.io/v1", "PriorityClass"): "scheduling.PriorityClass",
    ("v1", "DeleteOptions"): "meta.DeleteOptions",
    ("meta.k8s.io/v1", "DeleteOptions"): "meta.DeleteOptions",
    ("policy/v1", "Eviction"): "policy.Eviction",
    ("authentication.k8s.io/v1", "TokenRequest"): "authentication.TokenRequest",
    ("authentication.k8s.io/v1", "SelfSubjectReview"): "authentication.SelfSubjectReview",
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview"): "authorization.SelfSubjectAccessReview",
    ("authorization.k8s.io/v1", "SelfSubjectRulesReview"): "authorization.SelfSubjectRulesReview",
    ("authorization.k8s.io/v1", "SubjectAccessReview"): "authorization.SubjectAccessReview",
    ("authorization.k8s.io/v1", "LocalSubjectAccessReview"): "authorization.SubjectAccessReview",
    ("authentication.k8s.io/v1", "TokenReview"): "authentication.TokenReview",
}


def _check_tables() -> None:
    """Every kind a field names exists: a typo in the table fails at import, not on the first request."""
    for message_name, fields in MESSAGES.items():
        for number, field in fields.items():
            if field.kind not in _SCALARS and field.kind not in MESSAGES:
                raise RuntimeError(f"{message_name} field {number} names unknown kind {field.kind!r}")
            if field.inline and (field.kind in _SCALARS or field.repeated or field.map):
                raise RuntimeError(f"{message_name} field {number}: only a single message can be inlined")
    for root in KINDS.values():
        if root not in MESSAGES:
            raise RuntimeError(f"kind table names unknown message {root!r}")


_check_tables()


# ---------------------------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------------------------

OnUnknownField = Callable[[UnknownField], None]


def decode(body: bytes, *, on_unknown_field: OnUnknownField | None = None) -> dict[str, Any]:
    """The JSON form of a protobuf request body, with ``apiVersion`` and ``kind`` taken from its envelope.

    Raises :class:`UnknownKindError` (answer 415) for a kind without a descriptor and
    :class:`ProtobufDecodeError` (answer 400) for a malformed body.
    """
    if not body.startswith(MAGIC):
        raise ProtobufDecodeError(f"not a Kubernetes protobuf body: it must start with {MAGIC!r}")
    api_version, kind, raw = _read_envelope(body[len(MAGIC) :])
    root = KINDS.get((api_version, kind))
    if root is None:
        raise UnknownKindError(api_version, kind)
    obj: dict[str, Any] = {"apiVersion": api_version, "kind": kind}
    _Decoder(on_unknown_field).message(raw, root, "", obj)
    return obj


def _read_envelope(data: bytes) -> tuple[str, str, bytes]:
    api_version = kind = content_encoding = content_type = ""
    raw = b""
    for number, wire_type, value in iter_fields(data):
        if number == 1 and isinstance(value, bytes):
            for sub_number, _, sub_value in iter_fields(value):
                if sub_number == 1 and isinstance(sub_value, bytes):
                    api_version = _text(sub_value)
                elif sub_number == 2 and isinstance(sub_value, bytes):
                    kind = _text(sub_value)
        elif number == 2 and isinstance(value, bytes):
            raw = value
        elif number == 3 and isinstance(value, bytes):
            content_encoding = _text(value)
        elif number == 4 and isinstance(value, bytes):
            content_type = _text(value)
        elif number in (1, 2, 3, 4):
            raise ProtobufDecodeError(f"envelope field {number} has wire type {wire_type}, not length-delimited")
    if not kind:
        raise ProtobufDecodeError("the envelope names no kind")
    if content_encoding:
        raise ProtobufDecodeError(f"content encoding {content_encoding!r} is not supported")
    if content_type not in ("", PROTOBUF_CONTENT_TYPE):
        raise ProtobufDecodeError(f"the envelope wraps {content_type!r}, not protobuf")
    return api_version, kind, raw


def _text(value: bytes) -> str:
    # NB: proto2 strings are not validated by gogo-protobuf; Go's encoding/json then writes each invalid byte as
    # U+FFFD. Replacing here stores what kube-apiserver would.
    return value.decode("utf-8", errors="replace")


def _signed(value: int, bits: int) -> int:
    """A varint read as Go's int32/int64: truncated to ``bits`` and two's complement."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


_ZERO_VALUES: Final = ("", 0, None)  # False == 0 in Python, so bools are covered


class _Decoder:
    def __init__(self, on_unknown_field: OnUnknownField | None) -> None:
        self._on_unknown_field = on_unknown_field

    def message(self, data: bytes, name: str, path: str, into: dict[str, Any]) -> dict[str, Any]:
        fields = MESSAGES[name]
        for number, wire_type, value in iter_fields(data):
            field = fields.get(number)
            if field is None:
                if self._on_unknown_field is not None:
                    self._on_unknown_field(UnknownField(path, number, wire_type))
                continue
            if field.inline:
                self.message(self._bytes(value, field, path), field.kind, path, into)
                continue
            field_path = f"{path}.{field.name}" if path else field.name
            # NB: an earlier occurrence of this message may have left a "null" field at None; it is replaced.
            if field.map:
                entries = into[field.name] = into.get(field.name) or {}
                key, item = self._map_entry(self._bytes(value, field, field_path), field, field_path)
                entries[key] = item
            elif field.repeated:
                items = into[field.name] = into.get(field.name) or []
                items.extend(self._repeated(wire_type, value, field, f"{field_path}[{len(items)}]"))
            elif field.kind in MESSAGES:
                # A message that occurs twice is merged, as protobuf specifies.
                existing = into.get(field.name)
                target = existing if isinstance(existing, dict) else {}
                into[field.name] = self.message(self._bytes(value, field, field_path), field.kind, field_path, target)
            else:
                decoded = self._scalar(wire_type, value, field.kind, field_path)
                if field.presence == "omitempty" and decoded in _ZERO_VALUES:
                    into.pop(field.name, None)
                else:
                    into[field.name] = decoded
        for field in fields.values():
            if field.presence == "null" and field.name not in into:
                into[field.name] = None
        return into

    def _repeated(self, wire_type: int, value: int | bytes, field: Field, path: str) -> list[Any]:
        if field.kind in MESSAGES:
            return [self.message(self._bytes(value, field, path), field.kind, path, {})]
        if field.kind in ("int32", "int64") and wire_type == LEN and isinstance(value, bytes):
            # Packed encoding: proto2 writes repeated numbers one by one, but a reader must accept both.
            packed = []
            pos = 0
            while pos < len(value):
                number, pos = _read_varint(value, pos)
                packed.append(self._scalar(VARINT, number, field.kind, path))
            return packed
        return [self._scalar(wire_type, value, field.kind, path)]

    def _map_entry(self, data: bytes, field: Field, path: str) -> tuple[str, Any]:
        """A map entry is a message {key = 1; value = 2}; a missing part is its zero value."""
        key = ""
        item: Any = None
        item_wire: tuple[int, int | bytes] | None = None
        for number, wire_type, value in iter_fields(data):
            if number == 1:
                key = _text(self._bytes(value, field, path))
            elif number == 2:
                item_wire = (wire_type, value)
        item_path = f"{path}[{key}]"
        wire_type, value = item_wire if item_wire is not None else (LEN, b"")
        if field.kind in MESSAGES:
            item = self.message(self._bytes(value, field, item_path), field.kind, item_path, {})
        else:
            item = self._scalar(wire_type, value, field.kind, item_path)
        return key, item

    def _scalar(self, wire_type: int, value: int | bytes, kind: str, path: str) -> Any:
        if kind in ("int32", "int64", "bool"):
            if wire_type != VARINT or not isinstance(value, int):
                raise self._mismatch(path, kind, wire_type, "varint")
            if kind == "bool":
                return value != 0
            return _signed(value, 32 if kind == "int32" else 64)
        if wire_type != LEN or not isinstance(value, bytes):
            raise self._mismatch(path, kind, wire_type, "length-delimited")
        match kind:
            case "string":
                return _text(value)
            case "bytes":
                return base64.b64encode(value).decode("ascii")
            case "Time":
                return self._time(value, path)
            case "Quantity":
                # message Quantity { string string = 1; }; an empty message is the zero quantity.
                text = "0"
                for number, _, part in iter_fields(value):
                    if number == 1 and isinstance(part, bytes):
                        text = _text(part)
                return text
            case "IntOrString":
                return self._int_or_string(value)
            case "FieldsV1":
                return self._fields_v1(value, path)
            case "StringList":
                # A named []string (authentication's ExtraValue) travels as {repeated string items = 1}.
                return [
                    _text(part) for number, _, part in iter_fields(value) if number == 1 and isinstance(part, bytes)
                ]
        raise AssertionError(f"unhandled kind {kind}")  # _check_tables makes this unreachable

    @staticmethod
    def _bytes(value: int | bytes, field: Field, path: str) -> bytes:
        if not isinstance(value, bytes):
            raise ProtobufDecodeError(f"{path}: {field.kind} must be length-delimited")
        return value

    @staticmethod
    def _mismatch(path: str, kind: str, wire_type: int, expected: str) -> ProtobufDecodeError:
        got = _WIRE_NAMES.get(wire_type, str(wire_type))
        return ProtobufDecodeError(f"{path}: a {kind} must be {expected}, got wire type {got}")

    @staticmethod
    def _time(data: bytes, path: str) -> str | None:
        """``metav1.Time``: {int64 seconds = 1; int32 nanos = 2}; no bytes at all is the zero time (JSON null)."""
        if not data:
            return None
        seconds = 0
        for number, wire_type, value in iter_fields(data):
            if number == 1 and wire_type == VARINT and isinstance(value, int):
                seconds = _signed(value, 64)
        try:
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
        except OverflowError as exc:
            raise ProtobufDecodeError(f"{path}: {seconds} seconds is out of range for a timestamp") from exc
        # Go's RFC 3339 form for Time has no fraction: nanos are dropped, as kube-apiserver drops them.
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    @staticmethod
    def _int_or_string(data: bytes) -> int | str:
        """``intstr.IntOrString``: {int64 type = 1; int32 intVal = 2; string strVal = 3}; type 1 is a string."""
        kind, int_val, str_val = 0, 0, ""
        for number, wire_type, value in iter_fields(data):
            if wire_type == VARINT and isinstance(value, int):
                if number == 1:
                    kind = _signed(value, 64)
                elif number == 2:
                    int_val = _signed(value, 32)
            elif number == 3 and isinstance(value, bytes):
                str_val = _text(value)
        return str_val if kind == 1 else int_val

    @staticmethod
    def _fields_v1(data: bytes, path: str) -> Any:
        """``FieldsV1``: {bytes Raw = 1}, where Raw is JSON that is stored as it is."""
        raw = b""
        for number, _, value in iter_fields(data):
            if number == 1 and isinstance(value, bytes):
                raw = value
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise ProtobufDecodeError(f"{path}: fieldsV1 is not JSON: {exc}") from exc
