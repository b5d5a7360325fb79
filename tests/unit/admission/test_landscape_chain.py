"""The landscape plugins as a chain: their order, and mutation that survives any object (it runs before the
schema is checked)."""

from __future__ import annotations

from typing import Any

import pytest

from garden.admission.landscape import plugins
from tests.unit.admission.test_landscape_fixtures import KINDS, OPTIONS, chain, landscape, request

pytestmark = pytest.mark.unit


def test_the_plugins_run_in_gardeners_order() -> None:
    assert [p.name for p in plugins(landscape(), OPTIONS)] == [
        "ProjectMutator",
        "ProjectValidator",
        "SecretBindingValidator",
        "CredentialsBindingValidator",
        "QuotaValidator",
        "ShootReferences",
        "ShootTolerationRestriction",
        "ShootDNS",
        "ShootQuotaValidator",
        "ShootBinding",
        "SeedValidator",
        "CloudProfileValidator",
        "NamespacedCloudProfileValidator",
    ]


MALFORMED: list[Any] = [
    "oops",
    5,
    None,
    [],
    {"provider": [], "dns": 5, "tolerations": "x", "members": "y", "namespace": 3, "owner": "z"},
    {"provider": {"workers": ["w", {"machine": 3, "maximum": "many", "volume": []}]}, "dns": {"providers": "p"}},
    {"tolerations": [1, {"key": 2}], "members": [1, {"role": 3, "roles": "r"}], "secretBindingName": 7},
]


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("body", MALFORMED)
async def test_mutation_never_crashes_on_malformed_objects(kind: str, body: Any) -> None:
    obj: dict[str, Any] = {"kind": kind, "metadata": {"name": "x", "namespace": "garden-dev"}, "spec": body}
    if kind in ("SecretBinding", "CredentialsBinding"):
        obj.update({"secretRef": body, "credentialsRef": body, "quotas": body, "provider": body})
    await chain(landscape()).mutate(request("CREATE", obj))
    await chain(landscape()).mutate(request("UPDATE", obj, obj))
