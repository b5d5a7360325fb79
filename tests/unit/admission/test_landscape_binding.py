"""ShootBinding: the shoots/binding subresource sets spec.seedName and nothing else, to a seed that can take it."""

from __future__ import annotations

from typing import Any

import pytest

from garden.admission.landscape.binding import ShootBinding
from tests.unit.admission.test_landscape_fixtures import admit, cause_paths, landscape, refused, request, seed, shoot

pytestmark = pytest.mark.unit


def bind(new: dict[str, Any], old: dict[str, Any] | None = None) -> Any:
    return request("UPDATE", new, old if old is not None else shoot(), subresource="binding")


async def test_the_binding_sets_the_seed() -> None:
    await admit(ShootBinding(landscape(seed())), bind(shoot(seedName="aws-eu1")))


async def test_nothing_but_the_seed_may_change() -> None:
    error = await refused(
        ShootBinding(landscape(seed())), bind(shoot(seedName="aws-eu1", purpose="production", region="eu-west-1")), 422
    )
    assert cause_paths(error) == ["spec.purpose", "spec.region"]
    assert "only spec.seedName may be changed through the shoots/binding subresource" in error.message


async def test_the_seed_must_be_named_and_exist() -> None:
    plugin = ShootBinding(landscape(seed()))
    error = await refused(plugin, bind(shoot(seedName="nope")), 422)
    assert [(c.path, c.type) for c in error.causes] == [("spec.seedName", "FieldValueNotFound")]
    error = await refused(plugin, bind(shoot()), 422)
    assert [(c.path, c.type) for c in error.causes] == [("spec.seedName", "FieldValueRequired")]


async def test_a_seed_being_deleted_takes_no_shoots() -> None:
    doomed = seed()
    doomed["metadata"]["deletionTimestamp"] = "2026-11-24T00:00:00Z"
    error = await refused(ShootBinding(landscape(doomed)), bind(shoot(seedName="aws-eu1")), 403)
    assert "already marked for deletion" in error.message


async def test_the_shoot_must_tolerate_the_seeds_taints() -> None:
    tainted = seed(taints=[{"key": "seed.gardener.cloud/protected"}, {"key": "dedicated", "value": "team-a"}])
    plugin = ShootBinding(landscape(tainted))
    partial = [{"key": "dedicated"}]
    error = await refused(plugin, bind(shoot(seedName="aws-eu1", tolerations=partial), shoot(tolerations=partial)), 403)
    assert "seed.gardener.cloud/protected" in error.message
    tolerations = [{"key": "seed.gardener.cloud/protected"}, {"key": "dedicated", "value": "team-a"}]
    await admit(plugin, bind(shoot(seedName="aws-eu1", tolerations=tolerations), shoot(tolerations=tolerations)))


async def test_a_full_seed_takes_no_more_shoots() -> None:
    full = seed()
    full["status"] = {"allocatable": {"shoots": "1"}}
    reader = landscape(full, shoot("other", seedName="aws-eu1"))
    error = await refused(ShootBinding(reader), bind(shoot(seedName="aws-eu1")), 403)
    assert "maximum number of shoots" in error.message


async def test_moving_to_another_seed_needs_the_same_provider() -> None:
    reader = landscape(seed(), seed("aws-eu2"), seed("gcp-eu1", provider_type="gcp"))
    old = shoot(seedName="aws-eu1")
    await admit(ShootBinding(reader), bind(shoot(seedName="aws-eu2"), old))
    error = await refused(ShootBinding(reader), bind(shoot(seedName="gcp-eu1"), old), 403)
    assert "is not equal to cloud provider for old seed" in error.message


async def test_other_writes_are_not_bindings() -> None:
    await admit(ShootBinding(landscape()), request("UPDATE", shoot(purpose="production"), shoot()))
