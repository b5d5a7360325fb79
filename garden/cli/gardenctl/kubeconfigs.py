"""Kubeconfigs: load them (paths inside made absolute), point them at a context and namespace, and make clients.

gardenctl hands kubeconfigs on (``kubeconfig`` prints one, ``kubectl-env`` writes one into the session directory),
so a kubeconfig that names ``certificate-authority: ca.crt`` relative to its own file must say where that file
really is before it is printed or moved.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from garden.cli.gardenctl.errors import GardenctlError, current_server
from garden.kube import Kube

Kubeconfig = dict[str, Any]

_PATH_FIELDS = {
    "clusters": ("cluster", ("certificate-authority",)),
    "users": ("user", ("client-certificate", "client-key", "tokenFile")),
}


def read_kubeconfig(path: Path, what: str) -> Kubeconfig:
    """The kubeconfig at ``path`` with its file references made absolute."""
    try:
        config = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise GardenctlError(f"the kubeconfig of {what} does not exist: {path}") from None
    except OSError as exc:
        raise GardenctlError(f"cannot read the kubeconfig of {what} ({path}): {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise GardenctlError(f"the kubeconfig of {what} ({path}) is not valid YAML: {exc}") from None
    if not isinstance(config, dict):
        raise GardenctlError(f"the kubeconfig of {what} ({path}) is not a kubeconfig")
    for section, (inner, fields) in _PATH_FIELDS.items():
        for entry in config.get(section) or []:
            body = entry.get(inner) if isinstance(entry, dict) else None
            if not isinstance(body, dict):
                continue
            for field in fields:
                value = body.get(field)
                if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
                    body[field] = str(path.parent.resolve() / value)
    return config


def focus(config: Kubeconfig, context: str = "", namespace: str = "") -> Kubeconfig:
    """A copy whose current context is ``context`` (when given) and whose namespace there is ``namespace``."""
    out = dict(config)
    if context:
        out["current-context"] = context
    current = out.get("current-context")
    contexts = [dict(c) for c in out.get("contexts") or [] if isinstance(c, dict)]
    names = [c.get("name") for c in contexts]
    if current not in names:
        raise GardenctlError(f'the kubeconfig has no context "{current}" (it has: {", ".join(map(str, names))})')
    if namespace:
        for entry in contexts:
            if entry.get("name") == current:
                entry["context"] = {**(entry.get("context") or {}), "namespace": namespace}
    out["contexts"] = contexts
    return out


def render(config: Kubeconfig) -> str:
    return yaml.safe_dump(config, sort_keys=False)


def connect(config: Kubeconfig, what: str) -> Kube:
    """A client for the current context of ``config``; ``what`` ("garden local") names it in errors."""
    import kubernetes  # noqa: PLC0415  (heavy: only commands that talk to a cluster pay for it)

    load: Callable[..., None] = kubernetes.config.load_kube_config_from_dict
    configuration = kubernetes.client.Configuration()
    try:
        load(config, client_configuration=configuration)
    except (kubernetes.config.ConfigException, ValueError, TypeError, KeyError, OSError) as exc:
        raise GardenctlError(f"cannot use the kubeconfig of {what}: {exc}") from None
    configuration.connection_pool_maxsize = 4
    current_server.set(f"{what} at {configuration.host}")
    return Kube(kubernetes.client.ApiClient(configuration))


__all__ = ["Kubeconfig", "connect", "focus", "read_kubeconfig", "render"]
