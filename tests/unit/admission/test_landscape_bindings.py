"""SecretBindingValidator and CredentialsBindingValidator: defaults, existing references, fixed fields."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from garden.admission.landscape.bindings import CredentialsBindingValidator, SecretBindingValidator
from tests.unit.admission.reader import DictReader
from tests.unit.admission.test_landscape_fixtures import (
    admit,
    cause_paths,
    credentials_binding,
    project,
    quota,
    refused,
    request,
    secret,
    secret_binding,
)

pytestmark = pytest.mark.unit


def garden(*extra: dict[str, Any]) -> DictReader:
    return DictReader(project(), secret("aws-credentials"), quota(), *extra)


def bare_binding(**fields: Any) -> dict[str, Any]:
    body = secret_binding()
    body["secretRef"] = {"name": "aws-credentials"}
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


async def test_namespaces_default_to_the_bindings_own() -> None:
    stored = await admit(SecretBindingValidator(garden()), request("CREATE", bare_binding(quotas=[{"name": "trial"}])))
    assert stored is not None
    assert stored["secretRef"] == {"name": "aws-credentials", "namespace": "garden-dev"}
    assert stored["quotas"] == [{"name": "trial", "namespace": "garden-dev"}]


@pytest.mark.parametrize(
    ("fields", "path", "reason"),
    [
        ({"secretRef": {"name": "gone"}}, "secretRef.name", "FieldValueNotFound"),
        ({"secretRef": {"name": ""}}, "secretRef.name", "FieldValueRequired"),
        ({"quotas": [{"name": "unknown"}]}, "quotas[0].name", "FieldValueNotFound"),
        ({"quotas": [{"name": ""}]}, "quotas[0].name", "FieldValueRequired"),
        ({"quotas": [{"name": "trial"}, {"name": "second"}]}, "quotas[1]", "FieldValueForbidden"),
        ({"provider": None}, "provider", "FieldValueRequired"),
        ({"provider": {"type": ""}}, "provider.type", "FieldValueRequired"),
    ],
)
async def test_secret_binding_rules(fields: dict[str, Any], path: str, reason: str) -> None:
    reader = garden(quota("second", metrics={"memory": "1Gi"}))
    error = await refused(SecretBindingValidator(reader), request("CREATE", bare_binding(**fields)), 422)
    assert [(c.path, c.type) for c in error.causes] == [(path, reason)]


async def test_one_quota_of_each_scope_is_fine() -> None:
    reader = garden(quota("shared", "garden", scope="Secret"))
    quotas = [{"name": "trial"}, {"name": "shared", "namespace": "garden"}]
    await admit(SecretBindingValidator(reader), request("CREATE", bare_binding(quotas=quotas)))


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"secretRef": {"name": "other", "namespace": "garden-dev"}}, "secretRef"),
        ({"quotas": [{"name": "trial", "namespace": "garden-dev"}]}, "quotas"),
        ({"provider": {"type": "gcp"}}, "provider"),
    ],
)
async def test_a_secret_binding_keeps_its_references_and_provider(fields: dict[str, Any], path: str) -> None:
    old = secret_binding()
    error = await refused(SecretBindingValidator(garden()), request("UPDATE", {**old, **fields}, old), 422)
    assert cause_paths(error) == [path]


async def test_an_unchanged_binding_is_not_looked_up_again() -> None:
    old = secret_binding(secret_name="since-deleted")
    new = copy.deepcopy(old)
    new["metadata"]["labels"] = {"a": "b"}
    new["secretRef"] = {"name": "since-deleted"}  # the namespace is defaulted again
    await admit(SecretBindingValidator(garden()), request("UPDATE", new, old))


async def test_a_credentials_binding_names_an_existing_secret_or_a_workload_identity() -> None:
    plugin = CredentialsBindingValidator(garden())
    await admit(plugin, request("CREATE", credentials_binding(quotas=[{"name": "trial"}])))
    error = await refused(plugin, request("CREATE", credentials_binding(secret_name="gone")), 422)
    assert cause_paths(error) == ["credentialsRef.name"]
    identity = credentials_binding()
    identity["credentialsRef"] = {
        "apiVersion": "security.gardener.cloud/v1alpha1",
        "kind": "WorkloadIdentity",
        "name": "aws",
        "namespace": "garden-dev",
    }
    await admit(plugin, request("CREATE", identity))
    config_map = credentials_binding()
    config_map["credentialsRef"] = {"apiVersion": "v1", "kind": "ConfigMap", "name": "aws"}
    error = await refused(plugin, request("CREATE", config_map), 422)
    assert [(c.path, c.type) for c in error.causes] == [("credentialsRef", "FieldValueNotSupported")]


async def test_a_credentials_binding_keeps_its_references() -> None:
    old = credentials_binding()
    new = copy.deepcopy(old)
    new["credentialsRef"]["name"] = "other"
    error = await refused(CredentialsBindingValidator(garden()), request("UPDATE", new, old), 422)
    assert cause_paths(error) == ["credentialsRef"]
    unknown_quota = credentials_binding(quotas=[{"name": "nope"}])
    error = await refused(CredentialsBindingValidator(garden()), request("CREATE", unknown_quota), 422)
    assert cause_paths(error) == ["quotas[0].name"]
