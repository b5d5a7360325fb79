"""Container paths to host paths: a process sees the host's file system, so every path under a volume's
``mountPath`` is rewritten to the directory the kubelet materialised the volume in.

The rewrite applies to args, env values and ``workingDir``, at path boundaries only: with ``/etc/config`` mounted,
``--config=/etc/config/app.yaml`` changes and ``/etc/configuration`` does not. Deeper mounts win over shallower
ones (``/var/lib/etcd/tls`` before ``/var/lib/etcd``).

Paths inside files (a scheduler configuration naming its kubeconfig) are beyond the kubelet's reach; so a Python
workload also gets the table in ``KUBELITE_MOUNTS`` and resolves such paths itself with :func:`host_path`, which
outside a kubelite pod returns the path unchanged.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MOUNTS_ENV = "KUBELITE_MOUNTS"


@dataclass(frozen=True, slots=True)
class Mount:
    container_path: str
    host_path: str


class PathMap:
    def __init__(self, mounts: Sequence[Mount]) -> None:
        cleaned = [Mount(m.container_path.rstrip("/") or "/", m.host_path.rstrip("/")) for m in mounts]
        self.mounts = sorted(cleaned, key=lambda m: len(m.container_path), reverse=True)
        targets = [m.container_path for m in self.mounts if m.container_path != "/"]
        self._pattern = (
            re.compile(r"(?<![\w.\-/])(" + "|".join(re.escape(t) for t in targets) + r")(?=/|$|[^\w.\-])")
            if targets
            else None
        )
        self._hosts = {m.container_path: m.host_path for m in self.mounts}

    def path(self, container_path: str) -> str:
        """One path: its host location, or itself when no volume covers it."""
        for mount in self.mounts:
            prefix = mount.container_path
            if container_path == prefix or container_path.startswith(prefix + "/"):
                return mount.host_path + container_path[len(prefix) :]
        return container_path

    def text(self, value: str) -> str:
        """Every container path inside a string (a flag, an env value, a shell script)."""
        if self._pattern is None:
            return value
        return self._pattern.sub(lambda match: self._hosts[match.group(1)], value)

    def encode(self) -> str:
        """The table for :data:`MOUNTS_ENV`: ``[[container path, host path], ...]``."""
        return json.dumps([[m.container_path, m.host_path] for m in self.mounts])


def host_path(container_path: str, environ: Mapping[str, str] = os.environ) -> str:
    """Where a container path lives on the host, by the kubelet's :data:`MOUNTS_ENV` table (itself without one)."""
    raw = environ.get(MOUNTS_ENV)
    if not raw:
        return container_path
    try:
        table = json.loads(raw)
        mounts = [Mount(str(c), str(h)) for c, h in table]
    except (ValueError, TypeError):
        return container_path
    return PathMap(mounts).path(container_path)
