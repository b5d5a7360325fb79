"""ShootReferences and ShootTolerationRestriction: the project, the name length, what a shoot names, tolerations."""

from __future__ import annotations

from typing import Any

import pytest

from garden.admission.landscape.references import CREATED_BY_ANNOTATION, ShootReferences
from garden.admission.landscape.tolerations import ShootTolerationRestriction
from tests.unit.admission.reader import DictReader
from tests.unit.admission.test_landscape_fixtures import (
    CORE,
    admit,
    cause_paths,
    chain,
    credentials_binding,
    landscape,
    project,
    refused,
    request,
    secret_binding,
    seed,
    shoot,
)

pytestmark = pytest.mark.unit


def exposure_class(name: str = "internet") -> dict[str, Any]:
    return {"apiVersion": f"{CORE}/v1beta1", "kind": "ExposureClass", "metadata": {"name": name}, "handler": name}


async def test_a_valid_shoot_is_admitted_and_marked_with_its_creator() -> None:
    stored = await admit(chain(landscape()), request("CREATE", shoot()))
    assert stored is not None
    assert stored["metadata"]["annotations"][CREATED_BY_ANNOTATION] == "alice"


async def test_a_namespace_without_project_is_refused() -> None:
    error = await refused(chain(landscape()), request("CREATE", shoot(namespace="nowhere")), 422)
    assert cause_paths(error) == ["metadata.namespace"]
    assert 'no project for namespace "nowhere"' in error.message


@pytest.mark.parametrize(
    "terminating",
    [{"metadata": {"deletionTimestamp": "2026-11-24T00:00:00Z"}}, {"status": {"phase": "Terminating"}}],
)
async def test_a_project_being_deleted_takes_no_new_shoots(terminating: dict[str, Any]) -> None:
    doomed = project()
    for key, value in terminating.items():
        doomed.setdefault(key, {}).update(value)
    reader = landscape(doomed)
    error = await refused(ShootReferences(reader), request("CREATE", shoot()), 403)
    assert "already marked for deletion" in error.message
    # An existing shoot of the project can still be changed.
    old = shoot()
    new = shoot(hibernation={"enabled": True})
    await admit(ShootReferences(reader), request("UPDATE", new, old))


async def test_project_and_shoot_name_together_have_at_most_21_characters() -> None:
    plugin = ShootReferences(landscape())
    await admit(plugin, request("CREATE", shoot("a" * 18)))
    error = await refused(plugin, request("CREATE", shoot("a" * 19)), 422)
    assert cause_paths(error) == ["metadata.name"]
    assert "must not exceed 21 characters (project: dev; shoot: " in error.message


async def test_a_missing_secret_binding_is_refused_naming_the_field() -> None:
    error = await refused(chain(landscape()), request("CREATE", shoot(secretBindingName="nope")), 422)
    assert cause_paths(error) == ["spec.secretBindingName"]
    assert error.causes[0].type == "FieldValueNotFound"
    assert 'Not found: "nope"' in error.message


async def test_a_credentials_binding_may_be_used_instead() -> None:
    reader = landscape(credentials_binding())
    body = shoot()
    del body["spec"]["secretBindingName"]
    await admit(
        chain(reader), request("CREATE", {**body, "spec": {**body["spec"], "credentialsBindingName": "aws-cb"}})
    )
    missing = {**body, "spec": {**body["spec"], "credentialsBindingName": "gone"}}
    error = await refused(chain(reader), request("CREATE", missing), 422)
    assert cause_paths(error) == ["spec.credentialsBindingName"]


async def test_the_binding_must_be_for_the_shoots_provider_type() -> None:
    reader = landscape(secret_binding("gcp", provider="gcp"), secret_binding("multi", provider="gcp, aws"))
    error = await refused(ShootReferences(reader), request("CREATE", shoot(secretBindingName="gcp")), 422)
    assert cause_paths(error) == ["spec.secretBindingName"]
    assert 'is for provider type(s) "gcp", not for the shoot\'s provider type "aws"' in error.message
    await admit(ShootReferences(reader), request("CREATE", shoot(secretBindingName="multi")))


