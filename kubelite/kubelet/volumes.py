"""Pod volumes as directories: Secret, ConfigMap, downwardAPI, projected, emptyDir, persistentVolumeClaim, hostPath.

Each volume becomes a directory (``<pod dir>/volumes/<name>``, a claim's under ``<root>/volumes/<ns>/<claim>`` so
its data outlives pods); containers see it through :mod:`kubelite.kubelet.mounts`. Secret, ConfigMap, downwardAPI
and projected volumes are rewritten on every sync (only files whose content changed are replaced, atomically, and
keys that disappeared are removed), so, as upstream, changes reach running pods eventually.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kubelite.kubelet.downward import FieldError, field_value, resource_value
from kubelite.kubelet.lookup import ConfigError, Lookup, Object

DEFAULT_MODE = 0o644
DEFAULT_TOKEN_SECONDS = 3600

Files = dict[str, tuple[bytes, int]]


def claim_dir(root: Path, namespace: str, claim: str) -> Path:
    return root / "volumes" / namespace / claim


def _keys(data: Mapping[str, bytes], items: Any, default_mode: int, what: str) -> Files:
    if not items:
        return {key: (value, default_mode) for key, value in data.items()}
    files: Files = {}
    for item in items:
        key = item.get("key", "")
        if key not in data:
            raise ConfigError("CreateContainerConfigError", f"{what} has no key {key!r}")
        files[item.get("path") or key] = (data[key], int(item.get("mode", default_mode)))
    return files


def _secret_files(lookup: Lookup, namespace: str, source: Mapping[str, Any], default_mode: int) -> Files:
    name = source.get("secretName") or source.get("name") or ""
    secret = lookup.secret(namespace, name)
    if secret is None:
        if source.get("optional"):
            return {}
        raise ConfigError("CreateContainerConfigError", f'secret "{name}" not found')
    data = {k: base64.b64decode(v) for k, v in (secret.get("data") or {}).items()}
    data.update({k: str(v).encode() for k, v in (secret.get("stringData") or {}).items()})
    return _keys(data, source.get("items"), default_mode, f'secret "{name}"')


def _config_map_files(lookup: Lookup, namespace: str, source: Mapping[str, Any], default_mode: int) -> Files:
    name = source.get("name") or ""
    config_map = lookup.config_map(namespace, name)
    if config_map is None:
        if source.get("optional"):
            return {}
        raise ConfigError("CreateContainerConfigError", f'configmap "{name}" not found')
    data = {k: str(v).encode() for k, v in (config_map.get("data") or {}).items()}
    data.update({k: base64.b64decode(v) for k, v in (config_map.get("binaryData") or {}).items()})
    return _keys(data, source.get("items"), default_mode, f'configmap "{name}"')


def _downward_files(
    pod: Object, items: Sequence[Mapping[str, Any]], default_mode: int, pod_ip: str, host_ip: str, allocatable: Any
) -> Files:
    files: Files = {}
    containers = {c.get("name"): c for c in (pod.get("spec") or {}).get("containers") or []}
    for item in items:
        try:
            if "fieldRef" in item:
                value = field_value(pod, item["fieldRef"].get("fieldPath", ""), pod_ip=pod_ip, host_ip=host_ip)
            elif "resourceFieldRef" in item:
                ref = item["resourceFieldRef"]
                container = containers.get(ref.get("containerName")) or {}
                value = resource_value(container, ref, allocatable)
            else:
                raise FieldError(f"downwardAPI item {item.get('path')!r} has neither fieldRef nor resourceFieldRef")
        except FieldError as exc:
            raise ConfigError("CreateContainerConfigError", str(exc)) from exc
        files[item["path"]] = (value.encode(), int(item.get("mode", default_mode)))
    return files


def _token_file(lookup: Lookup, pod: Object, source: Mapping[str, Any]) -> Files:
    meta = pod.get("metadata") or {}
    account = (pod.get("spec") or {}).get("serviceAccountName") or "default"
    seconds = int(source.get("expirationSeconds") or DEFAULT_TOKEN_SECONDS)
    token = lookup.token(meta.get("namespace", ""), account, source.get("audience"), seconds)
    if token is None:
        raise ConfigError(
            "CreateContainerConfigError",
            f'no token for service account "{account}": the API server does not answer TokenRequest '
            "(serviceaccounts/token)",
        )
    return {source.get("path") or "token": (token.encode(), 0o600)}


def volume_files(
    volume: Mapping[str, Any], pod: Object, lookup: Lookup, *, pod_ip: str, host_ip: str, allocatable: Any
) -> Files | None:
    """The files of a volume whose content comes from the API (None for emptyDir, claims and hostPath)."""
    namespace = (pod.get("metadata") or {}).get("namespace", "")
    if "secret" in volume:
        source = volume["secret"] or {}
        return _secret_files(lookup, namespace, source, int(source.get("defaultMode", DEFAULT_MODE)))
    if "configMap" in volume:
        source = volume["configMap"] or {}
        return _config_map_files(lookup, namespace, source, int(source.get("defaultMode", DEFAULT_MODE)))
    if "downwardAPI" in volume:
        source = volume["downwardAPI"] or {}
        mode = int(source.get("defaultMode", DEFAULT_MODE))
        return _downward_files(pod, source.get("items") or [], mode, pod_ip, host_ip, allocatable)
    if "projected" in volume:
        source = volume["projected"] or {}
        mode = int(source.get("defaultMode", DEFAULT_MODE))
        files: Files = {}
        for projection in source.get("sources") or []:
            if "secret" in projection:
                files.update(_secret_files(lookup, namespace, projection["secret"] or {}, mode))
            elif "configMap" in projection:
                files.update(_config_map_files(lookup, namespace, projection["configMap"] or {}, mode))
            elif "downwardAPI" in projection:
                items = (projection["downwardAPI"] or {}).get("items") or []
                files.update(_downward_files(pod, items, mode, pod_ip, host_ip, allocatable))
            elif "serviceAccountToken" in projection:
                files.update(_token_file(lookup, pod, projection["serviceAccountToken"] or {}))
            else:
                raise ConfigError("CreateContainerConfigError", f"unsupported projection {sorted(projection)}")
        return files
    return None


def write_files(directory: Path, files: Files) -> bool:
    """Make ``directory`` hold exactly ``files``; True if anything changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = False
    for relative, (content, mode) in files.items():
        target = directory / relative
        if not target.resolve().is_relative_to(directory.resolve()):
            raise ConfigError("CreateContainerConfigError", f"volume path {relative!r} leaves the volume")
        try:
            if target.read_bytes() == content and (target.stat().st_mode & 0o777) == mode:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(content)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
        changed = True
    wanted = {directory / relative for relative in files}
    for existing in sorted(directory.rglob("*"), reverse=True):
        if existing.is_file() and existing not in wanted:
            existing.unlink()
            changed = True
        elif existing.is_dir() and not any(existing.iterdir()):
            existing.rmdir()
    return changed


