"""Objects and requests the landscape admission tests share (no tests here)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from garden.admission.chain import AdmissionOptions
from garden.admission.landscape import plugins
from garden.admission.request import Chain, Object, Operation, Plugin, Request
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.user import UserInfo
from tests.unit.admission.reader import DictReader, cloud_profile

CORE = "core.gardener.cloud"
SECURITY = "security.gardener.cloud"
NOW = datetime(2026, 11, 25, tzinfo=UTC)
OPTIONS = AdmissionOptions(now=lambda: NOW)
ALICE = UserInfo("alice", ("system:authenticated",))

#: kind -> (group, version, plural) of the kinds the tests write.
KINDS = {
    "Shoot": (CORE, "v1beta1", "shoots"),
    "Project": (CORE, "v1beta1", "projects"),
    "Seed": (CORE, "v1beta1", "seeds"),
    "Quota": (CORE, "v1beta1", "quotas"),
    "SecretBinding": (CORE, "v1beta1", "secretbindings"),
    "CloudProfile": (CORE, "v1beta1", "cloudprofiles"),
    "NamespacedCloudProfile": (CORE, "v1beta1", "namespacedcloudprofiles"),
    "CredentialsBinding": (SECURITY, "v1alpha1", "credentialsbindings"),
}


def project(name: str = "dev", namespace: str | None = None, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": f"{CORE}/v1beta1",
        "kind": "Project",
        "metadata": {"name": name},
        "spec": {"namespace": namespace or f"garden-{name}", **spec},
    }
    return body


def secret(name: str, namespace: str = "garden-dev", **metadata: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": namespace, **metadata}}


def secret_binding(
    name: str = "aws",
    namespace: str = "garden-dev",
    provider: str = "aws",
    quotas: list[dict[str, str]] | None = None,
    secret_name: str = "aws-credentials",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": f"{CORE}/v1beta1",
        "kind": "SecretBinding",
        "metadata": {"name": name, "namespace": namespace},
        "secretRef": {"name": secret_name, "namespace": namespace},
        "provider": {"type": provider},
    }
    if quotas is not None:
        body["quotas"] = quotas
    return body


def credentials_binding(
    name: str = "aws-cb",
    namespace: str = "garden-dev",
    provider: str = "aws",
    quotas: list[dict[str, str]] | None = None,
    secret_name: str = "aws-credentials",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": f"{SECURITY}/v1alpha1",
        "kind": "CredentialsBinding",
        "metadata": {"name": name, "namespace": namespace},
        "credentialsRef": {"apiVersion": "v1", "kind": "Secret", "name": secret_name, "namespace": namespace},
        "provider": {"type": provider},
    }
    if quotas is not None:
        body["quotas"] = quotas
    return body


def quota(
    name: str = "trial",
    namespace: str = "garden-dev",
    metrics: dict[str, Any] | None = None,
    scope: str = "Project",
    lifetime: int | None = None,
) -> dict[str, Any]:
    scopes = {"Project": f"{CORE}/v1beta1", "Secret": "v1"}
    body: dict[str, Any] = {
        "apiVersion": f"{CORE}/v1beta1",
        "kind": "Quota",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"metrics": metrics or {"cpu": "4"}, "scope": {"apiVersion": scopes.get(scope, scope), "kind": scope}},
    }
    if lifetime is not None:
        body["spec"]["clusterLifetimeDays"] = lifetime
    return body


def seed(name: str = "aws-eu1", provider_type: str = "aws", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": f"{CORE}/v1beta1",
        "kind": "Seed",
        "metadata": {"name": name},
        "spec": {
            "provider": {"type": provider_type, "region": "eu-west-1"},
            "networks": {"nodes": "10.0.0.0/16", "pods": "10.1.0.0/16", "services": "10.2.0.0/16"},
            "dns": {"provider": {"type": "aws-route53", "secretRef": {"name": "dns", "namespace": "garden"}}},
            "ingress": {"domain": f"ingress.{name}.example.com", "controller": {"kind": "nginx"}},
            **spec,
        },
    }


def worker(name: str = "worker", machine: str = "m5.large", maximum: int = 2, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "machine": {"type": machine},
        "minimum": 1,
        "maximum": maximum,
        "zones": ["eu-central-1a"],
        **extra,
    }


def shoot(name: str = "web", namespace: str = "garden-dev", **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": f"{CORE}/v1beta1",
        "kind": "Shoot",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "cloudProfile": {"name": "aws"},
            "region": "eu-central-1",
            "secretBindingName": "aws",
            "provider": {"type": "aws", "workers": [worker()]},
            "kubernetes": {"version": "1.36"},
            "networking": {"type": "calico", "nodes": "10.250.0.0/16"},
        },
    }
    body["spec"].update(spec)
    return body


def request(
    operation: Operation,
    obj: Object | None,
    old: Object | None = None,
    *,
    subresource: str = "",
    user: UserInfo = ALICE,
) -> Request:
    source = obj if obj is not None else old
    assert source is not None
    group, version, resource = KINDS[source["kind"]]
    meta = source["metadata"]
    return Request(
        operation=operation,
        group=group,
        version=version,
        resource=resource,
        kind=source["kind"],
        namespace=meta.get("namespace", ""),
        name=meta.get("name", ""),
        object=copy.deepcopy(obj) if obj is not None else None,
        old_object=copy.deepcopy(old) if old is not None else None,
        user=user,
        subresource=subresource,
    )


def chain(reader: DictReader) -> Chain:
    """Every landscape plugin, in order, with the clock pinned."""
    return Chain(plugins(reader, OPTIONS))


async def admit(target: Chain | Plugin, req: Request) -> Object | None:
    """Mutate, then validate; the object as it would be stored."""
    await target.mutate(req)
    await target.validate(req)
    return req.object


async def refused(target: Chain | Plugin, req: Request, code: int) -> APIError:
    with pytest.raises(APIError) as caught:
        await admit(target, req)
    assert caught.value.code == code, caught.value.message
    return caught.value


def cause_paths(error: APIError) -> list[str]:
    return [cause.path for cause in error.causes]


def landscape(*extra: Object) -> DictReader:
    """Project dev (garden-dev), its AWS credentials and binding ``aws``, the aws CloudProfile, and ``extra``."""
    return DictReader(project(), secret("aws-credentials"), secret_binding(), cloud_profile("aws"), *extra)