async def test_a_named_seed_must_exist_and_not_be_deleted() -> None:
    deleting = seed("old")
    deleting["metadata"]["deletionTimestamp"] = "2026-11-24T00:00:00Z"
    reader = landscape(seed(), deleting)
    await admit(ShootReferences(reader), request("CREATE", shoot(seedName="aws-eu1")))
    error = await refused(ShootReferences(reader), request("CREATE", shoot(seedName="nope")), 422)
    assert cause_paths(error) == ["spec.seedName"]
    error = await refused(ShootReferences(reader), request("CREATE", shoot(seedName="old")), 403)
    assert "marked for deletion" in error.message


async def test_a_named_exposure_class_must_exist() -> None:
    reader = landscape(exposure_class())
    await admit(ShootReferences(reader), request("CREATE", shoot(exposureClassName="internet")))
    error = await refused(ShootReferences(reader), request("CREATE", shoot(exposureClassName="intranet")), 422)
    assert cause_paths(error) == ["spec.exposureClassName"]


async def test_updates_check_only_references_that_changed() -> None:
    reader = DictReader(project())  # the binding and seed of the stored shoot are gone
    old = shoot(seedName="gone")
    plugin = ShootReferences(reader)
    relabelled = shoot(seedName="gone")
    relabelled["metadata"]["labels"] = {"team": "a"}
    await admit(plugin, request("UPDATE", relabelled, old))
    await admit(plugin, request("UPDATE", shoot(seedName="gone", hibernation={"enabled": True}), old))
    error = await refused(plugin, request("UPDATE", shoot(seedName="gone", secretBindingName="other"), old), 422)
    assert cause_paths(error) == ["spec.secretBindingName"]
    # Growing the name past the limit is not checked on UPDATE (the name cannot change).
    await admit(plugin, request("UPDATE", shoot(seedName="gone", purpose="testing"), old))


async def test_subresource_writes_are_left_alone() -> None:
    old = shoot(secretBindingName="gone")
    new = shoot(secretBindingName="gone")
    new["status"] = {"phase": "x"}
    await admit(ShootReferences(DictReader()), request("UPDATE", new, old, subresource="status"))


def tolerant_project(**tolerations: Any) -> dict[str, Any]:
    return project(tolerations=tolerations)


async def test_project_default_tolerations_are_added_to_new_shoots() -> None:
    reader = landscape(tolerant_project(defaults=[{"key": "a"}, {"key": "b", "value": "x"}, {"key": "c"}]))
    stored = await admit(
        ShootTolerationRestriction(reader), request("CREATE", shoot(tolerations=[{"key": "c", "value": "mine"}]))
    )
    assert stored is not None
    assert stored["spec"]["tolerations"] == [{"key": "c", "value": "mine"}, {"key": "a"}, {"key": "b", "value": "x"}]
    # Only on creation.
    updated = await admit(ShootTolerationRestriction(reader), request("UPDATE", shoot(), shoot()))
    assert updated is not None
    assert "tolerations" not in updated["spec"]


async def test_tolerations_outside_the_project_whitelist_are_refused() -> None:
    whitelist = [{"key": "any-value"}, {"key": "pinned", "value": "yes"}]
    plugin = ShootTolerationRestriction(landscape(tolerant_project(whitelist=whitelist)))
    allowed = [{"key": "any-value", "value": "whatever"}, {"key": "pinned", "value": "yes"}]
    await admit(plugin, request("CREATE", shoot(tolerations=allowed)))
    error = await refused(plugin, request("CREATE", shoot(tolerations=[{"key": "pinned", "value": "no"}])), 403)
    assert "spec.tolerations[0]: pinned=no" in error.message
    assert "spec.tolerations.whitelist: [any-value, pinned=yes]" in error.message
    await refused(plugin, request("CREATE", shoot(tolerations=[{"key": "other"}])), 403)


async def test_without_a_whitelist_any_toleration_is_allowed() -> None:
    await admit(ShootTolerationRestriction(landscape()), request("CREATE", shoot(tolerations=[{"key": "x"}])))


async def test_updates_check_only_new_tolerations() -> None:
    plugin = ShootTolerationRestriction(landscape(tolerant_project(whitelist=[{"key": "ok"}])))
    old = shoot(tolerations=[{"key": "legacy"}])
    await admit(plugin, request("UPDATE", shoot(tolerations=[{"key": "legacy"}, {"key": "ok"}]), old))
    await refused(plugin, request("UPDATE", shoot(tolerations=[{"key": "legacy"}, {"key": "new"}]), old), 403)