def materialise(
    pod: Object,
    pod_dir: Path,
    root: Path,
    lookup: Lookup,
    *,
    pod_ip: str,
    host_ip: str,
    allocatable: Mapping[str, str],
    allowed_host_paths: Sequence[Path],
) -> dict[str, Path]:
    """Every volume of the pod as a directory (written or refreshed); volume name -> host directory."""
    namespace = (pod.get("metadata") or {}).get("namespace", "")
    directories: dict[str, Path] = {}
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        name = volume.get("name", "")
        if "persistentVolumeClaim" in volume:
            claim_name = (volume["persistentVolumeClaim"] or {}).get("claimName", "")
            directories[name] = _claim(lookup, root, namespace, claim_name)
            continue
        if "hostPath" in volume:
            directories[name] = _host_path(volume["hostPath"] or {}, allowed_host_paths)
            continue
        target = pod_dir / "volumes" / name
        files = volume_files(volume, pod, lookup, pod_ip=pod_ip, host_ip=host_ip, allocatable=allocatable)
        if files is not None:
            write_files(target, files)
        elif "emptyDir" in volume:
            target.mkdir(parents=True, exist_ok=True)
        else:
            kinds = sorted(set(volume) - {"name"})
            raise ConfigError("CreateContainerConfigError", f"volume {name!r}: unsupported volume type {kinds}")
        directories[name] = target
    return directories


def _claim(lookup: Lookup, root: Path, namespace: str, name: str) -> Path:
    claim = lookup.claim(namespace, name)
    if claim is None:
        raise ConfigError("CreateContainerConfigError", f'persistentvolumeclaim "{name}" not found')
    if (claim.get("status") or {}).get("phase") != "Bound":
        request = (((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage", "1Gi")
        lookup.bind_claim(claim, str(request))
    directory = claim_dir(root, namespace, name)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _host_path(source: Mapping[str, Any], allowed: Sequence[Path]) -> Path:
    path = Path(str(source.get("path") or "")).resolve()
    if not any(path.is_relative_to(prefix.resolve()) for prefix in allowed):
        allowed_text = ", ".join(str(p) for p in allowed) or "nothing (see --allowed-host-paths)"
        raise ConfigError(
            "CreateContainerConfigError",
            f"hostPath {source.get('path')!r} is outside the allowed paths: {allowed_text}",
        )
    if source.get("type") in ("DirectoryOrCreate",):
        path.mkdir(parents=True, exist_ok=True)
    return path
