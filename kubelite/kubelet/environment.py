"""A container's environment: ``env`` and ``envFrom`` as upstream (later entries win, ``$(VAR)`` refers to earlier
ones and to the service variables), plus the service link variables pointing at Service loopback addresses."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from typing import Any

from kubelite.kubelet.downward import FieldError, field_value, resource_value
from kubelite.kubelet.expansion import expand
from kubelite.kubelet.lookup import ConfigError, Lookup, Object
from kubelite.kubelet.network.addresses import host_port, service_vip

_ENV_NAME = re.compile(r"[^A-Za-z0-9_]")


def service_env(services: Sequence[Object], *, include_kubernetes: Object | None = None) -> dict[str, str]:
    """``<SVC>_SERVICE_HOST``/``_PORT`` and the docker-link style ``<SVC>_PORT_<n>_TCP...`` for each Service with
    a virtual IP; host is the loopback VIP, ports are the host ports it is served on."""
    env: dict[str, str] = {}
    listed = list(services)
    if include_kubernetes is not None and all((s.get("metadata") or {}).get("name") != "kubernetes" for s in listed):
        listed.append(include_kubernetes)
    for service in listed:
        spec = service.get("spec") or {}
        vip = service_vip(str(spec.get("clusterIP") or ""))
        ports = spec.get("ports") or []
        if vip is None or not ports:
            continue
        prefix = _ENV_NAME.sub("_", str((service.get("metadata") or {}).get("name", ""))).upper()
        first = ports[0]
        env[f"{prefix}_SERVICE_HOST"] = vip
        env[f"{prefix}_SERVICE_PORT"] = str(host_port(int(first["port"])))
        env[f"{prefix}_PORT"] = f"{str(first.get('protocol') or 'TCP').lower()}://{vip}:{host_port(int(first['port']))}"
        for port in ports:
            number, protocol = int(port["port"]), str(port.get("protocol") or "TCP")
            if port.get("name"):
                env[f"{prefix}_SERVICE_PORT_{_ENV_NAME.sub('_', port['name']).upper()}"] = str(host_port(number))
            key = f"{prefix}_PORT_{number}_{protocol.upper()}"
            env[key] = f"{protocol.lower()}://{vip}:{host_port(number)}"
            env[f"{key}_PROTO"] = protocol.lower()
            env[f"{key}_PORT"] = str(host_port(number))
            env[f"{key}_ADDR"] = vip
    return env


def _decode_secret(secret: Object) -> dict[str, str]:
    data = {k: base64.b64decode(v).decode("utf-8", "replace") for k, v in (secret.get("data") or {}).items()}
    data.update({k: str(v) for k, v in (secret.get("stringData") or {}).items()})
    return data


def _source(lookup: Lookup, kind: str, namespace: str, name: str) -> dict[str, str] | None:
    if kind == "secret":
        secret = lookup.secret(namespace, name)
        return None if secret is None else _decode_secret(secret)
    config_map = lookup.config_map(namespace, name)
    return None if config_map is None else {k: str(v) for k, v in (config_map.get("data") or {}).items()}


def container_env(
    pod: Object,
    container: Mapping[str, Any],
    lookup: Lookup,
    *,
    pod_ip: str,
    host_ip: str,
    allocatable: Mapping[str, str],
    services: Mapping[str, str],
) -> dict[str, str]:
    """The variables the container's spec defines (service variables first, so the spec can override them)."""
    namespace = (pod.get("metadata") or {}).get("namespace", "")
    env: dict[str, str] = dict(services)
    for source in container.get("envFrom") or []:
        prefix = str(source.get("prefix") or "")
        kind = "secret" if "secretRef" in source else "configMap"
        ref = source.get("secretRef") or source.get("configMapRef") or {}
        values = _source(lookup, kind, namespace, ref.get("name", ""))
        if values is None:
            if ref.get("optional"):
                continue
            raise ConfigError("CreateContainerConfigError", f'{kind.lower()} "{ref.get("name")}" not found')
        env.update({prefix + key: value for key, value in values.items()})
    for variable in container.get("env") or []:
        name = variable.get("name", "")
        if "value" in variable or "valueFrom" not in variable:
            env[name] = expand(str(variable.get("value") or ""), env)
            continue
        value_from = variable["valueFrom"] or {}
        value = _value_from(pod, container, value_from, lookup, namespace, pod_ip, host_ip, allocatable)
        if value is not None:
            env[name] = value
    return env


def _value_from(
    pod: Object,
    container: Mapping[str, Any],
    value_from: Mapping[str, Any],
    lookup: Lookup,
    namespace: str,
    pod_ip: str,
    host_ip: str,
    allocatable: Mapping[str, str],
) -> str | None:
    try:
        if "fieldRef" in value_from:
            return field_value(pod, value_from["fieldRef"].get("fieldPath", ""), pod_ip=pod_ip, host_ip=host_ip)
        if "resourceFieldRef" in value_from:
            ref = value_from["resourceFieldRef"]
            target = container
            if ref.get("containerName") and ref["containerName"] != container.get("name"):
                spec = pod.get("spec") or {}
                target = next(
                    (c for c in spec.get("containers") or [] if c.get("name") == ref["containerName"]), container
                )
            return resource_value(target, ref, allocatable)
    except FieldError as exc:
        raise ConfigError("CreateContainerConfigError", str(exc)) from exc
    for key, kind in (("secretKeyRef", "secret"), ("configMapKeyRef", "configMap")):
        if key in value_from:
            ref = value_from[key] or {}
            values = _source(lookup, kind, namespace, ref.get("name", ""))
            if values is None or ref.get("key") not in values:
                if ref.get("optional"):
                    return None
                what = f'{kind.lower()} "{ref.get("name")}"'
                missing = "not found" if values is None else f"has no key {ref.get('key')!r}"
                raise ConfigError("CreateContainerConfigError", f"{what} {missing}")
            return values[ref["key"]]
    raise ConfigError("CreateContainerConfigError", f"unsupported valueFrom {sorted(value_from)}")
