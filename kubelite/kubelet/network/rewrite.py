"""Flag rewriting for native binaries (etcd), which cannot take the Python network hook.

A catalogue entry names the flags that carry URLs (``--listen-client-urls=https://0.0.0.0:2379``) or
``name=url`` lists (``--initial-cluster=etcd-0=https://etcd-0.etcd.ns.svc:2380``). In their values, wildcard and
local hosts become the pod address, cluster names their loopback address from the names table, and ports
:func:`host_port`. Flags may be written ``--flag=value`` or ``--flag value``.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from kubelite.kubelet.catalogue import Rewrite
from kubelite.kubelet.network.addresses import host_port
from kubelite.kubelet.network.netns.resolve import WILDCARDS, Table, is_local, resolve_name


def rewrite_url(url: str, pod_ip: str, namespace: str, table: Table) -> str:
    parts = urlsplit(url)
    if not parts.scheme or parts.hostname is None:
        return url
    host = parts.hostname
    if host in WILDCARDS or is_local(host):
        address: str | None = pod_ip
    else:
        address = resolve_name(host, namespace, table)
        if address is None and host == pod_ip:
            address = pod_ip
    if address is None:
        return url
    port = parts.port
    netloc = address if port is None else f"{address}:{host_port(port)}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _urls(value: str, pod_ip: str, namespace: str, table: Table) -> str:
    return ",".join(rewrite_url(url.strip(), pod_ip, namespace, table) for url in value.split(","))


def _cluster(value: str, pod_ip: str, namespace: str, table: Table) -> str:
    members = []
    for member in value.split(","):
        name, sep, url = member.partition("=")
        members.append(f"{name}={rewrite_url(url, pod_ip, namespace, table)}" if sep else member)
    return ",".join(members)


def rewrite_args(args: Sequence[str], rewrite: Rewrite, pod_ip: str, namespace: str, table: Table) -> list[str]:
    out: list[str] = []
    pending: str | None = None
    for arg in args:
        if pending is not None:
            out.append(_apply(pending, arg, rewrite, pod_ip, namespace, table))
            pending = None
            continue
        flag, sep, value = arg.partition("=")
        if flag in rewrite.urls or flag in rewrite.cluster:
            if sep:
                out.append(f"{flag}={_apply(flag, value, rewrite, pod_ip, namespace, table)}")
            else:
                out.append(arg)
                pending = flag
            continue
        out.append(arg)
    return out


def _apply(flag: str, value: str, rewrite: Rewrite, pod_ip: str, namespace: str, table: Table) -> str:
    if flag in rewrite.cluster:
        return _cluster(value, pod_ip, namespace, table)
    return _urls(value, pod_ip, namespace, table)
